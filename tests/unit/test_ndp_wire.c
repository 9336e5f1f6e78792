/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests: Neighbor Discovery messages and options (src/wire/ndp.h),
 * including the RFC 4861 §6.1 / §7.1 / §8.1 validity checks.
 */
#include "ip6_test_util.h"

#include "wire/ndp.h"

static const struct rts_mac mac_a = { { 0x02, 0, 0, 0, 0, 0xa } };

static struct rts_ip6_hdr iph(const char *src, const char *dst, uint8_t hl)
{
	struct rts_ip6_hdr h = { 0 };

	h.src = t_ip6(src);
	h.dst = t_ip6(dst);
	h.hop_limit = hl;
	h.next_hdr = RTS_NH_ICMPV6;
	return h;
}

RTS_TEST(nd_ns_round_trip)
{
	uint8_t b[RTS_ND_MAX_EMIT];
	struct rts_ip tgt = t_ip6("2001:2::2");
	struct rts_ip6_hdr ip = iph("2001:2::1", "ff02::1:ff00:2", 255);
	struct rts_nd_msg m;
	uint32_t n = rts_nd_emit_ns(b, &tgt, &mac_a);

	RTS_CHECK_EQ(n, 32);
	RTS_REQUIRE(rts_nd_parse(b, n, &ip, &m) == RTS_ND_OK);
	RTS_CHECK_EQ(m.type, RTS_ICMP6_NEIGH_SOLICIT);
	RTS_CHECK(rts_ip_eq(&m.target, &tgt));
	RTS_CHECK(m.opts.has_src_ll);
	RTS_CHECK(memcmp(m.opts.src_ll.b, mac_a.b, 6) == 0);
	RTS_CHECK(!m.opts.has_tgt_ll);
}

RTS_TEST(nd_na_round_trip)
{
	uint8_t b[RTS_ND_MAX_EMIT];
	struct rts_ip tgt = t_ip6("2001:2::2");
	struct rts_ip6_hdr ip = iph("2001:2::2", "2001:2::1", 255);
	struct rts_nd_msg m;
	uint32_t n = rts_nd_emit_na(b, &tgt,
				    RTS_ND_NA_SOLICITED | RTS_ND_NA_OVERRIDE,
				    &mac_a);

	RTS_CHECK_EQ(n, 32);
	RTS_REQUIRE(rts_nd_parse(b, n, &ip, &m) == RTS_ND_OK);
	RTS_CHECK_EQ(m.type, RTS_ICMP6_NEIGH_ADVERT);
	RTS_CHECK_EQ(m.flags, RTS_ND_NA_SOLICITED | RTS_ND_NA_OVERRIDE);
	RTS_CHECK(rts_ip_eq(&m.target, &tgt));
	RTS_CHECK(m.opts.has_tgt_ll);
	RTS_CHECK(memcmp(m.opts.tgt_ll.b, mac_a.b, 6) == 0);
	/* reserved bits are not flags */
	b[4] |= 0x1f;
	RTS_REQUIRE(rts_nd_parse(b, n, &ip, &m) == RTS_ND_OK);
	RTS_CHECK_EQ(m.flags, RTS_ND_NA_SOLICITED | RTS_ND_NA_OVERRIDE);
}

RTS_TEST(nd_rs_round_trip)
{
	uint8_t b[RTS_ND_MAX_EMIT];
	struct rts_ip6_hdr ip = iph("fe80::1", "ff02::2", 255);
	struct rts_ip6_hdr ip_any = iph("::", "ff02::2", 255);
	struct rts_nd_msg m;
	uint32_t n = rts_nd_emit_rs(b, &mac_a);

	RTS_CHECK_EQ(n, 16);
	RTS_REQUIRE(rts_nd_parse(b, n, &ip, &m) == RTS_ND_OK);
	RTS_CHECK(m.opts.has_src_ll);
	/* §6.1.1: from the unspecified address, no source link-layer option */
	RTS_CHECK(rts_nd_parse(b, n, &ip_any, &m) == RTS_ND_BAD_DAD);
	n = rts_nd_emit_rs(b, NULL);
	RTS_CHECK_EQ(n, 8);
	RTS_CHECK(rts_nd_parse(b, n, &ip_any, &m) == RTS_ND_OK);
}

