/* SPDX-License-Identifier: BSD-3-Clause */
/* The neighbour cache: RFC 4861 states, retries, queue bound, static
 * entries, a full table, per-flow refs. */
#include "nettest.h"

static int n_failed, n_resolved;
static struct rts_ip last_ip;
static struct rts_mac last_mac;

static void on_failed(struct rts_ctx *ctx, void *user, const struct rts_ip *ip)
{
	(void)ctx, (void)user;
	n_failed++;
	last_ip = *ip;
}

static void on_resolved(struct rts_ctx *ctx, void *user,
			const struct rts_ip *ip, const struct rts_mac *mac)
{
	(void)ctx, (void)user;
	n_resolved++;
	last_ip = *ip;
	last_mac = *mac;
}

static const struct rts_ctx_handlers handlers = {
	.neigh_failed = on_failed,
	.neigh_resolved = on_resolved,
};

static struct rts_ctx *make(struct testbe *be, uint16_t entries)
{
	struct rts_config cfg;
	struct rts_ctx *ctx;

	testbe_config(&cfg, "198.18.0.1/24", 1, 0);
	cfg.handlers = &handlers;
	if (entries)
		cfg.neigh_entries = entries;
	ctx = testbe_ctx_cfg(be, &cfg, 0);
	testbe_drain(be);
	n_failed = n_resolved = 0;
	return ctx;
}

static int send_to(struct rts_ctx *ctx, struct rts_ip dst, uint8_t mark)
{
	struct rts_ip src = ip_us();

	return rts_ip_output(ctx, l4_pkt(ctx, 20, mark), &src, &dst, 253, false);
}

static void finish(struct testbe *be, struct rts_ctx *ctx)
{
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(incomplete_retries_then_fails)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = make(be, 0);
	struct rts_ip peer = ip_peer();
	uint8_t f[128];

	for (int i = 0; i < 3; i++)
		RTS_CHECK_EQ(send_to(ctx, peer, (uint8_t)i), 0);
	rts_flush(ctx);
	RTS_CHECK_EQ(testbe_tx_count(be), 1);
	RTS_CHECK_EQ(testbe_pop_bytes(be, f, sizeof(f)), 42);
	RTS_CHECK(f[0] == 0xff && f[5] == 0xff); /* broadcast request */
	RTS_CHECK_EQ(be16(f + 20), 1);
	RTS_CHECK_EQ(rts_neigh_find(ctx, &peer)->state, RTS_NEIGH_INCOMPLETE);
	RTS_CHECK_EQ(rts_neigh_find(ctx, &peer)->n_pending, 3);
	rts_poll(ctx, 500 * MS);
	RTS_CHECK_EQ(testbe_tx_count(be), 0);
	rts_poll(ctx, 1010 * MS);
	RTS_CHECK_EQ(testbe_drain(be), 1);
	rts_poll(ctx, 2020 * MS);
	RTS_CHECK_EQ(testbe_drain(be), 1);
	RTS_CHECK_EQ(n_failed, 0);
	rts_poll(ctx, 3030 * MS);
	RTS_CHECK_EQ(testbe_drain(be), 0);
	RTS_CHECK_EQ(cnt(ctx)->arp_tx_requests, 3);
	RTS_CHECK_EQ(cnt(ctx)->neigh_failed, 1);
	RTS_CHECK_EQ(cnt(ctx)->neigh_pending_drop, 3);
	RTS_CHECK_EQ(n_failed, 1);
	RTS_CHECK(rts_ip_eq(&last_ip, &peer));
	RTS_CHECK(rts_neigh_find(ctx, &peer) == NULL);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
	finish(be, ctx);
}

RTS_TEST(pending_queue_bounded_oldest_dropped)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = make(be, 0);
	struct rts_mac peer_mac = mac_peer();
	uint8_t f[128];

	for (int i = 0; i < 10; i++)
		send_to(ctx, ip_peer(), (uint8_t)i);
	rts_flush(ctx);
	testbe_drain(be);
	RTS_CHECK_EQ(cnt(ctx)->neigh_pending_drop, 2);
	inject_arp_reply(be, ctx, &peer_mac, 100 * MS);
	RTS_CHECK_EQ(n_resolved, 1);
	RTS_CHECK_EQ(last_mac.b[5], 2);
	RTS_CHECK_EQ(testbe_tx_count(be), 8);
	for (int i = 2; i < 10; i++) {
		size_t n = testbe_pop_bytes(be, f, sizeof(f));

		RTS_CHECK_EQ(n, 14 + 20 + 20);
		RTS_CHECK(memcmp(f, peer_mac.b, 6) == 0);
		RTS_CHECK_EQ(be16(f + 12), 0x0800);
		RTS_CHECK_EQ(f[14 + 20], i); /* in order, oldest two gone */
	}
	RTS_CHECK_EQ(rts_neigh_find(ctx, &(struct rts_ip){ 0 }) == NULL, 1);
	finish(be, ctx);
}

