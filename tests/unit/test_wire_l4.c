/* SPDX-License-Identifier: BSD-3-Clause */
/* Wire formats: ICMP (echo, errors, quoted headers) and UDP. */
#include "rts_test.h"
#include "testbe.h"
#include "wire/icmp.h"
#include "wire/udp.h"

static const struct rts_ip A = { .u8 = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
					0xff, 198, 18, 0, 1 } };
static const struct rts_ip B = { .u8 = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
					0xff, 198, 18, 0, 2 } };

RTS_TEST(icmp_echo_round_trip)
{
	uint8_t b[64], out[8];
	struct rts_icmp ic;

	tb_icmp_echo(b, 8, 0x1234, 0x0007, "abcdefgh", 8);
	RTS_REQUIRE(rts_icmp_parse(b, 16, &ic) == 0);
	RTS_CHECK_EQ(ic.type, RTS_ICMP_ECHO);
	RTS_CHECK_EQ(ic.code, 0);
	RTS_CHECK_EQ(ic.id, 0x1234);
	RTS_CHECK_EQ(ic.seq, 7);
	RTS_CHECK(!rts_icmp_is_error(ic.type));
	rts_icmp_emit(&ic, out);
	RTS_CHECK(memcmp(out, b, 8) == 0);
	RTS_CHECK_EQ(rts_icmp_parse(b, 7, &ic), RTS_ICMP_ERR_TOO_SHORT);
}

RTS_TEST(icmp_frag_needed_and_quote)
{
	uint8_t b[8 + 20 + 8] = { 3, 4, 0, 0, 0, 0, 0x05, 0x78 }; /* mtu 1400 */
	uint8_t out[8];
	struct rts_icmp ic;
	struct rts_ipv4 in;
	const uint8_t *l4;
	uint32_t l4_len;

	/* quote: our datagram 198.18.0.1 -> .2, TCP, 1500 bytes, DF */
	tb_ipv4(b + 8, &A, &B, 6, 1480, 9, 0x4000, 64);
	memcpy(b + 28, "\x30\x39\x00\x50\x00\x00\x00\x01", 8);
	RTS_REQUIRE(rts_icmp_parse(b, sizeof(b), &ic) == 0);
	RTS_CHECK(rts_icmp_is_error(ic.type));
	RTS_CHECK_EQ(ic.mtu, 1400);
	rts_icmp_emit(&ic, out);
	RTS_CHECK(memcmp(out, b, 8) == 0);
	RTS_REQUIRE(rts_icmp_quoted_ip4(b + 8, sizeof(b) - 8, &in, &l4, &l4_len) == 0);
	RTS_CHECK_EQ(in.proto, 6);
	RTS_CHECK_EQ(in.total_len, 1500);
	RTS_CHECK(in.df);
	RTS_CHECK_EQ(in.src_be, rts_ip_v4_be(&A));
	RTS_CHECK_EQ(in.dst_be, rts_ip_v4_be(&B));
	RTS_CHECK_EQ(l4_len, 8);
	RTS_CHECK(l4 == b + 28);
	RTS_CHECK_EQ(l4[1], 0x39);
	/* quotes that are too short or not IPv4 */
	RTS_CHECK_EQ(rts_icmp_quoted_ip4(b + 8, 27, &in, &l4, &l4_len),
		     RTS_ICMP_ERR_QUOTE);
	b[8] = 0x65;
	RTS_CHECK_EQ(rts_icmp_quoted_ip4(b + 8, 28, &in, &l4, &l4_len),
		     RTS_ICMP_ERR_QUOTE);
	b[8] = 0x43;
	RTS_CHECK_EQ(rts_icmp_quoted_ip4(b + 8, 28, &in, &l4, &l4_len),
		     RTS_ICMP_ERR_QUOTE);
	b[8] = 0x46; /* options: 24-byte header leaves only 4 bytes */
	RTS_CHECK_EQ(rts_icmp_quoted_ip4(b + 8, 28, &in, &l4, &l4_len),
		     RTS_ICMP_ERR_QUOTE);
}

RTS_TEST(icmp_param_problem_and_time_exceeded)
{
	uint8_t b[8] = { 12, 0, 0, 0, 9, 0, 0, 0 }, out[8];
	struct rts_icmp ic;

	RTS_REQUIRE(rts_icmp_parse(b, 8, &ic) == 0);
	RTS_CHECK_EQ(ic.pointer, 9);
	rts_icmp_emit(&ic, out);
	RTS_CHECK(memcmp(out, b, 8) == 0);
	b[0] = 11, b[1] = 1, b[4] = 0;
	RTS_REQUIRE(rts_icmp_parse(b, 8, &ic) == 0);
	RTS_CHECK(rts_icmp_is_error(ic.type));
	RTS_CHECK_EQ(ic.code, 1);
	RTS_CHECK_EQ(ic.mtu, 0);
	rts_icmp_emit(&ic, out);
	RTS_CHECK(memcmp(out, b, 8) == 0);
}

RTS_TEST(udp_round_trip)
{
	uint8_t b[64], out[8];
	struct rts_udp u;

	size_t n = tb_udp(b, &A, &B, 1234, 7, "hello", 5);
	RTS_REQUIRE(rts_udp_parse(b, (uint32_t)n, (uint32_t)n, &u) == 0);
	RTS_CHECK_EQ(u.sport, 1234);
	RTS_CHECK_EQ(u.dport, 7);
	RTS_CHECK_EQ(u.len, 13);
	RTS_CHECK(u.csum != 0);
	rts_udp_emit(&u, out);
	RTS_CHECK(memcmp(out, b, 8) == 0);
}

RTS_TEST(udp_rejects_with_reasons)
{
	uint8_t b[64];
	struct rts_udp u;

	tb_udp(b, &A, &B, 1234, 7, "hello", 5);
	RTS_CHECK_EQ(rts_udp_parse(b, 7, 13, &u), RTS_UDP_ERR_TOO_SHORT);
	RTS_CHECK_EQ(rts_udp_parse(b, 13, 12, &u), RTS_UDP_ERR_LEN);
	b[4] = 0, b[5] = 7; /* length below the header */
	RTS_CHECK_EQ(rts_udp_parse(b, 13, 13, &u), RTS_UDP_ERR_LEN);
	b[5] = 10; /* shorter than delivered: the rest is padding */
	RTS_CHECK_EQ(rts_udp_parse(b, 13, 13, &u), 0);
	RTS_CHECK_EQ(u.len, 10);
}

int main(void)
{
	return rts_test_main();
}
