/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Conversation tests: Neighbor Discovery (RFC 4861) and duplicate address
 * detection (RFC 4862) — what the stack sends at start, how it answers
 * solicitations, how the shared neighbour cache walks through INCOMPLETE,
 * REACHABLE, STALE, DELAY and PROBE for IPv6 neighbours, router
 * advertisements and SLAAC.
 */
#include "ip6_conv.h"

#include "ip6/ip6.h"

static uint8_t f[4096];
static uint8_t m[4096];

static struct rts_ctx *ctx_with(struct testbe *be, uint8_t dad, uint8_t rs,
				bool slaac)
{
	struct rts_config cfg;

	c6_config(&cfg, dad, rs);
	cfg.ip6.slaac = slaac;
	return testbe_ctx_cfg(be, &cfg, 0);
}

/* Inject an ND message (checksum filled here) with hop limit @hop. */
static void inject_nd(struct testbe *be, struct rts_ctx *ctx,
		      struct rts_mac smac, struct rts_mac dmac,
		      struct rts_ip src, struct rts_ip dst, uint8_t hop,
		      uint8_t *msg, size_t len, uint64_t now)
{
	size_t n = c6_frame_icmp(f, &dmac, &smac, &src, &dst, hop, msg, len);

	testbe_inject(be, ctx, f, n, now);
}

static struct rts_mac mcast_mac(struct rts_ip g)
{
	struct rts_mac mac = { { 0x33, 0x33, g.u8[12], g.u8[13], g.u8[14],
				 g.u8[15] } };
	return mac;
}

/* Inject an echo request from the peer to @dst. */
static void inject_echo(struct testbe *be, struct rts_ctx *ctx,
			struct rts_ip dst, uint64_t now)
{
	struct rts_ip src = IP_PEER;
	struct rts_mac us = MAC_US, peer = MAC_PEER;
	size_t ml = c6_echo(m, 128, 1, 1, 8);
	size_t n = c6_frame_icmp(f, &us, &peer, &src, &dst, 64, m, ml);

	testbe_inject(be, ctx, f, n, now);
}

/* Is @o an ND message of @type with valid RFC 4861 framing? */
static bool is_nd(const struct c6_out *o, uint8_t type)
{
	return o->type == 0x86dd && o->nh == 58 && o->hop == 255 &&
	       o->l4_len >= 24 && o->l4[0] == type && o->l4[1] == 0 &&
	       o->csum_ok;
}