RTS_TEST(reachable_stale_delay_probe_fail)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = make(be, 0);
	struct rts_mac peer_mac = mac_peer();
	struct rts_ip peer = ip_peer();
	struct rts_neigh *n;
	uint8_t f[128];

	send_to(ctx, peer, 0);
	inject_arp_reply(be, ctx, &peer_mac, 1 * MS);
	testbe_drain(be);
	n = rts_neigh_find(ctx, &peer);
	RTS_REQUIRE(n != NULL);
	RTS_CHECK_EQ(n->state, RTS_NEIGH_REACHABLE);
	/* REACHABLE_TIME is randomised to at most 45 s */
	rts_poll(ctx, 14 * SEC);
	RTS_CHECK_EQ(n->state, RTS_NEIGH_REACHABLE);
	rts_poll(ctx, 46 * SEC);
	RTS_CHECK_EQ(n->state, RTS_NEIGH_STALE);
	RTS_CHECK_EQ(testbe_tx_count(be), 0);
	/* a packet goes out at once on the stale MAC and starts DELAY */
	send_to(ctx, peer, 7);
	rts_flush(ctx);
	RTS_CHECK_EQ(n->state, RTS_NEIGH_DELAY);
	RTS_CHECK_EQ(testbe_pop_bytes(be, f, sizeof(f)), 54);
	RTS_CHECK(memcmp(f, peer_mac.b, 6) == 0);
	rts_poll(ctx, 50 * SEC);
	RTS_CHECK_EQ(n->state, RTS_NEIGH_DELAY);
	rts_poll(ctx, 51 * SEC + 10 * MS);
	RTS_CHECK_EQ(n->state, RTS_NEIGH_PROBE);
	/* PROBE: unicast requests */
	RTS_CHECK_EQ(testbe_pop_bytes(be, f, sizeof(f)), 42);
	RTS_CHECK(memcmp(f, peer_mac.b, 6) == 0);
	RTS_CHECK_EQ(be16(f + 20), 1);
	rts_poll(ctx, 52 * SEC + 20 * MS);
	rts_poll(ctx, 53 * SEC + 30 * MS);
	RTS_CHECK_EQ(testbe_drain(be), 2);
	RTS_CHECK_EQ(n_failed, 0);
	rts_poll(ctx, 54 * SEC + 40 * MS);
	RTS_CHECK_EQ(n_failed, 1);
	RTS_CHECK_EQ(cnt(ctx)->neigh_failed, 1);
	RTS_CHECK(rts_neigh_find(ctx, &peer) == NULL);
	finish(be, ctx);
}

RTS_TEST(probe_answered_and_delay_confirmed)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = make(be, 0);
	struct rts_mac peer_mac = mac_peer();
	struct rts_ip peer = ip_peer(), us = ip_us();
	struct rts_neigh_ref ref = { 0 };
	struct rts_neigh *n;

	/* learned from a request: STALE */
	rts_neigh_update(ctx, &peer, &peer_mac,
			 RTS_NEIGH_F_OVERRIDE | RTS_NEIGH_F_CREATE);
	n = rts_neigh_find(ctx, &peer);
	RTS_REQUIRE(n != NULL);
	RTS_CHECK_EQ(n->state, RTS_NEIGH_STALE);
	RTS_CHECK(rts_neigh_ref_mac(&ref) == NULL);
	rts_ip_output_ref(ctx, l4_pkt(ctx, 8, 1), &us, &peer, 253, false, &ref);
	RTS_CHECK_EQ(n->state, RTS_NEIGH_DELAY);
	RTS_CHECK(ref.n == n);
	RTS_CHECK(rts_neigh_ref_mac(&ref) == NULL); /* not confirmed yet */
	rts_neigh_confirm(ctx, &ref); /* e.g. TCP saw an ACK */
	RTS_CHECK_EQ(n->state, RTS_NEIGH_REACHABLE);
	RTS_REQUIRE(rts_neigh_ref_mac(&ref) != NULL);
	RTS_CHECK_EQ(rts_neigh_ref_mac(&ref)->b[5], 2);
	/* into PROBE, then a reply makes it REACHABLE again */
	rts_poll(ctx, 46 * SEC);
	send_to(ctx, peer, 2);
	rts_poll(ctx, 52 * SEC);
	RTS_CHECK_EQ(n->state, RTS_NEIGH_PROBE);
	inject_arp_reply(be, ctx, &peer_mac, 52 * SEC + 100 * MS);
	RTS_CHECK_EQ(n->state, RTS_NEIGH_REACHABLE);
	testbe_drain(be);
	finish(be, ctx);
}

