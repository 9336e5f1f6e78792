/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — ARP (RFC 826) for Ethernet and IPv4 only: the only pairing a
 * host on Ethernet needs. Anything else is rejected with a reason.
 */
#ifndef RTS_WIRE_ARP_H
#define RTS_WIRE_ARP_H

#include <rtestack/types.h>

#include "core/util.h"

#define RTS_ARP_LEN 28 /* Ethernet/IPv4 packet, without padding */

enum rts_arp_op {
	RTS_ARP_REQUEST = 1,
	RTS_ARP_REPLY = 2,
};

enum rts_arp_err {
	RTS_ARP_ERR_TOO_SHORT = -1,
	RTS_ARP_ERR_HTYPE = -2,    /* hardware type is not Ethernet (1) */
	RTS_ARP_ERR_PTYPE = -3,    /* protocol type is not IPv4 */
	RTS_ARP_ERR_ADDR_LEN = -4, /* hlen != 6 or plen != 4 */
	RTS_ARP_ERR_OP = -5,       /* neither request nor reply */
};

struct rts_arp {
	uint16_t op;         /* enum rts_arp_op */
	struct rts_mac sha;  /* sender hardware address */
	uint32_t spa_be;     /* sender protocol address, wire order */
	struct rts_mac tha;  /* target hardware address */
	uint32_t tpa_be;     /* target protocol address, wire order */
};

int rts_arp_parse(const uint8_t *b, uint32_t len, struct rts_arp *a);
/* Write the 28-byte packet at @b. */
void rts_arp_emit(const struct rts_arp *a, uint8_t *b);

#endif