RTS_TEST(nd_dad_at_start)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = ctx_with(be, 1, 0, false);
	struct c6_out o;
	struct rts_ip targets[2] = { LL_US, IP_US };

	/* one DAD solicitation per address: from ::, to its group, no SLLA */
	for (int i = 0; i < 2; i++) {
		struct rts_ip group = rts_ip6_solicited_node(&targets[i]);

		C6_POP(be, &o);
		RTS_CHECK(is_nd(&o, 135));
		RTS_CHECK(rts_ip6_is_unspecified(&o.src));
		RTS_CHECK(ip_is(&o.dst, group));
		RTS_CHECK(mac_is(&o.dmac, mcast_mac(group)));
		RTS_CHECK(memcmp(o.l4 + 8, targets[i].u8, 16) == 0);
		RTS_CHECK_EQ(o.l4_len, 32);
		RTS_CHECK_EQ(o.l4[24], 14); /* the RFC 7527 nonce, no SLLA */
	}
	RTS_CHECK_EQ(testbe_tx_count(be), 0);
	RTS_CHECK_EQ(cnt(ctx)->nd_tx_ns, 2);
	/* tentative: traffic to the address is not ours yet */
	c6_learn_peer(ctx);
	inject_echo(be, ctx, IP_US, 500 * MS);
	RTS_CHECK_EQ(testbe_tx_count(be), 0);
	RTS_CHECK_EQ(cnt(ctx)->ip6_rx_not_for_us, 1);
	/* one RetransTimer later the addresses are preferred */
	rts_poll(ctx, 1010 * MS);
	RTS_CHECK_EQ(testbe_tx_count(be), 0);
	inject_echo(be, ctx, IP_US, 1100 * MS);
	C6_POP(be, &o);
	RTS_CHECK_EQ(o.l4[0], 129);
	RTS_CHECK_EQ(cnt(ctx)->nd_dad_conflict, 0);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(nd_dad_conflict_by_na)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = ctx_with(be, 1, 0, false);
	struct rts_ip us = IP_US, all = c6_ip("ff02::1");
	struct rts_mac peer = MAC_PEER;
	size_t ml;

	testbe_drain(be);
	/* another node already holds 2001:2::1 */
	ml = c6_nsna(m, 136, 0x20, &us, &peer);
	inject_nd(be, ctx, peer, mcast_mac(all), IP_PEER, all, 255, m, ml,
		  200 * MS);
	RTS_CHECK_EQ(cnt(ctx)->nd_dad_conflict, 1);
	RTS_CHECK(!rts_addr_is_local(ctx, &us));
	rts_poll(ctx, 2 * SEC);
	RTS_CHECK(!rts_ip6_addr_usable(ctx, &us));
	c6_learn_peer(ctx);
	inject_echo(be, ctx, IP_US, 2 * SEC);
	RTS_CHECK_EQ(testbe_tx_count(be), 0);
	/* the link-local address survived and is the only source left */
	struct rts_ip ll = LL_US, src, dst = IP_PEER;
	RTS_CHECK(rts_ip6_addr_usable(ctx, &ll));
	RTS_CHECK(rts_ip6_select_src(ctx, &dst, &src));
	RTS_CHECK(ip_is(&src, LL_US));
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(nd_dad_conflict_by_ns_and_own_loopback)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = ctx_with(be, 1, 0, false);
	struct rts_ip us = IP_US, any = c6_ip("::");
	struct rts_ip group = rts_ip6_solicited_node(&us);
	struct rts_mac peer = MAC_PEER;
	struct c6_out o;
	size_t ml;

	/* our own DAD NS looped back by the link: not a conflict */
	C6_POP(be, &o); /* link-local's */
	C6_POP(be, &o); /* 2001:2::1's */
	testbe_inject(be, ctx, o.f, o.n, 100 * MS);
	RTS_CHECK_EQ(cnt(ctx)->nd_dad_conflict, 0);
	/* an NS from a unicast source for a tentative target: ignored */
	ml = c6_nsna(m, 135, 0, &us, &peer);
	inject_nd(be, ctx, peer, mcast_mac(group), IP_PEER, group, 255, m, ml,
		  200 * MS);
	RTS_CHECK_EQ(cnt(ctx)->nd_dad_conflict, 0);
	RTS_CHECK_EQ(testbe_tx_count(be), 0);
	/* another node's DAD for the same address: conflict */
	ml = c6_nsna(m, 135, 0, &us, NULL);
	inject_nd(be, ctx, peer, mcast_mac(group), any, group, 255, m, ml,
		  300 * MS);
	RTS_CHECK_EQ(cnt(ctx)->nd_dad_conflict, 1);
	rts_poll(ctx, 2 * SEC);
	RTS_CHECK(!rts_ip6_addr_usable(ctx, &us));
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
}

RTS_TEST(nd_dad_defended_after_start)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = c6_ctx(be);
	struct rts_ip us = IP_US, any = c6_ip("::");
	struct rts_ip group = rts_ip6_solicited_node(&us);
	struct rts_mac peer = MAC_PEER;
	struct c6_out o;
	size_t ml = c6_nsna(m, 135, 0, &us, NULL);

	inject_nd(be, ctx, peer, mcast_mac(group), any, group, 255, m, ml, 0);
	C6_POP(be, &o);
	RTS_CHECK(is_nd(&o, 136));
	RTS_CHECK(ip_is(&o.dst, c6_ip("ff02::1")));
	RTS_CHECK(ip_is(&o.src, IP_US));
	RTS_CHECK_EQ(o.l4[4], 0x20); /* override, not solicited */
	RTS_CHECK_EQ(o.l4[24], 2);   /* target link-layer address */
	RTS_CHECK(memcmp(o.l4 + 26, MAC_US.b, 6) == 0);
	RTS_CHECK_EQ(cnt(ctx)->nd_dad_conflict, 0);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
}

