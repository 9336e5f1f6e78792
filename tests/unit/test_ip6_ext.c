/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests: the IPv6 extension-header walker (src/wire/ip6ext.h), with
 * well-formed chains and hostile ones.
 */
#include "ip6_test_util.h"

#include "wire/ip6ext.h"

#define SRC "2001:2::1"
#define DST "2001:2::2"

static enum rts_ip6ext_err walk(struct t_pkt *t, unsigned flags,
				struct rts_ip6ext_info *info)
{
	t_end(t);
	return rts_ip6ext_walk(t->b, t->len, flags, info);
}

/* A routing header of 24 bytes with @type and @segments_left. */
static void routing_hdr(struct t_pkt *t, uint8_t nh, uint8_t type, uint8_t sl)
{
	uint8_t *h = t_put(t, NULL, 24);

	h[0] = nh;
	h[1] = 2;
	h[2] = type;
	h[3] = sl;
}

static void frag_hdr(struct t_pkt *t, uint8_t nh, uint16_t off, bool more,
		     uint32_t id)
{
	uint8_t *h = t_put(t, NULL, 8);

	rts_ip6_frag_emit(h, nh, off, more, id);
}

RTS_TEST(ip6ext_no_extension)
{
	struct t_pkt t;
	struct rts_ip6ext_info info;

	t_begin(&t, RTS_NH_TCP, SRC, DST, 64);
	t_put(&t, NULL, 20);
	RTS_REQUIRE(walk(&t, 0, &info) == RTS_IP6EXT_OK);
	RTS_CHECK_EQ(info.proto, RTS_NH_TCP);
	RTS_CHECK_EQ(info.l4_off, 40);
	RTS_CHECK_EQ(info.nh_off, 6);
	RTS_CHECK_EQ(info.n_ext, 0);
	RTS_CHECK(!info.frag);
}

RTS_TEST(ip6ext_hbh_dst_routing_chain)
{
	struct t_pkt t;
	struct rts_ip6ext_info info;
	/* router alert (type 5, high bits 00) and PadN */
	const uint8_t hbh[] = { 5, 2, 0, 0, 1, 0 };
	const uint8_t dopt[] = { 1, 4, 0, 0, 0, 0 };

	t_begin(&t, RTS_NH_HOPOPTS, SRC, DST, 64);
	t_opts_hdr(&t, RTS_NH_DSTOPTS, hbh, sizeof(hbh));
	t_opts_hdr(&t, RTS_NH_ROUTING, dopt, sizeof(dopt));
	routing_hdr(&t, RTS_NH_DSTOPTS, 4, 0); /* segments left 0: ignored */
	t_opts_hdr(&t, RTS_NH_UDP, dopt, sizeof(dopt));
	t_put(&t, NULL, 8);
	RTS_REQUIRE(walk(&t, 0, &info) == RTS_IP6EXT_OK);
	RTS_CHECK_EQ(info.proto, RTS_NH_UDP);
	RTS_CHECK_EQ(info.n_ext, 4);
	RTS_CHECK_EQ(info.l4_off, 40 + 8 + 8 + 24 + 8);
	RTS_CHECK_EQ(info.nh_off, 40 + 8 + 8 + 24);
}

RTS_TEST(ip6ext_hbh_must_be_first)
{
	struct t_pkt t;
	struct rts_ip6ext_info info;
	const uint8_t pad[] = { 1, 4, 0, 0, 0, 0 };

	t_begin(&t, RTS_NH_DSTOPTS, SRC, DST, 64);
	t_opts_hdr(&t, RTS_NH_HOPOPTS, pad, sizeof(pad));
	t_opts_hdr(&t, RTS_NH_UDP, pad, sizeof(pad));
	t_put(&t, NULL, 8);
	RTS_CHECK(walk(&t, 0, &info) == RTS_IP6EXT_HBH_NOT_FIRST);
	RTS_CHECK(info.icmp);
	RTS_CHECK_EQ(info.icmp_code, 1);
	RTS_CHECK_EQ(info.icmp_ptr, 40); /* the dstopts Next Header byte */

	/* two hop-by-hop headers in a row */
	t_begin(&t, RTS_NH_HOPOPTS, SRC, DST, 64);
	t_opts_hdr(&t, RTS_NH_HOPOPTS, pad, sizeof(pad));
	t_opts_hdr(&t, RTS_NH_UDP, pad, sizeof(pad));
	t_put(&t, NULL, 8);
	RTS_CHECK(walk(&t, 0, &info) == RTS_IP6EXT_HBH_NOT_FIRST);
}

