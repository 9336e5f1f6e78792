/* SPDX-License-Identifier: BSD-3-Clause */
/* ICMP: echo replies, ping between contexts, errors received (path MTU,
 * quotes), malformed messages. */
#include "nettest.h"

static int n_replies;
static uint16_t r_id, r_seq;
static uint32_t r_len;
static uint64_t r_rtt;
static struct rts_ip r_from;

static void on_reply(struct rts_ctx *ctx, void *user, const struct rts_ip *from,
		     uint16_t id, uint16_t seq, uint32_t len, uint64_t rtt_ns)
{
	(void)ctx, (void)user;
	n_replies++;
	r_from = *from;
	r_id = id;
	r_seq = seq;
	r_len = len;
	r_rtt = rtt_ns;
}

static const struct rts_ctx_handlers handlers = { .echo_reply = on_reply };

RTS_TEST(echo_request_gets_exact_reply)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = ctx_us(be, 0);
	struct rts_mac us = mac_us(), peer = mac_peer();
	struct rts_ip a = ip_us(), b = ip_peer();
	uint8_t f[256], got[256], want[128];
	size_t n, gn, wn;

	learn_peer(ctx);
	n = tb_frame_icmp_echo(f, &us, &peer, &b, &a, 8, 0x4242, 7,
			       "0123456789abcdef", 16);
	testbe_inject(be, ctx, f, n, 1 * MS);
	RTS_CHECK_EQ(cnt(ctx)->icmp_rx_echo_req, 1);
	RTS_CHECK_EQ(cnt(ctx)->icmp_tx_echo_reply, 1);
	RTS_REQUIRE(testbe_tx_count(be) == 1);
	gn = testbe_pop_bytes(be, got, sizeof(got));
	RTS_CHECK_EQ(gn, n);
	RTS_CHECK(memcmp(got, peer.b, 6) == 0);
	RTS_CHECK(memcmp(got + 6, us.b, 6) == 0);
	RTS_CHECK_EQ(got[22], 64);
	RTS_CHECK_EQ(got[23], 1);
	RTS_CHECK_EQ(tb_csum(got + 14, 20, 0), 0);
	RTS_CHECK(memcmp(got + 26, a.u8 + 12, 4) == 0);
	RTS_CHECK(memcmp(got + 30, b.u8 + 12, 4) == 0);
	wn = tb_icmp_echo(want, 0, 0x4242, 7, "0123456789abcdef", 16);
	RTS_CHECK(memcmp(got + 34, want, wn) == 0);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(echo_ignored_and_malformed)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = ctx_us(be, 0);
	struct rts_mac us = mac_us(), peer = mac_peer(), bc = rts_mac_broadcast();
	struct rts_ip a = ip_us(), b = ip_peer(), bcast = rts_ip4(198, 18, 0, 255);
	uint8_t f[256];
	size_t n;

	learn_peer(ctx);
	n = tb_frame_icmp_echo(f, &bc, &peer, &b, &bcast, 8, 1, 1, "x", 1);
	testbe_inject(be, ctx, f, n, 0);
	RTS_CHECK_EQ(cnt(ctx)->icmp_rx_echo_ignored, 1);
	n = tb_frame_icmp_echo(f, &us, &peer, &b, &a, 8, 1, 1, "xy", 2);
	f[n - 1] ^= 0x40;
	testbe_inject(be, ctx, f, n, 0);
	RTS_CHECK_EQ(cnt(ctx)->icmp_rx_bad_csum, 1);
	n = tb_frame_ip(f, &us, &peer, &b, &a, 1, "\x08\x00\x00", 3, 1, 0);
	testbe_inject(be, ctx, f, n, 0);
	RTS_CHECK_EQ(cnt(ctx)->icmp_rx_malformed, 1);
	RTS_CHECK_EQ(testbe_tx_count(be), 0);
	RTS_CHECK_EQ(cnt(ctx)->icmp_rx, 3);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