RTS_TEST(nd_solicitation_answered)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = c6_ctx(be);
	struct rts_ip us = IP_US, peer_ip = IP_PEER;
	struct rts_ip group = rts_ip6_solicited_node(&us);
	struct rts_mac peer = MAC_PEER, mac;
	struct c6_out o;
	size_t ml = c6_nsna(m, 135, 0, &us, &peer);

	inject_nd(be, ctx, peer, mcast_mac(group), IP_PEER, group, 255, m, ml,
		  0);
	C6_POP(be, &o);
	RTS_CHECK(is_nd(&o, 136));
	RTS_CHECK(mac_is(&o.dmac, MAC_PEER)); /* straight to the SLLA */
	RTS_CHECK(ip_is(&o.src, IP_US));
	RTS_CHECK(ip_is(&o.dst, IP_PEER));
	RTS_CHECK_EQ(o.l4[4], 0x60); /* solicited, override */
	RTS_CHECK(memcmp(o.l4 + 8, us.u8, 16) == 0);
	RTS_CHECK_EQ(o.l4[24], 2);
	RTS_CHECK(memcmp(o.l4 + 26, MAC_US.b, 6) == 0);
	/* §7.2.3: the solicitor is now in the cache, STALE */
	RTS_REQUIRE(rts_neigh_lookup(ctx, &peer_ip, &mac) == 0);
	RTS_CHECK(memcmp(mac.b, peer.b, 6) == 0);
	RTS_CHECK_EQ(rts_neigh_find(ctx, &peer_ip)->state, RTS_NEIGH_STALE);
	RTS_CHECK_EQ(cnt(ctx)->nd_rx_ns, 1);
	RTS_CHECK_EQ(cnt(ctx)->nd_tx_na, 1);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(nd_invalid_messages_ignored)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = c6_ctx(be);
	struct rts_ip us = IP_US, other = c6_ip("2001:2::99");
	struct rts_ip group = rts_ip6_solicited_node(&us);
	struct rts_mac peer = MAC_PEER;
	size_t ml = c6_nsna(m, 135, 0, &us, &peer);

	/* §7.1.1: hop limit below 255 means it crossed a router */
	inject_nd(be, ctx, peer, mcast_mac(group), IP_PEER, group, 254, m, ml,
		  0);
	/* code not 0 */
	m[1] = 1;
	inject_nd(be, ctx, peer, mcast_mac(group), IP_PEER, group, 255, m, ml,
		  0);
	m[1] = 0;
	/* an option of length 0 */
	m[25] = 0;
	inject_nd(be, ctx, peer, mcast_mac(group), IP_PEER, group, 255, m, ml,
		  0);
	RTS_CHECK_EQ(cnt(ctx)->nd_rx_invalid, 3);
	RTS_CHECK_EQ(cnt(ctx)->ip6_rx_hop_limit, 1);
	/* a valid NS for an address that is not ours */
	ml = c6_nsna(m, 135, 0, &other, &peer);
	group = rts_ip6_solicited_node(&other);
	inject_nd(be, ctx, peer, mcast_mac(group), IP_PEER, group, 255, m, ml,
		  0);
	RTS_CHECK_EQ(cnt(ctx)->ip6_rx_not_for_us, 1); /* not our group */
	RTS_CHECK_EQ(testbe_tx_count(be), 0);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
}

/* The peer's solicited NA (S, O) with its MAC @mac. */
static void peer_na(struct testbe *be, struct rts_ctx *ctx, uint8_t flags,
		    struct rts_mac mac, uint64_t now)
{
	struct rts_ip peer_ip = IP_PEER;
	size_t ml = c6_nsna(m, 136, flags, &peer_ip, &mac);

	inject_nd(be, ctx, mac, MAC_US, IP_PEER, IP_US, 255, m, ml, now);
}

