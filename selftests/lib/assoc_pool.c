// SPDX-License-Identifier: GPL-2.0
/*
 * An association pool: one one-to-many server and n one-to-one clients
 * on loopback, each client mapped to its association id on the server.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <netinet/sctp.h>

#include "assoc_pool.h"
#include "loopback.h"

/* The server-side id of each client's association, by SCTP_STATUS. */
static int sx_pool_map(struct sx_pool *p)
{
	static int by_port[65536];
	uint32_t *ids;
	size_t n, i;
	int c;

	if (sx_assoc_ids(p->srv, &ids, &n) || (int)n != p->n)
		return -1;
	memset(by_port, 0, sizeof(by_port));
	for (c = 0; c < p->n; c++)
		by_port[sx_local_port(p->cli[c])] = c + 1;
	for (i = 0; i < n; i++) {
		struct sctp_status st = { .sstat_assoc_id = ids[i] };
		socklen_t len = sizeof(st);
		struct sockaddr_in *sin;

		if (getsockopt(p->srv, SOL_SCTP, SCTP_STATUS, &st, &len))
			break;
		sin = (struct sockaddr_in *)&st.sstat_primary.spinfo_address;
		c = by_port[ntohs(sin->sin_port)] - 1;
		if (c < 0 || p->ids[c])
			break;
		p->ids[c] = ids[i];
	}
	free(ids);
	return i == n ? 0 : -1;
}

/* A pool of @n associations; @setup, if any, runs on the server first. */
static int sx_pool_make_with(struct sx_pool *p, int family, const char *ip,
			     int n, int (*setup)(int srv))
{
	memset(p, 0, sizeof(*p));
	p->n = n;
	p->srv = -1;
	p->cli = calloc(n ? n : 1, sizeof(int));
	p->ids = calloc(n ? n : 1, sizeof(uint32_t));
	if (!p->cli || !p->ids)
		return -1;
	p->srv = sx_server_at(family, ip, &p->port);
	if (p->srv < 0 || (setup && setup(p->srv)))
		return -1;
	if (sx_clients_to(family, ip, p->port, n, p->cli))
		return -1;
	return sx_pool_map(p);
}

int sx_pool_make_at(struct sx_pool *p, int family, const char *ip, int n)
{
	return sx_pool_make_with(p, family, ip, n, NULL);
}

int sx_pool_make_setup(struct sx_pool *p, int n, int (*setup)(int srv))
{
	return sx_pool_make_with(p, AF_INET, NULL, n, setup);
}

int sx_pool_make(struct sx_pool *p, int n)
{
	return sx_pool_make_at(p, AF_INET, NULL, n);
}

void sx_pool_free(struct sx_pool *p)
{
	int i;

	for (i = 0; p->cli && i < p->n; i++)
		if (p->cli[i] >= 0)
			close(p->cli[i]);
	if (p->srv >= 0)
		close(p->srv);
	free(p->cli);
	free(p->ids);
	/* Freed twice (a test, then its fixture's teardown) is harmless. */
	p->cli = NULL;
	p->ids = NULL;
	p->srv = -1;
}

int sx_pool_index(const struct sx_pool *p, uint32_t id)
{
	int i;

	for (i = 0; i < p->n; i++)
		if (p->ids[i] == id)
			return i;
	return -1;
}
