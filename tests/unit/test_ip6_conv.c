/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Conversation tests: the IPv6 receive path (validation, address filter,
 * extension headers and their ICMPv6 answers), ICMPv6 echo and ping, UDP
 * over IPv6, errors received (packet too big → path MTU and TCP).
 */
#include "ip6_conv.h"

#include "ip6/ip6.h"

static uint8_t f[70000];
static uint8_t m[70000];

/* Inject an echo request from the peer to @dst. */
static void inject_echo(struct testbe *be, struct rts_ctx *ctx,
			struct rts_ip dst, size_t len, uint64_t now)
{
	struct rts_ip src = IP_PEER;
	struct rts_mac us = MAC_US, peer = MAC_PEER;
	size_t ml = c6_echo(m, 128, 0x77, 3, len);
	size_t n = c6_frame_icmp(f, &us, &peer, &src, &dst, 64, m, ml);

	testbe_inject(be, ctx, f, n, now);
}

RTS_TEST(ip6_echo_request_answered)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = c6_ctx(be);
	struct c6_out o;

	c6_learn_peer(ctx);
	inject_echo(be, ctx, IP_US, 56, 0);
	C6_POP(be, &o);
	RTS_CHECK_EQ(o.type, 0x86dd);
	RTS_CHECK(mac_is(&o.dmac, MAC_PEER));
	RTS_CHECK(ip_is(&o.src, IP_US));
	RTS_CHECK(ip_is(&o.dst, IP_PEER));
	RTS_CHECK_EQ(o.nh, 58);
	RTS_CHECK_EQ(o.hop, 64);
	RTS_CHECK_EQ(o.plen, 64);
	RTS_CHECK_EQ(o.l4[0], 129);
	RTS_CHECK(o.csum_ok);
	RTS_CHECK(memcmp(o.l4 + 4, m + 4, 60) == 0); /* id, seq, payload */
	RTS_CHECK_EQ(cnt(ctx)->icmp6_rx_echo_req, 1);
	RTS_CHECK_EQ(cnt(ctx)->icmp6_tx_echo_reply, 1);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(ip6_echo_to_link_local_and_all_nodes)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = c6_ctx(be);
	struct c6_out o;
	struct rts_ip ll = LL_US, peer_ll = LL_PEER, all = c6_ip("ff02::1");
	struct rts_mac us = MAC_US, peer = MAC_PEER;
	struct rts_mac mc = { { 0x33, 0x33, 0, 0, 0, 1 } };
	size_t ml, n;

	c6_learn_peer(ctx);
	/* to our EUI-64 link-local address, from the peer's */
	ml = c6_echo(m, 128, 1, 1, 8);
	n = c6_frame_icmp(f, &us, &peer, &peer_ll, &ll, 64, m, ml);
	testbe_inject(be, ctx, f, n, 0);
	C6_POP(be, &o);
	RTS_CHECK(ip_is(&o.src, LL_US));
	RTS_CHECK(ip_is(&o.dst, LL_PEER));
	RTS_CHECK(o.csum_ok);
	/* to all-nodes: answered from a unicast address of the right scope */
	ml = c6_echo(m, 128, 1, 2, 8);
	n = c6_frame_icmp(f, &mc, &peer, &peer_ll, &all, 64, m, ml);
	testbe_inject(be, ctx, f, n, 0);
	C6_POP(be, &o);
	RTS_CHECK(ip_is(&o.src, LL_US));
	RTS_CHECK_EQ(o.l4[0], 129);
	RTS_CHECK(o.csum_ok);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
}