RTS_TEST(ip6ext_routing_type0_rejected)
{
	struct t_pkt t;
	struct rts_ip6ext_info info;

	t_begin(&t, RTS_NH_ROUTING, SRC, DST, 64);
	routing_hdr(&t, RTS_NH_TCP, 0, 1);
	t_put(&t, NULL, 20);
	RTS_CHECK(walk(&t, 0, &info) == RTS_IP6EXT_RH0);
	RTS_CHECK(info.icmp);
	RTS_CHECK_EQ(info.icmp_code, 0);
	RTS_CHECK_EQ(info.icmp_ptr, 42); /* the routing type field */

	/* other types with segments left: a host cannot forward either */
	t_begin(&t, RTS_NH_ROUTING, SRC, DST, 64);
	routing_hdr(&t, RTS_NH_TCP, 4, 2);
	t_put(&t, NULL, 20);
	RTS_CHECK(walk(&t, 0, &info) == RTS_IP6EXT_RH_UNKNOWN);
	RTS_CHECK_EQ(info.icmp_ptr, 42);

	/* segments left 0: the header is skipped (RFC 8200 §4.4) */
	t_begin(&t, RTS_NH_ROUTING, SRC, DST, 64);
	routing_hdr(&t, RTS_NH_TCP, 0, 0);
	t_put(&t, NULL, 20);
	RTS_CHECK(walk(&t, 0, &info) == RTS_IP6EXT_OK);
	RTS_CHECK_EQ(info.proto, RTS_NH_TCP);
}

/* One destination options header carrying an option of @type. */
static enum rts_ip6ext_err unknown_opt(uint8_t type, unsigned flags,
				       struct rts_ip6ext_info *info)
{
	struct t_pkt t;
	const uint8_t opt[] = { 1, 0, type, 2, 0xaa, 0xbb };

	t_begin(&t, RTS_NH_DSTOPTS, SRC, DST, 64);
	t_opts_hdr(&t, RTS_NH_UDP, opt, sizeof(opt));
	t_put(&t, NULL, 8);
	return walk(&t, flags, info);
}

RTS_TEST(ip6ext_unknown_option_actions)
{
	struct rts_ip6ext_info info;

	/* 00: skip */
	RTS_CHECK(unknown_opt(0x1e, 0, &info) == RTS_IP6EXT_OK);
	RTS_CHECK_EQ(info.proto, RTS_NH_UDP);
	/* 01: discard silently */
	RTS_CHECK(unknown_opt(0x5e, 0, &info) == RTS_IP6EXT_OPT_UNKNOWN);
	RTS_CHECK(!info.icmp);
	/* 10: discard and report, even to a multicast destination */
	RTS_CHECK(unknown_opt(0x9e, RTS_IP6EXT_DST_MCAST, &info) ==
		  RTS_IP6EXT_OPT_UNKNOWN);
	RTS_CHECK(info.icmp);
	RTS_CHECK_EQ(info.icmp_code, 2);
	RTS_CHECK_EQ(info.icmp_ptr, 44); /* the option type byte */
	/* 11: discard and report unless multicast */
	RTS_CHECK(unknown_opt(0xde, 0, &info) == RTS_IP6EXT_OPT_UNKNOWN);
	RTS_CHECK(info.icmp);
	RTS_CHECK(unknown_opt(0xde, RTS_IP6EXT_DST_MCAST, &info) ==
		  RTS_IP6EXT_OPT_UNKNOWN);
	RTS_CHECK(!info.icmp);
	/* the jumbo payload option is not supported: type 0xc2 says report */
	RTS_CHECK(unknown_opt(0xc2, 0, &info) == RTS_IP6EXT_OPT_UNKNOWN);
	RTS_CHECK(info.icmp);
	/* quoted packets are only skipped over */
	RTS_CHECK(unknown_opt(0x9e, RTS_IP6EXT_QUOTE, &info) == RTS_IP6EXT_OK);
	RTS_CHECK_EQ(info.proto, RTS_NH_UDP);
}

