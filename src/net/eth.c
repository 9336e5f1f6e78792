/* SPDX-License-Identifier: BSD-3-Clause */
/* rtestack — Ethernet II receive: MAC filter and ethertype demux. */
#include "net.h"

/* Unicast to us, broadcast, or a multicast group we may listen to. */
static inline bool mac_accept(const struct rts_ctx *ctx, const struct rts_mac *m)
{
	if (rts_likely(rts_mac_eq(m, &ctx->cfg.mac)))
		return true;
	if (!rts_mac_is_group(m))
		return false;
	return rts_mac_is_broadcast(m) ||
	       (m->b[0] == 0x01 && m->b[1] == 0x00 && m->b[2] == 0x5e) ||
	       (m->b[0] == 0x33 && m->b[1] == 0x33);
}

void rts_eth_input(struct rts_ctx *ctx, struct rts_pkt *p)
{
	struct rts_eth eh;
	int rc;

	ctx->cnt.eth_rx_frames++;
	ctx->cnt.eth_rx_bytes += p->pkt_len;
	/* IPv4 or IPv6 unicast to our MAC: no need to parse the rest. */
	if (rts_likely(p->len >= RTS_ETH_HLEN)) {
		uint16_t type = rts_get_be16(p->data + 12);

		if (rts_likely((type == RTS_ETHERTYPE_IPV4 ||
				type == RTS_ETHERTYPE_IPV6) &&
			       rts_memcmp(p->data, ctx->cfg.mac.b,
					  RTS_ETH_ALEN) == 0)) {
			rts_pkt_adj(p, RTS_ETH_HLEN);
			p->l2_len = RTS_ETH_HLEN;
			if (rts_likely(type == RTS_ETHERTYPE_IPV4))
				rts_ip4_input(ctx, p);
			else
				rts_ip6_input(ctx, p);
			return;
		}
	}
	rc = rts_eth_parse(p->data, p->len, &eh);
	if (rts_unlikely(rc != 0)) {
		if (rc == RTS_ETH_ERR_VLAN)
			ctx->cnt.eth_rx_vlan++;
		else
			ctx->cnt.eth_rx_too_short++;
		goto drop;
	}
	if (rts_unlikely(!mac_accept(ctx, &eh.dst))) {
		ctx->cnt.eth_rx_not_for_us++;
		goto drop;
	}
	rts_pkt_adj(p, RTS_ETH_HLEN);
	p->l2_len = RTS_ETH_HLEN;
	switch (eh.type) {
	case RTS_ETHERTYPE_IPV4:
		rts_ip4_input(ctx, p);
		return;
	case RTS_ETHERTYPE_ARP:
		rts_arp_input(ctx, p, &eh);
		return;
	case RTS_ETHERTYPE_IPV6:
		rts_ip6_input(ctx, p);
		return;
	default:
		ctx->cnt.eth_rx_unknown_type++;
		break;
	}
drop:
	rts_free(ctx, p);
}
