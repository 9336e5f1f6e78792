/* SPDX-License-Identifier: BSD-3-Clause */
/* rtestack — tables of the IPv4 side: neighbours, reassembly, UDP, ICMP. */
#ifndef RTS_NET_TABLES_H
#define RTS_NET_TABLES_H

struct rts_net_tables {
	uint32_t placeholder; /* filled in by the net layer */
};

#endif
