/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The DPDK backend's flow steering for IPv6 tuples, without a device (the
 * IPv4 cases are in test_dpdk_steer.c): the Toeplitz tuple we build for an
 * IPv6 flow (source address, destination address, ports; RSS
 * specification order) gives the specification's test-vector hash, the
 * symmetric key hashes both directions alike, and the source ports picked
 * for a queue bring the replies of IPv6 flows to that queue with device RSS
 * and with the software redirect alike (issue 5: "RSS source-port choice
 * for IPv6 tuples").
 */
#include <arpa/inet.h>
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

static void setup(enum rts_dpdk_steering steer, uint16_t nq,
		  const uint8_t *key, uint16_t reta_size)
{
	memset(&port, 0, sizeof(port));
	memset(queues, 0, sizeof(queues));
	port.steer = steer;
	port.n_queues = nq;
	port.queues = queues;
	port.rss_key_len = 40;
	for (unsigned i = 0; i < 40; i++)
		port.rss_key[i] = key ? key[i] : ((i & 1) ? 0x5a : 0x6d);
	port.reta_size = reta_size;
	for (unsigned i = 0; i < port.reta_size; i++)
		port.reta[i] = (uint16_t)(i % nq);
	port.rss_hf = RTE_ETH_RSS_NONFRAG_IPV6_TCP | RTE_ETH_RSS_NONFRAG_IPV6_UDP;
	for (uint16_t i = 0; i < nq; i++) {
		queues[i].port = &port;
		queues[i].qid = i;
		queues[i].n_queues = nq;
		queues[i].steer = steer;
		queues[i].port_cursor = (uint16_t)(i * 977);
	}
}

static struct rts_endpoint ep6(const char *a, uint16_t port_nr)
{
	struct rts_endpoint e = { .port = port_nr };

	inet_pton(AF_INET6, a, e.ip.u8);
	return e;
}

/* The specification's first IPv6 vector, as 32-bit words. */
static const uint32_t vec_src[4] = { 0x3ffe2501, 0x02001fff, 0, 7 };
static const uint32_t vec_dst[4] = { 0x3ffe2501, 0x02000003, 0, 1 };

RTS_TEST(toeplitz_ipv6_tuple_matches_the_rss_test_vector)
{
	uint32_t t[9];

	for (int i = 0; i < 4; i++) {
		t[i] = vec_src[i];
		t[4 + i] = vec_dst[i];
	}
	t[8] = (2794u << 16) | 1766u;
	RTS_CHECK_EQ(rte_softrss(t, 9, ms_key), 0x40207d3d);
	RTS_CHECK_EQ(rte_softrss(t, 8, ms_key), 0x2cc18cd5); /* addresses only */
	/* Our tuple for that flow: the RETA (identity, 512 entries) shows the
	 * hash's low bits, with ports for TCP, without for a protocol RSS
	 * does not hash ports of. */
	setup(RTS_DPDK_STEER_RSS, 1, ms_key, 512);
	for (unsigned i = 0; i < 512; i++)
		port.reta[i] = (uint16_t)i;
	struct rts_endpoint s = { .port = 2794 }, d = { .port = 1766 };
	for (int i = 0; i < 4; i++) {
		s.ip.u32[i] = htonl(vec_src[i]);
		d.ip.u32[i] = htonl(vec_dst[i]);
	}
	RTS_CHECK_EQ(rts_dpdk_port_flow_queue(&port, &s, &d, 6),
		     0x40207d3d % 512);
	port.rss_hf = RTE_ETH_RSS_NONFRAG_IPV6_TCP; /* UDP: addresses only */
	RTS_CHECK_EQ(rts_dpdk_port_flow_queue(&port, &s, &d, 17),
		     0x2cc18cd5 % 512);
}

RTS_TEST(symmetric_key_hashes_both_directions_of_ipv6_flows_alike)
{
	char a[64], b[64];

	setup(RTS_DPDK_STEER_RSS, 4, NULL, 128);
	for (uint32_t i = 0; i < 1000; i++) {
		snprintf(a, sizeof(a), "2001:2::%x:%x", i >> 4, i * 7);
		snprintf(b, sizeof(b), "2001:2:0:1::%x", i * 3 + 1);
		struct rts_endpoint x = ep6(a, (uint16_t)(1000 + i * 7));
		struct rts_endpoint y = ep6(b, (uint16_t)(80 + i));

		RTS_CHECK_EQ(rts_dpdk_port_flow_queue(&port, &x, &y, 6),
			     rts_dpdk_port_flow_queue(&port, &y, &x, 6));
	}
}

RTS_TEST(software_hash_of_ipv6_flows_is_symmetric_and_spreads)
{
	struct rts_ip a = ep6("2001:2::1", 0).ip, b = ep6("2001:2::2", 0).ip;
	unsigned count[2] = { 0, 0 };

	for (uint32_t i = 0; i < 20000; i++) {
		uint16_t pa = (uint16_t)(49152 + i % 16384), pb = 5001;
		uint16_t o = rts_dpdk_owner_of(2, &a, &b, pa, pb);

		RTS_REQUIRE(o < 2);
		RTS_CHECK_EQ(o, rts_dpdk_owner_of(2, &b, &a, pb, pa));
		count[o]++;
	}
	RTS_NOTE("2 queues: %u and %u of 20000 IPv6 flows", count[0], count[1]);
	RTS_CHECK(count[0] > 9000 && count[1] > 9000);
}

static void check_picks(enum rts_dpdk_steering steer, uint16_t nq,
			uint8_t proto)
{
	struct rts_endpoint local = ep6("2001:2::2", 0);
	struct rts_endpoint remote = ep6("2001:2::1", 5001);

	setup(steer, nq, NULL, 128);
	for (uint16_t q = 0; q < nq; q++) {
		uint16_t prev = 0;

		for (int i = 0; i < 200; i++) {
			uint16_t p = rts_dpdk_queue_pick_port(&queues[q], &local,
							      &remote, proto);
			struct rts_endpoint me = local;

			RTS_REQUIRE(p >= 49152);
			me.port = p;
			/* The reply travels remote -> local. */
			RTS_CHECK_EQ(rts_dpdk_port_flow_queue(&port, &remote, &me,
							      proto), q);
			RTS_CHECK(p != prev);
			prev = p;
		}
	}
}

RTS_TEST(picked_ports_bring_ipv6_replies_home_rss)
{
	check_picks(RTS_DPDK_STEER_RSS, 2, 6);
	check_picks(RTS_DPDK_STEER_RSS, 4, 6);
	check_picks(RTS_DPDK_STEER_RSS, 2, 17);
	/* And by rte_softrss directly, as the device would compute it. */
	struct rts_endpoint local = ep6("2001:2::2", 0);
	struct rts_endpoint remote = ep6("2001:2::1", 80);
	setup(RTS_DPDK_STEER_RSS, 4, NULL, 128);
	for (int i = 0; i < 100; i++) {
		uint16_t p = rts_dpdk_queue_pick_port(&queues[3], &local,
						      &remote, 6);
		uint32_t t[9];

		for (int k = 0; k < 4; k++) {
			t[k] = ntohl(remote.ip.u32[k]);
			t[4 + k] = ntohl(local.ip.u32[k]);
		}
		t[8] = (80u << 16) | p;
		RTS_CHECK_EQ(port.reta[rte_softrss(t, 9, port.rss_key) % 128], 3);
	}
}

RTS_TEST(picked_ports_bring_ipv6_replies_home_redirect)
{
	check_picks(RTS_DPDK_STEER_REDIRECT, 2, 6);
	check_picks(RTS_DPDK_STEER_REDIRECT, 4, 17);
}

int main(void)
{
	return rts_test_main();
}