RTS_TEST(nd_neighbour_states)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = c6_ctx(be);
	struct rts_ip peer_ip = IP_PEER;
	struct rts_ip group = rts_ip6_solicited_node(&peer_ip);
	struct rts_neigh *n;
	struct c6_out o;
	uint64_t t;

	/* INCOMPLETE: a multicast NS with our SLLA; the ping waits */
	RTS_CHECK_EQ(rts_ping(ctx, &peer_ip, 1, 1, 8), 0);
	rts_flush(ctx);
	C6_POP(be, &o);
	RTS_CHECK(is_nd(&o, 135));
	RTS_CHECK(ip_is(&o.src, IP_US));
	RTS_CHECK(ip_is(&o.dst, group));
	RTS_CHECK(memcmp(o.l4 + 8, peer_ip.u8, 16) == 0);
	RTS_CHECK_EQ(o.l4[24], 1);
	RTS_CHECK(memcmp(o.l4 + 26, MAC_US.b, 6) == 0);
	RTS_CHECK_EQ(testbe_tx_count(be), 0);
	n = rts_neigh_find(ctx, &peer_ip);
	RTS_REQUIRE(n != NULL);
	RTS_CHECK_EQ(n->state, RTS_NEIGH_INCOMPLETE);
	/* REACHABLE on the solicited answer; the ping leaves */
	peer_na(be, ctx, 0x60, MAC_PEER, 10 * MS);
	RTS_CHECK_EQ(n->state, RTS_NEIGH_REACHABLE);
	C6_POP(be, &o);
	RTS_CHECK_EQ(o.l4[0], 128);
	RTS_CHECK(mac_is(&o.dmac, MAC_PEER));
	/* STALE after the reachable time (at most 45 s) */
	rts_poll(ctx, 46 * SEC);
	RTS_CHECK_EQ(n->state, RTS_NEIGH_STALE);
	/* DELAY: sent at once on the cached MAC */
	RTS_CHECK_EQ(rts_ping(ctx, &peer_ip, 1, 2, 8), 0);
	rts_flush(ctx);
	C6_POP(be, &o);
	RTS_CHECK_EQ(o.l4[0], 128);
	RTS_CHECK_EQ(n->state, RTS_NEIGH_DELAY);
	/* PROBE after 5 s: a unicast NS to the cached MAC */
	t = 52 * SEC;
	rts_poll(ctx, t);
	RTS_CHECK_EQ(n->state, RTS_NEIGH_PROBE);
	C6_POP(be, &o);
	RTS_CHECK(is_nd(&o, 135));
	RTS_CHECK(mac_is(&o.dmac, MAC_PEER));
	RTS_CHECK(ip_is(&o.dst, IP_PEER));
	/* answered: REACHABLE again */
	peer_na(be, ctx, 0x40, MAC_PEER, t + 100 * MS);
	RTS_CHECK_EQ(n->state, RTS_NEIGH_REACHABLE);
	/* back to STALE, DELAY, PROBE; three probes unanswered: gone */
	rts_poll(ctx, t += 46 * SEC);
	rts_ping(ctx, &peer_ip, 1, 3, 8);
	rts_poll(ctx, t += 6 * SEC);
	for (int i = 0; i < 4; i++)
		rts_poll(ctx, t += 1100 * MS);
	RTS_CHECK(rts_neigh_find(ctx, &peer_ip) == NULL);
	RTS_CHECK_EQ(cnt(ctx)->neigh_failed, 1);
	size_t probes = 0;
	while (c6_pop(be, &o))
		probes += is_nd(&o, 135) && mac_is(&o.dmac, MAC_PEER);
	RTS_CHECK_EQ(probes, 3);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(nd_advertisement_override_rules)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = c6_ctx(be);
	struct rts_ip peer_ip = IP_PEER;
	struct rts_mac other = testbe_mac(0x22), third = testbe_mac(0x33);
	struct rts_neigh *n;

	rts_ping(ctx, &peer_ip, 1, 1, 8);
	peer_na(be, ctx, 0x60, MAC_PEER, 0);
	testbe_drain(be);
	n = rts_neigh_find(ctx, &peer_ip);
	RTS_REQUIRE(n != NULL && n->state == RTS_NEIGH_REACHABLE);
	/* §7.2.5: no override and another MAC: keep it, but distrust it */
	peer_na(be, ctx, 0x00, other, MS);
	RTS_CHECK(memcmp(n->mac.b, MAC_PEER.b, 6) == 0);
	RTS_CHECK_EQ(n->state, RTS_NEIGH_STALE);
	/* override, unsolicited: the new MAC, STALE */
	peer_na(be, ctx, 0x20, other, 2 * MS);
	RTS_CHECK(memcmp(n->mac.b, other.b, 6) == 0);
	RTS_CHECK_EQ(n->state, RTS_NEIGH_STALE);
	/* override, solicited: the new MAC, REACHABLE */
	peer_na(be, ctx, 0x60, third, 3 * MS);
	RTS_CHECK(memcmp(n->mac.b, third.b, 6) == 0);
	RTS_CHECK_EQ(n->state, RTS_NEIGH_REACHABLE);
	/* an NA for a neighbour we never asked about creates nothing */
	struct rts_ip stranger = c6_ip("2001:2::42");
	size_t ml = c6_nsna(m, 136, 0x20, &stranger, &other);
	inject_nd(be, ctx, other, MAC_US, stranger, IP_US, 255, m, ml, 4 * MS);
	RTS_CHECK(rts_neigh_find(ctx, &stranger) == NULL);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
}

