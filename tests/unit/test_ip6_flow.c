/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IPv6 per-flow header template (src/ip6/flow6.c) and the one-entry
 * send cache (ip6_output.c): an established TCP flow sends every segment
 * through its template, and the template is dropped and rebuilt when the
 * neighbour's MAC changes (NA with override), when a Packet Too Big lowers
 * the path MTU, when the default router goes away or its lifetime ends.
 * What goes on the wire is checked byte by byte against an independent
 * decoder (ip6_conv.h).
 */
#include "tcp_pair.h"

#include "ip6_conv.h"

#include "ip6/ip6.h"
#include "tcp/tcp_conn.h"
#include "wire/icmpv6.h"
#include "wire/ndp.h"

#define LL_B c6_ip("fe80::ff:fe00:2")
#define FAR_B c6_ip("2001:2:0:1::2") /* b's address off a's prefix */

static uint8_t data[256 * 1024];

/* a: 2001:2::1/64, b: 2001:2::2/64 (+ @b_extra); no DAD, no RS. */
static void pair6(struct pair *p, const char *b_addr, const char *b_gw)
{
	struct rts_config ca, cb;
	struct rts_ip a6 = IP_US, b6 = c6_ip(b_addr);

	testbe_config(&ca, "198.18.0.1/24", 1, 0);
	testbe_config(&cb, "198.18.0.2/24", 2, 0);
	rts_config_add_addr(&ca, &a6, 64);
	rts_config_add_addr(&cb, &b6, 64);
	if (b_gw)
		cb.gw6 = c6_ip(b_gw);
	ca.ip6.dad_transmits = cb.ip6.dad_transmits = 0;
	ca.ip6.router_solicits = cb.ip6.router_solicits = 0;
	pair_init_cfg(p, &ca, &cb);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 151 + (i >> 11));
}

static void connect6(struct pair *p, struct rts_ip dst)
{
	struct rts_endpoint l = { .port = 80 }, r = { .ip = dst, .port = 80 };
	int err;

	RTS_CHECK(rts_tcp_listen(p->b, &l, 0, &app_handlers, &p->sb, &err) !=
		  NULL);
	p->sa.conn = rts_tcp_connect(p->a, NULL, &r, &app_handlers, &p->sa,
				     &err);
	RTS_REQUIRE(p->sa.conn != NULL);
	pair_pump(p);
	RTS_REQUIRE(p->sb.conn != NULL);
	RTS_CHECK_EQ(rts_tcp_state(p->sa.conn), RTS_TCP_ESTABLISHED);
}

/* Send @n bytes of data from a to b, pumping; returns bytes accepted. */
static size_t push(struct pair *p, size_t n)
{
	size_t sent = 0;

	for (int guard = 0; sent < n && guard < 100000; guard++) {
		int k = rts_tcp_send(p->sa.conn, data + sent,
				     (uint32_t)(n - sent));

		if (k > 0)
			sent += (size_t)k;
		pair_pump(p);
		if (k <= 0)
			pair_advance(p, 1000000);
	}
	pair_advance(p, 100 * MS);
	return sent;
}

/* Queue @len bytes on a and return the first frame that leaves, decoded. */
static bool one_segment(struct pair *p, struct c6_out *o, uint32_t len)
{
	RTS_CHECK((uint32_t)rts_tcp_send(p->sa.conn, data, len) == len);
	rts_flush(p->a);
	return c6_pop(p->ba, o);
}

static void inject_icmp(struct pair *p, struct rts_ip src, struct rts_mac smac,
			uint8_t *msg, size_t len, uint8_t hop)
{
	static uint8_t f[2048];
	struct rts_ip dst = IP_US;
	struct rts_mac dmac = MAC_US;
	size_t n = c6_frame_icmp(f, &dmac, &smac, &src, &dst, hop, msg, len);

	testbe_inject(p->ba, p->a, f, n, p->now);
}

