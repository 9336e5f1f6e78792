/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Conversation tests: TCP over IPv6 between two contexts on the capture
 * backend — NDP resolves the peer, the MSS follows the IPv6 MTU, transfers
 * are byte-exact, a dual-stack listener takes both families, a packet too
 * big lowers the MSS of the flow it quotes.
 */
#include <arpa/inet.h>

#include "tcp_pair.h"

#include "ip6/ip6.h"

static struct rts_ip v6(const char *s)
{
	struct rts_ip ip;

	inet_pton(AF_INET6, s, ip.u8);
	return ip;
}

/* a: 198.18.0.1 + 2001:2::1, b: 198.18.0.2 + 2001:2::2; no DAD, no RS. */
static void pair_init6(struct pair *p)
{
	struct rts_config ca, cb;
	struct rts_ip a6 = v6("2001:2::1"), b6 = v6("2001:2::2");

	testbe_config(&ca, "198.18.0.1/24", 1, 0);
	testbe_config(&cb, "198.18.0.2/24", 2, 0);
	rts_config_add_addr(&ca, &a6, 64);
	rts_config_add_addr(&cb, &b6, 64);
	ca.ip6.dad_transmits = cb.ip6.dad_transmits = 0;
	ca.ip6.router_solicits = cb.ip6.router_solicits = 0;
	pair_init_cfg(p, &ca, &cb);
}

static void connect_to(struct pair *p, struct rts_ip dst, uint16_t port)
{
	struct rts_endpoint r = { .ip = dst, .port = port };
	int err;

	p->sa.conn = rts_tcp_connect(p->a, NULL, &r, &app_handlers, &p->sa,
				     &err);
	RTS_CHECK(p->sa.conn != NULL);
	pair_pump(p);
}

static void fill(uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(i * 151 + (i >> 11));
}