RTS_TEST(nd_router_solicitations_at_start)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = ctx_with(be, 0, 3, false);
	struct c6_out o;
	int seen = 0;

	RTS_CHECK_EQ(testbe_tx_count(be), 0);
	for (uint64_t t = 0; t <= 20 * SEC; t += 100 * MS) {
		rts_poll(ctx, t);
		while (c6_pop(be, &o)) {
			RTS_CHECK(o.type == 0x86dd && o.nh == 58 &&
				  o.hop == 255 && o.l4[0] == 133 && o.csum_ok);
			RTS_CHECK(ip_is(&o.dst, c6_ip("ff02::2")));
			RTS_CHECK(mac_is(&o.dmac, mcast_mac(c6_ip("ff02::2"))));
			RTS_CHECK(ip_is(&o.src, LL_US));
			RTS_CHECK_EQ(o.l4_len, 16); /* with our SLLA */
			if (seen == 0)
				RTS_CHECK(t <= 1 * SEC);
			seen++;
		}
	}
	RTS_CHECK_EQ(seen, 3);
	RTS_CHECK_EQ(cnt(ctx)->nd_tx_rs, 3);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
}

/* An RA from the router: lifetime, MTU option, one prefix. */
static size_t ra_msg(uint8_t *b, uint16_t lifetime, uint32_t mtu,
		     const char *prefix, uint8_t pflags, uint32_t valid,
		     uint32_t preferred)
{
	struct rts_ip p = c6_ip(prefix);
	struct rts_mac r = MAC_ROUTER;
	size_t n = 16;

	memset(b, 0, 96);
	b[0] = 134;
	b[4] = 32; /* cur hop limit */
	rts_put_be16(b + 6, lifetime);
	b[n] = 1; /* source link-layer address */
	b[n + 1] = 1;
	memcpy(b + n + 2, r.b, 6);
	n += 8;
	if (mtu) {
		b[n] = 5;
		b[n + 1] = 1;
		rts_put_be32(b + n + 4, mtu);
		n += 8;
	}
	b[n] = 3;
	b[n + 1] = 4;
	b[n + 2] = 64;
	b[n + 3] = pflags;
	rts_put_be32(b + n + 4, valid);
	rts_put_be32(b + n + 8, preferred);
	memcpy(b + n + 16, p.u8, 16);
	return n + 32;
}

static void inject_ra(struct testbe *be, struct rts_ctx *ctx, uint8_t *msg,
		      size_t len, uint64_t now)
{
	struct rts_ip all = c6_ip("ff02::1");

	inject_nd(be, ctx, MAC_ROUTER, mcast_mac(all), LL_ROUTER, all, 255,
		  msg, len, now);
}

