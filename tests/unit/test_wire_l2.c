/* SPDX-License-Identifier: BSD-3-Clause */
/* Wire formats: Ethernet II and ARP. */
#include "rts_test.h"
#include "testbe.h"
#include "wire/arp.h"
#include "wire/eth.h"

RTS_TEST(eth_round_trip)
{
	uint8_t f[60], out[14];
	struct rts_mac d = testbe_mac(1), s = testbe_mac(2);
	struct rts_eth e;

	tb_eth(f, &d, &s, 0x0800);
	RTS_REQUIRE(rts_eth_parse(f, sizeof(f), &e) == 0);
	RTS_CHECK(rts_mac_eq(&e.dst, &d));
	RTS_CHECK(rts_mac_eq(&e.src, &s));
	RTS_CHECK_EQ(e.type, RTS_ETHERTYPE_IPV4);
	rts_eth_emit(&e, out);
	RTS_CHECK(memcmp(out, f, 14) == 0);
}

RTS_TEST(eth_rejects)
{
	uint8_t f[18] = { 0 };
	struct rts_eth e;
	struct rts_mac d = testbe_mac(1), s = testbe_mac(2);

	RTS_CHECK_EQ(rts_eth_parse(f, 13, &e), RTS_ETH_ERR_TOO_SHORT);
	RTS_CHECK_EQ(rts_eth_parse(f, 0, &e), RTS_ETH_ERR_TOO_SHORT);
	tb_eth(f, &d, &s, 0x8100);
	RTS_CHECK_EQ(rts_eth_parse(f, 18, &e), RTS_ETH_ERR_VLAN);
	tb_eth(f, &d, &s, 0x88a8);
	RTS_CHECK_EQ(rts_eth_parse(f, 18, &e), RTS_ETH_ERR_VLAN);
}

RTS_TEST(mac_classes_and_multicast_mapping)
{
	struct rts_mac b = rts_mac_broadcast(), u = testbe_mac(9), m;
	struct rts_ip g6;

	RTS_CHECK(rts_mac_is_broadcast(&b));
	RTS_CHECK(rts_mac_is_group(&b));
	RTS_CHECK(!rts_mac_is_group(&u));
	RTS_CHECK(!rts_mac_is_broadcast(&u));
	/* RFC 1112 §6.4: the high bit of the low 24 is dropped */
	m = rts_mac_mcast4(rts_htonl(0xef810203u)); /* 239.129.2.3 */
	RTS_CHECK(m.b[0] == 0x01 && m.b[1] == 0x00 && m.b[2] == 0x5e);
	RTS_CHECK(m.b[3] == 0x01 && m.b[4] == 0x02 && m.b[5] == 0x03);
	RTS_CHECK(rts_ip_parse("ff02::1:ff00:1", &g6, NULL) == 0);
	m = rts_mac_mcast6(&g6);
	RTS_CHECK(m.b[0] == 0x33 && m.b[1] == 0x33 && m.b[2] == 0xff &&
		  m.b[5] == 0x01);
}

RTS_TEST(arp_round_trip)
{
	uint8_t b[46] = { 0 }, out[RTS_ARP_LEN];
	struct rts_mac sha = testbe_mac(1), tha = { { 0 } };
	struct rts_ip spa = rts_ip4(198, 18, 0, 1), tpa = rts_ip4(198, 18, 0, 2);
	struct rts_arp a;

	tb_arp(b, 1, &sha, &spa, &tha, &tpa);
	/* padded to the Ethernet minimum: still fine */
	RTS_REQUIRE(rts_arp_parse(b, sizeof(b), &a) == 0);
	RTS_CHECK_EQ(a.op, RTS_ARP_REQUEST);
	RTS_CHECK(rts_mac_eq(&a.sha, &sha));
	RTS_CHECK_EQ(a.spa_be, rts_ip_v4_be(&spa));
	RTS_CHECK_EQ(a.tpa_be, rts_ip_v4_be(&tpa));
	rts_arp_emit(&a, out);
	RTS_CHECK(memcmp(out, b, RTS_ARP_LEN) == 0);
}

RTS_TEST(arp_rejects_with_reasons)
{
	uint8_t b[RTS_ARP_LEN], t[RTS_ARP_LEN];
	struct rts_mac sha = testbe_mac(1), tha = { { 0 } };
	struct rts_ip spa = rts_ip4(198, 18, 0, 1), tpa = rts_ip4(198, 18, 0, 2);
	struct rts_arp a;

	tb_arp(b, 2, &sha, &spa, &tha, &tpa);
	RTS_CHECK_EQ(rts_arp_parse(b, RTS_ARP_LEN - 1, &a), RTS_ARP_ERR_TOO_SHORT);
	memcpy(t, b, sizeof(t));
	t[1] = 6; /* IEEE 802 */
	RTS_CHECK_EQ(rts_arp_parse(t, sizeof(t), &a), RTS_ARP_ERR_HTYPE);
	memcpy(t, b, sizeof(t));
	t[2] = 0x86, t[3] = 0xdd;
	RTS_CHECK_EQ(rts_arp_parse(t, sizeof(t), &a), RTS_ARP_ERR_PTYPE);
	memcpy(t, b, sizeof(t));
	t[4] = 8;
	RTS_CHECK_EQ(rts_arp_parse(t, sizeof(t), &a), RTS_ARP_ERR_ADDR_LEN);
	memcpy(t, b, sizeof(t));
	t[5] = 16;
	RTS_CHECK_EQ(rts_arp_parse(t, sizeof(t), &a), RTS_ARP_ERR_ADDR_LEN);
	memcpy(t, b, sizeof(t));
	t[7] = 3; /* RARP request */
	RTS_CHECK_EQ(rts_arp_parse(t, sizeof(t), &a), RTS_ARP_ERR_OP);
	RTS_CHECK_EQ(rts_arp_parse(b, sizeof(b), &a), 0);
	RTS_CHECK_EQ(a.op, RTS_ARP_REPLY);
}

int main(void)
{
	return rts_test_main();
}
