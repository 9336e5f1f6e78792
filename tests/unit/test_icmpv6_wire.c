/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests: ICMPv6 header and checksum (src/wire/icmpv6.h). */
#include "ip6_test_util.h"

#include "wire/icmpv6.h"

/* A reference checksum, written the slow and obvious way (RFC 8200 §8.1). */
static uint16_t ref_csum(const struct rts_ip *src, const struct rts_ip *dst,
			 const uint8_t *msg, uint32_t len)
{
	uint32_t sum = 0;
	uint8_t ph[40];

	memcpy(ph, src->u8, 16);
	memcpy(ph + 16, dst->u8, 16);
	ph[32] = (uint8_t)(len >> 24);
	ph[33] = (uint8_t)(len >> 16);
	ph[34] = (uint8_t)(len >> 8);
	ph[35] = (uint8_t)len;
	ph[36] = ph[37] = ph[38] = 0;
	ph[39] = 58;
	for (int i = 0; i < 40; i += 2)
		sum += (uint32_t)(ph[i] << 8 | ph[i + 1]);
	for (uint32_t i = 0; i < len; i += 2)
		sum += (uint32_t)(msg[i] << 8 | (i + 1 < len ? msg[i + 1] : 0));
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

RTS_TEST(icmp6_echo_parse_emit)
{
	struct rts_icmp6_hdr h = { 0 }, g;
	uint8_t b[8];

	h.type = RTS_ICMP6_ECHO_REQUEST;
	h.echo_id = 0x1234;
	h.echo_seq = 7;
	rts_icmp6_emit(&h, b);
	RTS_CHECK_EQ(b[0], 128);
	RTS_CHECK_EQ(b[4], 0x12);
	RTS_CHECK_EQ(b[7], 7);
	RTS_REQUIRE(rts_icmp6_parse(b, 8, &g) == RTS_ICMP6_OK);
	RTS_CHECK_EQ(g.type, RTS_ICMP6_ECHO_REQUEST);
	RTS_CHECK_EQ(g.echo_id, 0x1234);
	RTS_CHECK_EQ(g.echo_seq, 7);
	RTS_CHECK(rts_icmp6_parse(b, 7, &g) == RTS_ICMP6_TOO_SHORT);
	RTS_CHECK(rts_icmp6_parse(b, 3, &g) == RTS_ICMP6_TOO_SHORT);
}

RTS_TEST(icmp6_error_parse_emit)
{
	struct rts_icmp6_hdr h = { 0 }, g;
	uint8_t b[8];

	h.type = RTS_ICMP6_PKT_TOO_BIG;
	h.param = 1400;
	rts_icmp6_emit(&h, b);
	RTS_REQUIRE(rts_icmp6_parse(b, 8, &g) == RTS_ICMP6_OK);
	RTS_CHECK_EQ(g.param, 1400);
	RTS_CHECK(rts_icmp6_is_error(g.type));
	RTS_CHECK(rts_icmp6_parse(b, 6, &g) == RTS_ICMP6_TOO_SHORT);

	h.type = RTS_ICMP6_PARAM_PROBLEM;
	h.code = RTS_ICMP6_PARAM_OPTION;
	h.param = 44;
	rts_icmp6_emit(&h, b);
	RTS_REQUIRE(rts_icmp6_parse(b, 8, &g) == RTS_ICMP6_OK);
	RTS_CHECK_EQ(g.code, 2);
	RTS_CHECK_EQ(g.param, 44);

	/* informational types other than echo need only four bytes here */
	b[0] = RTS_ICMP6_NEIGH_SOLICIT;
	RTS_CHECK(rts_icmp6_parse(b, 4, &g) == RTS_ICMP6_OK);
	RTS_CHECK(!rts_icmp6_is_error(g.type));
}

RTS_TEST(icmp6_checksum_matches_reference)
{
	struct rts_ip src = t_ip6("2001:2::1"), dst = t_ip6("ff02::1:ff00:2");
	uint8_t msg[101];

	for (uint32_t len = 8; len <= sizeof(msg); len += 31) {
		for (uint32_t i = 0; i < len; i++)
			msg[i] = (uint8_t)(i * 37 + len);
		msg[2] = msg[3] = 0;
		uint16_t want = ref_csum(&src, &dst, msg, len);
		rts_icmp6_fill_csum(&src, &dst, msg, len);
		RTS_CHECK_EQ(rts_get_be16(msg + 2), want);
	}
}

RTS_TEST(icmp6_checksum_verify_over_chain)
{
	struct rts_ip src = t_ip6("fe80::1"), dst = t_ip6("fe80::2");
	uint8_t msg[64];
	struct rts_pkt seg[3];

	for (uint32_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 7 + 1);
	msg[0] = RTS_ICMP6_ECHO_REQUEST;
	msg[1] = 0;
	rts_icmp6_fill_csum(&src, &dst, msg, sizeof(msg));

	/* split at odd offsets: 13 + 30 + 21 bytes, plus 10 bytes in front */
	uint8_t front[10 + 13];
	memset(front, 0xee, 10);
	memcpy(front + 10, msg, 13);
	memset(seg, 0, sizeof(seg));
	seg[0].data = front;
	seg[0].len = sizeof(front);
	seg[0].pkt_len = sizeof(front) + 51;
	seg[0].next = &seg[1];
	seg[1].data = msg + 13;
	seg[1].len = 30;
	seg[1].next = &seg[2];
	seg[2].data = msg + 43;
	seg[2].len = 21;
	RTS_CHECK(rts_icmp6_csum_ok(&src, &dst, seg, 10, sizeof(msg)));
	msg[50] ^= 0x01; /* a bit flip anywhere is caught */
	RTS_CHECK(!rts_icmp6_csum_ok(&src, &dst, seg, 10, sizeof(msg)));
	msg[50] ^= 0x01;
	/* the pseudo-header is covered: another destination fails */
	struct rts_ip other = t_ip6("fe80::3");
	RTS_CHECK(!rts_icmp6_csum_ok(&src, &other, seg, 10, sizeof(msg)));
}

RTS_TEST(icmp6_quote_fits_minimum_mtu)
{
	RTS_CHECK_EQ(RTS_ICMP6_ERR_QUOTE_MAX + RTS_IP6_HDR_LEN +
			     RTS_ICMP6_HDR_LEN,
		     1280);
}

int main(void)
{
	return rts_test_main();
}