RTS_TEST(nd_router_advertisement_used)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = ctx_with(be, 0, 3, false);
	struct rts_ip far = c6_ip("2001:2:77::1"), near = c6_ip("2001:2:0:5::7");
	struct rts_ip router = LL_ROUTER;
	struct rts_route rt;
	struct c6_out o;
	size_t ml;

	testbe_drain(be);
	RTS_CHECK_EQ(rts_ping(ctx, &far, 1, 1, 8), RTS_ENETUNREACH);
	ml = ra_msg(m, 1800, 1400, "2001:2:0:5::", 0xc0, 86400, 14400);
	inject_ra(be, ctx, m, ml, 10 * MS);
	RTS_CHECK_EQ(cnt(ctx)->nd_rx_ra, 1);
	/* off-link: through the router, whose MAC the RA gave */
	RTS_REQUIRE(rts_ip6_route(ctx, &far, NULL, &rt) == 0);
	RTS_CHECK(ip_is(&rt.nexthop, LL_ROUTER));
	RTS_CHECK_EQ(rt.mtu, 1400);
	RTS_CHECK_EQ(rts_ping(ctx, &far, 1, 1, 8), 0);
	rts_flush(ctx);
	C6_POP(be, &o);
	RTS_CHECK_EQ(o.l4[0], 128);
	RTS_CHECK(mac_is(&o.dmac, MAC_ROUTER));
	RTS_CHECK(ip_is(&o.dst, far));
	RTS_CHECK_EQ(o.hop, 32); /* the RA's Cur Hop Limit */
	/* the advertised prefix is on-link: resolved directly */
	RTS_REQUIRE(rts_ip6_route(ctx, &near, NULL, &rt) == 0);
	RTS_CHECK(ip_is(&rt.nexthop, near));
	/* the link MTU from the RA applies: 1400 bytes leave in pieces */
	RTS_CHECK_EQ(rts_ping(ctx, &far, 1, 2, 1400), 0);
	rts_flush(ctx);
	C6_POP(be, &o);
	RTS_CHECK_EQ(o.nh, 44);
	RTS_CHECK(o.n - 14 <= 1400);
	testbe_drain(be);
	/* no more RS once a router has spoken (NUD probes the router) */
	rts_poll(ctx, 20 * SEC);
	while (c6_pop(be, &o))
		RTS_CHECK(is_nd(&o, 135) && mac_is(&o.dmac, MAC_ROUTER));
	RTS_CHECK(cnt(ctx)->nd_tx_rs <= 1);
	/* the router says it is no longer one (NA without R) */
	ml = c6_nsna(m, 136, 0x20, &router, NULL);
	inject_nd(be, ctx, MAC_ROUTER, MAC_US, LL_ROUTER, IP_US, 255, m, ml,
		  20 * SEC);
	RTS_CHECK_EQ(rts_ping(ctx, &far, 1, 3, 8), RTS_ENETUNREACH);
	/* back with an RA, then gone with lifetime 0 */
	ml = ra_msg(m, 1800, 0, "2001:2:0:5::", 0xc0, 86400, 14400);
	inject_ra(be, ctx, m, ml, 21 * SEC);
	RTS_CHECK_EQ(rts_ip6_route(ctx, &far, NULL, &rt), 0);
	ml = ra_msg(m, 0, 0, "2001:2:0:5::", 0xc0, 86400, 14400);
	inject_ra(be, ctx, m, ml, 22 * SEC);
	RTS_CHECK_EQ(rts_ip6_route(ctx, &far, NULL, &rt), RTS_ENETUNREACH);
	testbe_drain(be);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(nd_router_advertisement_validation)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = c6_ctx(be);
	struct rts_ip far = c6_ip("2001:2:77::1"), all = c6_ip("ff02::1");
	struct rts_route rt;
	size_t ml = ra_msg(m, 1800, 0, "2001:2:0:5::", 0xc0, 86400, 14400);

	/* §6.1.2: from a global source, or with hop limit 64: invalid */
	inject_nd(be, ctx, MAC_ROUTER, mcast_mac(all), c6_ip("2001:2::9"), all,
		  255, m, ml, 0);
	inject_nd(be, ctx, MAC_ROUTER, mcast_mac(all), LL_ROUTER, all, 64, m,
		  ml, 0);
	RTS_CHECK_EQ(cnt(ctx)->nd_rx_invalid, 2);
	RTS_CHECK_EQ(rts_ip6_route(ctx, &far, NULL, &rt), RTS_ENETUNREACH);
	/* an MTU option below 1280 or above the link's is ignored */
	ml = ra_msg(m, 1800, 1000, "2001:2:0:5::", 0xc0, 86400, 14400);
	inject_nd(be, ctx, MAC_ROUTER, mcast_mac(all), LL_ROUTER, all, 255, m,
		  ml, 0);
	RTS_CHECK_EQ(rts_ip6_route(ctx, &far, NULL, &rt), 0);
	RTS_CHECK_EQ(rt.mtu, 1500);
	ml = ra_msg(m, 1800, 9000, "2001:2:0:5::", 0xc0, 86400, 14400);
	inject_nd(be, ctx, MAC_ROUTER, mcast_mac(all), LL_ROUTER, all, 255, m,
		  ml, 0);
	RTS_CHECK_EQ(rts_ip6_route(ctx, &far, NULL, &rt), 0);
	RTS_CHECK_EQ(rt.mtu, 1500);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
}