RTS_TEST(ip6_rx_validation_drops)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = c6_ctx(be);
	struct rts_ip src = IP_PEER, dst = IP_US, other = c6_ip("2001:2::77");
	struct rts_ip mc_other = c6_ip("ff02::1:ff00:77");
	struct rts_ip mapped = c6_ip("::ffff:198.18.0.2");
	struct rts_mac us = MAC_US, peer = MAC_PEER;
	size_t ml = c6_echo(m, 128, 1, 1, 8), n;

	c6_learn_peer(ctx);
	/* not our address, not our group */
	n = c6_frame_icmp(f, &us, &peer, &src, &other, 64, m, ml);
	testbe_inject(be, ctx, f, n, 0);
	n = c6_frame_icmp(f, &us, &peer, &src, &mc_other, 64, m, ml);
	testbe_inject(be, ctx, f, n, 0);
	RTS_CHECK_EQ(cnt(ctx)->ip6_rx_not_for_us, 2);
	/* IPv4-mapped and multicast sources never appear on the wire */
	n = c6_frame_icmp(f, &us, &peer, &mapped, &dst, 64, m, ml);
	testbe_inject(be, ctx, f, n, 0);
	n = c6_frame_icmp(f, &us, &peer, &mc_other, &dst, 64, m, ml);
	testbe_inject(be, ctx, f, n, 0);
	RTS_CHECK_EQ(cnt(ctx)->ip6_rx_bad_src, 2);
	/* payload length beyond the frame */
	n = c6_frame_icmp(f, &us, &peer, &src, &dst, 64, m, ml);
	f[19] += 1;
	testbe_inject(be, ctx, f, n, 0);
	RTS_CHECK_EQ(cnt(ctx)->ip6_rx_bad_len, 1);
	/* version 4 in an IPv6 ethertype */
	n = c6_frame_icmp(f, &us, &peer, &src, &dst, 64, m, ml);
	f[14] = 0x45;
	testbe_inject(be, ctx, f, n, 0);
	RTS_CHECK_EQ(cnt(ctx)->ip6_rx_bad_version, 1);
	/* shorter than a header */
	testbe_inject(be, ctx, f, 14 + 30, 0);
	RTS_CHECK_EQ(cnt(ctx)->ip6_rx_too_short, 1);
	/* a bad ICMPv6 checksum */
	n = c6_frame_icmp(f, &us, &peer, &src, &dst, 64, m, ml);
	f[n - 1] ^= 0x40;
	testbe_inject(be, ctx, f, n, 0);
	RTS_CHECK_EQ(cnt(ctx)->icmp6_rx_bad_csum, 1);
	/* Ethernet padding after the datagram is fine */
	n = c6_frame_icmp(f, &us, &peer, &src, &dst, 64, m, ml);
	memset(f + n, 0xee, 20);
	testbe_inject(be, ctx, f, n + 20, 0);
	RTS_CHECK_EQ(cnt(ctx)->icmp6_rx_echo_req, 1);
	RTS_CHECK_EQ(testbe_tx_count(be), 1); /* only that one answered */
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* Inject a frame whose IPv6 payload is @hdrs then an echo request. */
static void inject_with_ext(struct testbe *be, struct rts_ctx *ctx,
			    uint8_t first_nh, const uint8_t *hdrs,
			    size_t hlen, struct rts_ip dst)
{
	struct rts_ip src = IP_PEER;
	struct rts_mac us = MAC_US, peer = MAC_PEER;
	uint8_t pl[256];
	size_t ml = c6_echo(pl + hlen, 128, 5, 5, 8), n;

	memcpy(pl, hdrs, hlen);
	c6_fill_csum(&src, &dst, 58, pl + hlen, ml, 2);
	n = c6_frame(f, &us, &peer, &src, &dst, first_nh, 64, pl, hlen + ml);
	testbe_inject(be, ctx, f, n, 0);
}

