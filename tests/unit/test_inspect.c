/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The read-only table walks of rtestack/inspect.h (neighbours, addresses,
 * routes, TCP connections and listeners, UDP bindings), rts_neigh_resolve
 * and the sequence numbers in rts_tcp_info.
 */
#include "nettest.h"

/* ------------------------------------------------------------ collectors */
#define MAX_SEEN 16

struct seen_neigh {
	unsigned n, stop_after;
	struct rts_neigh_info e[MAX_SEEN];
};

static int grab_neigh(void *user, const struct rts_neigh_info *i)
{
	struct seen_neigh *s = user;

	if (s->n < MAX_SEEN)
		s->e[s->n] = *i;
	s->n++;
	return s->stop_after != 0 && s->n >= s->stop_after;
}

struct seen_addr {
	unsigned n;
	struct rts_addr_info e[MAX_SEEN];
};

static int grab_addr(void *user, const struct rts_addr_info *i)
{
	struct seen_addr *s = user;

	if (s->n < MAX_SEEN)
		s->e[s->n] = *i;
	s->n++;
	return 0;
}

struct seen_route {
	unsigned n;
	struct rts_route_info e[MAX_SEEN];
};

static int grab_route(void *user, const struct rts_route_info *i)
{
	struct seen_route *s = user;

	if (s->n < MAX_SEEN)
		s->e[s->n] = *i;
	s->n++;
	return 0;
}

static int n_resolved, n_failed;

static void on_resolved(struct rts_ctx *ctx, void *user,
			const struct rts_ip *ip, const struct rts_mac *mac)
{
	(void)ctx, (void)user, (void)ip, (void)mac;
	n_resolved++;
}

static void on_failed(struct rts_ctx *ctx, void *user, const struct rts_ip *ip)
{
	(void)ctx, (void)user, (void)ip;
	n_failed++;
}

static const struct rts_ctx_handlers handlers = {
	.neigh_resolved = on_resolved,
	.neigh_failed = on_failed,
};

static struct rts_ctx *make(struct testbe *be, bool v6, bool gw)
{
	struct rts_config cfg;
	struct rts_ctx *ctx;
	struct rts_ip ip6;
	uint8_t len;

	testbe_config(&cfg, "198.18.0.1/24", 1, 0);
	cfg.handlers = &handlers;
	if (v6) {
		rts_ip_parse("2001:2::1/64", &ip6, &len);
		rts_config_add_addr(&cfg, &ip6, len);
	} else {
		cfg.ip6.link_local = false;
	}
	if (gw)
		cfg.gw4 = rts_ip4(198, 18, 0, 254);
	ctx = testbe_ctx_cfg(be, &cfg, 0);
	testbe_drain(be);
	n_resolved = n_failed = 0;
	return ctx;
}

static void finish(struct testbe *be, struct rts_ctx *ctx)
{
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* ------------------------------------------------------------ neighbours */
RTS_TEST(neigh_foreach_states_macs_and_age)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = make(be, false, false);
	struct rts_ip other = rts_ip4(198, 18, 0, 9);
	struct rts_mac other_mac = testbe_mac(9), peer_mac = mac_peer();
	struct seen_neigh s = { 0 };

	RTS_CHECK_EQ(rts_neigh_foreach(ctx, grab_neigh, &s), 0);
	learn_peer(ctx);
	RTS_CHECK_EQ(rts_neigh_add_static(ctx, &other, &other_mac), 0);
	rts_poll(ctx, 2 * SEC);
	RTS_CHECK_EQ(rts_neigh_foreach(ctx, grab_neigh, &s), 2);
	RTS_REQUIRE(s.n == 2);
	for (unsigned i = 0; i < 2; i++) {
		const struct rts_neigh_info *e = &s.e[i];
		struct rts_ip peer = ip_peer();

		if (rts_ip_eq(&e->ip, &peer)) {
			RTS_CHECK_EQ(e->state, RTS_NEIGH_INFO_REACHABLE);
			RTS_CHECK(memcmp(e->mac.b, peer_mac.b, 6) == 0);
			RTS_CHECK_EQ(e->age_ns, 2 * SEC);
		} else {
			RTS_CHECK(rts_ip_eq(&e->ip, &other));
			RTS_CHECK_EQ(e->state, RTS_NEIGH_INFO_STATIC);
			RTS_CHECK(memcmp(e->mac.b, other_mac.b, 6) == 0);
		}
	}
	/* a non-zero return stops the walk */
	memset(&s, 0, sizeof(s));
	s.stop_after = 1;
	RTS_CHECK_EQ(rts_neigh_foreach(ctx, grab_neigh, &s), 1);
	RTS_CHECK(strcmp(rts_neigh_state_name(RTS_NEIGH_INFO_STALE), "STALE") == 0);
	RTS_CHECK(strcmp(rts_neigh_state_name(0), "?") == 0);
	RTS_CHECK(strcmp(rts_neigh_state_name(99), "?") == 0);
	finish(be, ctx);
}

