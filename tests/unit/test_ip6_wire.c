/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests: the IPv6 header and address helpers (src/wire/ipv6.h). */
#include "ip6_test_util.h"

RTS_TEST(ip6_header_round_trip)
{
	struct rts_ip6_hdr h = { 0 }, g;
	uint8_t b[64] = { 0 };

	h.tclass = 0xb8;
	h.flow = 0xabcde;
	h.payload_len = 20;
	h.next_hdr = RTS_NH_TCP;
	h.hop_limit = 64;
	h.src = t_ip6("2001:2::1");
	h.dst = t_ip6("2001:2::2");
	rts_ip6_emit(&h, b);
	RTS_CHECK_EQ(b[0], 0x6b);
	RTS_CHECK_EQ(b[1], 0x8a);
	RTS_REQUIRE(rts_ip6_parse(b, 60, &g) == RTS_IP6_OK);
	RTS_CHECK_EQ(g.tclass, 0xb8);
	RTS_CHECK_EQ(g.flow, 0xabcde);
	RTS_CHECK_EQ(g.payload_len, 20);
	RTS_CHECK_EQ(g.next_hdr, RTS_NH_TCP);
	RTS_CHECK_EQ(g.hop_limit, 64);
	RTS_CHECK(rts_ip_eq(&g.src, &h.src));
	RTS_CHECK(rts_ip_eq(&g.dst, &h.dst));
	/* Ethernet padding after the payload is allowed. */
	RTS_CHECK(rts_ip6_parse(b, 64, &g) == RTS_IP6_OK);
}

RTS_TEST(ip6_header_rejects_malformed)
{
	struct rts_ip6_hdr h = { 0 }, g;
	uint8_t b[64] = { 0 };

	h.payload_len = 10;
	h.src = t_ip6("2001:2::1");
	h.dst = t_ip6("2001:2::2");
	rts_ip6_emit(&h, b);
	RTS_CHECK(rts_ip6_parse(b, 39, &g) == RTS_IP6_TOO_SHORT);
	RTS_CHECK(rts_ip6_parse(b, 0, &g) == RTS_IP6_TOO_SHORT);
	/* payload length runs past the buffer */
	RTS_CHECK(rts_ip6_parse(b, 49, &g) == RTS_IP6_BAD_LEN);
	RTS_CHECK(rts_ip6_parse(b, 50, &g) == RTS_IP6_OK);
	b[0] = 0x45; /* IPv4 */
	RTS_CHECK(rts_ip6_parse(b, 50, &g) == RTS_IP6_BAD_VERSION);
	b[0] = 0x00;
	RTS_CHECK(rts_ip6_parse(b, 50, &g) == RTS_IP6_BAD_VERSION);
	/* the largest payload length against a short buffer */
	b[0] = 0x60;
	b[4] = 0xff;
	b[5] = 0xff;
	RTS_CHECK(rts_ip6_parse(b, 64, &g) == RTS_IP6_BAD_LEN);
}

RTS_TEST(ip6_address_classes)
{
	struct rts_ip a = t_ip6("fe80::1"), m = t_ip6("ff02::1");
	struct rts_ip g = t_ip6("2001:2::5"), lo = t_ip6("::1"), any = t_ip6("::");

	RTS_CHECK(rts_ip6_is_link_local(&a));
	RTS_CHECK(!rts_ip6_is_link_local(&g));
	RTS_CHECK(rts_ip6_is_link_local(&(struct rts_ip){ .u8 = { 0xfe, 0xbf } }));
	RTS_CHECK(!rts_ip6_is_link_local(&(struct rts_ip){ .u8 = { 0xfe, 0xc0 } }));
	RTS_CHECK(rts_ip6_is_multicast(&m));
	RTS_CHECK(!rts_ip6_is_multicast(&g));
	RTS_CHECK(rts_ip6_is_loopback(&lo));
	RTS_CHECK(!rts_ip6_is_loopback(&any));
	RTS_CHECK(rts_ip6_is_unspecified(&any));
	RTS_CHECK_EQ(rts_ip6_scope(&a), 2);
	RTS_CHECK_EQ(rts_ip6_scope(&m), 2);
	RTS_CHECK_EQ(rts_ip6_scope(&g), 14);
	RTS_CHECK_EQ(rts_ip6_scope(&lo), 1);
	struct rts_ip an = rts_ip6_all_nodes(), ar = rts_ip6_all_routers();
	struct rts_ip an_ref = t_ip6("ff02::1"), ar_ref = t_ip6("ff02::2");
	RTS_CHECK(rts_ip_eq(&an, &an_ref));
	RTS_CHECK(rts_ip_eq(&ar, &ar_ref));
	/* an IPv6 address is never taken for an IPv4-mapped one */
	RTS_CHECK(rts_ip_family(&g) == RTS_AF_INET6);
}