RTS_TEST(nd_slaac_address_from_prefix)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = ctx_with(be, 1, 0, true);
	struct rts_ip slaac = c6_ip("2001:2:0:5:0:ff:fe00:1");
	struct rts_ip group = rts_ip6_solicited_node(&slaac);
	struct c6_out o;
	struct rts_ip6_addr *a;
	size_t ml;

	rts_poll(ctx, 1100 * MS); /* configured addresses done with DAD */
	testbe_drain(be);
	ml = ra_msg(m, 1800, 0, "2001:2:0:5::", 0xc0, 30, 20);
	inject_ra(be, ctx, m, ml, 2 * SEC);
	/* a tentative address and its DAD solicitation */
	a = rts_ip6_addr_find(ctx, &slaac);
	RTS_REQUIRE(a != NULL);
	RTS_CHECK_EQ(a->state, RTS_IP6_ADDR_TENTATIVE);
	C6_POP(be, &o);
	RTS_CHECK(is_nd(&o, 135));
	RTS_CHECK(ip_is(&o.dst, group));
	RTS_CHECK(memcmp(o.l4 + 8, slaac.u8, 16) == 0);
	rts_poll(ctx, 3100 * MS);
	RTS_CHECK_EQ(a->state, RTS_IP6_ADDR_PREFERRED);
	c6_learn_peer(ctx);
	inject_echo(be, ctx, slaac, 3200 * MS);
	C6_POP(be, &o);
	RTS_CHECK(ip_is(&o.src, slaac));
	/* preferred lifetime 20 s: deprecated after, still answering */
	rts_poll(ctx, 23 * SEC);
	RTS_CHECK_EQ(a->state, RTS_IP6_ADDR_DEPRECATED);
	/* RFC 4862 §5.5.3 (e): a short valid lifetime cannot cut below 2 h
	 * unless the remaining one is shorter: here it is (7 s left) */
	ml = ra_msg(m, 1800, 0, "2001:2:0:5::", 0xc0, 5, 0);
	inject_ra(be, ctx, m, ml, 25 * SEC);
	RTS_CHECK(a->valid_until_ns == 32 * SEC);
	/* valid lifetime over: the address is gone */
	rts_poll(ctx, 33 * SEC);
	RTS_CHECK(rts_ip6_addr_find(ctx, &slaac) == NULL);
	inject_echo(be, ctx, slaac, 34 * SEC);
	RTS_CHECK_EQ(testbe_tx_count(be), 0);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(nd_slaac_two_hour_rule)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = ctx_with(be, 0, 0, true);
	struct rts_ip slaac = c6_ip("2001:2:0:5:0:ff:fe00:1");
	struct rts_ip6_addr *a;
	size_t ml;

	ml = ra_msg(m, 1800, 0, "2001:2:0:5::", 0xc0, 86400, 14400);
	inject_ra(be, ctx, m, ml, 0);
	a = rts_ip6_addr_find(ctx, &slaac);
	RTS_REQUIRE(a != NULL);
	RTS_CHECK_EQ(a->state, RTS_IP6_ADDR_PREFERRED);
	RTS_CHECK(a->valid_until_ns == 86400 * SEC);
	/* a forged RA with valid 60 s only shortens it to two hours */
	ml = ra_msg(m, 1800, 0, "2001:2:0:5::", 0xc0, 60, 60);
	inject_ra(be, ctx, m, ml, SEC);
	RTS_CHECK(a->valid_until_ns == SEC + 7200 * SEC);
	/* a longer one is taken as is */
	ml = ra_msg(m, 1800, 0, "2001:2:0:5::", 0xc0, 100000, 100);
	inject_ra(be, ctx, m, ml, 2 * SEC);
	RTS_CHECK(a->valid_until_ns == 2 * SEC + 100000 * SEC);
	/* without the A flag or with slaac off, no address is formed */
	ml = ra_msg(m, 1800, 0, "2001:2:0:6::", 0x80, 86400, 14400);
	inject_ra(be, ctx, m, ml, 3 * SEC);
	struct rts_ip six = c6_ip("2001:2:0:6:0:ff:fe00:1");
	RTS_CHECK(rts_ip6_addr_find(ctx, &six) == NULL);
	testbe_drain(be);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
}

RTS_TEST(nd_redirect_counted_not_used)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = c6_ctx(be);
	struct rts_ip tgt = c6_ip("fe80::5"), dst = c6_ip("2001:2:77::1");

	memset(m, 0, 40);
	m[0] = 137;
	memcpy(m + 8, tgt.u8, 16);
	memcpy(m + 24, dst.u8, 16);
	inject_nd(be, ctx, MAC_ROUTER, MAC_US, LL_ROUTER, LL_US, 255, m, 40, 0);
	RTS_CHECK_EQ(cnt(ctx)->nd_rx_redirect, 1);
	RTS_CHECK_EQ(testbe_tx_count(be), 0);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
}

