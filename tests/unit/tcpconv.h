/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP conversation tests: one context (the stack, 198.18.0.2, MAC ..:02)
 * and the test playing its peer (198.18.0.1, MAC ..:01). The peer's
 * segments are built here byte by byte (own option encoder, own checksums)
 * and injected; what the stack answers is popped from the capture backend,
 * checked down to the checksums and parsed for exact assertions. Time is
 * virtual: cv->now moves only when a test moves it.
 */
#ifndef TCPCONV_H
#define TCPCONV_H

#include "core/internal.h"
#include "tcp_pair.h"
#include "wire/tcp.h"

#include <rtestack/tcp.h>

#define MS 1000000ull
#define SEC 1000000000ull

#define CV_PORT 80            /* the stack listens here */
#define CV_PPORT 40000        /* the peer's port */
#define CV_PEER_ISN 0xfffff000u /* close to the wrap: seq arithmetic is tested too */
#define CV_TS_START 70000u    /* the peer's first TSval */

/* What the peer's SYN offers. */
struct cv_peer {
	uint16_t mss; /* 0: no MSS option */
	int ws;       /* window shift; -1: no window scale option */
	bool sack, ts;
};
static const struct cv_peer CV_FULL = { 1460, 7, true, true };
static const struct cv_peer CV_BARE = { 0, -1, false, false };
static const struct cv_peer CV_PLAIN = { 1460, -1, false, false }; /* MSS only */
static const struct cv_peer CV_SACK_NOTS = { 1460, -1, true, false };

/* A segment the peer sends. */
struct cv_seg {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t win;
	uint16_t mss;          /* SYN options: 0 = none */
	int ws;                /* -1: none (raw value, so 15 can be sent) */
	bool sack_perm;
	bool ts;
	uint32_t tsval, tsecr;
	uint8_t n_sack;
	struct rts_tcp_sack_block sack[4];
	uint32_t len;          /* payload bytes: pattern bytes of their seq */
};

/* A segment the stack sent, parsed. */
struct cv_out {
	struct rts_tcp_hdr th;
	struct rts_tcp_opts o;
	uint32_t len;
	uint8_t data[2048];
};

struct conv {
	struct testbe *be;
	struct rts_ctx *ctx;
	uint64_t now;
	struct app app;        /* the app on the stack (listener user) */
	struct rts_tcp_listener *l;
	uint16_t pport;        /* the peer's port for the next segments */
	/* the peer's view of the connection */
	uint32_t iss;          /* the stack's ISS */
	uint32_t snd;          /* next sequence number the peer sends */
	uint32_t rcv;          /* next sequence number the peer expects */
	uint16_t win;          /* window field the peer sends */
	bool ts;               /* timestamps negotiated */
	uint32_t tsval;        /* the peer's TS clock */
	uint32_t tsecr;        /* the last TSval the stack sent */
};

/* The payload byte at sequence number @seq (lets any segment be checked). */
static inline uint8_t cv_pat(uint32_t seq)
{
	return (uint8_t)(seq * 7u + (seq >> 8) + 3u);
}

static inline struct rts_ip cv_ip_stack(void) { return rts_ip4(198, 18, 0, 2); }
static inline struct rts_ip cv_ip_peer(void) { return rts_ip4(198, 18, 0, 1); }

