/* SPDX-License-Identifier: BSD-3-Clause */
/* Wire format: the IPv4 header. */
#include "rts_test.h"
#include "testbe.h"
#include "wire/ipv4.h"

static const struct rts_ip A = { .u8 = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
					0xff, 198, 18, 0, 1 } };
static const struct rts_ip B = { .u8 = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
					0xff, 198, 18, 0, 2 } };

RTS_TEST(round_trip)
{
	uint8_t b[64] = { 0 }, out[20];
	struct rts_ipv4 ip;

	tb_ipv4(b, &A, &B, 17, 44, 0x1234, 0x4000, 63);
	RTS_REQUIRE(rts_ip4_parse(b, sizeof(b), sizeof(b), true, &ip) == 0);
	RTS_CHECK_EQ(ip.hlen, 20);
	RTS_CHECK_EQ(ip.total_len, 64);
	RTS_CHECK_EQ(ip.id, 0x1234);
	RTS_CHECK(ip.df && !ip.mf);
	RTS_CHECK_EQ(ip.frag_off, 0);
	RTS_CHECK_EQ(ip.ttl, 63);
	RTS_CHECK_EQ(ip.proto, 17);
	RTS_CHECK_EQ(ip.src_be, rts_ip_v4_be(&A));
	RTS_CHECK_EQ(ip.dst_be, rts_ip_v4_be(&B));
	RTS_CHECK(!rts_ip4_is_fragment(&ip));
	rts_ip4_emit(&ip, out, true);
	RTS_CHECK(memcmp(out, b, 20) == 0);
	/* without the checksum the field stays zero */
	rts_ip4_emit(&ip, out, false);
	RTS_CHECK(out[10] == 0 && out[11] == 0);
}

RTS_TEST(fragment_fields)
{
	uint8_t b[40] = { 0 }, out[20];
	struct rts_ipv4 ip;

	tb_ipv4(b, &A, &B, 17, 20, 7, 0x2000 | 185, 64); /* MF, 1480 bytes */
	RTS_REQUIRE(rts_ip4_parse(b, sizeof(b), sizeof(b), true, &ip) == 0);
	RTS_CHECK(ip.mf && !ip.df);
	RTS_CHECK_EQ(ip.frag_off, 1480);
	RTS_CHECK(rts_ip4_is_fragment(&ip));
	rts_ip4_emit(&ip, out, true);
	RTS_CHECK(memcmp(out, b, 20) == 0);
}

RTS_TEST(options_skipped)
{
	uint8_t b[64] = { 0 };
	struct rts_ipv4 ip;
	uint16_t c;

	tb_ipv4(b, &A, &B, 17, 40, 1, 0, 64);
	b[0] = 0x46; /* 24-byte header: one word of options */
	b[20] = 1, b[21] = 1, b[22] = 1, b[23] = 0; /* NOP NOP NOP EOL */
	b[10] = b[11] = 0;
	c = tb_csum(b, 24, 0);
	b[10] = (uint8_t)(c >> 8), b[11] = (uint8_t)c;
	RTS_REQUIRE(rts_ip4_parse(b, sizeof(b), sizeof(b), true, &ip) == 0);
	RTS_CHECK_EQ(ip.hlen, 24);
}

RTS_TEST(rejects_with_reasons)
{
	uint8_t b[64] = { 0 }, t[64];
	struct rts_ipv4 ip;

	tb_ipv4(b, &A, &B, 6, 44, 1, 0, 64);
	RTS_CHECK_EQ(rts_ip4_parse(b, 19, 19, true, &ip), RTS_IP4_ERR_TOO_SHORT);
	memcpy(t, b, sizeof(t));
	t[0] = 0x65;
	RTS_CHECK_EQ(rts_ip4_parse(t, 64, 64, true, &ip), RTS_IP4_ERR_VERSION);
	t[0] = 0x44;
	RTS_CHECK_EQ(rts_ip4_parse(t, 64, 64, true, &ip), RTS_IP4_ERR_IHL);
	t[0] = 0x4f; /* 60-byte header in a 40-byte contiguous area */
	RTS_CHECK_EQ(rts_ip4_parse(t, 40, 64, true, &ip), RTS_IP4_ERR_IHL);
	/* total length beyond the buffer, and below the header length */
	RTS_CHECK_EQ(rts_ip4_parse(b, 63, 63, true, &ip), RTS_IP4_ERR_LEN);
	memcpy(t, b, sizeof(t));
	t[2] = 0, t[3] = 19;
	RTS_CHECK_EQ(rts_ip4_parse(t, 64, 64, false, &ip), RTS_IP4_ERR_LEN);
	memcpy(t, b, sizeof(t));
	t[8] ^= 1; /* TTL changed behind the checksum's back */
	RTS_CHECK_EQ(rts_ip4_parse(t, 64, 64, true, &ip), RTS_IP4_ERR_CSUM);
	RTS_CHECK_EQ(rts_ip4_parse(t, 64, 64, false, &ip), 0);
	/* a chained packet: header contiguous, total in later segments */
	RTS_CHECK_EQ(rts_ip4_parse(b, 20, 64, true, &ip), 0);
}

RTS_TEST(address_classes)
{
	RTS_CHECK(rts_ip4_is_multicast(rts_htonl(0xe0000001u)));
	RTS_CHECK(rts_ip4_is_multicast(rts_htonl(0xefffffffu)));
	RTS_CHECK(!rts_ip4_is_multicast(rts_htonl(0xc6120001u)));
	RTS_CHECK(rts_ip4_is_loopback(rts_htonl(0x7f000001u)));
	RTS_CHECK(rts_ip4_is_limited_bcast(0xffffffffu));
	RTS_CHECK_EQ(rts_ip4_mask_be(24), rts_htonl(0xffffff00u));
	RTS_CHECK_EQ(rts_ip4_mask_be(0), 0);
	RTS_CHECK_EQ(rts_ip4_mask_be(32), 0xffffffffu);
}

int main(void)
{
	return rts_test_main();
}
