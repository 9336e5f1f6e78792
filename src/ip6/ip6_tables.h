/* SPDX-License-Identifier: BSD-3-Clause */
/* rtestack — tables of the IPv6 side: NDP state, reassembly. */
#ifndef RTS_IP6_TABLES_H
#define RTS_IP6_TABLES_H

struct rts_ip6_tables {
	uint32_t placeholder; /* filled in by the ip6 layer */
};

#endif