RTS_TEST(nd_ra_round_trip)
{
	uint8_t b[256];
	struct rts_ip6_hdr ip = iph("fe80::1", "ff02::1", 255);
	struct rts_nd_msg m;
	struct rts_nd_prefix pfx[2] = {
		{ t_ip6("2001:2:0:1::"), 64, true, true, 86400, 14400 },
		{ t_ip6("2001:2:0:2::"), 64, true, false, 0xffffffff,
		  0xffffffff },
	};
	struct rts_nd_ra_emit ra = {
		.cur_hop_limit = 64, .flags = RTS_ND_RA_OTHER,
		.router_lifetime_s = 1800, .reachable_ms = 30000,
		.retrans_ms = 1000, .src_ll = &mac_a, .mtu = 1480,
		.n_prefix = 2, .prefix = pfx,
	};
	uint32_t n = rts_nd_emit_ra(b, &ra);

	RTS_CHECK_EQ(n, 16 + 8 + 8 + 64);
	RTS_REQUIRE(rts_nd_parse(b, n, &ip, &m) == RTS_ND_OK);
	RTS_CHECK_EQ(m.type, RTS_ICMP6_ROUTER_ADVERT);
	RTS_CHECK_EQ(m.cur_hop_limit, 64);
	RTS_CHECK_EQ(m.flags, RTS_ND_RA_OTHER);
	RTS_CHECK_EQ(m.router_lifetime_s, 1800);
	RTS_CHECK_EQ(m.reachable_ms, 30000);
	RTS_CHECK_EQ(m.retrans_ms, 1000);
	RTS_CHECK(m.opts.has_src_ll);
	RTS_CHECK(m.opts.has_mtu);
	RTS_CHECK_EQ(m.opts.mtu, 1480);
	RTS_REQUIRE(m.opts.n_prefix == 2);
	RTS_CHECK(rts_ip_eq(&m.opts.prefix[0].prefix, &pfx[0].prefix));
	RTS_CHECK_EQ(m.opts.prefix[0].len, 64);
	RTS_CHECK(m.opts.prefix[0].on_link && m.opts.prefix[0].autonomous);
	RTS_CHECK_EQ(m.opts.prefix[0].valid_s, 86400);
	RTS_CHECK_EQ(m.opts.prefix[0].preferred_s, 14400);
	RTS_CHECK(!m.opts.prefix[1].autonomous);
	RTS_CHECK_EQ(m.opts.prefix[1].valid_s, 0xffffffffu);

	/* §6.1.2: an RA from a global source is invalid */
	struct rts_ip6_hdr glob = iph("2001:2::1", "ff02::1", 255);
	RTS_CHECK(rts_nd_parse(b, n, &glob, &m) == RTS_ND_BAD_SRC);
}

RTS_TEST(nd_prefix_option_quirks)
{
	uint8_t b[512];
	struct rts_ip6_hdr ip = iph("fe80::1", "ff02::1", 255);
	struct rts_nd_msg m;
	struct rts_nd_prefix pfx[7];
	struct rts_nd_ra_emit ra = { .n_prefix = 7, .prefix = pfx };

	for (int i = 0; i < 7; i++) {
		memset(&pfx[i], 0, sizeof(pfx[i]));
		pfx[i].prefix = t_ip6("2001:2:0:ffff:ffff::");
		pfx[i].len = 60;
		pfx[i].on_link = true;
	}
	uint32_t n = rts_nd_emit_ra(b, &ra);
	/* 1st: bogus length 200; 2nd: option of length 3 instead of 4 */
	b[16 + 2] = 200;
	b[16 + 32 + 1] = 3;
	b[16 + 32 + 24] = 99; /* the remaining 8 bytes: an unknown option */
	b[16 + 32 + 24 + 1] = 1;
	RTS_REQUIRE(rts_nd_parse(b, n, &ip, &m) == RTS_ND_OK);
	/* both ignored; of the five left, RTS_ND_MAX_PREFIXES are kept */
	RTS_CHECK_EQ(m.opts.n_prefix, RTS_ND_MAX_PREFIXES);
	/* bits past the prefix length are cleared */
	struct rts_ip want = t_ip6("2001:2:0:fff0::");
	RTS_CHECK(rts_ip_eq(&m.opts.prefix[0].prefix, &want));
}

RTS_TEST(nd_redirect_parse)
{
	uint8_t b[64] = { 0 };
	struct rts_ip6_hdr ip = iph("fe80::1", "fe80::2", 255);
	struct rts_nd_msg m;
	struct rts_ip tgt = t_ip6("fe80::9"), dst = t_ip6("2001:2::99");

	b[0] = RTS_ICMP6_REDIRECT;
	memcpy(b + 8, tgt.u8, 16);
	memcpy(b + 24, dst.u8, 16);
	b[40] = RTS_ND_OPT_REDIRECTED;
	b[41] = 3; /* 8 reserved + 16 of the quoted packet */
	RTS_REQUIRE(rts_nd_parse(b, 64, &ip, &m) == RTS_ND_OK);
	RTS_CHECK(rts_ip_eq(&m.target, &tgt));
	RTS_CHECK(rts_ip_eq(&m.dest, &dst));
	RTS_CHECK_EQ(m.opts.redirected_off, 48);
	RTS_CHECK_EQ(m.opts.redirected_len, 16);
	/* a global target that is not the destination itself */
	struct rts_ip g = t_ip6("2001:2::9");
	memcpy(b + 8, g.u8, 16);
	RTS_CHECK(rts_nd_parse(b, 64, &ip, &m) == RTS_ND_BAD_TARGET);
	/* target == destination: the destination is on-link */
	memcpy(b + 8, dst.u8, 16);
	RTS_CHECK(rts_nd_parse(b, 64, &ip, &m) == RTS_ND_OK);
	/* multicast destination */
	struct rts_ip mc = t_ip6("ff02::1");
	memcpy(b + 24, mc.u8, 16);
	RTS_CHECK(rts_nd_parse(b, 64, &ip, &m) == RTS_ND_BAD_TARGET);
	RTS_CHECK(rts_nd_parse(b, 39, &ip, &m) == RTS_ND_TOO_SHORT);
}