RTS_TEST(update_rules_solicited_and_override)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = make(be, 0);
	struct rts_mac m1 = mac_peer(), m2 = testbe_mac(0x33);
	struct rts_ip peer = ip_peer();
	struct rts_neigh_ref ref;
	struct rts_neigh *n;

	RTS_CHECK_EQ(rts_neigh_learn(ctx, &peer, &m1, 0), 0);
	n = rts_neigh_find(ctx, &peer);
	RTS_REQUIRE(n && n->state == RTS_NEIGH_REACHABLE);
	ref.n = n;
	ref.gen = n->gen;
	RTS_CHECK(rts_neigh_ref_mac(&ref) != NULL);
	/* RFC 4861 §7.2.5: solicited, no override, other MAC: keep, STALE */
	rts_neigh_update(ctx, &peer, &m2, RTS_NEIGH_F_SOLICITED);
	RTS_CHECK_EQ(n->state, RTS_NEIGH_STALE);
	RTS_CHECK_EQ(n->mac.b[5], 2);
	/* unsolicited without override, other MAC: ignored */
	rts_neigh_update(ctx, &peer, &m2, 0);
	RTS_CHECK_EQ(n->mac.b[5], 2);
	/* override: replaced, STALE, old refs invalid */
	rts_neigh_update(ctx, &peer, &m2, RTS_NEIGH_F_OVERRIDE);
	RTS_CHECK_EQ(n->mac.b[5], 0x33);
	RTS_CHECK_EQ(n->state, RTS_NEIGH_STALE);
	RTS_CHECK(ref.gen != n->gen);
	/* solicited + same MAC: REACHABLE, yet the old ref stays invalid */
	rts_neigh_update(ctx, &peer, &m2, RTS_NEIGH_F_SOLICITED);
	RTS_CHECK_EQ(n->state, RTS_NEIGH_REACHABLE);
	RTS_CHECK(rts_neigh_ref_mac(&ref) == NULL);
	/* absent entry, no CREATE: nothing */
	RTS_CHECK(rts_neigh_update(ctx, &(struct rts_ip){ .u8 = { 0 } }, &m1, 0) == NULL);
	finish(be, ctx);
}

RTS_TEST(static_entries)
{
	struct testbe *be = testbe_new();
	struct rts_config cfg;
	struct rts_ctx *ctx;
	struct rts_mac m2 = testbe_mac(0x44), mac;
	struct rts_ip peer = ip_peer(), other = rts_ip4(198, 18, 0, 3);
	uint8_t f[128];

	testbe_config(&cfg, "198.18.0.1/24", 1, 0);
	cfg.n_static_neigh = 1;
	cfg.static_neigh[0].ip = peer;
	cfg.static_neigh[0].mac = mac_peer();
	ctx = testbe_ctx_cfg(be, &cfg, 0);
	RTS_REQUIRE(ctx != NULL);
	testbe_drain(be);
	RTS_CHECK_EQ(rts_neigh_find(ctx, &peer)->state, RTS_NEIGH_STATIC);
	send_to(ctx, peer, 1);
	rts_flush(ctx);
	RTS_CHECK_EQ(testbe_pop_bytes(be, f, sizeof(f)), 54); /* no ARP */
	RTS_CHECK_EQ(f[5], 2);
	/* ARP can't move it, time can't expire it */
	inject_arp_reply(be, ctx, &m2, 1 * SEC);
	rts_poll(ctx, 500 * SEC);
	RTS_CHECK_EQ(rts_neigh_lookup(ctx, &peer, &mac), 0);
	RTS_CHECK_EQ(mac.b[5], 2);
	RTS_CHECK_EQ(rts_neigh_find(ctx, &peer)->state, RTS_NEIGH_STATIC);
	/* adding a static entry flushes what waits on resolution */
	send_to(ctx, other, 9);
	rts_flush(ctx);
	testbe_drain(be); /* the ARP request */
	RTS_CHECK_EQ(rts_neigh_add_static(ctx, &other, &m2), 0);
	rts_flush(ctx);
	RTS_CHECK_EQ(testbe_pop_bytes(be, f, sizeof(f)), 54);
	RTS_CHECK_EQ(f[5], 0x44);
	RTS_CHECK_EQ(rts_neigh_add_static(ctx, &other, &(struct rts_mac){ { 1, 0, 0, 0, 0, 0 } }),
		     RTS_EINVAL);
	rts_poll(ctx, 600 * SEC);
	RTS_CHECK_EQ(testbe_tx_count(be), 0); /* no retries for static */
	finish(be, ctx);
}