/* An RA from b's link-local address (router lifetime @life_s) into a. */
static void inject_ra(struct pair *p, uint16_t life_s)
{
	uint8_t m[64];
	struct rts_mac bmac = MAC_PEER;
	struct rts_nd_ra_emit ra = { .cur_hop_limit = 0,
				     .router_lifetime_s = life_s,
				     .src_ll = &bmac };
	uint32_t n = rts_nd_emit_ra(m, &ra);
	struct rts_ip all = c6_ip("ff02::1");
	static uint8_t f[256];
	struct rts_ip src = LL_B;
	struct rts_mac dmac = rts_ip6_mcast_mac(&all);
	size_t len = c6_frame_icmp(f, &dmac, &bmac, &src, &all, 255, m, n);

	testbe_inject(p->ba, p->a, f, len, p->now);
}

RTS_TEST(ip6_flow_template_carries_the_bulk)
{
	struct pair p;
	struct c6_out *o = malloc(sizeof(*o));
	struct rts_tcp_conn *c;
	uint64_t slow0, tx0;

	pair6(&p, "2001:2::2", NULL);
	connect6(&p, IP_PEER);
	c = p.sa.conn;
	RTS_CHECK(c->flow6.ready);
	RTS_CHECK_EQ(c->flow6.mtu, 1500);
	RTS_CHECK(memcmp(c->flow6.hdr, MAC_PEER.b, 6) == 0);
	slow0 = cnt(p.a)->ip6_tx_flow_slow;
	tx0 = cnt(p.a)->ip6_tx;
	RTS_CHECK_EQ(push(&p, sizeof(data)), sizeof(data));
	RTS_CHECK_EQ(p.sb.rx_len, sizeof(data));
	RTS_CHECK(memcmp(p.sb.rx, data, sizeof(data)) == 0);
	RTS_CHECK_EQ(cnt(p.b)->tcp_rx_bad_csum, 0);
	RTS_CHECK(cnt(p.a)->ip6_tx - tx0 > 150);
	/* every segment of the bulk went through the template */
	RTS_CHECK_EQ(cnt(p.a)->ip6_tx_flow_slow, slow0);
	/* and what it sends is a correct frame */
	RTS_REQUIRE(one_segment(&p, o, 1000));
	RTS_CHECK(mac_is(&o->dmac, MAC_PEER));
	RTS_CHECK_EQ(o->type, 0x86dd);
	RTS_CHECK_EQ(o->f[14], 0x60);
	RTS_CHECK_EQ(o->nh, 6);
	RTS_CHECK_EQ(o->hop, 64);
	RTS_CHECK_EQ(o->plen, 1000 + 32);
	RTS_CHECK_EQ(o->n, 54 + 1000 + 32);
	RTS_CHECK(ip_is(&o->src, IP_US));
	RTS_CHECK(ip_is(&o->dst, IP_PEER));
	RTS_CHECK(o->csum_ok);
	RTS_CHECK_EQ(cnt(p.a)->ip6_tx_flow_slow, slow0);
	rts_tcp_abort(p.sa.conn);
	pair_pump(&p);
	pair_fini(&p);
	free(o);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(ip6_flow_template_follows_a_new_mac)
{
	struct pair p;
	struct c6_out *o = malloc(sizeof(*o));
	uint8_t m[32];
	struct rts_ip peer = IP_PEER;
	struct rts_mac newmac = testbe_mac(7);
	uint64_t slow0;

	pair6(&p, "2001:2::2", NULL);
	connect6(&p, IP_PEER);
	RTS_CHECK(p.sa.conn->flow6.ready);
	slow0 = cnt(p.a)->ip6_tx_flow_slow;
	/* b moved to another MAC: a solicited NA with override says so */
	size_t n = c6_nsna(m, 136, 0x60, &peer, &newmac);
	inject_icmp(&p, peer, newmac, m, n, 255);
	RTS_REQUIRE(one_segment(&p, o, 100));
	RTS_CHECK(mac_is(&o->dmac, newmac));
	RTS_CHECK(o->csum_ok);
	RTS_CHECK_EQ(cnt(p.a)->ip6_tx_flow_slow, slow0 + 1);
	RTS_CHECK(p.sa.conn->flow6.ready); /* rebuilt for the new MAC */
	RTS_CHECK(memcmp(p.sa.conn->flow6.hdr, newmac.b, 6) == 0);
	testbe_drain(p.ba);
	/* Nagle holds a second small segment until the first is acked:
	 * send a full one, which goes out at once through the template */
	RTS_REQUIRE(one_segment(&p, o, 4000));
	RTS_CHECK(mac_is(&o->dmac, newmac));
	RTS_CHECK_EQ(cnt(p.a)->ip6_tx_flow_slow, slow0 + 1);
	testbe_drain(p.ba);
	rts_tcp_abort(p.sa.conn);
	testbe_drain(p.ba);
	pair_fini(&p);
	free(o);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(ip6_flow_template_rebuilt_on_packet_too_big)
{
	struct pair p;
	struct c6_out *o = malloc(sizeof(*o));
	static uint8_t msg[1400];
	struct rts_ip router = c6_ip("2001:2::fe");
	uint64_t slow0;
	size_t big = 0;

	pair6(&p, "2001:2::2", NULL);
	connect6(&p, IP_PEER);
	RTS_CHECK_EQ(p.sa.conn->flow6.mtu, 1500);
	RTS_REQUIRE(one_segment(&p, o, 4000));
	RTS_CHECK_EQ(o->n, 14 + 1500);
	testbe_drain(p.ba);
	slow0 = cnt(p.a)->ip6_tx_flow_slow;
	/* a router on the way: Packet Too Big, MTU 1280, quoting it */
	memset(msg, 0, 8);
	msg[0] = 2;
	rts_put_be32(msg + 4, 1280);
	memcpy(msg + 8, o->f + 14, 1232);
	inject_icmp(&p, router, testbe_mac(9), msg, 1240, 64);
	RTS_CHECK_EQ(cnt(p.a)->icmp6_rx_pkt_too_big, 1);
	rts_flush(p.a);
	while (c6_pop(p.ba, o))
		big += o->n > 14 + 1280;
	RTS_CHECK_EQ(big, 0);
	RTS_CHECK(cnt(p.a)->ip6_tx_flow_slow > slow0);
	RTS_CHECK(p.sa.conn->flow6.ready);
	RTS_CHECK_EQ(p.sa.conn->flow6.mtu, 1280);
	/* the transfer completes, and again through the template */
	slow0 = cnt(p.a)->ip6_tx_flow_slow;
	for (int i = 0; i < 50 && p.sb.rx_len < 4000; i++)
		pair_advance(&p, 300 * MS);
	RTS_CHECK_EQ(p.sb.rx_len, 4000);
	RTS_CHECK(memcmp(p.sb.rx, data, 4000) == 0);
	RTS_CHECK_EQ(push(&p, 64 * 1024), 64 * 1024);
	RTS_CHECK_EQ(p.sb.rx_len, 4000 + 64 * 1024);
	RTS_CHECK_EQ(cnt(p.a)->ip6_tx_flow_slow, slow0);
	RTS_CHECK_EQ(cnt(p.a)->ip6_tx_frags, 0);
	rts_tcp_abort(p.sa.conn);
	pair_pump(&p);
	pair_fini(&p);
	free(o);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* b sits off a's prefix, behind b's own link-local address as a router. */
static void routed_pair(struct pair *p, uint16_t life_s)
{
	pair6(p, "2001:2:0:1::2", "fe80::ff:fe00:1");
	inject_ra(p, life_s);
	RTS_CHECK_EQ(cnt(p->a)->nd_rx_ra, 1);
	connect6(p, FAR_B);
}

RTS_TEST(ip6_flow_template_dropped_with_its_router)
{
	struct pair p;
	struct c6_out *o = malloc(sizeof(*o));
	uint64_t slow0;

	routed_pair(&p, 1800);
	RTS_CHECK_EQ(push(&p, 64 * 1024), 64 * 1024);
	RTS_CHECK_EQ(p.sb.rx_len, 64 * 1024);
	RTS_CHECK(p.sa.conn->flow6.ready);
	RTS_CHECK(p.sa.conn->flow6.nh.n != NULL &&
		  ip_is(&p.sa.conn->flow6.nh.n->ip, LL_B));
	RTS_CHECK(p.sa.conn->flow6.until_ns != UINT64_MAX);
	slow0 = cnt(p.a)->ip6_tx_flow_slow;
	RTS_REQUIRE(one_segment(&p, o, 4000));
	RTS_CHECK(ip_is(&o->dst, FAR_B));
	RTS_CHECK(mac_is(&o->dmac, MAC_PEER));
	RTS_CHECK_EQ(cnt(p.a)->ip6_tx_flow_slow, slow0);
	testbe_drain(p.ba);
	/* the router says it is no longer one (lifetime 0) */
	inject_ra(&p, 0);
	uint64_t unreach0 = cnt(p.a)->ip6_tx_no_route;
	RTS_CHECK(rts_tcp_send(p.sa.conn, data, 4000) > 0);
	rts_flush(p.a);
	RTS_CHECK_EQ(testbe_drain(p.ba), 0);
	RTS_CHECK(cnt(p.a)->ip6_tx_no_route > unreach0);
	RTS_CHECK(!p.sa.conn->flow6.ready);
	rts_tcp_abort(p.sa.conn);
	testbe_drain(p.ba);
	pair_fini(&p);
	free(o);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(ip6_flow_template_ends_with_router_lifetime)
{
	struct pair p;
	struct c6_out *o = malloc(sizeof(*o));
	uint64_t slow0, unreach0;

	routed_pair(&p, 20); /* 20 s router lifetime */
	/* acked data confirms the router's entry (RA made it STALE) */
	RTS_CHECK_EQ(push(&p, 16 * 1024), 16 * 1024);
	RTS_CHECK(p.sa.conn->flow6.ready);
	slow0 = cnt(p.a)->ip6_tx_flow_slow;
	RTS_REQUIRE(one_segment(&p, o, 4000));
	RTS_CHECK(mac_is(&o->dmac, MAC_PEER));
	RTS_CHECK_EQ(cnt(p.a)->ip6_tx_flow_slow, slow0);
	pair_pump(&p);
	pair_advance(&p, 21 * SEC); /* no RA refreshed it */
	testbe_drain(p.ba);
	unreach0 = cnt(p.a)->ip6_tx_no_route;
	RTS_CHECK(rts_tcp_send(p.sa.conn, data, 4000) > 0);
	rts_flush(p.a);
	RTS_CHECK_EQ(testbe_drain(p.ba), 0);
	RTS_CHECK(cnt(p.a)->ip6_tx_no_route > unreach0);
	RTS_CHECK(cnt(p.a)->ip6_tx_flow_slow > slow0);
	rts_tcp_abort(p.sa.conn);
	testbe_drain(p.ba);
	pair_fini(&p);
	free(o);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* UDP has no template; the one-entry send cache must follow the MAC too. */
RTS_TEST(ip6_send_cache_follows_a_new_mac)
{
	struct pair p;
	struct c6_out *o = malloc(sizeof(*o));
	uint8_t m[32];
	struct rts_ip peer = IP_PEER;
	struct rts_mac newmac = testbe_mac(7);
	struct rts_endpoint to = { .ip = IP_PEER, .port = 9 };

	pair6(&p, "2001:2::2", NULL);
	RTS_CHECK_EQ(rts_udp_sendto(p.a, 4000, &to, "x", 1), 1);
	pair_pump(&p); /* NDP resolves b */
	for (int i = 0; i < 3; i++) {
		RTS_CHECK_EQ(rts_udp_sendto(p.a, 4000, &to, "y", 1), 1);
		rts_flush(p.a);
		RTS_REQUIRE(c6_pop(p.ba, o));
		RTS_CHECK(mac_is(&o->dmac, MAC_PEER));
		RTS_CHECK(o->csum_ok);
	}
	size_t n = c6_nsna(m, 136, 0x60, &peer, &newmac);
	inject_icmp(&p, peer, newmac, m, n, 255);
	for (int i = 0; i < 2; i++) {
		RTS_CHECK_EQ(rts_udp_sendto(p.a, 4000, &to, "z", 1), 1);
		rts_flush(p.a);
		RTS_REQUIRE(c6_pop(p.ba, o));
		RTS_CHECK(mac_is(&o->dmac, newmac));
		RTS_CHECK(ip_is(&o->dst, IP_PEER));
	}
	testbe_drain(p.ba);
	pair_fini(&p);
	free(o);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/*
 * A connection opened from an address still under DAD: accepted, its SYN
 * held back (RFC 4862 §5.4: not a source yet, counted), and the handshake
 * completes by retransmission once the address is preferred.
 */
RTS_TEST(ip6_connect_from_tentative_address_waits_for_dad)
{
	struct pair p;
	struct rts_config ca, cb;
	struct rts_ip a6 = IP_US, b6 = IP_PEER;
	struct rts_endpoint l = { .port = 80 }, r = { .ip = IP_PEER, .port = 80 };
	struct rts_endpoint me = { .ip = IP_US };
	int err;

	testbe_config(&ca, "198.18.0.1/24", 1, 0);
	testbe_config(&cb, "198.18.0.2/24", 2, 0);
	rts_config_add_addr(&ca, &a6, 64);
	rts_config_add_addr(&cb, &b6, 64);
	ca.ip6.dad_transmits = 1;
	cb.ip6.dad_transmits = 0;
	ca.ip6.router_solicits = cb.ip6.router_solicits = 0;
	pair_init_cfg(&p, &ca, &cb);
	RTS_CHECK(rts_tcp_listen(p.b, &l, 0, &app_handlers, &p.sb, &err) != NULL);
	p.sa.conn = rts_tcp_connect(p.a, &me, &r, &app_handlers, &p.sa, &err);
	RTS_REQUIRE(p.sa.conn != NULL);
	pair_pump(&p);
	RTS_CHECK_EQ(cnt(p.a)->ip6_tx_tentative, 1);
	RTS_CHECK_EQ(p.sb.accepted, 0);
	for (int i = 0; i < 50 && !p.sa.connected; i++)
		pair_advance(&p, 100 * MS);
	RTS_CHECK_EQ(p.sa.connected, 1);
	RTS_CHECK_EQ(p.sb.accepted, 1);
	RTS_CHECK_EQ(cnt(p.a)->nd_dad_conflict, 0);
	RTS_CHECK_EQ(push(&p, 32 * 1024), 32 * 1024);
	RTS_CHECK_EQ(p.sb.rx_len, 32 * 1024);
	RTS_CHECK(p.sa.conn->flow6.ready);
	/* an address that is not ours at all is still refused */
	struct rts_endpoint other = { .ip = c6_ip("2001:2::77") };
	RTS_CHECK(rts_tcp_connect(p.a, &other, &r, &app_handlers, &p.sa,
				  &err) == NULL);
	RTS_CHECK_EQ(err, RTS_EADDRNOTAVAIL);
	rts_tcp_abort(p.sa.conn);
	pair_pump(&p);
	pair_fini(&p);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

int main(void)
{
	return rts_test_main();
}
