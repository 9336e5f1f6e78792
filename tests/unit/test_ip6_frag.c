/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Conversation tests: IPv6 fragment reassembly (RFC 8200 §4.5) — orders,
 * duplicates, overlaps (RFC 5722), timeouts, memory and slot bounds, bad
 * fragments, RFC 7112 header chains, atomic fragments (RFC 6946), ND in
 * fragments (RFC 6980) — and a big echo answered in fragments.
 */
#include "ip6_conv.h"

#include "ip6/ip6.h"

static uint8_t f[4096];
static uint8_t dgram[70000]; /* the upper-layer datagram being cut */
static size_t dgram_len;

/* A UDP datagram from the peer to us, port 7, @len payload bytes. */
static void make_udp(size_t len, uint8_t seed)
{
	static uint8_t data[70000];
	struct rts_ip src = IP_PEER, dst = IP_US;

	for (size_t i = 0; i < len; i++)
		data[i] = (uint8_t)(i * 31 + seed);
	dgram_len = c6_udp(dgram, &src, &dst, 4000, 7, data, len);
}

/* Inject bytes [off, off+len) of dgram as a fragment. */
static void inject_frag(struct testbe *be, struct rts_ctx *ctx, uint32_t id,
			size_t off, size_t len, bool more, uint8_t nh,
			uint64_t now)
{
	struct rts_ip src = IP_PEER, dst = IP_US;
	struct rts_mac us = MAC_US, peer = MAC_PEER;
	uint8_t pl[2048];
	size_t n;

	pl[0] = nh;
	pl[1] = 0;
	rts_put_be16(pl + 2, (uint16_t)(off | (more ? 1 : 0)));
	rts_put_be32(pl + 4, id);
	memcpy(pl + 8, dgram + off, len);
	n = c6_frame(f, &us, &peer, &src, &dst, 44, 64, pl, 8 + len);
	testbe_inject(be, ctx, f, n, now);
}

/* Cut dgram in pieces of @per bytes, sent in the order of @order. */
static void send_pieces_nh(struct testbe *be, struct rts_ctx *ctx,
			   uint32_t id, size_t per, const int *order,
			   int n_order, uint8_t nh, uint64_t now)
{
	for (int i = 0; i < n_order; i++) {
		size_t off = (size_t)order[i] * per;
		size_t len = dgram_len - off < per ? dgram_len - off : per;

		inject_frag(be, ctx, id, off, len, off + len < dgram_len, nh,
			    now);
	}
}

static void send_pieces(struct testbe *be, struct rts_ctx *ctx, uint32_t id,
			size_t per, const int *order, int n_order,
			uint64_t now)
{
	send_pieces_nh(be, ctx, id, per, order, n_order, 17, now);
}

static int got;
static uint8_t got_data[70000];
static uint32_t got_len;

static void udp_rx(struct rts_ctx *ctx, void *user,
		   const struct rts_endpoint *from,
		   const struct rts_endpoint *to, struct rts_pkt *p,
		   uint32_t off, uint32_t len)
{
	static uint8_t tmp[70000];

	(void)user;
	(void)from;
	(void)to;
	got++;
	got_len = len;
	testbe_flatten(p, tmp, sizeof(tmp));
	memcpy(got_data, tmp + off, len);
	rts_pkt_free(ctx, p);
}

static struct rts_udp_bind *bind7(struct rts_ctx *ctx)
{
	struct rts_endpoint local = { .port = 7 };
	int err;

	got = 0;
	return rts_udp_bind(ctx, &local, udp_rx, NULL, &err);
}

static bool got_dgram(void)
{
	return got_len == dgram_len - 8 &&
	       memcmp(got_data, dgram + 8, got_len) == 0;
}

/* The end of a test: the UDP binding (if any), the context, the backend. */
static void frag_fini(struct testbe *be, struct rts_ctx *ctx,
		      struct rts_udp_bind *b)
{
	if (b != NULL)
		rts_udp_unbind(b);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
}