static inline void cv_put16(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static inline void cv_put32(uint8_t *b, uint32_t v)
{
	cv_put16(b, v >> 16);
	cv_put16(b + 2, v);
}

static inline uint32_t cv_get32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* IPv4 pseudo-header sum for TCP (RFC 9293 §3.1). */
static inline uint32_t cv_pseudo(const struct rts_ip *src, const struct rts_ip *dst,
				 uint32_t len)
{
	const uint8_t *s = src->u8 + 12, *d = dst->u8 + 12;

	return (uint32_t)(s[0] << 8 | s[1]) + (uint32_t)(s[2] << 8 | s[3]) +
	       (uint32_t)(d[0] << 8 | d[1]) + (uint32_t)(d[2] << 8 | d[3]) + 6u + len;
}

/* The test's own option encoder: every option 4-byte aligned with NOPs. */
static inline size_t cv_put_opts(uint8_t *b, const struct cv_seg *s)
{
	size_t n = 0;

	if (s->mss) {
		b[n++] = 2; b[n++] = 4;
		cv_put16(b + n, s->mss);
		n += 2;
	}
	if (s->ws >= 0) {
		b[n++] = 1; b[n++] = 3; b[n++] = 3; b[n++] = (uint8_t)s->ws;
	}
	if (s->sack_perm) {
		b[n++] = 1; b[n++] = 1; b[n++] = 4; b[n++] = 2;
	}
	if (s->ts) {
		b[n++] = 1; b[n++] = 1; b[n++] = 8; b[n++] = 10;
		cv_put32(b + n, s->tsval);
		cv_put32(b + n + 4, s->tsecr);
		n += 8;
	}
	if (s->n_sack) {
		b[n++] = 1; b[n++] = 1; b[n++] = 5;
		b[n++] = (uint8_t)(2 + 8 * s->n_sack);
		for (unsigned i = 0; i < s->n_sack; i++) {
			cv_put32(b + n, s->sack[i].start);
			cv_put32(b + n + 4, s->sack[i].end);
			n += 8;
		}
	}
	return n;
}

/* ------------------------------------------------------------ setup */

/* The stack's config: 198.18.0.2/24, the peer as a static neighbour. */
static inline void cv_config(struct rts_config *cfg)
{
	testbe_config(cfg, "198.18.0.2/24", 2, 0);
	cfg->static_neigh[0].ip = cv_ip_peer();
	cfg->static_neigh[0].mac = testbe_mac(1);
	cfg->n_static_neigh = 1;
}

static inline void cv_init_cfg(struct conv *cv, const struct rts_config *cfg)
{
	memset(cv, 0, sizeof(*cv));
	cv->now = 1000 * MS;
	cv->be = testbe_new();
	cv->ctx = testbe_ctx_cfg(cv->be, cfg, cv->now);
	cv->app.rx = calloc(1, APP_BUF);
	cv->pport = CV_PPORT;
	cv->win = 65535;
	cv->tsval = CV_TS_START;
	testbe_drain(cv->be); /* the gratuitous ARP */
}

static inline void cv_init(struct conv *cv)
{
	struct rts_config cfg;

	cv_config(&cfg);
	cv_init_cfg(cv, &cfg);
}

static inline void cv_fini(struct conv *cv)
{
	testbe_ctx_free(cv->ctx, cv->now);
	testbe_delete(cv->be);
	free(cv->app.rx);
}

static inline const struct rts_counters *cv_cnt(const struct conv *cv)
{
	return rts_ctx_counters(cv->ctx);
}

static inline bool cv_listen(struct conv *cv, uint16_t backlog)
{
	struct rts_endpoint l = { .port = CV_PORT };
	int err;

	cv->l = rts_tcp_listen(cv->ctx, &l, backlog, &app_handlers, &cv->app, &err);
	return cv->l != NULL;
}

/* ------------------------------------------------------------ the peer */

/* A segment from the peer's current state: its seq/ack/window and, when
 * negotiated, a timestamp echoing the stack's last TSval. */
static inline struct cv_seg cv_seg(const struct conv *cv, uint8_t flags,
				   uint32_t len)
{
	struct cv_seg s;

	memset(&s, 0, sizeof(s));
	s.sport = cv->pport;
	s.dport = CV_PORT;
	s.seq = cv->snd;
	s.ack = (flags & RTS_TH_ACK) ? cv->rcv : 0;
	s.flags = flags;
	s.win = cv->win;
	s.ws = -1;
	s.ts = cv->ts;
	s.tsval = cv->tsval;
	s.tsecr = cv->tsecr;
	s.len = len;
	return s;
}

/* Build the frame for @s and feed it to the stack at cv->now. */
static inline void cv_inject(struct conv *cv, const struct cv_seg *s)
{
	uint8_t l4[60 + 1500], f[1600];
	struct rts_ip src = cv_ip_peer(), dst = cv_ip_stack();
	struct rts_mac us = testbe_mac(2), peer = testbe_mac(1);
	size_t hlen = 20 + cv_put_opts(l4 + 20, s);
	size_t n;

	cv_put16(l4, s->sport);
	cv_put16(l4 + 2, s->dport);
	cv_put32(l4 + 4, s->seq);
	cv_put32(l4 + 8, s->ack);
	l4[12] = (uint8_t)((hlen / 4) << 4);
	l4[13] = s->flags;
	cv_put16(l4 + 14, s->win);
	cv_put16(l4 + 16, 0);
	cv_put16(l4 + 18, 0);
	for (uint32_t i = 0; i < s->len; i++)
		l4[hlen + i] = cv_pat(s->seq + ((s->flags & RTS_TH_SYN) ? 1 : 0) + i);
	cv_put16(l4 + 16, tb_csum(l4, hlen + s->len,
				  cv_pseudo(&src, &dst, (uint32_t)(hlen + s->len))));
	n = tb_frame_ip(f, &us, &peer, &src, &dst, 6, l4, hlen + s->len, 1, 0x4000);
	testbe_inject(cv->be, cv->ctx, f, n, cv->now);
}

/* Send a segment from the peer's state and advance its SND.NXT. */
static inline void cv_send(struct conv *cv, uint8_t flags, uint32_t len)
{
	struct cv_seg s = cv_seg(cv, flags, len);

	cv_inject(cv, &s);
	cv->snd += len + ((flags & RTS_TH_SYN) ? 1 : 0) + ((flags & RTS_TH_FIN) ? 1 : 0);
}

/*
 * Pop the oldest frame the stack sent: it must be Ethernet/IPv4/TCP from
 * the stack to the peer with valid checksums. Remembers its TSval for the
 * peer's next echo. False (and a failed check) if none or malformed.
 */
static inline bool cv_pop_at(struct conv *cv, struct cv_out *o, int line)
{
	uint8_t f[2048];
	size_t n = testbe_pop_bytes(cv->be, f, sizeof(f));
	struct rts_ip src = cv_ip_stack(), dst = cv_ip_peer();
	const uint8_t *ip = f + 14, *tcp = f + 34;
	uint32_t l4;
	bool ok;

	memset(o, 0, sizeof(*o));
	if (n == 0) {
		printf("#   line %d: expected a segment, none sent\n", line);
		RTS_CHECK(n != 0);
		return false;
	}
	ok = n >= 54 && f[12] == 0x08 && f[13] == 0x00 && ip[0] == 0x45 &&
	     ip[9] == 6 && memcmp(f, testbe_mac(1).b, 6) == 0 &&
	     memcmp(f + 6, testbe_mac(2).b, 6) == 0 &&
	     memcmp(ip + 12, src.u8 + 12, 4) == 0 &&
	     memcmp(ip + 16, dst.u8 + 12, 4) == 0 && tb_csum(ip, 20, 0) == 0;
	if (!ok) {
		printf("#   line %d: not an IPv4/TCP frame from the stack\n", line);
		RTS_CHECK(ok);
		return false;
	}
	l4 = (uint32_t)(ip[2] << 8 | ip[3]) - 20;
	ok = 34 + l4 <= n && tb_csum(tcp, l4, cv_pseudo(&src, &dst, l4)) == 0 &&
	     rts_tcp_parse(tcp, l4, &o->th) == 0 &&
	     rts_tcp_parse_opts(tcp + 20, o->th.hlen - 20u,
				(o->th.flags & RTS_TH_SYN) != 0, &o->o) == 0;
	if (!ok) {
		printf("#   line %d: bad TCP segment (checksum or header)\n", line);
		RTS_CHECK(ok);
		return false;
	}
	o->len = l4 - o->th.hlen;
	memcpy(o->data, tcp + o->th.hlen, o->len < sizeof(o->data) ? o->len : sizeof(o->data));
	if (o->o.has_ts)
		cv->tsecr = o->o.ts_val;
	RTS_CHECK(true);
	return true;
}
#define cv_pop(cv, o) cv_pop_at((cv), (o), __LINE__)
/* Pop or end the test (RTS_REQUIRE would evaluate its argument twice). */
#define CV_POP(cv, o)                                                          \
	do {                                                                   \
		if (!cv_pop_at((cv), (o), __LINE__))                           \
			return;                                                \
	} while (0)

/* The exact header of a segment: flags, SEQ, ACK (when ACK is set), length. */
#define CV_EXPECT(o, fl, sq, ak, ln)                                           \
	do {                                                                   \
		RTS_CHECK_EQ((o)->th.flags, (fl));                             \
		RTS_CHECK_EQ((o)->th.seq, (uint32_t)(sq));                     \
		RTS_CHECK_EQ((o)->th.ack, (uint32_t)(ak));                     \
		RTS_CHECK_EQ((o)->len, (ln));                                  \
	} while (0)

/* Nothing was sent. */
#define CV_QUIET(cv) RTS_CHECK_EQ(testbe_tx_count((cv)->be), 0)

/* Has the payload of @o the pattern bytes of its sequence numbers? */
static inline bool cv_payload_ok(const struct cv_out *o)
{
	for (uint32_t i = 0; i < o->len && i < sizeof(o->data); i++)
		if (o->data[i] != cv_pat(o->th.seq + i))
			return false;
	return true;
}

/* Has the app received the peer's first @n bytes, in order? */
static inline bool cv_rx_ok(const struct conv *cv, size_t n)
{
	uint32_t first = CV_PEER_ISN + 1;

	if (cv->app.rx_len != n)
		return false;
	for (size_t i = 0; i < n && i < APP_BUF; i++)
		if (cv->app.rx[i] != cv_pat(first + (uint32_t)i))
			return false;
	return true;
}

/* Queue @len pattern bytes on @c for sending (as the app would). */
static inline int cv_app_send(struct conv *cv, struct rts_tcp_conn *c,
			      uint32_t seq, uint32_t len)
{
	uint8_t b[65536];
	int rc;

	for (uint32_t i = 0; i < len && i < sizeof(b); i++)
		b[i] = cv_pat(seq + i);
	rc = rts_tcp_send(c, b, len);
	rts_poll(cv->ctx, cv->now);
	return rc;
}

/* ------------------------------------------------------------ time */

static inline void cv_advance(struct conv *cv, uint64_t ns)
{
	cv->now += ns;
	rts_poll(cv->ctx, cv->now);
}

/*
 * Step the clock 1 ms at a time until the stack sends something; returns
 * the virtual time that took (UINT64_MAX if nothing within @max).
 */
static inline uint64_t cv_wait_tx(struct conv *cv, uint64_t max)
{
	for (uint64_t t = MS; t <= max; t += MS) {
		cv_advance(cv, MS);
		if (testbe_tx_count(cv->be))
			return t;
	}
	return UINT64_MAX;
}

/*
 * A timer's delay as cv_wait_tx() saw it: the wheel (core/timer.c) runs at
 * ~1 ms ticks and an entry due later in the current tick moves to the next
 * one, so a deadline may be met up to 2 ms late, never early.
 */
#define CV_CHECK_DELAY(got, want)                                              \
	do {                                                                   \
		uint64_t g_ = (got), w_ = (want);                              \
		if (!(g_ >= w_ && g_ <= w_ + 2 * MS))                          \
			printf("#   delay %llu ns, want %llu ns\n",            \
			       (unsigned long long)g_, (unsigned long long)w_); \
		RTS_CHECK(g_ >= w_ && g_ <= w_ + 2 * MS);                      \
	} while (0)

/* ------------------------------------------------------------ handshakes */

/*
 * The peer's SYN (ISN CV_PEER_ISN, from cv->pport) with the options of @p;
 * pops the answer into @o. Resets the peer's view (snd, ts).
 */
static inline bool cv_syn(struct conv *cv, const struct cv_peer *p,
			  struct cv_out *o)
{
	struct cv_seg s;

	cv->snd = CV_PEER_ISN;
	cv->ts = false;
	s = cv_seg(cv, RTS_TH_SYN, 0);
	s.mss = p->mss;
	s.ws = p->ws;
	s.sack_perm = p->sack;
	s.ts = p->ts;
	s.tsecr = 0;
	cv_inject(cv, &s);
	cv->snd++;
	return cv_pop(cv, o);
}

/*
 * The peer connects to the listener with the options of @p; the ACK comes
 * @rtt after the SYN-ACK (the stack's first RTT sample). Checks the
 * SYN-ACK's fixed fields and returns it in @synack (may be NULL).
 * Afterwards the app has the connection in cv->app.conn.
 */
static inline bool cv_accept(struct conv *cv, const struct cv_peer *p,
			     uint64_t rtt, struct cv_out *synack)
{
	struct cv_out tmp, *o = synack ? synack : &tmp;
	int accepted = cv->app.accepted;

	if (cv->l == NULL && !cv_listen(cv, 0))
		return false;
	if (!cv_syn(cv, p, o))
		return false;
	RTS_CHECK_EQ(o->th.flags, RTS_TH_SYN | RTS_TH_ACK);
	RTS_CHECK_EQ(o->th.ack, CV_PEER_ISN + 1);
	RTS_CHECK_EQ(o->th.sport, CV_PORT);
	RTS_CHECK_EQ(o->th.dport, cv->pport);
	cv->iss = o->th.seq;
	cv->rcv = o->th.seq + 1;
	cv->ts = p->ts && o->o.has_ts;
	cv->now += rtt;
	cv->tsval += (uint32_t)(rtt / MS);
	cv_send(cv, RTS_TH_ACK, 0);
	RTS_CHECK_EQ(cv->app.accepted, accepted + 1);
	CV_QUIET(cv);
	return cv->app.conn != NULL && cv->app.accepted == accepted + 1;
}

/* cv_accept() or end the test. */
#define CV_ACCEPT(cv, p, rtt, o)                                               \
	do {                                                                   \
		bool ok_ = cv_accept((cv), (p), (rtt), (o));                   \
		RTS_CHECK(ok_);                                                \
		if (!ok_)                                                      \
			return;                                                \
	} while (0)

#endif