RTS_TEST(neigh_resolve_solicits_once_then_answers)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = make(be, false, false);
	struct rts_ip peer = ip_peer(), us = ip_us(), any = { 0 };
	struct rts_ip bcast = rts_ip4(198, 18, 0, 255);
	struct rts_ip all = rts_ip4(255, 255, 255, 255);
	struct rts_ip mcast = rts_ip4(224, 0, 0, 1), mcast6;
	struct rts_mac mac, peer_mac = mac_peer();
	struct seen_neigh s = { 0 };
	uint8_t f[128];

	rts_ip_parse("ff02::1", &mcast6, NULL);
	RTS_CHECK_EQ(rts_neigh_resolve(ctx, &peer, &mac), RTS_EAGAIN);
	rts_flush(ctx);
	RTS_CHECK_EQ(testbe_tx_count(be), 1);
	RTS_CHECK_EQ(testbe_pop_bytes(be, f, sizeof(f)), 42);
	RTS_CHECK_EQ(be16(f + 12), 0x0806);
	RTS_CHECK_EQ(be16(f + 20), 1); /* ARP request */
	rts_neigh_foreach(ctx, grab_neigh, &s);
	RTS_REQUIRE(s.n == 1);
	RTS_CHECK_EQ(s.e[0].state, RTS_NEIGH_INFO_INCOMPLETE);
	RTS_CHECK_EQ(s.e[0].probes, 1);
	/* under way: no second request */
	RTS_CHECK_EQ(rts_neigh_resolve(ctx, &peer, &mac), RTS_EAGAIN);
	rts_flush(ctx);
	RTS_CHECK_EQ(testbe_tx_count(be), 0);
	inject_arp_reply(be, ctx, &peer_mac, 10 * MS);
	RTS_CHECK_EQ(n_resolved, 1);
	RTS_CHECK_EQ(rts_neigh_resolve(ctx, &peer, &mac), 0);
	RTS_CHECK(memcmp(mac.b, peer_mac.b, 6) == 0);
	RTS_CHECK_EQ(rts_neigh_resolve(ctx, &us, &mac), RTS_EINVAL);
	RTS_CHECK_EQ(rts_neigh_resolve(ctx, &any, &mac), RTS_EINVAL);
	RTS_CHECK_EQ(rts_neigh_resolve(ctx, &bcast, &mac), RTS_EINVAL);
	RTS_CHECK_EQ(rts_neigh_resolve(ctx, &all, &mac), RTS_EINVAL);
	RTS_CHECK_EQ(rts_neigh_resolve(ctx, &mcast, &mac), RTS_EINVAL);
	RTS_CHECK_EQ(rts_neigh_resolve(ctx, &mcast6, &mac), RTS_EINVAL);
	rts_flush(ctx);
	RTS_CHECK_EQ(testbe_tx_count(be), 0);
	finish(be, ctx);
}

RTS_TEST(neigh_resolve_fails_after_three_tries_or_without_route)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = make(be, false, false);
	struct rts_ip peer = ip_peer(), far = rts_ip4(198, 19, 0, 1);
	struct rts_mac mac;

	RTS_CHECK(rts_neigh_resolve(ctx, &far, &mac) < 0);
	RTS_CHECK(rts_neigh_resolve(ctx, &far, &mac) != RTS_EAGAIN);
	RTS_CHECK_EQ(rts_neigh_resolve(ctx, &peer, &mac), RTS_EAGAIN);
	for (uint64_t t = 1; t <= 4; t++)
		rts_poll(ctx, t * 1010 * MS);
	RTS_CHECK_EQ(testbe_drain(be), 3);
	RTS_CHECK_EQ(n_failed, 1);
	RTS_CHECK_EQ(cnt(ctx)->neigh_failed, 1);
	RTS_CHECK_EQ(rts_neigh_foreach(ctx, grab_neigh, &(struct seen_neigh){ 0 }), 0);
	finish(be, ctx);
}