RTS_TEST(ip6_solicited_node_and_mcast_mac)
{
	struct rts_ip a = t_ip6("2001:2::12:3456:789a");
	struct rts_ip sn = rts_ip6_solicited_node(&a);
	struct rts_ip ref = t_ip6("ff02::1:ff56:789a");
	struct rts_mac mac = rts_ip6_mcast_mac(&sn);
	const uint8_t want[6] = { 0x33, 0x33, 0xff, 0x56, 0x78, 0x9a };

	RTS_CHECK(rts_ip_eq(&sn, &ref));
	RTS_CHECK(rts_ip6_is_solicited_node(&sn));
	RTS_CHECK(!rts_ip6_is_solicited_node(&a));
	struct rts_ip an = rts_ip6_all_nodes();
	RTS_CHECK(!rts_ip6_is_solicited_node(&an));
	RTS_CHECK(memcmp(mac.b, want, 6) == 0);
	mac = rts_ip6_mcast_mac(&an);
	RTS_CHECK(mac.b[0] == 0x33 && mac.b[1] == 0x33 && mac.b[5] == 1);
}

RTS_TEST(ip6_eui64_link_local)
{
	struct rts_mac mac = { { 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30 } };
	struct rts_ip ll = rts_ip6_link_local_from_mac(&mac);
	struct rts_ip ref = t_ip6("fe80::5eff:fe10:2030");
	struct rts_ip pfx = t_ip6("2001:2:0:1::");
	struct rts_ip g = rts_ip6_eui64_addr(&pfx, &mac);
	struct rts_ip gref = t_ip6("2001:2:0:1:0:5eff:fe10:2030");

	RTS_CHECK(rts_ip_eq(&ll, &ref));
	RTS_CHECK(rts_ip_eq(&g, &gref));
	/* a universal MAC gets the U/L bit set (RFC 4291 App. A) */
	struct rts_mac uni = { { 0x00, 0x1b, 0x21, 0x01, 0x02, 0x03 } };
	ll = rts_ip6_link_local_from_mac(&uni);
	RTS_CHECK_EQ(ll.u8[8], 0x02);
	RTS_CHECK_EQ(ll.u8[11], 0xff);
	RTS_CHECK_EQ(ll.u8[12], 0xfe);
}

RTS_TEST(ip6_prefix_match)
{
	struct rts_ip a = t_ip6("2001:2::1"), b = t_ip6("2001:2:0:1::1");
	struct rts_ip c = t_ip6("2001:3::1");

	RTS_CHECK(rts_ip6_prefix_match(&a, &b, 48));
	RTS_CHECK(!rts_ip6_prefix_match(&a, &b, 64));
	RTS_CHECK(rts_ip6_prefix_match(&a, &b, 63));
	RTS_CHECK(rts_ip6_prefix_match(&a, &c, 31));
	RTS_CHECK(!rts_ip6_prefix_match(&a, &c, 32));
	RTS_CHECK(rts_ip6_prefix_match(&a, &c, 0));
	RTS_CHECK(rts_ip6_prefix_match(&a, &a, 128));
	RTS_CHECK(!rts_ip6_prefix_match(&a, &a, 129));
	RTS_CHECK_EQ(rts_ip6_common_prefix_len(&a, &b), 63);
	RTS_CHECK_EQ(rts_ip6_common_prefix_len(&a, &c), 31);
	RTS_CHECK_EQ(rts_ip6_common_prefix_len(&a, &a), 128);
}

int main(void)
{
	return rts_test_main();
}
