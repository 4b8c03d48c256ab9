/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sctpx: tracepoints, under events/sctpx/ in tracefs.
 *
 * They carry what is measured only for a reader: the time a PEELOFF
 * spends in the kernel work every peeled fd needs, in each stage of the
 * request and in the whole request. The caller reads the clock only
 * while the event is enabled (trace_sctpx_peeloff_enabled(), a static
 * key), so a kernel that does not trace pays nothing.
 * Documentation/sctpx.rst, "Tracepoints".
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM sctpx

#if !defined(_SCTPX_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _SCTPX_TRACE_H

#include <linux/tracepoint.h>

#include "peeloff.h"

/*
 * One PEELOFF request that peeled at least one association: @r's
 * requested entries (ids given, or selected within the limit), @peeled of
 * them handed over; floor_ns spent in fd reservation, sctp_do_peeloff()
 * and sock_alloc_file(), @request_ns from the handler's start to the
 * last fd installed (the reply sent), floor_ns included; and where
 * @request_ns went, stage by stage (&enum sctpx_peel_stage), one field
 * each so that filters and tools name them: the stages follow one
 * another, so their sum is @request_ns less the accounting after the
 * last install; reserve_ns is part of floor_ns, and the rest of floor_ns
 * is part of peel_ns.
 */
TRACE_EVENT(sctpx_peeloff,
	    TP_PROTO(const struct sctpx_peel_req *r, u32 peeled,
		     u64 request_ns),
	    TP_ARGS(r, peeled, request_ns),
	    TP_STRUCT__entry(__field(u32, requested)
			     __field(u32, peeled)
			     __field(u64, floor_ns)
			     __field(u64, request_ns)
			     __field(u64, parse_ns)
			     __field(u64, lookup_ns)
			     __field(u64, reserve_ns)
			     __field(u64, reply_ns)
			     __field(u64, peel_ns)
			     __field(u64, send_ns)
			     __field(u64, install_ns)),
	    TP_fast_assign(const u64 *st = r->stage_ns;

			   __entry->requested = r->n;
			   __entry->peeled = peeled;
			   __entry->floor_ns = r->floor_ns;
			   __entry->request_ns = request_ns;
			   __entry->parse_ns = st[SCTPX_PEEL_STAGE_PARSE];
			   __entry->lookup_ns = st[SCTPX_PEEL_STAGE_LOOKUP];
			   __entry->reserve_ns = st[SCTPX_PEEL_STAGE_RESERVE];
			   __entry->reply_ns = st[SCTPX_PEEL_STAGE_REPLY];
			   __entry->peel_ns = st[SCTPX_PEEL_STAGE_PEEL];
			   __entry->send_ns = st[SCTPX_PEEL_STAGE_SEND];
			   __entry->install_ns = st[SCTPX_PEEL_STAGE_INSTALL];),
	    TP_printk("requested=%u peeled=%u floor_ns=%llu request_ns=%llu parse_ns=%llu lookup_ns=%llu reserve_ns=%llu reply_ns=%llu peel_ns=%llu send_ns=%llu install_ns=%llu",
		      __entry->requested, __entry->peeled,
		      __entry->floor_ns, __entry->request_ns,
		      __entry->parse_ns, __entry->lookup_ns,
		      __entry->reserve_ns, __entry->reply_ns,
		      __entry->peel_ns, __entry->send_ns,
		      __entry->install_ns)
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
