/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: arbitrary frames into a context that has a listener,
 * a UDP port and established TCP connections.
 *
 * Each input builds a fresh context on the capture backend (tests/lib),
 * opens NCONN connections to it by hand (SYN with MSS, SACK-permitted,
 * timestamps and window scale; the stack's SYN-ACK; the ACK), and then runs
 * the input as a program of records, one byte of opcode each:
 *
 *   RAW    a raw Ethernet frame of up to 1600 bytes
 *   IP4    an IPv4 packet around fuzzed L4 bytes (valid IP header; with
 *          bit 7 the TCP/UDP/ICMP checksum is made valid too)
 *   TCP    a segment of one connection: flags, SEQ and ACK as offsets from
 *          what the stack last acknowledged / sent, window, raw options,
 *          payload; bit 6 appends a valid timestamp option, bit 7 breaks
 *          the checksum. Connection numbers >= NCONN hit other ports (RST
 *          path, or new SYNs to the listener).
 *   SACK   an ACK of one connection carrying 1..4 SACK blocks near snd_una
 *   TIME   advance the clock (up to ~2 h) and run the timers
 *   APP    an application call: send, close, shutdown, abort, nodelay,
 *          keepalive
 *
 * The stack's answers are parsed to keep the sequence numbers in step, so
 * most segments land inside the window. At the end the context is torn
 * down and every packet buffer must be back: a leak aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rtestack/rtestack.h>

#include "fuzz_input.h"
#include "testbe.h"

#define NCONN 3
#define LPORT 80
#define UDP_PORT 7
#define PEER_PORT0 40000
#define MAX_RECORDS 256

enum { OP_RAW, OP_IP4, OP_TCP, OP_SACK, OP_TIME, OP_APP, OP_COUNT };

struct view {
	struct rts_tcp_conn *c;
	uint16_t rport;
	uint32_t seq;      /* next sequence number the peer sends */
	uint32_t b_nxt;    /* one past the highest sequence the stack sent */
	uint32_t b_ack;    /* the stack's last ACK field */
	uint32_t b_tsval;  /* the stack's last TSval, echoed back */
};

struct world {
	struct testbe *be;
	struct rts_ctx *ctx;
	uint64_t now;
	uint32_t peer_ts;
	struct rts_ip us, peer;
	struct rts_mac our_mac, peer_mac;
	struct view v[NCONN + 1]; /* [NCONN]: any other port */
	uint8_t frame[2048];
	uint8_t scratch[2048];
};

static struct world *W;

/* ------------------------------------------------------ app handlers */

static struct view *view_of_port(uint16_t rport)
{
	for (int i = 0; i < NCONN; i++)
		if (W->v[i].rport == rport)
			return &W->v[i];
	return &W->v[NCONN];
}

static int on_accepted(struct rts_tcp_conn *c, void *listener_user)
{
	struct rts_endpoint l, r;
	struct view *v;

	(void)listener_user;
	rts_tcp_endpoints(c, &l, &r);
	v = view_of_port(r.port);
	if (v != &W->v[NCONN] && v->c == NULL)
		v->c = c;
	rts_tcp_set_user(c, v);
	return 0;
}

static void on_data(struct rts_tcp_conn *c, void *user, struct rts_pkt *p,
		    uint32_t off, uint32_t len)
{
	(void)user;
	(void)off;
	rts_pkt_free(rts_tcp_ctx(c), p);
	rts_tcp_consumed(c, len);
}

static void on_peer_closed(struct rts_tcp_conn *c, void *user)
{
	(void)user;
	rts_tcp_close(c);
}

static void on_closed(struct rts_tcp_conn *c, void *user, int reason)
{
	(void)reason;
	(void)user;
	for (int i = 0; i < NCONN; i++)
		if (W->v[i].c == c)
			W->v[i].c = NULL;
}

static const struct rts_tcp_handlers handlers = {
	.accepted = on_accepted,
	.data = on_data,
	.peer_closed = on_peer_closed,
	.closed = on_closed,
};

static void on_udp(struct rts_ctx *ctx, void *user,
		   const struct rts_endpoint *from, const struct rts_endpoint *to,
		   struct rts_pkt *p, uint32_t off, uint32_t len)
{
	(void)user;
	(void)from;
	(void)to;
	(void)off;
	(void)len;
	rts_pkt_free(ctx, p);
}

/* ----------------------------------------------------------- frames */

static uint32_t sum16(const uint8_t *b, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (n & 1)
		s += (uint32_t)b[n - 1] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void put16(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static void put32(uint8_t *b, uint32_t v)
{
	put16(b, v >> 16);
	put16(b + 2, v);
}

static uint32_t get32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

/* Fill the TCP/UDP/ICMP checksum of the L4 bytes at @l4. */
static void fix_l4_csum(uint8_t proto, uint8_t *l4, size_t len)
{
	uint32_t s = 0;
	size_t at;

	if (proto == 6 && len >= 20)
		at = 16;
	else if (proto == 17 && len >= 8)
		at = 6;
	else if (proto == 1 && len >= 4)
		at = 2;
	else
		return;
	put16(l4 + at, 0);
	if (proto != 1) {
		s = sum16(W->peer.u8 + 12, 4, 0);
		s = sum16(W->us.u8 + 12, 4, s) + proto + (uint32_t)len;
	}
	put16(l4 + at, fold(sum16(l4, len, s)));
}

static void inject(size_t len)
{
	testbe_inject(W->be, W->ctx, W->frame, len, W->now);
}

/* Ethernet + IPv4 from the peer around @l4 (already in frame + 34). */
static size_t wrap_ip4(uint8_t proto, size_t l4_len)
{
	tb_eth(W->frame, &W->our_mac, &W->peer_mac, 0x0800);
	tb_ipv4(W->frame + 14, &W->peer, &W->us, proto, (uint16_t)l4_len, 1,
		0x4000, 64);
	return 34 + l4_len;
}

struct seg {
	uint16_t sport, dport, win;
	uint32_t seq, ack;
	uint8_t flags;
	uint8_t opts[48];
	size_t optlen;
	const uint8_t *data;
	size_t len;
	bool bad_csum;
};

static void send_seg(const struct seg *s)
{
	uint8_t *t = W->frame + 34;
	size_t optlen = (s->optlen + 3) & ~(size_t)3, hl = 20 + optlen;

	put16(t, s->sport);
	put16(t + 2, s->dport);
	put32(t + 4, s->seq);
	put32(t + 8, s->ack);
	t[12] = (uint8_t)(hl / 4) << 4;
	t[13] = s->flags;
	put16(t + 14, s->win);
	put16(t + 16, 0);
	put16(t + 18, 0);
	memset(t + 20, 1, optlen); /* NOP padding */
	memcpy(t + 20, s->opts, s->optlen);
	if (s->len)
		memcpy(t + hl, s->data, s->len);
	fix_l4_csum(6, t, hl + s->len);
	if (s->bad_csum)
		t[17] ^= 0x5a;
	inject(wrap_ip4(6, hl + s->len));
}

static size_t opt_ts(uint8_t *o, const struct view *v)
{
	o[0] = 8;
	o[1] = 10;
	put32(o + 2, W->peer_ts);
	put32(o + 6, v->b_tsval);
	return 10;
}

/* Learn the stack's sequence state from what it transmitted. */
static void parse_output(void)
{
	size_t n;

	while ((n = testbe_pop_bytes(W->be, W->scratch, sizeof(W->scratch)))) {
		const uint8_t *f = W->scratch, *t;
		size_t ihl, doff, paylen;
		struct view *v;
		uint32_t seq;

		if (n < 54 || f[12] != 0x08 || f[13] != 0x00 || f[23] != 6)
			continue;
		ihl = (size_t)(f[14] & 0xf) * 4;
		if (ihl < 20 || n < 14 + ihl + 20)
			continue;
		t = f + 14 + ihl;
		doff = (size_t)(t[12] >> 4) * 4;
		paylen = (size_t)(f[16] << 8 | f[17]);
		if (doff < 20 || paylen < ihl + doff || 14 + paylen > n)
			continue;
		paylen -= ihl + doff;
		v = view_of_port((uint16_t)(t[2] << 8 | t[3]));
		seq = get32(t + 4) + (uint32_t)paylen + !!(t[13] & 0x02) +
		      !!(t[13] & 0x01);
		if ((int32_t)(seq - v->b_nxt) > 0 || v->b_nxt == 0)
			v->b_nxt = seq;
		if (t[13] & 0x10)
			v->b_ack = get32(t + 8);
		for (size_t i = 20; i + 1 < doff;) { /* find the TSval */
			if (t[i] == 0 || t[i] == 1) {
				i += t[i] == 0 ? doff : 1;
				continue;
			}
			if (t[i + 1] < 2)
				break;
			if (t[i] == 8 && t[i + 1] == 10 && i + 10 <= doff)
				v->b_tsval = get32(t + i + 2);
			i += t[i + 1];
		}
	}
}

/* --------------------------------------------------------- set-up */

static void handshake(struct view *v, uint32_t isn)
{
	struct seg s = { .sport = v->rport, .dport = LPORT, .win = 65535 };
	uint8_t *o = s.opts;

	s.seq = isn;
	s.flags = 0x02; /* SYN */
	o[0] = 2, o[1] = 4, put16(o + 2, 1460);          /* MSS */
	o[4] = 4, o[5] = 2;                              /* SACK-permitted */
	opt_ts(o + 6, v);                                /* timestamps */
	o[16] = 1, o[17] = 3, o[18] = 3, o[19] = 7;      /* NOP, WS 7 */
	s.optlen = 20;
	send_seg(&s);
	parse_output();
	v->seq = isn + 1;
	s.seq = v->seq;
	s.ack = v->b_nxt;
	s.flags = 0x10; /* ACK */
	s.win = 4096;
	W->peer_ts++;
	s.optlen = opt_ts(s.opts, v);
	send_seg(&s);
	parse_output();
}

static int world_init(struct world *w)
{
	struct rts_config cfg;
	struct rts_endpoint l = { .port = LPORT };
	int err;

	memset(w, 0, sizeof(*w));
	W = w;
	w->now = 1000000000ull;
	w->peer_ts = 1000;
	w->be = testbe_new();
	testbe_config(&cfg, "198.18.0.1/24", 1, 0);
	cfg.max_tcp_conns = 16;
	cfg.max_listeners = 2;
	cfg.max_udp_binds = 2;
	cfg.neigh_entries = 8;
	cfg.reass_max_bytes = 16384;
	cfg.tcp.rcv_buf = 32768;
	cfg.tcp.snd_buf = 32768;
	cfg.tcp.ooo_max_segs = 16;
	cfg.tcp.listen_backlog = 4;
	w->us = rts_ip4(198, 18, 0, 1);
	w->peer = rts_ip4(198, 18, 0, 2);
	w->our_mac = testbe_mac(1);
	w->peer_mac = testbe_mac(2);
	cfg.n_static_neigh = 1;
	cfg.static_neigh[0].ip = w->peer;
	cfg.static_neigh[0].mac = w->peer_mac;
	w->ctx = testbe_ctx_cfg(w->be, &cfg, w->now);
	if (w->ctx == NULL)
		return -1;
	testbe_drain(w->be);
	l.ip = w->us;
	if (rts_tcp_listen(w->ctx, &l, 0, &handlers, NULL, &err) == NULL)
		return -1;
	l.port = UDP_PORT;
	rts_udp_bind(w->ctx, &l, on_udp, NULL, &err);
	for (int i = 0; i <= NCONN; i++)
		w->v[i].rport = (uint16_t)(PEER_PORT0 + i);
	for (int i = 0; i < NCONN; i++)
		handshake(&w->v[i], 0x10000000u * (uint32_t)i + 12345);
	return 0;
}

/* Once: say whether the set-up reached what the fuzzing relies on. */
static void report_setup(const struct world *w)
{
	static bool done;
	int up = 0;

	if (done)
		return;
	done = true;
	for (int i = 0; i < NCONN; i++)
		up += w->v[i].c != NULL &&
		      rts_tcp_state(w->v[i].c) == RTS_TCP_ESTABLISHED;
	fprintf(stderr, "fuzz_frames: %d of %d connections established\n", up,
		NCONN);
}

/* FUZZ_FRAMES_DEBUG=1: which counters an input moved (replaying one). */
static void dump_counters(const struct world *w)
{
	const uint64_t *c = (const uint64_t *)rts_ctx_counters(w->ctx);

	if (getenv("FUZZ_FRAMES_DEBUG") == NULL)
		return;
	for (unsigned i = 0; i < RTS_COUNTER_COUNT; i++)
		if (c[i])
			fprintf(stderr, "  %-28s %llu\n", rts_counter_name(i),
				(unsigned long long)c[i]);
}

static void world_fini(struct world *w)
{
	dump_counters(w);
	testbe_ctx_free(w->ctx, w->now);
	testbe_drain(w->be);
	testbe_delete(w->be);
	if (testbe_outstanding() != 0) {
		fprintf(stderr, "leak: %ld packet buffers outstanding\n",
			testbe_outstanding());
		abort();
	}
}

/* ---------------------------------------------------------- records */

static void rec_tcp(struct input *in, uint8_t op)
{
	struct view *v = &W->v[take(in, 1) % (NCONN + 1)];
	struct seg s = { .sport = v->rport, .dport = LPORT };
	size_t want;

	s.flags = (uint8_t)take(in, 1);
	s.seq = v->b_ack + (uint32_t)(int16_t)take(in, 2);
	s.ack = v->b_nxt + (uint32_t)(int16_t)take(in, 2);
	s.win = (uint16_t)take(in, 2);
	s.optlen = take(in, 1) % 41;
	take_bytes(in, s.opts, s.optlen);
	if ((op & 0x40) && s.optlen + 10 <= 40) {
		W->peer_ts += take(in, 1);
		s.optlen += opt_ts(s.opts + s.optlen, v);
	}
	s.optlen = s.optlen > 40 ? 40 : s.optlen;
	want = take(in, 2) % 1460;
	s.len = want < in->left ? want : in->left;
	s.data = in->p;
	in->p += s.len;
	in->left -= s.len;
	s.bad_csum = op & 0x80;
	if (v == &W->v[NCONN] && (op & 0x20))
		s.dport = (uint16_t)take(in, 2); /* another port */
	send_seg(&s);
}

static void rec_sack(struct input *in)
{
	struct view *v = &W->v[take(in, 1) % NCONN];
	struct seg s = { .sport = v->rport, .dport = LPORT, .win = 65535 };
	unsigned n = 1 + take(in, 1) % 4;
	uint32_t una = v->b_nxt - (take(in, 2) % 65536);

	s.seq = v->b_ack;
	s.ack = una;
	s.flags = 0x10;
	s.optlen = opt_ts(s.opts, v);
	s.opts[10] = 1;
	s.opts[11] = 1;
	s.opts[12] = 5;
	s.opts[13] = (uint8_t)(2 + 8 * n);
	for (unsigned k = 0; k < n; k++) {
		uint32_t start = una + (uint32_t)(int16_t)take(in, 2) * 8;

		put32(s.opts + 14 + 8 * k, start);
		put32(s.opts + 18 + 8 * k, start + take(in, 1) * 64);
	}
	s.optlen = 14 + 8 * n;
	if (s.optlen > 40) { /* 4 blocks and timestamps do not fit */
		memmove(s.opts, s.opts + 12, s.optlen - 12);
		s.optlen -= 12;
	}
	send_seg(&s);
}

static void rec_app(struct input *in)
{
	struct view *v = &W->v[take(in, 1) % NCONN];
	uint8_t what = (uint8_t)take(in, 1);

	if (v->c == NULL)
		return;
	switch (what % 8) {
	case 0: case 1: case 2: {
		uint32_t n = take(in, 2) % 32769;

		memset(W->scratch, 'x', sizeof(W->scratch));
		while (n > 0) {
			uint32_t k = n > sizeof(W->scratch) ? sizeof(W->scratch) : n;

			if (rts_tcp_send(v->c, W->scratch, k) <= 0)
				break;
			n -= k;
		}
		break;
	}
	case 3:
		rts_tcp_close(v->c);
		break;
	case 4:
		rts_tcp_shutdown(v->c);
		break;
	case 5:
		rts_tcp_abort(v->c); /* closed() clears v->c */
		break;
	case 6:
		rts_tcp_set_nagle(v->c, what & 0x80);
		break;
	default:
		rts_tcp_set_keepalive(v->c, 1000000 + take(in, 2) * 1000u,
				      100000, 3);
		break;
	}
	rts_flush(W->ctx);
}

static void run_record(struct input *in)
{
	uint8_t op = (uint8_t)take(in, 1);

	switch ((op & 0x1f) % OP_COUNT) {
	case OP_RAW: {
		size_t len = take(in, 2) % 1601;

		take_bytes(in, W->frame, len);
		inject(len);
		break;
	}
	case OP_IP4: {
		uint8_t proto = (uint8_t)take(in, 1);
		size_t len = take(in, 2) % 1481;

		if (op & 0x20)
			proto = (uint8_t[]){ 1, 6, 17 }[proto % 3];
		take_bytes(in, W->frame + 34, len);
		if (op & 0x80)
			fix_l4_csum(proto, W->frame + 34, len);
		inject(wrap_ip4(proto, len));
		break;
	}
	case OP_TCP:
		rec_tcp(in, op);
		break;
	case OP_SACK:
		rec_sack(in);
		break;
	case OP_TIME:
		W->now += (uint64_t)take(in, 2) * 1000000ull << (take(in, 1) % 8);
		rts_poll(W->ctx, W->now);
		break;
	default:
		rec_app(in);
		break;
	}
	parse_output();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct world w;
	struct input in = { data, size };

	if (world_init(&w) != 0) {
		fprintf(stderr, "fuzz_frames: set-up failed\n");
		abort();
	}
	report_setup(&w);
	for (int r = 0; in.left > 0 && r < MAX_RECORDS; r++)
		run_record(&in);
	world_fini(&w);
	return 0;
}