RTS_TEST(ip6_tcp_handshake_transfer_close)
{
	struct pair p;
	struct rts_endpoint l = { .ip = v6("2001:2::2"), .port = 80 };
	struct rts_endpoint le, re;
	struct rts_tcp_info ia;
	const size_t total = 1u << 20;
	uint8_t *src = malloc(total);
	size_t sent = 0;
	int err;

	pair_init6(&p);
	fill(src, total);
	struct rts_tcp_listener *lis =
		rts_tcp_listen(p.b, &l, 0, &app_handlers, &p.sb, &err);
	RTS_REQUIRE(lis != NULL); /* (RTS_REQUIRE evaluates twice) */
	connect_to(&p, v6("2001:2::2"), 80);
	RTS_REQUIRE(p.sa.conn && p.sb.conn);
	RTS_CHECK_EQ(rts_tcp_state(p.sa.conn), RTS_TCP_ESTABLISHED);
	rts_tcp_endpoints(p.sa.conn, &le, &re);
	RTS_CHECK(rts_ip_family(&le.ip) == RTS_AF_INET6);
	RTS_CHECK(memcmp(le.ip.u8, v6("2001:2::1").u8, 16) == 0);
	rts_tcp_get_info(p.sa.conn, &ia);
	RTS_CHECK_EQ(ia.mss, 1500 - 40 - 20 - 12); /* IPv6 + TCP + TS */
	RTS_CHECK_EQ(rts_ctx_counters(p.a)->nd_tx_ns, 1);
	for (int guard = 0; sent < total && guard < 100000; guard++) {
		int n = rts_tcp_send(p.sa.conn, src + sent,
				     (uint32_t)(total - sent));

		if (n > 0)
			sent += (size_t)n;
		pair_pump(&p);
		if (n <= 0)
			pair_advance(&p, 1000000);
	}
	/* the last partial segment waits (Nagle) for a delayed ACK */
	pair_advance(&p, 100 * 1000000ull);
	RTS_CHECK_EQ(sent, total);
	RTS_CHECK_EQ(p.sb.rx_len, total);
	RTS_CHECK(memcmp(p.sb.rx, src, total) == 0);
	RTS_CHECK(rts_ctx_counters(p.b)->tcp_rx > 700);
	RTS_CHECK_EQ(rts_ctx_counters(p.b)->tcp_rx_bad_csum, 0);
	RTS_CHECK_EQ(rts_ctx_counters(p.a)->ip4_tx, 0);
	p.sb.close_on_fin = true;
	rts_tcp_close(p.sa.conn);
	pair_pump(&p);
	RTS_CHECK_EQ(p.sa.closed, 1);
	RTS_CHECK_EQ(p.sb.closed, 1);
	RTS_CHECK_EQ(p.sb.close_reason, RTS_TCP_CLOSED_NORMAL);
	pair_advance(&p, 61ull * 1000000000);
	pair_fini(&p);
	free(src);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(ip6_tcp_dual_stack_listener)
{
	struct pair p;
	struct rts_endpoint l = { .port = 8080 }; /* all-zero: both families */
	struct app a4 = { 0 };
	int err;

	pair_init6(&p);
	a4.rx = calloc(1, APP_BUF);
	struct rts_tcp_listener *lis =
		rts_tcp_listen(p.b, &l, 0, &app_handlers, &p.sb, &err);
	RTS_REQUIRE(lis != NULL); /* (RTS_REQUIRE evaluates twice) */
	connect_to(&p, v6("2001:2::2"), 8080);
	RTS_CHECK_EQ(p.sb.accepted, 1);
	struct rts_endpoint r4 = { .ip = PAIR_IP_B, .port = 8080 };
	a4.conn = rts_tcp_connect(p.a, NULL, &r4, &app_handlers, &a4, &err);
	RTS_REQUIRE(a4.conn != NULL);
	pair_pump(&p);
	RTS_CHECK_EQ(p.sb.accepted, 2);
	RTS_CHECK_EQ(a4.connected, 1);
	RTS_CHECK_EQ(p.sa.connected, 1);
	RTS_CHECK_EQ(rts_tcp_send(a4.conn, "four", 4), 4);
	RTS_CHECK_EQ(rts_tcp_send(p.sa.conn, "six", 3), 3);
	pair_pump(&p);
	RTS_CHECK_EQ(p.sb.rx_len, 7);
	/* a link-local peer works too (same link) */
	struct rts_endpoint ll = { .ip = v6("fe80::ff:fe00:2"), .port = 8080 };
	struct app al = { 0 };
	al.rx = calloc(1, APP_BUF);
	al.conn = rts_tcp_connect(p.a, NULL, &ll, &app_handlers, &al, &err);
	RTS_REQUIRE(al.conn != NULL);
	pair_pump(&p);
	RTS_CHECK_EQ(al.connected, 1);
	RTS_CHECK_EQ(p.sb.accepted, 3);
	struct rts_endpoint le, re;
	rts_tcp_endpoints(al.conn, &le, &re);
	RTS_CHECK(memcmp(le.ip.u8, v6("fe80::ff:fe00:1").u8, 16) == 0);
	rts_tcp_abort(a4.conn);
	rts_tcp_abort(al.conn);
	pair_pump(&p);
	pair_fini(&p);
	free(a4.rx);
	free(al.rx);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(ip6_tcp_packet_too_big_lowers_mss)
{
	struct pair p;
	struct rts_endpoint l = { .port = 80 };
	struct rts_tcp_info ia;
	static uint8_t buf[64 * 1024], frame[2048], msg[1400];
	struct rts_pkt *seg;
	size_t n;
	int err;

	pair_init6(&p);
	fill(buf, sizeof(buf));
	struct rts_tcp_listener *lis =
		rts_tcp_listen(p.b, &l, 0, &app_handlers, &p.sb, &err);
	RTS_REQUIRE(lis != NULL); /* (RTS_REQUIRE evaluates twice) */
	connect_to(&p, v6("2001:2::2"), 80);
	RTS_REQUIRE(p.sa.conn && p.sb.conn);
	/* a full-size segment in flight, captured rather than delivered */
	RTS_CHECK(rts_tcp_send(p.sa.conn, buf, 4000) > 0);
	rts_flush(p.a);
	seg = testbe_pop(p.ba);
	RTS_REQUIRE(seg != NULL);
	n = testbe_flatten(seg, frame, sizeof(frame));
	testbe_free_pkt(seg);
	RTS_CHECK_EQ(n, 14 + 1500);
	testbe_drain(p.ba); /* the rest is lost beyond the router too */
	/* a router on the way: packet too big, MTU 1280, quoting it */
	struct rts_ip router = v6("2001:2::fe"), a6 = v6("2001:2::1");
	struct rts_mac amac = testbe_mac(1), bmac = testbe_mac(2);
	memset(msg, 0, 8);
	msg[0] = 2;
	rts_put_be32(msg + 4, 1280);
	memcpy(msg + 8, frame + 14, 1232);
	uint8_t *f = malloc(2048);
	memcpy(f, amac.b, 6);
	memcpy(f + 6, bmac.b, 6);
	f[12] = 0x86;
	f[13] = 0xdd;
	struct rts_ip6_hdr h = { .payload_len = 1240, .next_hdr = 58,
				 .hop_limit = 64, .src = router, .dst = a6 };
	rts_ip6_emit(&h, f + 14);
	rts_icmp6_fill_csum(&router, &a6, msg, 1240);
	memcpy(f + 54, msg, 1240);
	testbe_inject(p.ba, p.a, f, 54 + 1240, p.now);
	free(f);
	rts_tcp_get_info(p.sa.conn, &ia);
	RTS_CHECK_EQ(ia.mss, 1280 - 60 - 12);
	/* what leaves now fits in 1280 bytes */
	rts_flush(p.a);
	size_t big = 0;
	while ((seg = testbe_pop(p.ba)) != NULL) {
		if (seg->pkt_len > 14 + 1280)
			big++;
		testbe_free_pkt(seg);
	}
	RTS_CHECK_EQ(big, 0);
	/* and the data still arrives whole */
	for (int i = 0; i < 50 && p.sb.rx_len < 4000; i++)
		pair_advance(&p, 300 * 1000000ull);
	RTS_CHECK_EQ(p.sb.rx_len, 4000);
	RTS_CHECK(memcmp(p.sb.rx, buf, 4000) == 0);
	pair_fini(&p);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

int main(void)
{
	return rts_test_main();
}
