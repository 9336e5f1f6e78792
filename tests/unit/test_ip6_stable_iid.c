/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RFC 7217 stable, semantically opaque interface identifiers
 * (cfg.ip6.stable_iid): the link-local and SLAAC addresses come from
 * F(Prefix, Net_Iface, Network_ID, DAD_Counter, secret_key), are the same
 * for the same inputs and unrelated otherwise, run DAD like any other, and
 * after a conflict the next DAD_Counter is tried (IDGEN_DELAY later, at
 * most IDGEN_RETRIES times, §6).
 */
#include "ip6_conv.h"

#include "core/siphash.h"
#include "ip6/ip6.h"

static uint8_t f[4096];
static uint8_t m[4096];

static const uint64_t SECRET[2] = { 0x0123456789abcdefull,
				    0xfedcba9876543210ull };

static struct rts_ctx *ctx_stable(struct testbe *be, uint8_t dad, bool slaac,
				  const uint64_t secret[2], uint64_t net_id)
{
	struct rts_config cfg;

	c6_config(&cfg, dad, 0);
	cfg.ip6.slaac = slaac;
	cfg.ip6.stable_iid = true;
	cfg.ip6.stable_secret[0] = secret[0];
	cfg.ip6.stable_secret[1] = secret[1];
	cfg.ip6.network_id = net_id;
	return testbe_ctx_cfg(be, &cfg, 0);
}

/* The RFC 7217 §5 RID computed here from the documented input layout:
 * prefix (8 bytes), MAC, Network_ID (little-endian), DAD_Counter. */
static struct rts_ip expected(const char *prefix, const uint64_t secret[2],
			      uint64_t net_id, uint8_t counter)
{
	struct rts_ip a = c6_ip(prefix);
	struct rts_mac mac = MAC_US;
	uint8_t msg[23];
	uint64_t rid;

	memcpy(msg, a.u8, 8);
	memcpy(msg + 8, mac.b, 6);
	for (int i = 0; i < 8; i++)
		msg[14 + i] = (uint8_t)(net_id >> (8 * i));
	msg[22] = counter;
	rid = rts_siphash24(secret, msg, sizeof(msg));
	for (int i = 0; i < 8; i++)
		a.u8[8 + i] = (uint8_t)(rid >> (56 - 8 * i));
	return a;
}

static struct rts_ip6_addr *link_local(struct rts_ctx *ctx)
{
	for (unsigned i = 0; i < RTS_IP6_MAX_ADDRS; i++)
		if (ctx->ip6.addrs[i].state != RTS_IP6_ADDR_FREE &&
		    ctx->ip6.addrs[i].origin == RTS_IP6_ORIGIN_LINK_LOCAL)
			return &ctx->ip6.addrs[i];
	return NULL;
}

static void inject_icmp(struct testbe *be, struct rts_ctx *ctx,
			struct rts_ip src, struct rts_ip dst, uint8_t *msg,
			size_t len, uint64_t now)
{
	struct rts_mac smac = MAC_PEER;
	struct rts_mac dmac = rts_ip6_mcast_mac(&dst);
	size_t n;

	if (!rts_ip6_is_multicast(&dst))
		dmac = MAC_US;
	n = c6_frame_icmp(f, &dmac, &smac, &src, &dst, 255, msg, len);
	testbe_inject(be, ctx, f, n, now);
}

/* An RA from fe80::9 offering @prefix/64 for SLAAC. */
static void inject_ra(struct testbe *be, struct rts_ctx *ctx,
		      const char *prefix, uint64_t now)
{
	struct rts_ip p = c6_ip(prefix), all = c6_ip("ff02::1");
	struct rts_mac r = MAC_ROUTER;
	struct rts_mac dmac = rts_ip6_mcast_mac(&all);
	struct rts_ip src = LL_ROUTER;
	size_t n;

	memset(m, 0, 56);
	m[0] = 134;
	rts_put_be16(m + 6, 1800);
	m[16] = 3; /* prefix information */
	m[17] = 4;
	m[18] = 64;
	m[19] = 0xc0; /* L, A */
	rts_put_be32(m + 20, 3600);
	rts_put_be32(m + 24, 1800);
	memcpy(m + 32, p.u8, 16);
	n = c6_frame_icmp(f, &dmac, &r, &src, &all, 255, m, 48);
	testbe_inject(be, ctx, f, n, now);
}

