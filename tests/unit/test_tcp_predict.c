/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Header prediction must not change behaviour: the same conversation runs
 * twice, once with the predicted path and once with every segment taking
 * the general one (ctx->tcp.no_predict), over a link that drops,
 * duplicates and reorders frames on a fixed schedule. Every frame both
 * sides send (bytes and order), every counter and what the apps receive
 * must be identical.
 */
#include "tcp_pair.h"

#include "core/internal.h"

struct link {
	uint64_t hash;       /* FNV-1a over every frame sent, in order */
	size_t frames;
	unsigned drop, dup, reorder; /* every Nth frame (0: never) */
	struct rts_pkt *held[2];     /* a frame held back, per direction */
};

struct opts {
	bool ts, sack;
	unsigned drop, dup, reorder;
};

struct result {
	uint64_t hash;
	size_t frames;
	size_t rx_a, rx_b;
	bool data_ok;
	int closed_a, closed_b;
	struct rts_counters ca, cb;
};

static uint8_t frame[1u << 16];

static void hash_bytes(uint64_t *h, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		*h ^= b[i];
		*h *= 0x100000001b3ull;
	}
}

/* Move what @from sent into @to_ctx, recording and perturbing it. */
static size_t pump_dir(struct link *l, int dir, struct testbe *from,
		       struct testbe *to, struct rts_ctx *to_ctx, uint64_t now)
{
	struct rts_pkt *p;
	size_t n = 0;

	while ((p = testbe_pop(from)) != NULL) {
		size_t len;

		testbe_nic_tx(p);
		len = testbe_flatten(p, frame, sizeof(frame));
		hash_bytes(&l->hash, frame, len < sizeof(frame) ? len : sizeof(frame));
		l->frames++;
		n++;
		if (l->drop && l->frames % l->drop == 0) {
			testbe_free_pkt(p);
			continue;
		}
		if (l->dup && l->frames % l->dup == 0)
			testbe_inject_pkt(to, to_ctx, testbe_pkt(to, frame, len), now);
		if (l->reorder && l->frames % l->reorder == 0 && !l->held[dir]) {
			l->held[dir] = p; /* goes after the next frame */
			continue;
		}
		testbe_inject_pkt(to, to_ctx, p, now);
		if (l->held[dir]) {
			testbe_inject_pkt(to, to_ctx, l->held[dir], now);
			l->held[dir] = NULL;
		}
	}
	return n;
}

static void pump(struct pair *p, struct link *l)
{
	size_t n;

	do {
		rts_flush(p->a);
		rts_flush(p->b);
		n = pump_dir(l, 0, p->ba, p->bb, p->b, p->now);
		n += pump_dir(l, 1, p->bb, p->ba, p->a, p->now);
	} while (n);
	for (int d = 0; d < 2; d++) { /* nothing followed: let it go now */
		if (l->held[d]) {
			testbe_inject_pkt(d ? p->ba : p->bb, d ? p->a : p->b,
					  l->held[d], p->now);
			l->held[d] = NULL;
		}
	}
}

static void advance(struct pair *p, struct link *l, uint64_t ns)
{
	p->now += ns;
	rts_poll(p->a, p->now);
	rts_poll(p->b, p->now);
	pump(p, l);
}

static void fill(uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)((i * 7 + 3) ^ (i >> 11));
}