RTS_TEST(ip6ext_option_overruns_header)
{
	struct t_pkt t;
	struct rts_ip6ext_info info;
	const uint8_t opt[] = { 0x1e, 10, 0, 0, 0, 0 }; /* says 12 in 6 */
	const uint8_t tail[] = { 0, 0, 0, 0, 0, 0x1e }; /* type, no length */

	t_begin(&t, RTS_NH_DSTOPTS, SRC, DST, 64);
	t_opts_hdr(&t, RTS_NH_UDP, opt, sizeof(opt));
	t_put(&t, NULL, 8);
	RTS_CHECK(walk(&t, 0, &info) == RTS_IP6EXT_OPT_BAD);
	RTS_CHECK(!info.icmp);

	t_begin(&t, RTS_NH_DSTOPTS, SRC, DST, 64);
	t_opts_hdr(&t, RTS_NH_UDP, tail, sizeof(tail));
	t_put(&t, NULL, 8);
	RTS_CHECK(walk(&t, 0, &info) == RTS_IP6EXT_OPT_BAD);
}

RTS_TEST(ip6ext_padding_abuse)
{
	struct t_pkt t;
	struct rts_ip6ext_info info;
	const uint8_t padn6[] = { 1, 4, 0, 0, 0, 0 };   /* 6 bytes: fine */
	const uint8_t padn8[] = { 1, 6, 0, 0, 0, 0, 0, 0, 0x1e, 0, 0, 0, 0, 0 };
	const uint8_t pad1x8[14] = { 0 };                 /* 14 Pad1 */

	t_begin(&t, RTS_NH_DSTOPTS, SRC, DST, 64);
	t_opts_hdr(&t, RTS_NH_UDP, padn6, sizeof(padn6));
	t_put(&t, NULL, 8);
	RTS_CHECK(walk(&t, 0, &info) == RTS_IP6EXT_OK);

	t_begin(&t, RTS_NH_DSTOPTS, SRC, DST, 64);
	t_opts_hdr(&t, RTS_NH_UDP, padn8, sizeof(padn8));
	t_put(&t, NULL, 8);
	RTS_CHECK(walk(&t, 0, &info) == RTS_IP6EXT_OPT_BAD);

	t_begin(&t, RTS_NH_DSTOPTS, SRC, DST, 64);
	t_opts_hdr(&t, RTS_NH_UDP, pad1x8, sizeof(pad1x8));
	t_put(&t, NULL, 8);
	RTS_CHECK(walk(&t, 0, &info) == RTS_IP6EXT_OPT_BAD);
}

RTS_TEST(ip6ext_chain_runs_off_packet)
{
	struct t_pkt t;
	struct rts_ip6ext_info info;
	uint8_t *h;

	/* header length says 32 bytes, 16 are there */
	t_begin(&t, RTS_NH_DSTOPTS, SRC, DST, 64);
	h = t_put(&t, NULL, 16);
	h[0] = RTS_NH_UDP;
	h[1] = 3;
	RTS_CHECK(walk(&t, 0, &info) == RTS_IP6EXT_TRUNCATED);

	/* fewer than 8 bytes left for the next header */
	t_begin(&t, RTS_NH_DSTOPTS, SRC, DST, 64);
	t_put(&t, NULL, 4);
	RTS_CHECK(walk(&t, 0, &info) == RTS_IP6EXT_TRUNCATED);

	/* nothing at all after the fixed header */
	t_begin(&t, RTS_NH_ROUTING, SRC, DST, 64);
	RTS_CHECK(walk(&t, 0, &info) == RTS_IP6EXT_TRUNCATED);

	/* a fragment header cut short */
	t_begin(&t, RTS_NH_FRAGMENT, SRC, DST, 64);
	t_put(&t, NULL, 7);
	RTS_CHECK(walk(&t, 0, &info) == RTS_IP6EXT_TRUNCATED);

	/* a valid header whose successor is missing */
	t_begin(&t, RTS_NH_HOPOPTS, SRC, DST, 64);
	t_opts_hdr(&t, RTS_NH_DSTOPTS, (const uint8_t[]){ 1, 4, 0, 0, 0, 0 },
		   6);
	RTS_CHECK(walk(&t, 0, &info) == RTS_IP6EXT_TRUNCATED);
	RTS_CHECK(!info.icmp);

	/* a buffer shorter than the IPv6 header itself */
	RTS_CHECK(rts_ip6ext_walk(t.b, 20, 0, &info) == RTS_IP6EXT_TRUNCATED);
}

