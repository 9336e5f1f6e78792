/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — Ethernet II header (IEEE 802.3 / RFC 894 framing).
 *
 * 802.1Q and 802.1ad tagged frames are recognised (so they can be counted
 * and dropped) but not parsed further.
 */
#ifndef RTS_WIRE_ETH_H
#define RTS_WIRE_ETH_H

#include <rtestack/types.h>

#include "core/util.h"

#define RTS_ETH_HLEN 14
#define RTS_ETH_ALEN 6

enum rts_ethertype {
	RTS_ETHERTYPE_IPV4 = 0x0800,
	RTS_ETHERTYPE_ARP = 0x0806,
	RTS_ETHERTYPE_VLAN = 0x8100, /* 802.1Q */
	RTS_ETHERTYPE_IPV6 = 0x86dd,
	RTS_ETHERTYPE_QINQ = 0x88a8, /* 802.1ad */
	RTS_ETHERTYPE_QINQ_OLD = 0x9100,
};

/* Why rts_eth_parse() rejected a frame. */
enum rts_eth_err {
	RTS_ETH_ERR_TOO_SHORT = -1,
	RTS_ETH_ERR_VLAN = -2, /* tagged frame: header filled, not supported */
};

struct rts_eth {
	struct rts_mac dst;
	struct rts_mac src;
	uint16_t type; /* host order */
};

static inline bool rts_mac_eq(const struct rts_mac *a, const struct rts_mac *b)
{
	return rts_memcmp(a->b, b->b, RTS_ETH_ALEN) == 0;
}

/* Group bit (I/G) of the first octet: broadcast and multicast. */
static inline bool rts_mac_is_group(const struct rts_mac *m)
{
	return (m->b[0] & 1) != 0;
}

static inline bool rts_mac_is_broadcast(const struct rts_mac *m)
{
	return (m->b[0] & m->b[1] & m->b[2] & m->b[3] & m->b[4] & m->b[5]) ==
	       0xff;
}

static inline bool rts_mac_is_zero(const struct rts_mac *m)
{
	return (m->b[0] | m->b[1] | m->b[2] | m->b[3] | m->b[4] | m->b[5]) == 0;
}

static inline struct rts_mac rts_mac_broadcast(void)
{
	struct rts_mac m = { { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
	return m;
}

/* IPv4 multicast group to MAC: 01:00:5e + low 23 bits (RFC 1112 §6.4). */
static inline struct rts_mac rts_mac_mcast4(uint32_t group_be)
{
	const uint8_t *g = (const uint8_t *)&group_be;
	struct rts_mac m = { { 0x01, 0x00, 0x5e, (uint8_t)(g[1] & 0x7f), g[2],
			       g[3] } };
	return m;
}

/* IPv6 multicast group to MAC: 33:33 + low 32 bits (RFC 2464 §7). */
static inline struct rts_mac rts_mac_mcast6(const struct rts_ip *group)
{
	struct rts_mac m = { { 0x33, 0x33, group->u8[12], group->u8[13],
			       group->u8[14], group->u8[15] } };
	return m;
}

static inline int rts_eth_parse(const uint8_t *b, uint32_t len,
				struct rts_eth *e)
{
	if (rts_unlikely(len < RTS_ETH_HLEN))
		return RTS_ETH_ERR_TOO_SHORT;
	rts_memcpy(e->dst.b, b, RTS_ETH_ALEN);
	rts_memcpy(e->src.b, b + RTS_ETH_ALEN, RTS_ETH_ALEN);
	e->type = rts_get_be16(b + 12);
	if (rts_unlikely(e->type == RTS_ETHERTYPE_VLAN ||
			 e->type == RTS_ETHERTYPE_QINQ ||
			 e->type == RTS_ETHERTYPE_QINQ_OLD))
		return RTS_ETH_ERR_VLAN;
	return 0;
}

/* Write the 14-byte header at @b. */
static inline void rts_eth_emit(const struct rts_eth *e, uint8_t *b)
{
	rts_memcpy(b, e->dst.b, RTS_ETH_ALEN);
	rts_memcpy(b + RTS_ETH_ALEN, e->src.b, RTS_ETH_ALEN);
	rts_put_be16(b + 12, e->type);
}

#endif