RTS_TEST(ip6_ext_headers_conversation)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = c6_ctx(be);
	struct c6_out o;
	/* hop-by-hop (PadN) then destination options (PadN) then ICMPv6 */
	const uint8_t ok[] = { 60, 0, 1, 4, 0, 0, 0, 0,
			       58, 0, 1, 4, 0, 0, 0, 0 };
	/* an unknown option of type 10xxxxxx in destination options */
	const uint8_t opt10[] = { 58, 0, 0x9e, 4, 0, 0, 0, 0 };
	/* an unknown option of type 01xxxxxx: discarded silently */
	const uint8_t opt01[] = { 58, 0, 0x5e, 4, 0, 0, 0, 0 };
	/* a type 0 routing header with segments left */
	const uint8_t rh0[] = { 58, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0,
				0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	/* a header whose length runs past the packet */
	const uint8_t cut[] = { 58, 200, 1, 4, 0, 0, 0, 0 };

	c6_learn_peer(ctx);
	inject_with_ext(be, ctx, 0, ok, sizeof(ok), IP_US);
	C6_POP(be, &o);
	RTS_CHECK_EQ(o.l4[0], 129); /* the echo went through */

	inject_with_ext(be, ctx, 60, opt10, sizeof(opt10), IP_US);
	C6_POP(be, &o);
	RTS_CHECK_EQ(o.l4[0], 4); /* parameter problem */
	RTS_CHECK_EQ(o.l4[1], 2);
	RTS_CHECK_EQ(rts_get_be32(o.l4 + 4), 42); /* the option type byte */
	RTS_CHECK(o.csum_ok);
	/* the invoking packet is quoted from its IPv6 header on */
	RTS_CHECK_EQ(o.l4[8], 0x60);
	RTS_CHECK(memcmp(o.l4 + 8 + 24, IP_US.u8, 16) == 0);
	RTS_CHECK_EQ(cnt(ctx)->ip6_rx_unknown_opt, 1);

	inject_with_ext(be, ctx, 60, opt01, sizeof(opt01), IP_US);
	RTS_CHECK_EQ(testbe_tx_count(be), 0);
	RTS_CHECK_EQ(cnt(ctx)->ip6_rx_unknown_opt, 2);

	inject_with_ext(be, ctx, 43, rh0, sizeof(rh0), IP_US);
	C6_POP(be, &o);
	RTS_CHECK_EQ(o.l4[0], 4);
	RTS_CHECK_EQ(o.l4[1], 0);
	RTS_CHECK_EQ(rts_get_be32(o.l4 + 4), 42); /* the routing type */
	RTS_CHECK_EQ(cnt(ctx)->ip6_rx_rh0, 1);

	inject_with_ext(be, ctx, 60, cut, sizeof(cut), IP_US);
	RTS_CHECK_EQ(testbe_tx_count(be), 0); /* dropped quietly */
	RTS_CHECK_EQ(cnt(ctx)->ip6_rx_ext_bad, 1);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(ip6_unknown_next_header)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = c6_ctx(be);
	struct rts_ip src = IP_PEER, dst = IP_US, all = c6_ip("ff02::1");
	struct rts_mac us = MAC_US, peer = MAC_PEER;
	struct rts_mac mc = { { 0x33, 0x33, 0, 0, 0, 1 } };
	struct c6_out o;
	uint8_t pl[16] = { 0 };
	size_t n;

	c6_learn_peer(ctx);
	n = c6_frame(f, &us, &peer, &src, &dst, 253, 64, pl, sizeof(pl));
	testbe_inject(be, ctx, f, n, 0);
	C6_POP(be, &o);
	RTS_CHECK_EQ(o.l4[0], 4);
	RTS_CHECK_EQ(o.l4[1], 1);
	RTS_CHECK_EQ(rts_get_be32(o.l4 + 4), 6); /* the Next Header field */
	RTS_CHECK_EQ(cnt(ctx)->ip6_rx_unknown_proto, 1);
	/* to a multicast group: no error (RFC 4443 §2.4 (e)) */
	n = c6_frame(f, &mc, &peer, &src, &all, 253, 64, pl, sizeof(pl));
	testbe_inject(be, ctx, f, n, 0);
	RTS_CHECK_EQ(testbe_tx_count(be), 0);
	/* No Next Header: nothing to say */
	n = c6_frame(f, &us, &peer, &src, &dst, 59, 64, pl, sizeof(pl));
	testbe_inject(be, ctx, f, n, 0);
	RTS_CHECK_EQ(testbe_tx_count(be), 0);
	RTS_CHECK_EQ(cnt(ctx)->ip6_rx_no_next, 1);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
}