RTS_TEST(ip6ext_header_count_limit)
{
	struct t_pkt t;
	struct rts_ip6ext_info info;
	const uint8_t pad[] = { 1, 4, 0, 0, 0, 0 };

	t_begin(&t, RTS_NH_DSTOPTS, SRC, DST, 64);
	for (int i = 0; i < RTS_IP6_MAX_EXT_HDRS; i++)
		t_opts_hdr(&t, i + 1 < RTS_IP6_MAX_EXT_HDRS ? RTS_NH_DSTOPTS
							    : RTS_NH_UDP,
			   pad, sizeof(pad));
	t_put(&t, NULL, 8);
	RTS_CHECK(walk(&t, 0, &info) == RTS_IP6EXT_OK);
	RTS_CHECK_EQ(info.n_ext, RTS_IP6_MAX_EXT_HDRS);

	/* one more than allowed, then a hundred more */
	for (int extra = 1; extra <= 100; extra += 99) {
		t_begin(&t, RTS_NH_DSTOPTS, SRC, DST, 64);
		for (int i = 0; i < RTS_IP6_MAX_EXT_HDRS + extra; i++)
			t_opts_hdr(&t, RTS_NH_DSTOPTS, pad, sizeof(pad));
		t_put(&t, NULL, 8);
		RTS_CHECK(walk(&t, 0, &info) == RTS_IP6EXT_TOO_MANY);
	}
}

RTS_TEST(ip6ext_fragments)
{
	struct t_pkt t;
	struct rts_ip6ext_info info;

	/* a first fragment with a whole UDP header */
	t_begin(&t, RTS_NH_FRAGMENT, SRC, DST, 64);
	frag_hdr(&t, RTS_NH_UDP, 0, true, 0x12345678);
	t_put(&t, NULL, 16);
	RTS_REQUIRE(walk(&t, 0, &info) == RTS_IP6EXT_OK);
	RTS_CHECK_EQ(info.proto, RTS_NH_FRAGMENT);
	RTS_CHECK(info.frag);
	RTS_CHECK(info.frag_more);
	RTS_CHECK_EQ(info.frag_nh, RTS_NH_UDP);
	RTS_CHECK_EQ(info.frag_off, 0);
	RTS_CHECK_EQ(info.frag_id, 0x12345678);
	RTS_CHECK_EQ(info.frag_hdr_off, 40);
	RTS_CHECK_EQ(info.l4_off, 48);
	RTS_CHECK_EQ(info.nh_off, 6);

	/* a last fragment: any length */
	t_begin(&t, RTS_NH_FRAGMENT, SRC, DST, 64);
	frag_hdr(&t, RTS_NH_UDP, 1232, false, 7);
	t_put(&t, NULL, 13);
	RTS_REQUIRE(walk(&t, 0, &info) == RTS_IP6EXT_OK);
	RTS_CHECK_EQ(info.frag_off, 1232);
	RTS_CHECK(!info.frag_more);

	/* M set and not a multiple of 8: parameter problem at payload len */
	t_begin(&t, RTS_NH_FRAGMENT, SRC, DST, 64);
	frag_hdr(&t, RTS_NH_UDP, 8, true, 7);
	t_put(&t, NULL, 13);
	RTS_CHECK(walk(&t, 0, &info) == RTS_IP6EXT_FRAG_BAD_LEN);
	RTS_CHECK(info.icmp);
	RTS_CHECK_EQ(info.icmp_code, 0);
	RTS_CHECK_EQ(info.icmp_ptr, 4);

	/* ends beyond 65535: pointer at the fragment offset field */
	t_begin(&t, RTS_NH_FRAGMENT, SRC, DST, 64);
	frag_hdr(&t, RTS_NH_UDP, 65528, false, 7);
	t_put(&t, NULL, 16);
	RTS_CHECK(walk(&t, 0, &info) == RTS_IP6EXT_FRAG_TOO_BIG);
	RTS_CHECK_EQ(info.icmp_ptr, 42);
}

RTS_TEST(ip6ext_atomic_fragment)
{
	struct t_pkt t;
	struct rts_ip6ext_info info;

	t_begin(&t, RTS_NH_FRAGMENT, SRC, DST, 64);
	frag_hdr(&t, RTS_NH_UDP, 0, false, 99);
	t_put(&t, NULL, 8);
	RTS_REQUIRE(walk(&t, 0, &info) == RTS_IP6EXT_OK);
	RTS_CHECK(info.atomic_frag);
	RTS_CHECK(!info.frag);
	RTS_CHECK_EQ(info.proto, RTS_NH_UDP);
	RTS_CHECK_EQ(info.l4_off, 48);
	RTS_CHECK_EQ(info.nh_off, 40);
}

