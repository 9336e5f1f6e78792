/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Two contexts joined by hand through testbe (198.18.0.1 "a", 198.18.0.2
 * "b"), a virtual clock, and an app that records every TCP event. Shared
 * by the TCP unit and conversation tests.
 */
#ifndef TCP_PAIR_H
#define TCP_PAIR_H

#include "rts_test.h"
#include "rts_test_pkt.h"
#include "testbe.h"

#define APP_BUF (1u << 20)

struct app {
	struct rts_tcp_conn *conn;
	int accepted, connected, peer_closed, closed, close_reason;
	uint32_t acked;
	size_t rx_len;
	uint8_t *rx;           /* first APP_BUF bytes received */
	bool echo;             /* send back what arrives */
	bool close_on_fin;     /* rts_tcp_close() when the peer closes */
	bool no_consume;       /* never call rts_tcp_consumed() */
	int reject;            /* accepted() returns this */
};

struct pair {
	struct testbe *ba, *bb;
	struct rts_ctx *a, *b;
	uint64_t now;
	struct app sa, sb;     /* app state on a and b */
};

static const struct rts_ip PAIR_IP_A = { .u8 = { 0,0,0,0,0,0,0,0,0,0,0xff,0xff,198,18,0,1 } };
static const struct rts_ip PAIR_IP_B = { .u8 = { 0,0,0,0,0,0,0,0,0,0,0xff,0xff,198,18,0,2 } };

static void app_data(struct rts_tcp_conn *c, void *user, struct rts_pkt *p,
		     uint32_t off, uint32_t len)
{
	struct app *a = user;
	struct rts_test_span sp = rts_test_span(p, off, len);
	const uint8_t *d;
	uint32_t n;

	while (rts_test_span_next(&sp, &d, &n)) {
		if (a->rx_len < APP_BUF)
			memcpy(a->rx + a->rx_len, d,
			       a->rx_len + n <= APP_BUF ? n : APP_BUF - a->rx_len);
		if (a->echo)
			rts_tcp_send(c, d, n);
		a->rx_len += n;
	}
	rts_pkt_free(rts_tcp_ctx(c), p);
	if (!a->no_consume)
		rts_tcp_consumed(c, len);
}

static void app_peer_closed(struct rts_tcp_conn *c, void *user)
{
	struct app *a = user;

	a->peer_closed++;
	if (a->close_on_fin)
		rts_tcp_close(c);
}

static void app_closed(struct rts_tcp_conn *c, void *user, int reason)
{
	struct app *a = user;

	(void)c;
	a->closed++;
	a->close_reason = reason;
	a->conn = NULL;
}

static void app_connected(struct rts_tcp_conn *c, void *user)
{
	struct app *a = user;

	a->connected++;
	a->conn = c;
}

static void app_acked(struct rts_tcp_conn *c, void *user, uint32_t bytes)
{
	(void)c;
	((struct app *)user)->acked += bytes;
}

static int app_accepted(struct rts_tcp_conn *c, void *listener_user)
{
	struct app *a = listener_user;

	a->accepted++;
	if (a->reject)
		return a->reject;
	a->conn = c;
	return 0;
}

static const struct rts_tcp_handlers app_handlers = {
	.accepted = app_accepted,
	.connected = app_connected,
	.data = app_data,
	.peer_closed = app_peer_closed,
	.acked = app_acked,
	.closed = app_closed,
};

static inline void pair_init_cfg(struct pair *p, const struct rts_config *cfg_a,
				 const struct rts_config *cfg_b)
{
	memset(p, 0, sizeof(*p));
	p->now = 1000000000ull;
	p->ba = testbe_new();
	p->bb = testbe_new();
	p->a = testbe_ctx_cfg(p->ba, cfg_a, p->now);
	p->b = testbe_ctx_cfg(p->bb, cfg_b, p->now);
	p->sa.rx = calloc(1, APP_BUF);
	p->sb.rx = calloc(1, APP_BUF);
	testbe_drain(p->ba); /* gratuitous ARPs */
	testbe_drain(p->bb);
}

static inline void pair_init(struct pair *p)
{
	struct rts_config ca, cb;

	testbe_config(&ca, "198.18.0.1/24", 1, 0);
	testbe_config(&cb, "198.18.0.2/24", 2, 0);
	pair_init_cfg(p, &ca, &cb);
}

/* Deliver frames both ways until the link is quiet; returns frames moved. */
static inline size_t pair_pump(struct pair *p)
{
	size_t total = 0, n;

	do {
		rts_flush(p->a);
		rts_flush(p->b);
		n = testbe_forward(p->ba, p->bb, p->b, p->now);
		n += testbe_forward(p->bb, p->ba, p->a, p->now);
		total += n;
	} while (n);
	return total;
}

/* Move the clock by @ns, run timers on both sides, pump. */
static inline void pair_advance(struct pair *p, uint64_t ns)
{
	p->now += ns;
	rts_poll(p->a, p->now);
	rts_poll(p->b, p->now);
	pair_pump(p);
}

/* b listens on @port, a connects; pumped until quiet. */
static inline void pair_connect(struct pair *p, uint16_t port)
{
	struct rts_endpoint l = { .port = port }, r = { .ip = PAIR_IP_B, .port = port };
	int err;

	RTS_CHECK(rts_tcp_listen(p->b, &l, 0, &app_handlers, &p->sb, &err) != NULL);
	p->sa.conn = rts_tcp_connect(p->a, NULL, &r, &app_handlers, &p->sa, &err);
	RTS_CHECK(p->sa.conn != NULL);
	pair_pump(p);
}

static inline void pair_fini(struct pair *p)
{
	testbe_ctx_free(p->a, p->now);
	testbe_ctx_free(p->b, p->now);
	testbe_delete(p->ba);
	testbe_delete(p->bb);
	free(p->sa.rx);
	free(p->sb.rx);
}

#endif