RTS_TEST(table_full_evicts_stale_only)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = make(be, 4);
	struct rts_mac m = mac_peer();

	for (int i = 0; i < 4; i++) {
		struct rts_ip ip = rts_ip4(198, 18, 0, (uint8_t)(10 + i));

		RTS_CHECK(rts_neigh_update(ctx, &ip, &m, RTS_NEIGH_F_OVERRIDE |
							     RTS_NEIGH_F_CREATE) != NULL);
	}
	RTS_CHECK_EQ(ctx->net.neigh.used, 4);
	/* a fifth neighbour: the oldest STALE one (.10) makes room */
	RTS_CHECK_EQ(send_to(ctx, rts_ip4(198, 18, 0, 20), 0), 0);
	RTS_CHECK_EQ(cnt(ctx)->neigh_table_full, 1);
	RTS_CHECK(rts_neigh_find(ctx, &(struct rts_ip){ .u8 = { 0 } }) == NULL);
	{
		struct rts_ip ip10 = rts_ip4(198, 18, 0, 10), ip11 = rts_ip4(198, 18, 0, 11);

		RTS_CHECK(rts_neigh_find(ctx, &ip10) == NULL);
		RTS_CHECK(rts_neigh_find(ctx, &ip11) != NULL);
	}
	/* no STALE left: confirm the rest, then a sixth is refused */
	for (int i = 1; i < 4; i++) {
		struct rts_ip ip = rts_ip4(198, 18, 0, (uint8_t)(10 + i));

		rts_neigh_learn(ctx, &ip, &m, 0);
	}
	RTS_CHECK_EQ(send_to(ctx, rts_ip4(198, 18, 0, 21), 0), RTS_ENOSPC);
	RTS_CHECK_EQ(cnt(ctx)->neigh_table_full, 2);
	RTS_CHECK_EQ(cnt(ctx)->neigh_pending_drop, 1);
	testbe_drain(be);
	finish(be, ctx);
}

RTS_TEST(tx_cache_follows_mac_change)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = make(be, 0);
	struct rts_mac m2 = testbe_mac(0x55);
	struct rts_ip peer = ip_peer();
	uint8_t f[128];

	learn_peer(ctx);
	send_to(ctx, peer, 1);
	RTS_CHECK(ctx->net.tx4_ref.n == rts_neigh_find(ctx, &peer));
	send_to(ctx, peer, 2); /* served by the cache */
	rts_flush(ctx);
	RTS_CHECK_EQ(testbe_pop_bytes(be, f, sizeof(f)), 54);
	RTS_CHECK_EQ(testbe_pop_bytes(be, f, sizeof(f)), 54);
	RTS_CHECK_EQ(f[5], 2);
	/* the peer moves to another MAC (e.g. failover) and says so */
	rts_neigh_update(ctx, &peer, &m2,
			 RTS_NEIGH_F_SOLICITED | RTS_NEIGH_F_OVERRIDE);
	send_to(ctx, peer, 3);
	rts_flush(ctx);
	RTS_CHECK_EQ(testbe_pop_bytes(be, f, sizeof(f)), 54);
	RTS_CHECK_EQ(f[5], 0x55);
	/* another destination replaces the cached one */
	{
		struct rts_ip other = rts_ip4(198, 18, 0, 3);

		send_to(ctx, other, 4);
		RTS_CHECK_EQ(ctx->net.tx4_dst_be, rts_ip_v4_be(&other));
		RTS_CHECK(rts_neigh_ref_mac(&ctx->net.tx4_ref) == NULL);
	}
	testbe_drain(be);
	finish(be, ctx);
}

RTS_TEST(gateway_is_resolved_for_off_link)
{
	struct testbe *be = testbe_new();
	struct rts_config cfg;
	struct rts_ctx *ctx;
	struct rts_ip far = rts_ip4(198, 19, 7, 7), gw = rts_ip4(198, 18, 0, 254);
	uint8_t f[128];

	testbe_config(&cfg, "198.18.0.1/24", 1, 0);
	ctx = testbe_ctx_cfg(be, &cfg, 0);
	testbe_drain(be);
	/* no gateway: unreachable */
	RTS_CHECK_EQ(send_to(ctx, far, 0), RTS_ENETUNREACH);
	RTS_CHECK_EQ(cnt(ctx)->ip4_tx_no_route, 1);
	testbe_ctx_free(ctx, 0);
	cfg.gw4 = gw;
	ctx = testbe_ctx_cfg(be, &cfg, 0);
	testbe_drain(be);
	RTS_CHECK_EQ(send_to(ctx, far, 0), 0);
	rts_flush(ctx);
	RTS_CHECK_EQ(testbe_pop_bytes(be, f, sizeof(f)), 42);
	RTS_CHECK(memcmp(f + 14 + 24, gw.u8 + 12, 4) == 0); /* asks for the gw */
	RTS_CHECK(rts_neigh_find(ctx, &gw) != NULL);
	RTS_CHECK(rts_neigh_find(ctx, &far) == NULL);
	finish(be, ctx);
}

int main(void)
{
	return rts_test_main();
}