RTS_TEST(ip6ext_first_fragment_needs_whole_chain)
{
	struct t_pkt t;
	struct rts_ip6ext_info info;
	uint8_t *h;

	/* a destination options header that continues in the next fragment */
	t_begin(&t, RTS_NH_FRAGMENT, SRC, DST, 64);
	frag_hdr(&t, RTS_NH_DSTOPTS, 0, true, 1);
	h = t_put(&t, NULL, 16);
	h[0] = RTS_NH_UDP;
	h[1] = 7; /* 64 bytes */
	RTS_CHECK(walk(&t, 0, &info) == RTS_IP6EXT_FRAG_CHAIN);
	RTS_CHECK(info.icmp);
	RTS_CHECK_EQ(info.icmp_code, 3);

	/* a TCP header split across fragments */
	t_begin(&t, RTS_NH_FRAGMENT, SRC, DST, 64);
	frag_hdr(&t, RTS_NH_TCP, 0, true, 1);
	t_put(&t, NULL, 16);
	RTS_CHECK(walk(&t, 0, &info) == RTS_IP6EXT_FRAG_CHAIN);

	/* the same in a later fragment is just data */
	t_begin(&t, RTS_NH_FRAGMENT, SRC, DST, 64);
	frag_hdr(&t, RTS_NH_TCP, 64, true, 1);
	t_put(&t, NULL, 16);
	RTS_CHECK(walk(&t, 0, &info) == RTS_IP6EXT_OK);
}

RTS_TEST(ip6ext_no_next_header)
{
	struct t_pkt t;
	struct rts_ip6ext_info info;

	t_begin(&t, RTS_NH_DSTOPTS, SRC, DST, 64);
	t_opts_hdr(&t, RTS_NH_NONE, (const uint8_t[]){ 1, 4, 0, 0, 0, 0 }, 6);
	t_put(&t, NULL, 5); /* ignored bytes after No Next Header */
	RTS_REQUIRE(walk(&t, 0, &info) == RTS_IP6EXT_OK);
	RTS_CHECK_EQ(info.proto, RTS_NH_NONE);
	RTS_CHECK_EQ(info.l4_off, 48);
}

/* xorshift for reproducible noise */
static uint64_t rng = 0x2545f4914f6cdd1dull;
static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

RTS_TEST(ip6ext_random_chains_stay_in_bounds)
{
	static const uint8_t nhs[] = { RTS_NH_HOPOPTS, RTS_NH_ROUTING,
				       RTS_NH_FRAGMENT, RTS_NH_DSTOPTS,
				       RTS_NH_UDP, RTS_NH_TCP };
	unsigned ok = 0, bad = 0, oob = 0;

	for (int iter = 0; iter < 200000; iter++) {
		uint8_t b[256];
		uint32_t len = 40 + (uint32_t)(next_rand() % 200);
		struct rts_ip6ext_info info;
		enum rts_ip6ext_err err;

		for (uint32_t i = 0; i < len; i++)
			b[i] = (uint8_t)next_rand();
		/* bias toward extension headers and small lengths */
		b[6] = nhs[next_rand() % RTS_ARRAY_SIZE(nhs)];
		for (uint32_t off = 40; off + 1 < len; off += 8) {
			if (next_rand() % 2)
				b[off] = nhs[next_rand() % RTS_ARRAY_SIZE(nhs)];
			if (next_rand() % 2)
				b[off + 1] = (uint8_t)(next_rand() % 3);
		}
		err = rts_ip6ext_walk(b, len, (unsigned)(next_rand() % 4),
				      &info);
		if (err == RTS_IP6EXT_OK) {
			ok++;
			if (info.l4_off > len || info.nh_off >= len)
				oob++;
		} else {
			bad++;
			if (info.icmp && info.icmp_ptr >= len)
				oob++;
		}
	}
	RTS_NOTE("%u accepted, %u rejected", ok, bad);
	RTS_CHECK_EQ(oob, 0);
	RTS_CHECK(ok > 1000);
	RTS_CHECK(bad > 1000);
}

int main(void)
{
	return rts_test_main();
}
