/* SPDX-License-Identifier: BSD-3-Clause */
/* ARP conversations (RFC 826, RFC 5227 announcements). */
#include "nettest.h"
#include "net/neigh.h"

RTS_TEST(gratuitous_arp_at_init)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = testbe_ctx(be, "198.18.0.1/24", 1, 0, 0);
	uint8_t got[128], want[64];
	struct rts_mac bc = rts_mac_broadcast(), us = mac_us(), zero = { { 0 } };
	struct rts_ip a = ip_us();
	size_t n, wn;

	RTS_REQUIRE(ctx != NULL);
	RTS_CHECK_EQ(testbe_tx_count(be), 1);
	n = testbe_pop_bytes(be, got, sizeof(got));
	wn = tb_frame_arp(want, &bc, 1, &us, &a, &zero, &a);
	RTS_CHECK_EQ(n, wn);
	RTS_CHECK(memcmp(got, want, wn) == 0);
	RTS_CHECK_EQ(cnt(ctx)->arp_tx_gratuitous, 1);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(request_for_us_gets_exact_reply)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = ctx_us(be, 0);
	struct rts_mac bc = rts_mac_broadcast(), us = mac_us(), peer = mac_peer(),
		       zero = { { 0 } }, mac;
	struct rts_ip a = ip_us(), b = ip_peer();
	uint8_t f[64] = { 0 }, got[128], want[64];
	size_t n, wn;

	tb_frame_arp(f, &bc, 1, &peer, &b, &zero, &a);
	testbe_inject(be, ctx, f, 60, 1 * MS); /* padded to the minimum */
	RTS_CHECK_EQ(cnt(ctx)->arp_rx_requests, 1);
	RTS_CHECK_EQ(cnt(ctx)->arp_tx_replies, 1);
	RTS_REQUIRE(testbe_tx_count(be) == 1);
	n = testbe_pop_bytes(be, got, sizeof(got));
	wn = tb_frame_arp(want, &peer, 2, &us, &a, &peer, &b);
	RTS_CHECK_EQ(n, wn);
	RTS_CHECK(memcmp(got, want, wn) == 0);
	/* RFC 826: the asker is learned (STALE: not yet confirmed) */
	RTS_CHECK_EQ(rts_neigh_lookup(ctx, &b, &mac), 0);
	RTS_CHECK(memcmp(mac.b, peer.b, 6) == 0);
	RTS_CHECK_EQ(rts_neigh_find(ctx, &b)->state, RTS_NEIGH_STALE);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(request_not_for_us_is_counted_not_learned)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = ctx_us(be, 0);
	struct rts_mac bc = rts_mac_broadcast(), peer = mac_peer(), zero = { { 0 } }, mac;
	struct rts_ip other = rts_ip4(198, 18, 0, 9), b = ip_peer();
	uint8_t f[64];
	size_t n = tb_frame_arp(f, &bc, 1, &peer, &b, &zero, &other);

	testbe_inject(be, ctx, f, n, 1 * MS);
	RTS_CHECK_EQ(cnt(ctx)->arp_rx_not_for_us, 1);
	RTS_CHECK_EQ(testbe_tx_count(be), 0);
	RTS_CHECK_EQ(rts_neigh_lookup(ctx, &b, &mac), RTS_ENOENT);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(known_sender_is_updated_even_if_not_for_us)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = ctx_us(be, 0);
	struct rts_mac bc = rts_mac_broadcast(), newmac = testbe_mac(0x22),
		       zero = { { 0 } }, mac;
	struct rts_ip other = rts_ip4(198, 18, 0, 9), b = ip_peer();
	uint8_t f[64];
	size_t n;

	learn_peer(ctx);
	/* RFC 826 merge: a gratuitous ARP of the peer with a new MAC */
	n = tb_frame_arp(f, &bc, 1, &newmac, &b, &zero, &other);
	testbe_inject(be, ctx, f, n, 1 * MS);
	RTS_CHECK_EQ(rts_neigh_lookup(ctx, &b, &mac), 0);
	RTS_CHECK(memcmp(mac.b, newmac.b, 6) == 0);
	RTS_CHECK_EQ(rts_neigh_find(ctx, &b)->state, RTS_NEIGH_STALE);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(malformed_looped_and_conflicting)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = ctx_us(be, 0);
	struct rts_mac bc = rts_mac_broadcast(), us = mac_us(), peer = mac_peer(),
		       zero = { { 0 } };
	struct rts_ip a = ip_us(), b = ip_peer();
	uint8_t f[64];
	size_t n = tb_frame_arp(f, &bc, 1, &peer, &b, &zero, &a);

	f[14 + 1] = 6; /* hardware type 6 */
	testbe_inject(be, ctx, f, n, 1 * MS);
	RTS_CHECK_EQ(cnt(ctx)->arp_rx_malformed, 1);
	testbe_inject(be, ctx, f, 14 + 20, 1 * MS); /* truncated */
	RTS_CHECK_EQ(cnt(ctx)->arp_rx_malformed, 2);
	/* our own announcement coming back */
	n = tb_frame_arp(f, &bc, 1, &us, &a, &zero, &a);
	testbe_inject(be, ctx, f, n, 1 * MS);
	RTS_CHECK_EQ(cnt(ctx)->arp_rx_not_for_us, 1);
	/* somebody else announcing our address */
	n = tb_frame_arp(f, &bc, 1, &peer, &a, &zero, &a);
	testbe_inject(be, ctx, f, n, 1 * MS);
	RTS_CHECK_EQ(cnt(ctx)->arp_rx_conflict, 1);
	RTS_CHECK(rts_neigh_find(ctx, &a) == NULL);
	/* we defend it with a reply */
	RTS_CHECK_EQ(cnt(ctx)->arp_tx_replies, 1);
	testbe_drain(be);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(probe_is_answered_but_not_learned)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = ctx_us(be, 0);
	struct rts_mac bc = rts_mac_broadcast(), peer = mac_peer(), zero = { { 0 } };
	struct rts_ip a = ip_us(), none = rts_ip4(0, 0, 0, 0);
	uint8_t f[64], got[64];
	size_t n = tb_frame_arp(f, &bc, 1, &peer, &none, &zero, &a);

	testbe_inject(be, ctx, f, n, 1 * MS);
	RTS_CHECK_EQ(testbe_tx_count(be), 1);
	n = testbe_pop_bytes(be, got, sizeof(got));
	RTS_CHECK_EQ(n, 42);
	RTS_CHECK_EQ(be16(got + 20), 2);
	RTS_CHECK(memcmp(got, peer.b, 6) == 0);
	RTS_CHECK_EQ(ctx->net.neigh.used, 0);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(resolution_between_two_contexts)
{
	struct testbe *ba = testbe_new(), *bb = testbe_new();
	struct rts_ctx *a = testbe_ctx(ba, "198.18.0.1/24", 1, 0, 0);
	struct rts_ctx *b = testbe_ctx(bb, "198.18.0.2/24", 2, 0, 0);
	struct rts_ip ipb = ip_peer(), ipa = ip_us();
	struct rts_mac mac;

	testbe_drain(ba);
	testbe_drain(bb);
	RTS_REQUIRE(a && b);
	RTS_CHECK_EQ(rts_ip_output(a, l4_pkt(a, 10, 1), &ipa, &ipb, 253, false), 0);
	rts_flush(a);
	RTS_CHECK_EQ(testbe_forward(ba, bb, b, 1 * MS), 1); /* request */
	RTS_CHECK_EQ(testbe_forward(bb, ba, a, 1 * MS), 1); /* reply */
	RTS_CHECK_EQ(cnt(a)->neigh_resolved, 1);
	RTS_CHECK_EQ(rts_neigh_find(a, &ipb)->state, RTS_NEIGH_REACHABLE);
	RTS_CHECK_EQ(rts_neigh_lookup(a, &ipb, &mac), 0);
	RTS_CHECK_EQ(mac.b[5], 2);
	RTS_CHECK_EQ(rts_neigh_lookup(b, &ipa, &mac), 0);
	RTS_CHECK_EQ(mac.b[5], 1);
	/* the queued packet went out after the reply */
	RTS_CHECK_EQ(testbe_forward(ba, bb, b, 2 * MS), 1);
	RTS_CHECK_EQ(cnt(b)->ip4_rx_unknown_proto, 1);
	testbe_drain(bb);
	testbe_ctx_free(a, 0);
	testbe_ctx_free(b, 0);
	testbe_delete(ba);
	testbe_delete(bb);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

int main(void)
{
	return rts_test_main();
}
