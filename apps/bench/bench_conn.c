/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack-bench — connection pool and rts_tcp handlers shared by the tcp
 * and http workloads.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>

#include "bench_conn.h"

struct bconn_pool {
	const struct bconn_ops *ops;
	struct rts_tcp_listener *listener;
	struct bconn *conns;
	uint32_t n;
	struct bconn *free;
	uint32_t open;
	bool stopping;
};

static struct bconn_pool *pool_of(struct bench_lcore *lc)
{
	return lc->wl_state;
}

/* 'a'..'z' repeated, long enough for any offset modulo 26 plus a span. */
static uint8_t pattern[BENCH_PATTERN_SPAN + 26];

const uint8_t *bench_pattern_at(uint64_t off)
{
	if (pattern[0] == 0)
		for (uint32_t i = 0; i < sizeof(pattern); i++)
			pattern[i] = (uint8_t)('a' + i % 26);
	return pattern + off % 26;
}

void bench_fill_pattern(uint8_t *dst, uint64_t off, uint32_t len)
{
	while (len > 0) {
		uint32_t n = RTE_MIN(len, BENCH_PATTERN_SPAN);

		memcpy(dst, bench_pattern_at(off), n);
		dst += n;
		off += n;
		len -= n;
	}
}

/* ---------------------------------------------------------- receive queue */
void bconn_queue(struct bconn *b, struct rts_pkt *p, uint32_t off,
		 uint32_t len)
{
	struct bconn_rx *e;

	if (len == 0) {
		rts_pkt_free(b->lc->ctx, p);
		return;
	}
	if (b->rxq_n == b->rxq_cap) {
		uint32_t cap = b->rxq_cap ? b->rxq_cap * 2 : 16;
		struct bconn_rx *q = malloc(cap * sizeof(*q));

		if (q == NULL) {
			/* Out of memory: lose the data, say so. */
			b->lc->st.errors++;
			rts_pkt_free(b->lc->ctx, p);
			return;
		}
		for (uint32_t i = 0; i < b->rxq_n; i++)
			q[i] = b->rxq[(b->rxq_head + i) % b->rxq_cap];
		free(b->rxq);
		b->rxq = q;
		b->rxq_cap = cap;
		b->rxq_head = 0;
	}
	e = &b->rxq[(b->rxq_head + b->rxq_n) % b->rxq_cap];
	b->rxq_n++;
	e->head = p;
	e->seg = p;
	e->seg_off = off;
	e->left = len;
	while (e->seg->next != NULL && e->seg_off >= e->seg->len) {
		e->seg_off -= e->seg->len;
		e->seg = e->seg->next;
	}
	b->pend = b->rxq[b->rxq_head].head;
}

bool bconn_piece(struct bconn *b, struct bconn_piece *pc)
{
	struct bconn_rx *e;

	if (b->rxq_n == 0)
		return false;
	e = &b->rxq[b->rxq_head];
	pc->data = e->seg->data + e->seg_off;
	pc->len = RTE_MIN(e->left, e->seg->len - e->seg_off);
	return true;
}

static void pop(struct bconn *b)
{
	rts_pkt_free(b->lc->ctx, b->rxq[b->rxq_head].head);
	b->rxq_head = (b->rxq_head + 1) % b->rxq_cap;
	b->rxq_n--;
	b->pend = b->rxq_n ? b->rxq[b->rxq_head].head : NULL;
}

void bconn_advance(struct bconn *b, uint32_t n)
{
	struct bconn_rx *e = &b->rxq[b->rxq_head];

	e->seg_off += n;
	e->left -= n;
	if (e->left == 0) {
		pop(b);
		return;
	}
	while (e->seg_off >= e->seg->len && e->seg->next != NULL) {
		e->seg_off -= e->seg->len;
		e->seg = e->seg->next;
	}
}

void bconn_drop_rx(struct bconn *b)
{
	while (b->rxq_n > 0)
		pop(b);
	free(b->rxq);
	b->rxq = NULL;
	b->rxq_cap = b->rxq_head = 0;
}

