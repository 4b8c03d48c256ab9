/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's timing lives in its tracepoint (kmod/trace.h): reaching
 * tracefs and reading the sctpx_peeloff events.
 */
#ifndef SCTPX_SELFTEST_TRACEFS_H
#define SCTPX_SELFTEST_TRACEFS_H

#include <stddef.h>
#include <stdint.h>

/*
 * 1 once tracefs is mounted (mounted if it was not) and @dir names it; 0
 * when this kernel has no tracefs at all (not in /proc/filesystems, so a
 * kernel built without tracing); else -errno.
 */
int sx_tracefs(char *dir, size_t len);

/* Write @val to @file of the tracefs at @dir: 0 or -errno. */
int sx_trace_write(const char *dir, const char *file, const char *val);

/* Empty the trace buffer of the tracefs at @dir: 0 or -errno. */
int sx_trace_clear(const char *dir);

/* The stages of the event's breakdown, in the order the event prints them. */
enum sx_peel_stage {
	SX_STAGE_PARSE,
	SX_STAGE_LOOKUP,
	SX_STAGE_RESERVE,
	SX_STAGE_REPLY,
	SX_STAGE_PEEL,
	SX_STAGE_SEND,
	SX_STAGE_INSTALL,
	SX_STAGES
};

/* Their field names, less "_ns". */
extern const char *const sx_stage_names[SX_STAGES];

/* The fields of one sctpx_peeloff event. */
struct sx_peeloff_event {
	uint32_t requested;
	uint32_t peeled;
	uint64_t floor_ns;
	uint64_t request_ns;
	uint64_t stage_ns[SX_STAGES];
};

/*
 * The sctpx_peeloff events in the trace buffer, at most @max into @ev:
 * how many there are, or -errno (-EPROTO for a line that does not parse).
 */
int sx_trace_peeloff_events(const char *dir, struct sx_peeloff_event *ev,
			    int max);

#endif /* SCTPX_SELFTEST_TRACEFS_H */