RTS_TEST(nd_validation_rejects)
{
	uint8_t b[64];
	struct rts_ip tgt = t_ip6("2001:2::2");
	struct rts_ip6_hdr ip = iph("2001:2::1", "ff02::1:ff00:2", 255);
	struct rts_nd_msg m;
	uint32_t n = rts_nd_emit_ns(b, &tgt, &mac_a);

	/* §7.1.1: hop limit 255 only (a router forwarded it otherwise) */
	ip.hop_limit = 254;
	RTS_CHECK(rts_nd_parse(b, n, &ip, &m) == RTS_ND_BAD_HOP_LIMIT);
	ip.hop_limit = 255;
	/* code 0 only */
	b[1] = 1;
	RTS_CHECK(rts_nd_parse(b, n, &ip, &m) == RTS_ND_BAD_CODE);
	b[1] = 0;
	/* too short for an NS */
	RTS_CHECK(rts_nd_parse(b, 23, &ip, &m) == RTS_ND_TOO_SHORT);
	RTS_CHECK(rts_nd_parse(b, 3, &ip, &m) == RTS_ND_TOO_SHORT);
	/* an option of length zero (would loop forever if accepted) */
	b[25] = 0;
	RTS_CHECK(rts_nd_parse(b, n, &ip, &m) == RTS_ND_BAD_OPT_LEN);
	/* an option longer than the message */
	b[25] = 2;
	RTS_CHECK(rts_nd_parse(b, n, &ip, &m) == RTS_ND_BAD_OPT_LEN);
	/* a single trailing byte where an option should be */
	b[25] = 1;
	RTS_CHECK(rts_nd_parse(b, n + 1, &ip, &m) == RTS_ND_BAD_OPT_LEN);
	RTS_CHECK(rts_nd_parse(b, n, &ip, &m) == RTS_ND_OK);
	/* multicast target */
	struct rts_ip mc = t_ip6("ff02::1");
	memcpy(b + 8, mc.u8, 16);
	RTS_CHECK(rts_nd_parse(b, n, &ip, &m) == RTS_ND_BAD_TARGET);
	/* not an ND message at all */
	b[0] = RTS_ICMP6_ECHO_REQUEST;
	RTS_CHECK(rts_nd_parse(b, n, &ip, &m) == RTS_ND_NOT_ND);
}

RTS_TEST(nd_dad_forms)
{
	uint8_t b[64];
	struct rts_ip tgt = t_ip6("2001:2::2");
	struct rts_nd_msg m;
	struct rts_ip6_hdr dad = iph("::", "ff02::1:ff00:2", 255);
	struct rts_ip6_hdr dad_uni = iph("::", "2001:2::2", 255);
	uint32_t n;

	/* §7.1.1: unspecified source → solicited-node dst, no SLLA */
	n = rts_nd_emit_ns(b, &tgt, NULL);
	RTS_CHECK(rts_nd_parse(b, n, &dad, &m) == RTS_ND_OK);
	RTS_CHECK(rts_nd_parse(b, n, &dad_uni, &m) == RTS_ND_BAD_DAD);
	n = rts_nd_emit_ns(b, &tgt, &mac_a);
	RTS_CHECK(rts_nd_parse(b, n, &dad, &m) == RTS_ND_BAD_DAD);

	/* §7.1.2: a solicited NA to a multicast destination is invalid */
	struct rts_ip6_hdr na_mc = iph("2001:2::2", "ff02::1", 255);
	n = rts_nd_emit_na(b, &tgt, RTS_ND_NA_SOLICITED, &mac_a);
	RTS_CHECK(rts_nd_parse(b, n, &na_mc, &m) == RTS_ND_BAD_FLAGS);
	n = rts_nd_emit_na(b, &tgt, RTS_ND_NA_OVERRIDE, &mac_a);
	RTS_CHECK(rts_nd_parse(b, n, &na_mc, &m) == RTS_ND_OK);
}

RTS_TEST(nd_nonce_option)
{
	uint8_t b[64];
	struct rts_ip tgt = t_ip6("2001:2::2");
	struct rts_nd_msg m;
	struct rts_ip6_hdr dad = iph("::", "ff02::1:ff00:2", 255);
	uint32_t n = rts_nd_emit_ns(b, &tgt, NULL);
	const uint8_t nonce[6] = { 1, 2, 3, 4, 5, 6 };

	b[n] = RTS_ND_OPT_NONCE;
	b[n + 1] = 1;
	memcpy(b + n + 2, nonce, 6);
	RTS_REQUIRE(rts_nd_parse(b, n + 8, &dad, &m) == RTS_ND_OK);
	RTS_CHECK(m.opts.has_nonce);
	RTS_CHECK(memcmp(m.opts.nonce, nonce, 6) == 0);
}

int main(void)
{
	return rts_test_main();
}
