/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a test fixture holds and gives back: a netlink socket, an
 * association pool the test sizes, and every descriptor the test opened.
 * The teardown releases them whatever the test left, so a test stopped by
 * a failed assertion leaks nothing into the next.
 */
#ifndef SX_LIB_FIXTURE_H
#define SX_LIB_FIXTURE_H

#include "nl.h"
#include "assoc_pool.h"

/*
 * First in a setup: *top becomes the highest descriptor open now, the
 * socket closed and the pool empty (freeing them closes nothing). Here
 * and in sx_fix_end(), a fixture without a socket or pool passes NULL.
 */
void sx_fix_begin(struct sx_nl *nl, struct sx_pool *p, int *top);
/* The teardown: free the pool, close the socket, then every fd above top. */
void sx_fix_end(struct sx_nl *nl, struct sx_pool *p, int top);

#endif /* SX_LIB_FIXTURE_H */