static void ping_pair(uint32_t len)
{
	struct testbe *ba = testbe_new(), *bb = testbe_new();
	struct rts_config cfg;
	struct pair pr;
	struct rts_ip b = ip_peer();

	testbe_config(&cfg, "198.18.0.1/24", 1, 0);
	cfg.handlers = &handlers;
	pr.ba = ba;
	pr.bb = bb;
	pr.a = testbe_ctx_cfg(ba, &cfg, 10 * MS);
	pr.b = testbe_ctx(bb, "198.18.0.2/24", 2, 0, 10 * MS);
	testbe_drain(ba);
	testbe_drain(bb);
	n_replies = 0;
	RTS_CHECK_EQ(rts_ping(pr.a, &b, 0x77, 3, len), 0);
	RTS_CHECK_EQ(pair_pump(&pr, 13 * MS) > 0, 1);
	RTS_CHECK_EQ(n_replies, 1);
	RTS_CHECK_EQ(r_id, 0x77);
	RTS_CHECK_EQ(r_seq, 3);
	RTS_CHECK_EQ(r_len, len);
	RTS_CHECK(rts_ip_eq(&r_from, &b));
	RTS_CHECK_EQ(r_rtt, 3 * MS); /* sent at 10 ms, back at 13 ms */
	RTS_CHECK_EQ(cnt(pr.a)->icmp_tx_echo_req, 1);
	RTS_CHECK_EQ(cnt(pr.b)->icmp_tx_echo_reply, 1);
	pair_close(&pr);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(ping_round_trip_between_contexts)
{
	ping_pair(56);
}

RTS_TEST(ping_large_fragmented_round_trip)
{
	ping_pair(9000);
}

RTS_TEST(ping_errors)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = ctx_us(be, 0);
	struct rts_ip far = rts_ip4(203, 0, 113, 9), b = ip_peer(), v6;

	RTS_CHECK_EQ(rts_ping(ctx, &far, 1, 1, 8), RTS_ENETUNREACH);
	RTS_CHECK_EQ(rts_ping(ctx, &b, 1, 1, 65508), RTS_EMSGSIZE);
	rts_ip_parse("2001:2::1", &v6, NULL);
	RTS_CHECK(rts_ping(ctx, &v6, 1, 1, 8) < 0); /* until IPv6 hooks in */
	testbe_fail_alloc_after(be, 0);
	RTS_CHECK_EQ(rts_ping(ctx, &b, 1, 1, 8), RTS_ENOBUFS);
	testbe_fail_alloc_after(be, -1);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* An ICMP error from a router about a datagram we sent to @dst. */
static size_t icmp_error(uint8_t *f, uint8_t type, uint8_t code, uint16_t mtu,
			 struct rts_ip quoted_src, struct rts_ip dst,
			 uint16_t quoted_total, uint8_t proto)
{
	struct rts_mac us = mac_us(), peer = mac_peer();
	struct rts_ip router = rts_ip4(198, 18, 0, 254), a = ip_us();
	uint8_t m[8 + 20 + 8] = { type, code, 0, 0, 0, 0, (uint8_t)(mtu >> 8),
				  (uint8_t)mtu };
	uint16_t c;

	tb_ipv4(m + 8, &quoted_src, &dst, proto, (uint16_t)(quoted_total - 20),
		1, 0x4000, 63);
	memcpy(m + 28, "\x9c\x40\x00\x50\x00\x00\x00\x01", 8);
	c = tb_csum(m, sizeof(m), 0);
	m[2] = (uint8_t)(c >> 8);
	m[3] = (uint8_t)c;
	return tb_frame_ip(f, &us, &peer, &router, &a, 1, m, sizeof(m), 5, 0);
}

RTS_TEST(frag_needed_lowers_path_mtu)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = ctx_us(be, 0);
	struct rts_ip far = rts_ip4(198, 18, 0, 77), us = ip_us();
	struct rts_route rt;
	uint8_t f[256];
	size_t n;

	RTS_CHECK_EQ(rts_route_lookup(ctx, &far, NULL, &rt), 0);
	RTS_CHECK_EQ(rt.mtu, 1500);
	RTS_CHECK(rts_ip_eq(&rt.src, &us));
	n = icmp_error(f, 3, 4, 1300, us, far, 1500, 6);
	testbe_inject(be, ctx, f, n, 1 * SEC);
	RTS_CHECK_EQ(cnt(ctx)->icmp_rx_frag_needed, 1);
	rts_route_lookup(ctx, &far, NULL, &rt);
	RTS_CHECK_EQ(rt.mtu, 1300);
	/* never raised by a message; never below 552 */
	n = icmp_error(f, 3, 4, 1400, us, far, 1500, 6);
	testbe_inject(be, ctx, f, n, 1 * SEC);
	rts_route_lookup(ctx, &far, NULL, &rt);
	RTS_CHECK_EQ(rt.mtu, 1300);
	n = icmp_error(f, 3, 4, 200, us, far, 1300, 17);
	testbe_inject(be, ctx, f, n, 1 * SEC);
	rts_route_lookup(ctx, &far, NULL, &rt);
	RTS_CHECK_EQ(rt.mtu, 552);
	/* an old router without the field: the plateau below the size */
	{
		struct rts_ip other = rts_ip4(198, 18, 0, 78);

		n = icmp_error(f, 3, 4, 0, us, other, 1500, 6);
		testbe_inject(be, ctx, f, n, 1 * SEC);
		rts_route_lookup(ctx, &other, NULL, &rt);
		RTS_CHECK_EQ(rt.mtu, 1492);
	}
	/* UDP fragments follow the path MTU */
	{
		struct rts_ip other = rts_ip4(198, 18, 0, 78);
		struct rts_mac m = mac_peer();
		struct rts_endpoint dst = { .ip = other, .port = 9 };
		uint8_t data[2000] = { 0 };
		uint8_t got[2000];

		rts_neigh_learn(ctx, &other, &m, 1 * SEC);
		RTS_CHECK_EQ(rts_udp_sendto(ctx, 1, &dst, data, 1480), 1480);
		rts_flush(ctx);
		RTS_CHECK_EQ(testbe_tx_count(be), 2);
		RTS_CHECK_EQ(testbe_pop_bytes(be, got, sizeof(got)), 14 + 1492);
		testbe_drain(be);
	}
	/* the cache ages out (RFC 1191 §6.3: ten minutes) */
	rts_poll(ctx, 602 * SEC);
	rts_route_lookup(ctx, &far, NULL, &rt);
	RTS_CHECK_EQ(rt.mtu, 1500);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(errors_must_quote_our_datagrams)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = ctx_us(be, 0);
	struct rts_ip far = rts_ip4(198, 18, 0, 77), spoof = rts_ip4(198, 18, 0, 66);
	struct rts_route rt;
	uint8_t f[256];
	size_t n;

	n = icmp_error(f, 3, 4, 1300, spoof, far, 1500, 6);
	testbe_inject(be, ctx, f, n, 0);
	RTS_CHECK_EQ(cnt(ctx)->icmp_rx_malformed, 1);
	rts_route_lookup(ctx, &far, NULL, &rt);
	RTS_CHECK_EQ(rt.mtu, 1500);
	/* port unreachable and time exceeded are counted */
	n = icmp_error(f, 3, 3, 0, ip_us(), far, 100, 17);
	testbe_inject(be, ctx, f, n, 0);
	RTS_CHECK_EQ(cnt(ctx)->icmp_rx_unreach, 2);
	n = icmp_error(f, 11, 0, 0, ip_us(), far, 100, 6);
	testbe_inject(be, ctx, f, n, 0);
	RTS_CHECK_EQ(cnt(ctx)->icmp_rx_other, 1);
	/* errors are never answered */
	RTS_CHECK_EQ(testbe_tx_count(be), 0);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

int main(void)
{
	return rts_test_main();
}