/* ------------------------------------------------------------- handlers */
static struct bconn *take(struct bconn_pool *pl)
{
	struct bconn *b = pl->free;

	if (b == NULL)
		return NULL;
	pl->free = b->next_free;
	b->in_use = true;
	pl->open++;
	return b;
}

static void give_back(struct bconn_pool *pl, struct bconn *b)
{
	struct bench_lcore *lc = b->lc;

	bconn_drop_rx(b);
	memset(b, 0, sizeof(*b));
	b->lc = lc;
	b->next_free = pl->free;
	pl->free = b;
	pl->open--;
}

static int h_accepted(struct rts_tcp_conn *c, void *listener_user)
{
	struct bench_lcore *lc = listener_user;
	struct bconn_pool *pl = pool_of(lc);
	struct bconn *b = pl->stopping ? NULL : take(pl);

	if (b == NULL)
		return -1;
	b->c = c;
	b->connected = true;
	rts_tcp_set_user(c, b);
	lc->st.conns_opened++;
	if (pl->ops->srv_accepted)
		pl->ops->srv_accepted(b);
	return 0;
}

static void h_connected(struct rts_tcp_conn *c, void *user)
{
	struct bconn *b = user;

	(void)c;
	b->connected = true;
	pool_of(b->lc)->ops->cli_connected(b);
}

static void h_data(struct rts_tcp_conn *c, void *user, struct rts_pkt *p,
		   uint32_t off, uint32_t len)
{
	struct bconn *b = user;

	(void)c;
	if (b->client)
		pool_of(b->lc)->ops->cli_data(b, p, off, len);
	else
		pool_of(b->lc)->ops->srv_data(b, p, off, len);
}

static void h_peer_closed(struct rts_tcp_conn *c, void *user)
{
	struct bconn *b = user;

	(void)c;
	b->peer_closed = true;
	if (!b->client) {
		pool_of(b->lc)->ops->srv_peer_closed(b);
		return;
	}
	/* A server that hangs up before the client's work is done failed it. */
	if (!b->target_done && !pool_of(b->lc)->stopping &&
	    (b->lc->o->bytes || b->lc->o->requests)) {
		fprintf(stderr, "rtestack-bench: server closed a connection "
			"before its work was done\n");
		b->lc->st.errors++;
	}
	if (!b->closing) {
		b->closing = true;
		rts_tcp_close(b->c);
	}
}

static void h_acked(struct rts_tcp_conn *c, void *user, uint32_t bytes)
{
	struct bconn *b = user;

	(void)c;
	if (b->client && pool_of(b->lc)->ops->cli_acked)
		pool_of(b->lc)->ops->cli_acked(b, bytes);
}

static void h_writable(struct rts_tcp_conn *c, void *user)
{
	struct bconn *b = user;

	(void)c;
	if (b->client)
		pool_of(b->lc)->ops->cli_writable(b);
	else
		pool_of(b->lc)->ops->srv_writable(b);
}

static const char *reason_name(int reason)
{
	switch (reason) {
	case RTS_TCP_CLOSED_NORMAL: return "normal";
	case RTS_TCP_CLOSED_RESET: return "reset";
	case RTS_TCP_CLOSED_TIMEOUT: return "timeout";
	case RTS_TCP_CLOSED_ABORT: return "abort";
	case RTS_TCP_CLOSED_UNREACH: return "unreachable";
	default: return "?";
	}
}

static void h_closed(struct rts_tcp_conn *c, void *user, int reason)
{
	struct bconn *b = user;
	struct bench_lcore *lc = b->lc;
	struct bconn_pool *pl = pool_of(lc);

	(void)c;
	lc->st.conns_closed++;
	if (b->client && !b->target_done && !pl->stopping &&
	    reason != RTS_TCP_CLOSED_NORMAL) {
		if (lc->st.conns_failed++ < 4)
			fprintf(stderr, "rtestack-bench: lcore %u: connection "
				"%s %s\n", lc->lcore_id,
				b->connected ? "lost:" : "failed:",
				reason_name(reason));
	}
	if (pl->ops->closed)
		pl->ops->closed(b);
	b->c = NULL;
	if (b->client) {
		bconn_drop_rx(b);
		b->in_use = false;
		pl->open--;
	} else {
		give_back(pl, b);
	}
}