/* ------------------------------------------------------------------ UDP */
static int udp_got;
static uint8_t udp_data[70000];
static uint32_t udp_len;
static struct rts_endpoint udp_from;

static void udp_rx(struct rts_ctx *ctx, void *user,
		   const struct rts_endpoint *from,
		   const struct rts_endpoint *to, struct rts_pkt *p,
		   uint32_t off, uint32_t len)
{
	(void)user;
	(void)to;
	udp_got++;
	udp_from = *from;
	udp_len = len;
	uint8_t *tmp = malloc(p->pkt_len);
	testbe_flatten(p, tmp, p->pkt_len);
	memcpy(udp_data, tmp + off, len);
	free(tmp);
	rts_pkt_free(ctx, p);
}

RTS_TEST(ip6_udp_receive_and_port_unreachable)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = c6_ctx(be);
	struct rts_ip src = IP_PEER, dst = IP_US;
	struct rts_mac us = MAC_US, peer = MAC_PEER;
	struct rts_endpoint local = { .port = 7 };
	struct rts_udp_bind *b;
	struct c6_out o;
	int err;
	size_t ml, n;

	c6_learn_peer(ctx);
	b = rts_udp_bind(ctx, &local, udp_rx, NULL, &err);
	RTS_REQUIRE(b != NULL);
	udp_got = 0;
	ml = c6_udp(m, &src, &dst, 4000, 7, "hello", 5);
	n = c6_frame(f, &us, &peer, &src, &dst, 17, 64, m, ml);
	testbe_inject(be, ctx, f, n, 0);
	RTS_CHECK_EQ(udp_got, 1);
	RTS_CHECK_EQ(udp_len, 5);
	RTS_CHECK(memcmp(udp_data, "hello", 5) == 0);
	RTS_CHECK(ip_is(&udp_from.ip, IP_PEER));
	RTS_CHECK_EQ(udp_from.port, 4000);
	/* a zero checksum is not allowed over IPv6 */
	m[6] = m[7] = 0;
	n = c6_frame(f, &us, &peer, &src, &dst, 17, 64, m, ml);
	testbe_inject(be, ctx, f, n, 0);
	RTS_CHECK_EQ(udp_got, 1);
	RTS_CHECK_EQ(cnt(ctx)->udp_rx_bad_csum, 1);
	/* an unbound port: destination unreachable, code 4 */
	ml = c6_udp(m, &src, &dst, 4000, 9, "x", 1);
	n = c6_frame(f, &us, &peer, &src, &dst, 17, 64, m, ml);
	testbe_inject(be, ctx, f, n, 0);
	C6_POP(be, &o);
	RTS_CHECK(ip_is(&o.dst, IP_PEER));
	RTS_CHECK_EQ(o.l4[0], 1);
	RTS_CHECK_EQ(o.l4[1], 4);
	RTS_CHECK(o.csum_ok);
	RTS_CHECK_EQ(o.plen, 8 + 40 + 9); /* the whole datagram quoted */
	RTS_CHECK(memcmp(o.l4 + 8 + 40, m, 9) == 0);
	rts_udp_unbind(b);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(ip6_errors_rate_limited)
{
	struct testbe *be = testbe_new();
	struct rts_config cfg;
	struct rts_ctx *ctx;
	struct rts_ip src = IP_PEER, dst = IP_US;
	struct rts_mac us = MAC_US, peer = MAC_PEER;
	size_t ml, n;

	c6_config(&cfg, 0, 0);
	cfg.icmp_rate_per_s = 10;
	ctx = testbe_ctx_cfg(be, &cfg, 0);
	c6_learn_peer(ctx);
	ml = c6_udp(m, &src, &dst, 4000, 9, "x", 1);
	n = c6_frame(f, &us, &peer, &src, &dst, 17, 64, m, ml);
	for (int i = 0; i < 100; i++)
		testbe_inject(be, ctx, f, n, 1000);
	RTS_CHECK(cnt(ctx)->icmp6_tx_errors <= 11);
	RTS_CHECK(cnt(ctx)->icmp6_tx_errors >= 1);
	RTS_CHECK_EQ(cnt(ctx)->icmp6_tx_errors + cnt(ctx)->icmp6_tx_rate_limited,
		     100);
	testbe_drain(be);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
}

