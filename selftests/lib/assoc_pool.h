/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An association pool: one one-to-many server and n one-to-one clients
 * on loopback, each client mapped to its association id on the server.
 */
#ifndef SX_LIB_ASSOC_POOL_H
#define SX_LIB_ASSOC_POOL_H

#include <stdint.h>

/* A one-to-many server and n one-to-one clients; ids in client order. */
struct sx_pool {
	int srv;
	uint16_t port;
	int n;
	int *cli;		/* -1 once closed */
	uint32_t *ids;		/* ids[i]: cli[i]'s association on srv */
};

int sx_pool_make(struct sx_pool *p, int n);	/* on 127.0.0.1 */
int sx_pool_make_at(struct sx_pool *p, int family, const char *ip, int n);
/* The same on 127.0.0.1, setup(srv) run before any client connects. */
int sx_pool_make_setup(struct sx_pool *p, int n, int (*setup)(int srv));
/* Close and free what it holds; again, or on a zeroed pool with srv -1: nothing. */
void sx_pool_free(struct sx_pool *p);
int sx_pool_index(const struct sx_pool *p, uint32_t id);

#endif /* SX_LIB_ASSOC_POOL_H */