/* ------------------------------------------------------------- addresses */
RTS_TEST(addr_foreach_v4_then_v6_with_dad_state)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = make(be, true, false);
	struct seen_addr s = { 0 };
	struct rts_ip v6, us = ip_us();
	bool ll = false;

	rts_ip_parse("2001:2::1", &v6, NULL);
	RTS_CHECK_EQ(rts_addr_foreach(ctx, grab_addr, &s), 3);
	RTS_REQUIRE(s.n == 3);
	RTS_CHECK(rts_ip_eq(&s.e[0].ip, &us));
	RTS_CHECK_EQ(s.e[0].prefix_len, 24);
	RTS_CHECK_EQ(s.e[0].state, RTS_ADDR_INFO_PREFERRED);
	RTS_CHECK_EQ(s.e[0].valid_ns, UINT64_MAX);
	for (unsigned i = 1; i < 3; i++) {
		RTS_CHECK_EQ(s.e[i].state, RTS_ADDR_INFO_TENTATIVE);
		if (s.e[i].origin == RTS_ADDR_INFO_LINK_LOCAL) {
			ll = true;
			RTS_CHECK_EQ(s.e[i].ip.u8[0], 0xfe);
			RTS_CHECK_EQ(s.e[i].prefix_len, 64);
		} else {
			RTS_CHECK(rts_ip_eq(&s.e[i].ip, &v6));
			RTS_CHECK_EQ(s.e[i].origin, RTS_ADDR_INFO_CONFIG);
		}
	}
	RTS_CHECK(ll);
	/* DAD: one probe, then RetransTimer (1 s) of silence */
	rts_poll(ctx, 3 * SEC);
	testbe_drain(be);
	memset(&s, 0, sizeof(s));
	rts_addr_foreach(ctx, grab_addr, &s);
	for (unsigned i = 1; i < 3 && i < s.n; i++)
		RTS_CHECK_EQ(s.e[i].state, RTS_ADDR_INFO_PREFERRED);
	RTS_CHECK(strcmp(rts_addr_state_name(RTS_ADDR_INFO_DUPLICATE),
			 "DUPLICATE") == 0);
	RTS_CHECK(strcmp(rts_addr_origin_name(RTS_ADDR_INFO_SLAAC), "slaac") == 0);
	finish(be, ctx);
}

/* ---------------------------------------------------------------- routes */
RTS_TEST(route_foreach_connected_and_default)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = make(be, true, true);
	struct seen_route s = { 0 };
	struct rts_ip net4 = rts_ip4(198, 18, 0, 0), gw = rts_ip4(198, 18, 0, 254);
	struct rts_ip net6, any4 = rts_ip4(0, 0, 0, 0);
	bool got4 = false, got6 = false, gotll = false, gotdef = false;

	rts_ip_parse("2001:2::", &net6, NULL);
	RTS_CHECK_EQ(rts_route_foreach(ctx, grab_route, &s), 4);
	for (unsigned i = 0; i < s.n && i < MAX_SEEN; i++) {
		const struct rts_route_info *r = &s.e[i];

		if (rts_ip_eq(&r->dst, &net4) && r->prefix_len == 24)
			got4 = rts_ip_is_any(&r->gateway) &&
			       r->origin == RTS_ROUTE_INFO_CONNECTED;
		else if (rts_ip_eq(&r->dst, &net6) && r->prefix_len == 64)
			got6 = rts_ip_is_any(&r->gateway);
		else if (r->dst.u8[0] == 0xfe && r->prefix_len == 64)
			gotll = r->dst.u64[1] == 0; /* host bits cleared */
		else if (rts_ip_eq(&r->dst, &any4) && r->prefix_len == 0)
			gotdef = rts_ip_eq(&r->gateway, &gw) &&
				 r->origin == RTS_ROUTE_INFO_CONFIG &&
				 r->expires_ns == UINT64_MAX;
	}
	RTS_CHECK(got4);
	RTS_CHECK(got6);
	RTS_CHECK(gotll);
	RTS_CHECK(gotdef);
	RTS_CHECK(strcmp(rts_route_origin_name(RTS_ROUTE_INFO_RA), "ra") == 0);
	finish(be, ctx);
}