RTS_TEST(ip6_udp_send_small_and_fragmented)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = c6_ctx(be);
	struct rts_endpoint dst = { .ip = IP_PEER, .port = 53 };
	struct c6_out o;
	static uint8_t data[4000];
	uint32_t id = 0, covered = 0;

	c6_learn_peer(ctx);
	RTS_CHECK_EQ(rts_udp_sendto(ctx, 1234, &dst, "abc", 3), 3);
	rts_flush(ctx);
	C6_POP(be, &o);
	RTS_CHECK(ip_is(&o.src, IP_US));
	RTS_CHECK_EQ(o.nh, 17);
	RTS_CHECK_EQ(o.plen, 11);
	RTS_CHECK(o.csum_ok);

	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7);
	RTS_CHECK_EQ(rts_udp_sendto(ctx, 1234, &dst, data, sizeof(data)),
		     (int)sizeof(data));
	rts_flush(ctx);
	/* 4008 UDP bytes in fragments of 1448, 1448 and 1112 */
	for (int i = 0; i < 3; i++) {
		C6_POP(be, &o);
		RTS_CHECK_EQ(o.nh, 44);
		RTS_CHECK(o.n - 14 <= 1500);
		uint16_t offm = rts_get_be16(o.l4 + 2);
		uint32_t fid = rts_get_be32(o.l4 + 4);
		if (i == 0)
			id = fid;
		RTS_CHECK_EQ(fid, id);
		RTS_CHECK_EQ(o.l4[0], 17);
		RTS_CHECK_EQ(offm & 0xfff8, covered);
		RTS_CHECK_EQ(offm & 1, i < 2);
		covered += o.plen - 8;
	}
	RTS_CHECK_EQ(covered, 4008);
	RTS_CHECK_EQ(cnt(ctx)->ip6_tx_frags, 3);
	RTS_CHECK_EQ(testbe_tx_count(be), 0);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* Two contexts wired back to back: a 4000-byte datagram each way. */
RTS_TEST(ip6_udp_fragments_reassembled_between_contexts)
{
	struct testbe *ba = testbe_new(), *bb = testbe_new();
	struct rts_config cfg;
	struct rts_ctx *a = c6_ctx(ba), *b;
	struct rts_ip peer = IP_PEER;
	struct rts_endpoint to_b = { .ip = IP_PEER, .port = 7 };
	struct rts_endpoint to_a = { .ip = IP_US, .port = 7 };
	struct rts_endpoint any = { .port = 7 };
	static uint8_t data[4000];
	int err;

	testbe_config(&cfg, NULL, 2, 0);
	rts_config_add_addr(&cfg, &peer, 64);
	cfg.ip6.dad_transmits = 0;
	cfg.ip6.router_solicits = 0;
	b = testbe_ctx_cfg(bb, &cfg, 0);
	RTS_REQUIRE(a && b);
	struct rts_udp_bind *ua = rts_udp_bind(a, &any, udp_rx, NULL, &err);
	struct rts_udp_bind *ub = rts_udp_bind(b, &any, udp_rx, NULL, &err);
	RTS_REQUIRE(ua && ub);
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 13 + 1);
	udp_got = 0;
	/* no static entries: the first datagram waits for NDP */
	RTS_CHECK_EQ(rts_udp_sendto(a, 9, &to_b, data, sizeof(data)), 4000);
	rts_flush(a);
	for (int round = 0; round < 4; round++) {
		testbe_forward(ba, bb, b, 1000);
		testbe_forward(bb, ba, a, 1000);
	}
	RTS_CHECK_EQ(udp_got, 1);
	RTS_CHECK_EQ(udp_len, 4000);
	RTS_CHECK(memcmp(udp_data, data, 4000) == 0);
	RTS_CHECK(ip_is(&udp_from.ip, IP_US));
	RTS_CHECK_EQ(cnt(b)->ip6_reass_ok, 1);
	RTS_CHECK_EQ(cnt(a)->nd_tx_ns, 1);
	RTS_CHECK_EQ(cnt(b)->nd_tx_na, 1);
	/* and back, the neighbour now known both ways */
	RTS_CHECK_EQ(rts_udp_sendto(b, 9, &to_a, data, sizeof(data)), 4000);
	rts_flush(b);
	testbe_forward(bb, ba, a, 2000);
	RTS_CHECK_EQ(udp_got, 2);
	RTS_CHECK(memcmp(udp_data, data, 4000) == 0);
	RTS_CHECK_EQ(cnt(a)->ip6_reass_ok, 1);
	rts_udp_unbind(ua);
	rts_udp_unbind(ub);
	testbe_ctx_free(a, 0);
	testbe_ctx_free(b, 0);
	testbe_delete(ba);
	testbe_delete(bb);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* ----------------------------------------------------------------- ping */