RTS_TEST(nd_multicast_mac_filter)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = ctx_with(be, 0, 0, true);
	struct rts_ctx *v4 = testbe_ctx(be, "198.18.0.9/24", 9, 0, 0);
	struct rts_mac macs[8];
	const uint8_t all[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	const uint8_t sn[6] = { 0x33, 0x33, 0xff, 0, 0, 1 };
	uint32_t gen = rts_mcast_gen(ctx);
	size_t ml;

	/* fe80::ff:fe00:1 and 2001:2::1 share one solicited-node group */
	RTS_REQUIRE(rts_mcast_macs(ctx, macs, 8) == 2);
	RTS_CHECK(memcmp(macs[0].b, all, 6) == 0);
	RTS_CHECK(memcmp(macs[1].b, sn, 6) == 0);
	RTS_CHECK_EQ(rts_mcast_macs(ctx, macs, 1), 2); /* the count, all */
	/* an IPv4-only context listens to no IPv6 group */
	RTS_CHECK_EQ(rts_mcast_macs(v4, macs, 8), 0);
	/* SLAAC adds an address with another group */
	ml = ra_msg(m, 1800, 0, "2001:2:0:5::", 0xc0, 86400, 14400);
	inject_ra(be, ctx, m, ml, 0);
	RTS_CHECK(rts_mcast_gen(ctx) != gen);
	RTS_CHECK_EQ(rts_mcast_macs(ctx, macs, 8), 2); /* same low 24 bits */
	testbe_drain(be);
	testbe_ctx_free(v4, 0);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
}

/* Pop the next MLDv2 report; false if none is queued. */
static bool pop_mld(struct testbe *be, struct c6_out *o)
{
	while (c6_pop(be, o))
		if (o->type == 0x86dd && o->nh == 0 && o->l4_len >= 16 &&
		    o->l4[8] == 143)
			return true;
	return false;
}

RTS_TEST(mld_reports_when_enabled)
{
	struct testbe *be = testbe_new();
	struct rts_config cfg;
	struct rts_ctx *ctx;
	struct rts_ip all = c6_ip("ff02::1"), mld = c6_ip("ff02::16");
	struct rts_ip us = IP_US;
	struct rts_ip group = rts_ip6_solicited_node(&us);
	struct c6_out o;
	int reports = 0;

	c6_config(&cfg, 1, 0);
	cfg.ip6.mld = true;
	ctx = testbe_ctx_cfg(be, &cfg, 0);
	/* unsolicited: twice within a second, from :: during DAD */
	for (uint64_t t = MS; t < 1000 * MS; t += 50 * MS) {
		rts_poll(ctx, t);
		while (pop_mld(be, &o)) {
			reports++;
			RTS_CHECK(ip_is(&o.dst, mld));
			RTS_CHECK(mac_is(&o.dmac, mcast_mac(mld)));
			RTS_CHECK_EQ(o.hop, 1);
			RTS_CHECK_EQ(o.l4[0], 58);        /* hop-by-hop → ICMPv6 */
			RTS_CHECK_EQ(o.l4[2], 5);         /* Router Alert */
			RTS_CHECK(rts_ip6_is_unspecified(&o.src));
			RTS_CHECK_EQ(rts_get_be16(o.l4 + 8 + 6), 1); /* 1 record */
			RTS_CHECK_EQ(o.l4[16], 4);        /* CHANGE_TO_EXCLUDE */
			RTS_CHECK(memcmp(o.l4 + 20, group.u8, 16) == 0);
			RTS_CHECK_EQ(c6_csum(&o.src, &o.dst, 58, o.l4 + 8,
					     o.l4_len - 8), 0);
		}
	}
	RTS_CHECK_EQ(reports, 2);
	/* a general query: answered within its maximum response delay */
	rts_poll(ctx, 2 * SEC);
	testbe_drain(be);
	memset(m, 0, 28);
	m[0] = 130;
	rts_put_be16(m + 4, 500); /* ms */
	inject_nd(be, ctx, MAC_ROUTER, mcast_mac(all), LL_ROUTER, all, 1, m, 28,
		  2 * SEC);
	RTS_CHECK_EQ(cnt(ctx)->mld_rx_queries, 1);
	rts_poll(ctx, 2 * SEC + 510 * MS);
	{
		bool got = pop_mld(be, &o);
		RTS_REQUIRE(got);
	}
	RTS_CHECK(ip_is(&o.src, LL_US));
	RTS_CHECK_EQ(o.l4[16], 2); /* MODE_IS_EXCLUDE */
	RTS_CHECK_EQ(cnt(ctx)->mld_tx_reports, 3);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(mld_silent_by_default)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = ctx_with(be, 1, 0, false);

	rts_poll(ctx, 3 * SEC);
	RTS_CHECK_EQ(cnt(ctx)->mld_tx_reports, 0);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
}

int main(void)
{
	return rts_test_main();
}