/* -------------------------------------------------------------- TCP, UDP */
static int count_conn(void *user, struct rts_tcp_conn *c)
{
	struct rts_tcp_info *i = user;

	rts_tcp_get_info(c, i);
	return 0;
}

static int see_listener(void *user, const struct rts_endpoint *local,
			uint16_t n_pending)
{
	(void)n_pending;
	*(uint16_t *)user = local->port;
	return 0;
}

static int accept_all(struct rts_tcp_conn *c, void *user)
{
	(void)c, (void)user;
	return 0;
}

static void drop_data(struct rts_tcp_conn *c, void *user, struct rts_pkt *p,
		      uint32_t off, uint32_t len)
{
	(void)user, (void)off;
	rts_pkt_free(rts_tcp_ctx(c), p);
	rts_tcp_consumed(c, len);
}

static const struct rts_tcp_handlers tcp_h = {
	.accepted = accept_all,
	.data = drop_data,
};

RTS_TEST(tcp_foreach_listeners_and_sequence_numbers)
{
	struct pair pr;
	struct rts_endpoint l = { .port = 5001 }, r = { .ip = ip_peer(), .port = 5001 };
	struct rts_tcp_info ia, ib;
	struct rts_tcp_conn *c;
	uint16_t port = 0;
	int err;

	pair_open(&pr, 0, 0);
	RTS_REQUIRE(rts_tcp_listen(pr.b, &l, 0, &tcp_h, NULL, &err) != NULL);
	RTS_CHECK_EQ(rts_tcp_listener_foreach(pr.b, see_listener, &port), 1);
	RTS_CHECK_EQ(port, 5001);
	RTS_CHECK_EQ(rts_tcp_foreach(pr.a, count_conn, &ia), 0);
	c = rts_tcp_connect(pr.a, NULL, &r, &tcp_h, NULL, &err);
	RTS_REQUIRE(c != NULL);
	pair_pump(&pr, 1 * MS);
	RTS_CHECK_EQ(rts_tcp_foreach(pr.a, count_conn, &ia), 1);
	RTS_CHECK_EQ(rts_tcp_foreach(pr.b, count_conn, &ib), 1);
	RTS_CHECK_EQ(ia.state, RTS_TCP_ESTABLISHED);
	RTS_CHECK_EQ(ib.state, RTS_TCP_ESTABLISHED);
	RTS_CHECK_EQ(ia.snd_una, ia.snd_nxt);
	RTS_CHECK_EQ(ia.snd_nxt, ib.rcv_nxt);
	RTS_CHECK_EQ(ib.snd_nxt, ia.rcv_nxt);
	RTS_CHECK_EQ(rts_tcp_send(c, "0123456789", 10), 10);
	pair_pump(&pr, 2 * MS);
	rts_tcp_foreach(pr.b, count_conn, &ib);
	RTS_CHECK_EQ(ib.rcv_nxt, ia.snd_nxt + 10);
	pair_close(&pr);
}

static int count_udp(void *user, const struct rts_endpoint *local)
{
	*(unsigned *)user += local->port;
	return 0;
}

static void udp_drop(struct rts_ctx *ctx, void *user,
		     const struct rts_endpoint *from,
		     const struct rts_endpoint *to, struct rts_pkt *p,
		     uint32_t off, uint32_t len)
{
	(void)user, (void)from, (void)to, (void)off, (void)len;
	rts_pkt_free(ctx, p);
}

RTS_TEST(udp_foreach_lists_bindings)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = make(be, false, false);
	struct rts_endpoint a = { .port = 7 }, b = { .ip = ip_us(), .port = 9 };
	struct rts_udp_bind *ba, *bb;
	unsigned sum = 0;
	int err;

	ba = rts_udp_bind(ctx, &a, udp_drop, NULL, &err);
	bb = rts_udp_bind(ctx, &b, udp_drop, NULL, &err);
	RTS_REQUIRE(ba != NULL && bb != NULL);
	RTS_CHECK_EQ(rts_udp_foreach(ctx, count_udp, &sum), 2);
	RTS_CHECK_EQ(sum, 16);
	rts_udp_unbind(ba);
	sum = 0;
	RTS_CHECK_EQ(rts_udp_foreach(ctx, count_udp, &sum), 1);
	RTS_CHECK_EQ(sum, 9);
	rts_udp_unbind(bb);
	finish(be, ctx);
}

int main(void)
{
	return rts_test_main();
}