RTS_TEST(stable_iid_off_by_default_eui64)
{
	struct testbe *be = testbe_new();
	struct rts_config cfg;
	struct rts_ctx *ctx;

	c6_config(&cfg, 0, 0);
	RTS_CHECK(!cfg.ip6.stable_iid);
	ctx = testbe_ctx_cfg(be, &cfg, 0);
	RTS_REQUIRE(link_local(ctx) != NULL);
	RTS_CHECK(ip_is(&link_local(ctx)->ip, LL_US));
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(stable_iid_link_local_is_f_of_its_inputs)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = ctx_stable(be, 1, false, SECRET, 0);
	struct rts_ip want = expected("fe80::", SECRET, 0, 0);
	struct rts_ip group = rts_ip6_solicited_node(&want);
	struct rts_ip6_addr *ll = link_local(ctx);
	struct c6_out o;

	RTS_REQUIRE(ll != NULL);
	RTS_CHECK(ip_is(&ll->ip, want));
	RTS_CHECK(!ip_is(&ll->ip, LL_US));
	RTS_CHECK(!rts_ip6_iid_reserved(&ll->ip));
	RTS_CHECK_EQ(ll->state, RTS_IP6_ADDR_TENTATIVE);
	/* DAD for it, like for the EUI-64 one */
	C6_POP(be, &o);
	RTS_CHECK_EQ(o.l4[0], 135);
	RTS_CHECK(ip_is(&o.dst, group));
	RTS_CHECK(memcmp(o.l4 + 8, want.u8, 16) == 0);
	rts_poll(ctx, 1100 * MS);
	RTS_CHECK_EQ(ll->state, RTS_IP6_ADDR_PREFERRED);
	testbe_ctx_free(ctx, 0);

	/* the same secret and link give the same address after a restart;
	 * another secret or Network_ID give unrelated ones */
	static const uint64_t other[2] = { 1, 2 };
	struct rts_ip a1, a2, a3;
	ctx = ctx_stable(be, 0, false, SECRET, 0);
	a1 = link_local(ctx)->ip;
	testbe_ctx_free(ctx, 0);
	ctx = ctx_stable(be, 0, false, other, 0);
	a2 = link_local(ctx)->ip;
	testbe_ctx_free(ctx, 0);
	ctx = ctx_stable(be, 0, false, SECRET, 77);
	a3 = link_local(ctx)->ip;
	testbe_ctx_free(ctx, 0);
	RTS_CHECK(ip_is(&a1, want));
	RTS_CHECK(ip_is(&a2, expected("fe80::", other, 0, 0)));
	RTS_CHECK(ip_is(&a3, expected("fe80::", SECRET, 77, 0)));
	RTS_CHECK(memcmp(a1.u8 + 8, a2.u8 + 8, 8) != 0);
	RTS_CHECK(memcmp(a1.u8 + 8, a3.u8 + 8, 8) != 0);
	testbe_delete(be);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(stable_iid_slaac_per_prefix)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = ctx_stable(be, 0, true, SECRET, 0);
	struct rts_ip a5 = expected("2001:2:0:5::", SECRET, 0, 0);
	struct rts_ip a6 = expected("2001:2:0:6::", SECRET, 0, 0);
	struct rts_ip eui = c6_ip("2001:2:0:5:0:ff:fe00:1");
	struct rts_ip6_addr *a;

	inject_ra(be, ctx, "2001:2:0:5::", 1 * SEC);
	inject_ra(be, ctx, "2001:2:0:6::", 1 * SEC);
	a = rts_ip6_addr_find(ctx, &a5);
	RTS_REQUIRE(a != NULL);
	RTS_CHECK_EQ(a->origin, RTS_IP6_ORIGIN_SLAAC);
	RTS_CHECK_EQ(a->state, RTS_IP6_ADDR_PREFERRED); /* DAD off here */
	RTS_CHECK(rts_ip6_addr_find(ctx, &a6) != NULL);
	RTS_CHECK(rts_ip6_addr_find(ctx, &eui) == NULL);
	/* one prefix's identifier says nothing about the other's */
	RTS_CHECK(memcmp(a5.u8 + 8, a6.u8 + 8, 8) != 0);
	/* a repeated RA refreshes the address, forms no other */
	inject_ra(be, ctx, "2001:2:0:5::", 2 * SEC);
	unsigned n = 0;
	for (unsigned i = 0; i < RTS_IP6_MAX_ADDRS; i++)
		n += ctx->ip6.addrs[i].state != RTS_IP6_ADDR_FREE &&
		     ctx->ip6.addrs[i].origin == RTS_IP6_ORIGIN_SLAAC;
	RTS_CHECK_EQ(n, 2);
	/* it answers */
	c6_learn_peer(ctx);
	struct rts_ip peer = IP_PEER;
	size_t ml = c6_echo(m, 128, 1, 1, 8);
	inject_icmp(be, ctx, peer, a5, m, ml, 3 * SEC);
	struct c6_out o;
	bool got = c6_pop_icmp(be, &o, 129);
	RTS_CHECK(got);
	RTS_CHECK(ip_is(&o.src, a5));
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* RFC 7217 §6: DAD_Counter + 1 after each conflict, IDGEN_RETRIES at most. */
RTS_TEST(stable_iid_dad_conflict_tries_the_next_identifier)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = ctx_stable(be, 1, false, SECRET, 0);
	struct rts_ip6_addr *ll = link_local(ctx);
	struct rts_mac macs[16];
	struct rts_ip cur, next, any = c6_ip("::");
	struct c6_out o;
	uint64_t now = 100 * MS;
	uint32_t gen;

	RTS_REQUIRE(ll != NULL);
	testbe_drain(be);
	for (uint8_t k = 0; k < 3; k++) {
		cur = expected("fe80::", SECRET, 0, k);
		next = expected("fe80::", SECRET, 0, (uint8_t)(k + 1));
		RTS_CHECK(ip_is(&ll->ip, cur));
		gen = rts_mcast_gen(ctx);
		/* another node's DAD probe for the same address */
		struct rts_ip group = rts_ip6_solicited_node(&cur);
		size_t ml = c6_nsna(m, 135, 0, &cur, NULL);
		inject_icmp(be, ctx, any, group, m, ml, now);
		RTS_CHECK_EQ(cnt(ctx)->nd_dad_conflict, k + 1u);
		RTS_CHECK_EQ(cnt(ctx)->nd_stable_iid_retry, k + 1u);
		RTS_CHECK(ip_is(&ll->ip, next));
		RTS_CHECK_EQ(ll->dad_counter, k + 1);
		RTS_CHECK_EQ(ll->state, RTS_IP6_ADDR_TENTATIVE);
		RTS_CHECK(rts_mcast_gen(ctx) != gen);
		/* the new solicited-node group is in the filter list */
		struct rts_ip ng = rts_ip6_solicited_node(&next);
		struct rts_mac nm = rts_ip6_mcast_mac(&ng);
		unsigned n = rts_mcast_macs(ctx, macs, 16), hit = 0;
		for (unsigned i = 0; i < n && i < 16; i++)
			hit += memcmp(macs[i].b, nm.b, 6) == 0;
		RTS_CHECK_EQ(hit, 1);
		/* IDGEN_DELAY: nothing yet, then its DAD probe */
		rts_poll(ctx, now + 900 * MS);
		RTS_CHECK_EQ(testbe_tx_count(be), 0);
		now += 1000 * MS;
		rts_poll(ctx, now);
		C6_POP(be, &o);
		RTS_CHECK_EQ(o.l4[0], 135);
		RTS_CHECK(rts_ip6_is_unspecified(&o.src));
		RTS_CHECK(memcmp(o.l4 + 8, next.u8, 16) == 0);
		now += 100 * MS;
	}
	/* the last retry is spent: the next conflict leaves it duplicate */
	cur = ll->ip;
	struct rts_ip group = rts_ip6_solicited_node(&cur);
	size_t ml = c6_nsna(m, 135, 0, &cur, NULL);
	inject_icmp(be, ctx, any, group, m, ml, now);
	RTS_CHECK_EQ(cnt(ctx)->nd_dad_conflict, 4);
	RTS_CHECK_EQ(cnt(ctx)->nd_stable_iid_retry, 3);
	RTS_CHECK_EQ(ll->state, RTS_IP6_ADDR_DUPLICATE);
	rts_poll(ctx, now + 5 * SEC);
	RTS_CHECK(!rts_ip6_addr_usable(ctx, &cur));
	testbe_ctx_free(ctx, 0);

	/* without a conflict the retried address becomes preferred */
	ctx = ctx_stable(be, 1, false, SECRET, 0);
	ll = link_local(ctx);
	testbe_drain(be);
	cur = ll->ip;
	group = rts_ip6_solicited_node(&cur);
	ml = c6_nsna(m, 136, 0x20, &cur, NULL); /* an NA for it: taken */
	inject_icmp(be, ctx, IP_PEER, c6_ip("ff02::1"), m, ml, 100 * MS);
	RTS_CHECK_EQ(cnt(ctx)->nd_stable_iid_retry, 1);
	rts_poll(ctx, 1100 * MS); /* IDGEN_DELAY: DAD starts */
	rts_poll(ctx, 2200 * MS); /* RetransTimer: done */
	RTS_CHECK_EQ(ll->state, RTS_IP6_ADDR_PREFERRED);
	next = expected("fe80::", SECRET, 0, 1);
	RTS_CHECK(rts_ip6_addr_usable(ctx, &next));
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(stable_iid_reserved_identifiers)
{
	RTS_CHECK(rts_ip6_iid_reserved(&(struct rts_ip){ .u8 = { 0xfe, 0x80 } }));
	struct rts_ip a = c6_ip("2001:2::fdff:ffff:ffff:ff80");
	RTS_CHECK(rts_ip6_iid_reserved(&a));
	a = c6_ip("2001:2::fdff:ffff:ffff:ffff");
	RTS_CHECK(rts_ip6_iid_reserved(&a));
	a = c6_ip("2001:2::fdff:ffff:ffff:ff7f");
	RTS_CHECK(!rts_ip6_iid_reserved(&a));
	a = c6_ip("2001:2::200:5efe:c612:1");
	RTS_CHECK(rts_ip6_iid_reserved(&a));
	a = c6_ip("2001:2::1");
	RTS_CHECK(!rts_ip6_iid_reserved(&a));
}

int main(void)
{
	return rts_test_main();
}