static void converse(const struct opts *o, bool predict, struct result *r)
{
	const size_t bulk = 400000, small = 300;
	struct rts_config ca, cb;
	struct link l = { .drop = o->drop, .dup = o->dup, .reorder = o->reorder };
	struct pair p;
	uint8_t *src = malloc(bulk + small * 3064);
	size_t sent = 0, echoed;

	fill(src, bulk + small * 3064);
	testbe_config(&ca, "198.18.0.1/24", 1, 0);
	testbe_config(&cb, "198.18.0.2/24", 2, 0);
	ca.tcp.timestamps = cb.tcp.timestamps = o->ts;
	ca.tcp.sack = cb.tcp.sack = o->sack;
	pair_init_cfg(&p, &ca, &cb);
	p.a->tcp.no_predict = p.b->tcp.no_predict = !predict;
	p.sb.echo = true;
	pair_connect(&p, 80);
	RTS_REQUIRE(p.sa.conn && p.sb.conn);
	/* Bulk both ways (b echoes), the clock moving 1 ms a round. */
	for (int guard = 0; sent < bulk && guard < 200000; guard++) {
		int n = rts_tcp_send(p.sa.conn, src + sent,
				     (uint32_t)RTS_MIN(bulk - sent, (size_t)30000));

		if (n > 0)
			sent += (size_t)n;
		advance(&p, &l, 1000000);
	}
	/* Then request/response with small messages. */
	for (size_t i = 0; i < small; i++) {
		size_t len = 1 + (i * 37) % 64;

		if (rts_tcp_send(p.sa.conn, src + sent, (uint32_t)len) == (int)len)
			sent += len;
		advance(&p, &l, 100000);
	}
	for (int i = 0; i < 2000 && (p.sb.rx_len < sent || p.sa.rx_len < sent); i++)
		advance(&p, &l, 10000000);
	/* One way only: now the ACK policy decides every pure ACK. */
	p.sb.echo = false;
	echoed = sent;
	for (size_t i = 0; i < small; i++) {
		size_t len = i % 3 ? 1 + (i * 53) % 200 : 3000;

		if (rts_tcp_send(p.sa.conn, src + sent, (uint32_t)len) == (int)len)
			sent += len;
		advance(&p, &l, i % 7 ? 300000 : 50000000);
	}
	for (int i = 0; i < 2000 && p.sb.rx_len < sent; i++)
		advance(&p, &l, 10000000);
	rts_tcp_close(p.sa.conn);
	p.sb.close_on_fin = true;
	for (int i = 0; i < 200; i++)
		advance(&p, &l, 10000000);
	advance(&p, &l, 61ull * 1000000000);
	r->hash = l.hash;
	r->frames = l.frames;
	r->rx_a = p.sa.rx_len;
	r->rx_b = p.sb.rx_len;
	r->data_ok = p.sb.rx_len == sent && p.sa.rx_len == echoed &&
		     memcmp(p.sb.rx, src, RTS_MIN(sent, (size_t)APP_BUF)) == 0 &&
		     memcmp(p.sa.rx, src, RTS_MIN(echoed, (size_t)APP_BUF)) == 0;
	r->closed_a = p.sa.closed;
	r->closed_b = p.sb.closed;
	r->ca = *rts_ctx_counters(p.a);
	r->cb = *rts_ctx_counters(p.b);
	pair_fini(&p);
	free(src);
}

static void same_with_and_without(const struct opts *o)
{
	struct result on, off;

	converse(o, true, &on);
	converse(o, false, &off);
	RTS_NOTE("frames %zu / %zu, predicted a %llu b %llu of %llu / %llu; "
		 "ooo %llu, dup %llu, retrans %llu, rto %llu",
		 on.frames, off.frames,
		 (unsigned long long)on.ca.tcp_rx_predicted,
		 (unsigned long long)on.cb.tcp_rx_predicted,
		 (unsigned long long)on.ca.tcp_rx,
		 (unsigned long long)on.cb.tcp_rx,
		 (unsigned long long)(on.ca.tcp_rx_ooo + on.cb.tcp_rx_ooo),
		 (unsigned long long)(on.ca.tcp_rx_dup + on.cb.tcp_rx_dup),
		 (unsigned long long)(on.ca.tcp_tx_retrans + on.cb.tcp_tx_retrans),
		 (unsigned long long)(on.ca.tcp_rto_fired + on.cb.tcp_rto_fired));
	RTS_CHECK(on.data_ok);
	RTS_CHECK(off.data_ok);
	RTS_CHECK_EQ(on.closed_a, 1);
	RTS_CHECK_EQ(on.closed_b, 1);
	/* the predicted path did much of the work, and only when allowed */
	RTS_CHECK(on.ca.tcp_rx_predicted * 4 > on.ca.tcp_rx);
	RTS_CHECK(on.cb.tcp_rx_predicted * 4 > on.cb.tcp_rx);
	RTS_CHECK_EQ(off.ca.tcp_rx_predicted + off.cb.tcp_rx_predicted, 0);
	/* and changed nothing anyone could see */
	RTS_CHECK_EQ(on.frames, off.frames);
	RTS_CHECK(on.hash == off.hash);
	RTS_CHECK_EQ(on.rx_a, off.rx_a);
	RTS_CHECK_EQ(on.rx_b, off.rx_b);
	on.ca.tcp_rx_predicted = on.cb.tcp_rx_predicted = 0;
	RTS_CHECK(memcmp(&on.ca, &off.ca, sizeof(on.ca)) == 0);
	RTS_CHECK(memcmp(&on.cb, &off.cb, sizeof(on.cb)) == 0);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(clean_link_ts_sack)
{
	struct opts o = { .ts = true, .sack = true };

	same_with_and_without(&o);
}

RTS_TEST(lossy_link_ts_sack)
{
	struct opts o = { .ts = true, .sack = true, .drop = 97, .dup = 131,
			  .reorder = 53 };

	same_with_and_without(&o);
}

RTS_TEST(lossy_link_no_options)
{
	struct opts o = { .drop = 89, .dup = 127, .reorder = 61 };

	same_with_and_without(&o);
}

RTS_TEST(lossy_link_ts_no_sack)
{
	struct opts o = { .ts = true, .drop = 101, .dup = 149, .reorder = 43 };

	same_with_and_without(&o);
}

int main(void)
{
	return rts_test_main();
}
