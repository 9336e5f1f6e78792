/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack DPDK backend — the device's Ethernet multicast filter follows
 * the stack. IPv6 must hear all-nodes and the solicited-node group of each
 * of its addresses (RFC 4861 §7.2.1, RFC 4291 §2.7.1) — tentative ones
 * too, for DAD — and the set changes at run time (SLAAC, RFC 7217 retries
 * after a conflict). Queue 0's poll compares rts_mcast_gen() with what it
 * last programmed and, on a change, hands rts_mcast_macs() to
 * rts_dpdk_port_join_mcast(): rte_eth_dev_set_mc_addr_list where the
 * device has a filter, allmulticast where it does not. Which one was used
 * shows in the queue counters (mcast_filter, mcast_allmulti, mcast_fail)
 * and in a log line each time. Only queue 0 does it, so one thread makes
 * these control calls; every lcore's context has the same addresses.
 */
#include "dpdk_internal.h"

void rts_dpdk_queue_mcast_sync(struct rts_dpdk_queue *q)
{
	struct rts_mac macs[RTS_DPDK_MCAST_MAX + 1];
	unsigned n;

	q->mcast_gen = rts_mcast_gen(q->ctx);
	q->mcast_synced = true;
	n = rts_mcast_macs(q->ctx, macs, RTE_DIM(macs));
	if (n == 0)
		return; /* IPv4 only: broadcast and unicast are enough */
	/* more than the filter takes: join_mcast falls back to allmulti */
	rts_dpdk_port_join_mcast(q->port, macs,
				 n > RTS_DPDK_MCAST_MAX ? RTS_DPDK_MCAST_MAX + 1
							: n);
}