RTS_TEST(ip6_reass_orders)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = c6_ctx(be);
	struct rts_udp_bind *b = bind7(ctx);
	const int fwd[] = { 0, 1, 2, 3 }, rev[] = { 3, 2, 1, 0 };
	const int mix[] = { 2, 0, 3, 1 };

	RTS_REQUIRE(b != NULL);
	make_udp(3000, 1);
	send_pieces(be, ctx, 1, 800, fwd, 4, 0);
	RTS_CHECK_EQ(got, 1);
	RTS_CHECK(got_dgram());
	make_udp(3000, 2);
	send_pieces(be, ctx, 2, 800, rev, 4, 0);
	RTS_CHECK_EQ(got, 2);
	RTS_CHECK(got_dgram());
	make_udp(3000, 3);
	send_pieces(be, ctx, 3, 800, mix, 4, 0);
	RTS_CHECK_EQ(got, 3);
	RTS_CHECK(got_dgram());
	RTS_CHECK_EQ(cnt(ctx)->ip6_reass_ok, 3);
	RTS_CHECK_EQ(cnt(ctx)->ip6_rx_frags, 12);
	RTS_CHECK_EQ(ctx->ip6.reass_mem, 0);
	frag_fini(be, ctx, b);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(ip6_reass_duplicate_fragment)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = c6_ctx(be);
	struct rts_udp_bind *b = bind7(ctx);
	const int order[] = { 0, 1, 1, 0, 2 };

	make_udp(2000, 4);
	send_pieces(be, ctx, 9, 800, order, 5, 0);
	RTS_CHECK_EQ(got, 1);
	RTS_CHECK(got_dgram());
	RTS_CHECK_EQ(cnt(ctx)->ip6_reass_dup, 2);
	frag_fini(be, ctx, b);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(ip6_reass_overlap_discards_datagram)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = c6_ctx(be);
	struct rts_udp_bind *b = bind7(ctx);

	make_udp(2400, 5);
	inject_frag(be, ctx, 7, 0, 800, true, 17, 0);
	inject_frag(be, ctx, 7, 792, 800, true, 17, 0); /* 8 bytes overlap */
	RTS_CHECK_EQ(cnt(ctx)->ip6_reass_overlap, 1);
	RTS_CHECK_EQ(ctx->ip6.reass_mem, 0); /* everything held is gone */
	/* the rest of that datagram is discarded too, even if it fits */
	inject_frag(be, ctx, 7, 0, 800, true, 17, MS);
	inject_frag(be, ctx, 7, 800, 800, true, 17, MS);
	inject_frag(be, ctx, 7, 1600, dgram_len - 1600, false, 17, MS);
	RTS_CHECK_EQ(got, 0);
	RTS_CHECK_EQ(cnt(ctx)->ip6_reass_ok, 0);
	RTS_CHECK_EQ(testbe_tx_count(be), 0); /* no Time Exceeded either */
	/* after the timeout the identification is usable again */
	rts_poll(ctx, 31 * SEC);
	RTS_CHECK_EQ(testbe_tx_count(be), 0);
	inject_frag(be, ctx, 7, 0, 800, true, 17, 32 * SEC);
	inject_frag(be, ctx, 7, 800, 800, true, 17, 32 * SEC);
	inject_frag(be, ctx, 7, 1600, dgram_len - 1600, false, 17, 32 * SEC);
	RTS_CHECK_EQ(got, 1);
	RTS_CHECK(got_dgram());
	frag_fini(be, ctx, b);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(ip6_reass_inconsistent_end)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = c6_ctx(be);
	struct rts_udp_bind *b = bind7(ctx);

	make_udp(2400, 6);
	/* two "last" fragments ending at different places */
	inject_frag(be, ctx, 8, 1600, 400, false, 17, 0);
	inject_frag(be, ctx, 8, 800, 400, false, 17, 0);
	RTS_CHECK_EQ(cnt(ctx)->ip6_reass_overlap, 1);
	/* a fragment beyond a known end */
	inject_frag(be, ctx, 10, 800, 400, false, 17, 0);
	inject_frag(be, ctx, 10, 1200, 400, true, 17, 0);
	RTS_CHECK_EQ(cnt(ctx)->ip6_reass_overlap, 2);
	RTS_CHECK_EQ(got, 0);
	frag_fini(be, ctx, b);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(ip6_reass_timeout_time_exceeded)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = c6_ctx(be);
	struct rts_udp_bind *b = bind7(ctx);
	struct c6_out o;

	c6_learn_peer(ctx);
	make_udp(2400, 7);
	inject_frag(be, ctx, 11, 0, 800, true, 17, 0);
	inject_frag(be, ctx, 12, 800, 800, true, 17, 0); /* no first */
	RTS_CHECK(ctx->ip6.reass_mem > 0);
	rts_poll(ctx, 29 * SEC);
	RTS_CHECK_EQ(testbe_tx_count(be), 0);
	rts_poll(ctx, 31 * SEC);
	RTS_CHECK_EQ(cnt(ctx)->ip6_reass_timeout, 2);
	RTS_CHECK_EQ(ctx->ip6.reass_mem, 0);
	/* §4.5: Time Exceeded code 1 for the one whose first fragment came */
	C6_POP(be, &o);
	RTS_CHECK_EQ(o.l4[0], 3);
	RTS_CHECK_EQ(o.l4[1], 1);
	RTS_CHECK(ip_is(&o.dst, IP_PEER));
	RTS_CHECK(o.csum_ok);
	RTS_CHECK_EQ(o.l4[8 + 40], 17); /* quoting the fragment header */
	RTS_CHECK_EQ(rts_get_be32(o.l4 + 8 + 44), 11);
	RTS_CHECK_EQ(testbe_tx_count(be), 0);
	frag_fini(be, ctx, b);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(ip6_reass_memory_bounded)
{
	struct testbe *be = testbe_new();
	struct rts_config cfg;
	struct rts_ctx *ctx;
	struct rts_udp_bind *b;
	uint32_t max_seen = 0;

	c6_config(&cfg, 0, 0);
	cfg.reass_max_bytes = 10 * 2048;
	ctx = testbe_ctx_cfg(be, &cfg, 0);
	b = bind7(ctx);
	make_udp(3000, 8);
	/* 40 half-datagrams: far more than memory and slots allow */
	for (uint32_t id = 100; id < 140; id++) {
		inject_frag(be, ctx, id, 0, 800, true, 17, id * MS);
		inject_frag(be, ctx, id, 800, 800, true, 17, id * MS);
		if (ctx->ip6.reass_mem > max_seen)
			max_seen = ctx->ip6.reass_mem;
	}
	RTS_CHECK(max_seen <= cfg.reass_max_bytes);
	RTS_CHECK(cnt(ctx)->ip6_reass_no_mem > 0);
	/* a new datagram still gets through: the oldest make room */
	inject_frag(be, ctx, 999, 0, 800, true, 17, SEC);
	inject_frag(be, ctx, 999, 800, 800, true, 17, SEC);
	inject_frag(be, ctx, 999, 1600, 800, true, 17, SEC);
	inject_frag(be, ctx, 999, 2400, dgram_len - 2400, false, 17, SEC);
	RTS_CHECK_EQ(got, 1);
	RTS_CHECK(got_dgram());
	RTS_CHECK(ctx->ip6.reass_mem <= cfg.reass_max_bytes);
	rts_udp_unbind(b);
	testbe_drain(be);
	frag_fini(be, ctx, NULL);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(ip6_reass_bad_fragments_answered)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = c6_ctx(be);
	struct c6_out o;

	c6_learn_peer(ctx);
	make_udp(2400, 9);
	/* M set, 13 bytes: parameter problem pointing at payload length */
	inject_frag(be, ctx, 20, 800, 13, true, 17, 0);
	C6_POP(be, &o);
	RTS_CHECK_EQ(o.l4[0], 4);
	RTS_CHECK_EQ(o.l4[1], 0);
	RTS_CHECK_EQ(rts_get_be32(o.l4 + 4), 4);
	/* beyond 65535: pointer at the fragment offset field */
	inject_frag(be, ctx, 21, 65528, 16, false, 17, 0);
	C6_POP(be, &o);
	RTS_CHECK_EQ(o.l4[0], 4);
	RTS_CHECK_EQ(rts_get_be32(o.l4 + 4), 42);
	RTS_CHECK_EQ(cnt(ctx)->ip6_rx_frag_bad, 2);
	/* RFC 7112: a first fragment without the whole UDP header */
	inject_frag(be, ctx, 22, 0, 0, true, 17, 0);
	C6_POP(be, &o);
	RTS_CHECK_EQ(o.l4[0], 4);
	RTS_CHECK_EQ(o.l4[1], 3);
	RTS_CHECK_EQ(cnt(ctx)->ip6_rx_frag_bad, 3);
	RTS_CHECK_EQ(ctx->ip6.reass_mem, 0);
	frag_fini(be, ctx, NULL);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(ip6_atomic_fragment_delivered)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = c6_ctx(be);
	struct rts_udp_bind *b = bind7(ctx);

	make_udp(100, 10);
	inject_frag(be, ctx, 30, 0, dgram_len, false, 17, 0);
	RTS_CHECK_EQ(got, 1);
	RTS_CHECK(got_dgram());
	RTS_CHECK_EQ(cnt(ctx)->ip6_rx_frags, 0);
	RTS_CHECK_EQ(cnt(ctx)->ip6_reass_ok, 0);
	frag_fini(be, ctx, b);
}