static const struct rts_tcp_handlers handlers = {
	.accepted = h_accepted,
	.connected = h_connected,
	.data = h_data,
	.peer_closed = h_peer_closed,
	.acked = h_acked,
	.writable = h_writable,
	.closed = h_closed,
};

/* ----------------------------------------------------------- lifecycle */
static int connect_all(struct bench_lcore *lc, struct bconn_pool *pl)
{
	const struct bench_opts *o = lc->o;
	const struct rts_ip *me = bench_local_ip(o, rts_ip_is_v4(&o->server));
	struct rts_endpoint local, remote;

	if (me == NULL) {
		fprintf(stderr, "rtestack-bench: no --addr of the server's family\n");
		return RTS_EAFNOSUPPORT;
	}
	local.ip = *me;
	local.port = 0;
	remote.ip = o->server;
	remote.port = o->port;
	for (uint32_t i = 0; i < pl->n; i++) {
		struct bconn *b = &pl->conns[i];
		int err = 0;

		b->client = true;
		b->in_use = true;
		b->c = rts_tcp_connect(lc->ctx, &local, &remote, &handlers, b,
				       &err);
		if (b->c == NULL) {
			b->in_use = false;
			lc->st.conns_failed++;
			fprintf(stderr, "rtestack-bench: connect: %s\n",
				rts_strerror(err));
			return err;
		}
		pl->open++;
	}
	return 0;
}

int bconn_start(struct bench_lcore *lc, const struct bconn_ops *ops)
{
	const struct bench_opts *o = lc->o;
	struct bconn_pool *pl;
	struct rts_endpoint ep;
	int err = 0;

	pl = rte_zmalloc("bconn_pool", sizeof(*pl), 64);
	if (pl == NULL)
		return RTS_ENOMEM;
	lc->wl_state = pl;
	pl->ops = ops;
	pl->n = o->role == ROLE_CLIENT ? o->conns : o->max_conns;
	pl->conns = rte_zmalloc("bconn", sizeof(struct bconn) * pl->n, 64);
	if (pl->conns == NULL)
		return RTS_ENOMEM;
	for (uint32_t i = 0; i < pl->n; i++) {
		pl->conns[i].lc = lc;
		if (o->role == ROLE_SERVER) {
			pl->conns[i].next_free = pl->free;
			pl->free = &pl->conns[i];
		}
	}
	if (o->role == ROLE_CLIENT)
		return connect_all(lc, pl);
	memset(&ep, 0, sizeof(ep));
	ep.port = o->port;
	pl->listener = rts_tcp_listen(lc->ctx, &ep, 0, &handlers, lc, &err);
	if (pl->listener == NULL) {
		if (err == RTS_EADDRINUSE)
			fprintf(stderr, "rtestack-bench: port %u is already in "
				"use\n", o->port);
		return err != 0 ? err : RTS_EINVAL;
	}
	return 0;
}

void bconn_tick(struct bench_lcore *lc, uint64_t now_ns)
{
	(void)lc;
	(void)now_ns;
}

void bconn_stop(struct bench_lcore *lc)
{
	struct bconn_pool *pl = pool_of(lc);

	if (pl == NULL)
		return;
	pl->stopping = true;
	if (pl->listener != NULL) {
		rts_tcp_unlisten(pl->listener);
		pl->listener = NULL;
	}
	for (uint32_t i = 0; i < pl->n; i++) {
		struct bconn *b = &pl->conns[i];

		if (b->in_use && b->c != NULL && !b->closing) {
			b->closing = true;
			rts_tcp_close(b->c);
		}
	}
}

bool bconn_idle(struct bench_lcore *lc)
{
	struct bconn_pool *pl = pool_of(lc);

	return pl == NULL || pl->open == 0;
}

bool bconn_finished(struct bench_lcore *lc)
{
	struct bconn_pool *pl = pool_of(lc);

	return pl != NULL && lc->o->role == ROLE_CLIENT &&
	       lc->finished_conns >= pl->n;
}
