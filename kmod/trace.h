/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sctpx: tracepoints, under events/sctpx/ in tracefs.
 *
 * They carry what is measured only for a reader: the time a PEELOFF
 * spends in the kernel work every peeled fd needs, and in the whole
 * request. The caller reads the clock only while the event is enabled
 * (trace_sctpx_peeloff_enabled(), a static key), so a kernel that does
 * not trace pays nothing. Documentation/sctpx.rst, "Tracepoints".
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM sctpx

#if !defined(_SCTPX_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _SCTPX_TRACE_H

#include <linux/tracepoint.h>

/*
 * One PEELOFF request that peeled at least one association: @requested
 * entries (ids given, or selected within the limit), @peeled of them
 * handed over; @floor_ns spent in fd reservation, sctp_do_peeloff() and
 * sock_alloc_file(), @request_ns from the handler's start to the last fd
 * installed (the reply sent), @floor_ns included.
 */
TRACE_EVENT(sctpx_peeloff,
	    TP_PROTO(u32 requested, u32 peeled, u64 floor_ns, u64 request_ns),
	    TP_ARGS(requested, peeled, floor_ns, request_ns),
	    TP_STRUCT__entry(__field(u32, requested)
			     __field(u32, peeled)
			     __field(u64, floor_ns)
			     __field(u64, request_ns)),
	    TP_fast_assign(__entry->requested = requested;
			   __entry->peeled = peeled;
			   __entry->floor_ns = floor_ns;
			   __entry->request_ns = request_ns;),
	    TP_printk("requested=%u peeled=%u floor_ns=%llu request_ns=%llu",
		      __entry->requested, __entry->peeled,
		      __entry->floor_ns, __entry->request_ns)
);

#endif /* _SCTPX_TRACE_H */

/*
 * Out of tree: define_trace.h includes <TRACE_INCLUDE_PATH/
 * TRACE_INCLUDE_FILE.h>, found through the -I$(src) that Kbuild gives
 * trace.o, the one file that defines the events.
 */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
