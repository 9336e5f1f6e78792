/* SPDX-License-Identifier: BSD-3-Clause */
/* rtestack — prebuilt per-flow Ethernet + IPv6 headers (see flow6.h). */
#include "flow6.h"

#include "ip6.h"

/* It shares the connection's place for IPv4's (tcp_conn.h): keep it small. */
_Static_assert(sizeof(struct rts_flow6) <= 64, "flow6 template grew");

bool rts_flow6_build(struct rts_ctx *ctx, struct rts_flow6 *f,
		     const struct rts_ip *src, const struct rts_ip *dst,
		     uint8_t proto)
{
	const struct rts_mac *mac;
	struct rts_ip6_hdr ip;
	struct rts_ip nexthop;
	uint64_t until, pmtu_until;
	uint8_t *h = f->hdr, hdr[RTS_IP6_HDR_LEN];

	f->ready = false;
	if (rts_ip_is_v4(src) || rts_ip_is_v4(dst) ||
	    rts_ip6_is_multicast(dst) || !rts_ip6_addr_usable(ctx, src) ||
	    rts_ip6_next_hop_until(ctx, dst, &nexthop, &until) != 0)
		return false;
	/* the ref must be the current next hop's, not an old route's */
	if (!rts_neigh_ref_sendable(&f->nh) || !rts_ip_eq(&f->nh.n->ip, &nexthop))
		return false;
	mac = &f->nh.n->mac;
	f->mtu = rts_ip6_pmtu_get_until(ctx, dst, &pmtu_until);
	f->until_ns = RTS_MIN(until, pmtu_until);
	f->gen = ctx->ip6.route_gen;
	rts_memcpy(h, mac->b, RTS_ETH_ALEN);
	rts_memcpy(h + RTS_ETH_ALEN, ctx->cfg.mac.b, RTS_ETH_ALEN);
	rts_put_be16(h + 12, RTS_ETHERTYPE_IPV6);
	ip.tclass = 0;
	ip.flow = 0;
	ip.payload_len = 0; /* patched per packet */
	ip.next_hdr = proto;
	ip.hop_limit = ctx->ip6.hop_limit;
	ip.src = *src;
	ip.dst = *dst;
	rts_ip6_emit(&ip, hdr);
	rts_memcpy(h + RTS_ETH_HLEN, hdr, RTS_FLOW6_FIXED - RTS_ETH_HLEN);
	f->ready = true;
	return true;
}

int rts_flow6_output(struct rts_ctx *ctx, struct rts_flow6 *f,
		     struct rts_pkt *p, const struct rts_ip *src,
		     const struct rts_ip *dst, uint8_t proto)
{
	uint32_t len = p->pkt_len;
	uint8_t *h;

	if (rts_unlikely(!rts_flow6_usable(ctx, f, len,
					   p->ol_flags & RTS_PKT_TX_TSO) ||
			 rts_pkt_headroom(p) < RTS_FLOW6_HLEN)) {
		int rc = rts_ip6_send_ref(ctx, p, src, dst, proto,
					  ctx->ip6.hop_limit, &f->nh);

		ctx->cnt.ip6_tx_flow_slow++;
		rts_flow6_build(ctx, f, src, dst, proto);
		return rc;
	}
	h = rts_pkt_prepend(p, RTS_FLOW6_HLEN);
	rts_flow6_fill(ctx, f, p, h, src, dst, len);
	rts_tx_frame(ctx, p);
	return 0;
}
