// SPDX-License-Identifier: GPL-2.0
/*
 * sctpx: the tracepoints of trace.h, defined here and only here. Built
 * with PEELOFF, their one user.
 */
#define CREATE_TRACE_POINTS
#include "trace.h"
