// SPDX-License-Identifier: GPL-2.0
/*
 * The fixtures' setup and teardown (fixture.h).
 */
#include <string.h>

#include "fixture.h"
#include "process.h"

void sx_fix_begin(struct sx_nl *nl, struct sx_pool *p, int *top)
{
	*top = sx_max_fd();
	if (nl)
		memset(nl, 0, sizeof(*nl));
	if (p) {
		memset(p, 0, sizeof(*p));
		p->srv = -1;
	}
}

void sx_fix_end(struct sx_nl *nl, struct sx_pool *p, int top)
{
	if (p)
		sx_pool_free(p);
	if (nl)
		sx_nl_close(nl);
	sx_close_above(top);
}