RTS_TEST(ip6_reass_nested_fragment_dropped)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = c6_ctx(be);

	/* the reassembled payload is itself a fragment */
	dgram[0] = 17;
	dgram[1] = 0;
	rts_put_be16(dgram + 2, 8 | 1);
	rts_put_be32(dgram + 4, 77);
	memset(dgram + 8, 0, 1592);
	dgram_len = 1600;
	inject_frag(be, ctx, 40, 0, 800, true, 44, 0);
	inject_frag(be, ctx, 40, 800, 800, false, 44, 0);
	RTS_CHECK_EQ(cnt(ctx)->ip6_reass_ok, 1);
	RTS_CHECK_EQ(cnt(ctx)->ip6_rx_frag_bad, 1);
	RTS_CHECK_EQ(ctx->ip6.reass_mem, 0);
	frag_fini(be, ctx, NULL);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(ip6_reass_multi_segment_fragments)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = c6_ctx(be);
	struct rts_udp_bind *b = bind7(ctx);
	struct rts_ip src = IP_PEER, dst = IP_US;
	struct rts_mac us = MAC_US, peer = MAC_PEER;
	uint8_t pl[2048];

	make_udp(2000, 11);
	for (size_t off = 0; off < dgram_len; off += 1000) {
		size_t len = dgram_len - off < 1000 ? dgram_len - off : 1000;
		bool more = off + len < dgram_len;
		size_t n;

		pl[0] = 17;
		pl[1] = 0;
		rts_put_be16(pl + 2, (uint16_t)(off | more));
		rts_put_be32(pl + 4, 50);
		memcpy(pl + 8, dgram + off, len);
		n = c6_frame(f, &us, &peer, &src, &dst, 44, 64, pl, 8 + len);
		/* 200-byte segments, plus link padding on the last piece */
		memset(f + n, 0xee, 10);
		testbe_inject_pkt(be, ctx, testbe_pkt_segs(be, f, n + 10, 200),
				  0);
	}
	RTS_CHECK_EQ(got, 1);
	RTS_CHECK(got_dgram());
	frag_fini(be, ctx, b);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(ip6_big_echo_in_fragments)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = c6_ctx(be);
	struct rts_ip src = IP_PEER, dst = IP_US;
	static uint8_t reply[70000];
	struct c6_out o;
	size_t covered = 0;

	c6_learn_peer(ctx);
	dgram_len = c6_echo(dgram, 128, 3, 4, 3992);
	c6_fill_csum(&src, &dst, 58, dgram, dgram_len, 2);
	const int order[] = { 0, 1, 2, 3 };
	send_pieces_nh(be, ctx, 60, 1000, order, 4, 58, 0);
	RTS_CHECK_EQ(cnt(ctx)->icmp6_rx_echo_req, 1);
	/* the 4000-byte reply leaves in 1448-byte fragments */
	while (c6_pop(be, &o)) {
		RTS_CHECK_EQ(o.nh, 44);
		RTS_CHECK_EQ(o.l4[0], 58);
		uint16_t off = rts_get_be16(o.l4 + 2) & 0xfff8;
		memcpy(reply + off, o.l4 + 8, o.plen - 8);
		covered += o.plen - 8;
	}
	RTS_CHECK_EQ(covered, dgram_len);
	RTS_CHECK_EQ(reply[0], 129);
	RTS_CHECK(memcmp(reply + 4, dgram + 4, dgram_len - 4) == 0);
	RTS_CHECK_EQ(c6_csum(&dst, &src, 58, reply, dgram_len), 0);
	frag_fini(be, ctx, NULL);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(ip6_nd_in_fragments_ignored)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = c6_ctx(be);
	struct rts_ip src = IP_PEER, dst = IP_US, tgt = IP_US;
	struct rts_mac peer = MAC_PEER;
	const int order[] = { 0, 1 };

	/* RFC 6980: an NS split in two fragments */
	dgram_len = c6_nsna(dgram, 135, 0, &tgt, &peer);
	c6_fill_csum(&src, &dst, 58, dgram, dgram_len, 2);
	send_pieces_nh(be, ctx, 70, 16, order, 2, 58, 0);
	RTS_CHECK_EQ(cnt(ctx)->ip6_reass_ok, 1);
	RTS_CHECK_EQ(cnt(ctx)->nd_rx_invalid, 1);
	RTS_CHECK_EQ(cnt(ctx)->nd_rx_ns, 0);
	RTS_CHECK_EQ(testbe_tx_count(be), 0);
	frag_fini(be, ctx, NULL);
}

int main(void)
{
	return rts_test_main();
}
