/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The DPDK backend's flow steering, without a device: the software flow
 * hash is symmetric and spreads flows, the Toeplitz tuple we build matches
 * the RSS specification's test vector, the symmetric key makes both
 * directions of a flow hash alike, and source ports picked for a queue
 * really bring the replies to that queue (RSS and software modes).
 */
#include <rte_thash.h>

#include "dpdk_internal.h"
#include "rts_test.h"

/* The key of Microsoft's RSS verification suite. */
static const uint8_t ms_key[40] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67,
	0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb,
	0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30,
	0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

static struct rts_dpdk_port port;
static struct rts_dpdk_queue queues[4];

static void setup(enum rts_dpdk_steering steer, uint16_t nq)
{
	memset(&port, 0, sizeof(port));
	memset(queues, 0, sizeof(queues));
	port.steer = steer;
	port.n_queues = nq;
	port.queues = queues;
	port.rss_key_len = 40;
	for (unsigned i = 0; i < 40; i++)
		port.rss_key[i] = (i & 1) ? 0x5a : 0x6d;
	port.reta_size = 128;
	for (unsigned i = 0; i < port.reta_size; i++)
		port.reta[i] = (uint16_t)(i % nq);
	port.rss_hf = RTE_ETH_RSS_NONFRAG_IPV4_TCP | RTE_ETH_RSS_NONFRAG_IPV4_UDP |
		      RTE_ETH_RSS_NONFRAG_IPV6_TCP | RTE_ETH_RSS_NONFRAG_IPV6_UDP;
	for (uint16_t i = 0; i < nq; i++) {
		queues[i].port = &port;
		queues[i].qid = i;
		queues[i].n_queues = nq;
		queues[i].steer = steer;
		queues[i].port_cursor = (uint16_t)(i * 977);
	}
}

static struct rts_endpoint ep4(uint8_t a, uint8_t b, uint8_t c, uint8_t d,
			       uint16_t port_nr)
{
	struct rts_endpoint e = { .ip = rts_ip4(a, b, c, d), .port = port_nr };
	return e;
}

RTS_TEST(toeplitz_tuple_matches_the_rss_test_vector)
{
	/* 66.9.149.187:2794 -> 161.142.100.80:1766 hashes to 0x51ccc178. */
	uint32_t t[3] = { 0x420995bb, 0xa18e6450, (2794u << 16) | 1766u };

	RTS_CHECK_EQ(rte_softrss(t, 3, ms_key), 0x51ccc178);
	RTS_CHECK_EQ(rte_softrss(t, 2, ms_key), 0x323e8fc2); /* IPv4 only */
}

RTS_TEST(symmetric_key_hashes_both_directions_alike)
{
	setup(RTS_DPDK_STEER_RSS, 4);
	for (uint32_t i = 0; i < 1000; i++) {
		struct rts_endpoint a = ep4(198, 18, (uint8_t)(i >> 8), (uint8_t)i,
					    (uint16_t)(1000 + i * 7));
		struct rts_endpoint b = ep4(198, 19, 1, (uint8_t)(i * 3),
					    (uint16_t)(80 + i));

		RTS_CHECK_EQ(rts_dpdk_port_flow_queue(&port, &a, &b, 6),
			     rts_dpdk_port_flow_queue(&port, &b, &a, 6));
	}
}

RTS_TEST(software_hash_is_symmetric_and_spreads)
{
	unsigned count[3] = { 0, 0, 0 };

	for (uint32_t i = 0; i < 30000; i++) {
		struct rts_ip a = rts_ip4(198, 18, 0, 1), b = rts_ip4(198, 18, 0, 2);
		uint16_t pa = (uint16_t)(49152 + i % 16384), pb = 5001;
		uint16_t o = rts_dpdk_owner_of(3, &a, &b, pa, pb);

		RTS_REQUIRE(o < 3);
		RTS_CHECK_EQ(o, rts_dpdk_owner_of(3, &b, &a, pb, pa));
		count[o]++;
	}
	for (unsigned q = 0; q < 3; q++) {
		RTS_NOTE("queue %u: %u of 30000 flows", q, count[q]);
		RTS_CHECK(count[q] > 9000 && count[q] < 11000);
	}
}

static void check_picks(enum rts_dpdk_steering steer)
{
	struct rts_endpoint local = ep4(198, 18, 0, 2, 0);
	struct rts_endpoint remote = ep4(198, 18, 0, 1, 5001);

	setup(steer, 4);
	for (uint16_t q = 0; q < 4; q++) {
		uint16_t prev = 0;

		for (int i = 0; i < 200; i++) {
			uint16_t p = rts_dpdk_queue_pick_port(&queues[q], &local,
							      &remote, 6);
			struct rts_endpoint me = local;

			RTS_REQUIRE(p >= 49152);
			me.port = p;
			/* The reply travels remote -> local. */
			RTS_CHECK_EQ(rts_dpdk_port_flow_queue(&port, &remote, &me, 6), q);
			RTS_CHECK(p != prev);
			prev = p;
		}
	}
}

RTS_TEST(picked_ports_bring_replies_home_rss)
{
	struct rts_endpoint local = ep4(198, 18, 0, 2, 0);
	struct rts_endpoint remote = ep4(198, 18, 0, 1, 80);

	check_picks(RTS_DPDK_STEER_RSS);
	/* And by rte_softrss directly, as the device would compute it. */
	for (int i = 0; i < 100; i++) {
		uint16_t p = rts_dpdk_queue_pick_port(&queues[2], &local, &remote, 6);
		uint32_t t[3] = { 0xc6120001, 0xc6120002, (80u << 16) | p };

		RTS_CHECK_EQ(port.reta[rte_softrss(t, 3, port.rss_key) % 128], 2);
	}
}

RTS_TEST(picked_ports_bring_replies_home_redirect)
{
	check_picks(RTS_DPDK_STEER_REDIRECT);
}

RTS_TEST(impair_spec_parses_and_rejects)
{
	struct rts_dpdk_impair_conf c;
	char why[128];

	RTS_CHECK_EQ(rts_dpdk_impair_parse("loss=2%,reorder=1%,dup=0.5%,corrupt=0.001,seed=7",
					   &c, why, sizeof(why)), 0);
	RTS_CHECK(c.on);
	RTS_CHECK_EQ(c.seed, 7);
	RTS_CHECK(c.loss >= 85899344u && c.loss <= 85899347u);   /* 2% of 2^32 */
	RTS_CHECK(c.dup >= 21474835u && c.dup <= 21474837u);     /* 0.5% */
	RTS_CHECK(c.corrupt >= 4294966u && c.corrupt <= 4294968u); /* 0.1% */
	RTS_CHECK(rts_dpdk_impair_parse("loss=200%", &c, why, sizeof(why)) != 0);
	RTS_CHECK(rts_dpdk_impair_parse("lose=2%", &c, why, sizeof(why)) != 0);
	RTS_CHECK(rts_dpdk_impair_parse("loss", &c, why, sizeof(why)) != 0);
	RTS_CHECK_EQ(rts_dpdk_impair_parse("", &c, why, sizeof(why)), 0);
	RTS_CHECK(!c.on);
}

int main(void)
{
	return rts_test_main();
}