static int echo_got;
static uint16_t echo_id, echo_seq;
static uint32_t echo_len;
static uint64_t echo_rtt;

static void on_echo(struct rts_ctx *ctx, void *user, const struct rts_ip *from,
		    uint16_t id, uint16_t seq, uint32_t len, uint64_t rtt_ns)
{
	(void)ctx;
	(void)user;
	(void)from;
	echo_got++;
	echo_id = id;
	echo_seq = seq;
	echo_len = len;
	echo_rtt = rtt_ns;
}

static const struct rts_ctx_handlers ping_handlers = { .echo_reply = on_echo };

RTS_TEST(ip6_ping_api)
{
	struct testbe *be = testbe_new();
	struct rts_config cfg;
	struct rts_ctx *ctx;
	struct rts_ip dst = IP_PEER, src = IP_PEER, us_ip = IP_US;
	struct rts_mac us = MAC_US, peer = MAC_PEER;
	struct c6_out o;
	size_t n;

	c6_config(&cfg, 0, 0);
	cfg.handlers = &ping_handlers;
	ctx = testbe_ctx_cfg(be, &cfg, 0);
	c6_learn_peer(ctx);
	echo_got = 0;
	RTS_CHECK_EQ(rts_ping(ctx, &dst, 0x42, 9, 56), 0);
	rts_flush(ctx);
	C6_POP(be, &o);
	RTS_CHECK_EQ(o.l4[0], 128);
	RTS_CHECK_EQ(rts_get_be16(o.l4 + 4), 0x42);
	RTS_CHECK_EQ(rts_get_be16(o.l4 + 6), 9);
	RTS_CHECK_EQ(o.plen, 64);
	RTS_CHECK(o.csum_ok);
	/* the peer answers with the same payload 3 ms later */
	memcpy(m, o.l4, o.l4_len);
	m[0] = 129;
	n = c6_frame_icmp(f, &us, &peer, &src, &us_ip, 64, m, o.l4_len);
	testbe_inject(be, ctx, f, n, 3 * MS);
	RTS_CHECK_EQ(echo_got, 1);
	RTS_CHECK_EQ(echo_id, 0x42);
	RTS_CHECK_EQ(echo_seq, 9);
	RTS_CHECK_EQ(echo_len, 56);
	RTS_CHECK_EQ(echo_rtt, 3 * MS);
	/* a big ping leaves in fragments */
	RTS_CHECK_EQ(rts_ping(ctx, &dst, 1, 1, 3000), 0);
	rts_flush(ctx);
	RTS_CHECK_EQ(testbe_tx_count(be), 3);
	testbe_drain(be);
	/* no route off-link without a router */
	struct rts_ip far = c6_ip("2001:2:ffff::1");
	RTS_CHECK_EQ(rts_ping(ctx, &far, 1, 1, 8), RTS_ENETUNREACH);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* ------------------------------------------------------ packet too big */
RTS_TEST(ip6_packet_too_big_lowers_path_mtu)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = c6_ctx(be);
	struct rts_endpoint dst = { .ip = IP_PEER, .port = 53 };
	struct rts_ip router = c6_ip("2001:2::fe"), us_ip = IP_US;
	struct rts_ip peer_ip = IP_PEER;
	struct rts_mac us = MAC_US, peer = MAC_PEER;
	static uint8_t data[1400];
	struct c6_out o;
	size_t n;

	c6_learn_peer(ctx);
	RTS_CHECK_EQ(rts_udp_sendto(ctx, 1, &dst, data, sizeof(data)), 1400);
	rts_flush(ctx);
	C6_POP(be, &o);
	RTS_CHECK_EQ(o.nh, 17); /* 1448 bytes fit in 1500 */
	/* a router says 1280: quote our packet */
	m[0] = 2;
	m[1] = 0;
	rts_put_be32(m + 4, 1280);
	memcpy(m + 8, o.f + 14, 1232);
	n = c6_frame_icmp(f, &us, &peer, &router, &us_ip, 64, m, 8 + 1232);
	testbe_inject(be, ctx, f, n, 0);
	RTS_CHECK_EQ(cnt(ctx)->icmp6_rx_pkt_too_big, 1);
	RTS_CHECK_EQ(rts_ip6_pmtu_get(ctx, &peer_ip), 1280);
	RTS_CHECK_EQ(rts_udp_sendto(ctx, 1, &dst, data, sizeof(data)), 1400);
	rts_flush(ctx);
	C6_POP(be, &o);
	RTS_CHECK_EQ(o.nh, 44);
	RTS_CHECK(o.n - 14 <= 1280);
	testbe_drain(be);
	/* a claim below the minimum MTU is taken as 1280 (RFC 8201 §4) */
	rts_put_be32(m + 4, 600);
	n = c6_frame_icmp(f, &us, &peer, &router, &us_ip, 64, m, 8 + 1232);
	testbe_inject(be, ctx, f, n, 0);
	RTS_CHECK_EQ(rts_ip6_pmtu_get(ctx, &peer_ip), 1280);
	/* an error quoting a packet that is not ours is ignored */
	memcpy(m + 8 + 8, peer_ip.u8, 16);
	n = c6_frame_icmp(f, &us, &peer, &router, &us_ip, 64, m, 8 + 1232);
	testbe_inject(be, ctx, f, n, 0);
	RTS_CHECK_EQ(cnt(ctx)->icmp6_rx_bad_quote, 1);
	/* the estimate expires after 10 minutes */
	rts_poll(ctx, 601 * SEC);
	RTS_CHECK_EQ(rts_ip6_pmtu_get(ctx, &peer_ip), 1500);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(ip6_off_in_an_ipv4_only_context)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = testbe_ctx(be, "198.18.0.1/24", 1, 0, 0);
	struct rts_ip src = LL_PEER, all = c6_ip("ff02::1");
	struct rts_mac peer = MAC_PEER;
	struct rts_mac mc = { { 0x33, 0x33, 0, 0, 0, 1 } };
	size_t ml = c6_echo(m, 128, 1, 1, 8), n;

	testbe_drain(be); /* the gratuitous ARP; no DAD, no RS */
	rts_poll(ctx, 5 * SEC);
	RTS_CHECK_EQ(testbe_tx_count(be), 0);
	n = c6_frame_icmp(f, &mc, &peer, &src, &all, 64, m, ml);
	testbe_inject(be, ctx, f, n, 5 * SEC);
	RTS_CHECK_EQ(testbe_tx_count(be), 0);
	RTS_CHECK_EQ(cnt(ctx)->ip6_rx_not_for_us, 1);
	RTS_CHECK_EQ(cnt(ctx)->ip6_tx, 0);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
}

int main(void)
{
	return rts_test_main();
}
