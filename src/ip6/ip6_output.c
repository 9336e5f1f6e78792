/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — IPv6 send: the header, fragmentation when a datagram exceeds
 * the path MTU (RFC 8200 §4.5; only the source fragments in IPv6), and the
 * hand-off to the link: multicast groups map to 33:33:xx:xx:xx:xx (RFC 2464
 * §7) with no resolution, unicast goes through the shared neighbour cache
 * with NDP as its solicitation.
 */
#include "ip6.h"

/* Hand a finished IPv6 packet (data at its header) to the link. */
static int ip6_to_link(struct rts_ctx *ctx, struct rts_pkt *p,
		       const struct rts_ip *dst, const struct rts_ip *nexthop)
{
	if (rts_ip6_is_multicast(dst)) {
		struct rts_mac mac = rts_ip6_mcast_mac(dst);

		rts_eth_output(ctx, p, &mac, RTS_ETHERTYPE_IPV6);
		return 0;
	}
	return rts_neigh_output(ctx, p, nexthop, NULL);
}

static void put_header(uint8_t *h, const struct rts_ip *src,
		       const struct rts_ip *dst, uint8_t nh, uint8_t hop_limit,
		       uint32_t payload_len)
{
	struct rts_ip6_hdr ip;

	ip.tclass = 0;
	ip.flow = 0;
	ip.payload_len = (uint16_t)payload_len;
	ip.next_hdr = nh;
	ip.hop_limit = hop_limit;
	ip.src = *src;
	ip.dst = *dst;
	rts_ip6_emit(&ip, h);
}

/*
 * A device cannot checksum a datagram that leaves in fragments: complete
 * an offloaded TCP/UDP checksum (the field holds the pseudo-header sum).
 */
static void finish_offloaded_csum(struct rts_pkt *p, uint8_t proto)
{
	uint32_t field = proto == RTS_NH_UDP ? 6 : 16;
	uint16_t c;

	if (!(p->ol_flags & (RTS_PKT_TX_UDP_CSUM | RTS_PKT_TX_TCP_CSUM)))
		return;
	c = rts_csum_finish(rts_csum_pkt(p, 0, p->pkt_len, 0));
	if (proto == RTS_NH_UDP && c == 0)
		c = 0xffff; /* RFC 768: zero means "no checksum" */
	rts_pkt_copy_in(p, field, &c, 2);
	p->ol_flags &= ~(uint32_t)(RTS_PKT_TX_UDP_CSUM | RTS_PKT_TX_TCP_CSUM);
}

/* Send the upper-layer packet @p in fragments of at most @mtu bytes. */
static int fragment(struct rts_ctx *ctx, struct rts_pkt *p,
		    const struct rts_ip *src, const struct rts_ip *dst,
		    const struct rts_ip *nexthop, uint8_t proto,
		    uint8_t hop_limit, uint16_t mtu)
{
	const uint32_t hdrs = RTS_IP6_HDR_LEN + RTS_IP6_FRAG_HDR_LEN;
	uint32_t len = p->pkt_len, per = (mtu - hdrs) & ~7u;
	uint32_t id = (uint32_t)rts_random(ctx); /* RFC 7739: unpredictable */
	int rc = 0;

	if (len > 65535) { /* the fragmentable part of one datagram */
		ctx->cnt.ip6_tx_too_big++;
		rts_free(ctx, p);
		return RTS_EMSGSIZE;
	}
	finish_offloaded_csum(p, proto);
	for (uint32_t off = 0; off < len && rc == 0;) {
		struct rts_pkt *q = rts_alloc(ctx);
		uint32_t n;
		uint8_t *b;

		if (q == NULL) {
			rc = RTS_ENOBUFS;
			break;
		}
		/* small buffers make smaller fragments */
		per = RTS_MIN(per, (rts_pkt_tailroom(q) - hdrs) & ~7u);
		n = RTS_MIN(per, len - off);
		b = rts_pkt_append(q, hdrs + n);
		put_header(b, src, dst, RTS_NH_FRAGMENT, hop_limit,
			   RTS_IP6_FRAG_HDR_LEN + n);
		rts_ip6_frag_emit(b + RTS_IP6_HDR_LEN, proto, (uint16_t)off,
				  off + n < len, id);
		rts_pkt_copy_out(p, off, n, b + hdrs);
		q->ol_flags = RTS_PKT_TX_IPV6;
		q->l3_len = (uint16_t)hdrs;
		off += n;
		ctx->cnt.ip6_tx_frags++;
		rc = ip6_to_link(ctx, q, dst, nexthop);
	}
	rts_free(ctx, p);
	return rc;
}

int rts_ip6_send(struct rts_ctx *ctx, struct rts_pkt *p,
		 const struct rts_ip *src, const struct rts_ip *dst,
		 uint8_t proto, uint8_t hop_limit)
{
	struct rts_ip nexthop;
	uint16_t mtu;
	uint32_t len = p->pkt_len;
	uint8_t *h;

	if (rts_unlikely(rts_ip_is_v4(dst) ||
			 rts_ip6_next_hop(ctx, dst, &nexthop) != 0)) {
		ctx->cnt.ip6_tx_no_route++;
		rts_free(ctx, p);
		return RTS_ENETUNREACH;
	}
	ctx->cnt.ip6_tx++;
	mtu = rts_ip6_is_multicast(dst) ? ctx->ip6.link_mtu
					: rts_ip6_pmtu_get(ctx, dst);
	if (rts_unlikely(len + RTS_IP6_HDR_LEN > mtu) &&
	    !(p->ol_flags & RTS_PKT_TX_TSO))
		return fragment(ctx, p, src, dst, &nexthop, proto, hop_limit,
				mtu);
	h = rts_pkt_prepend(p, RTS_IP6_HDR_LEN);
	if (rts_unlikely(h == NULL)) {
		ctx->cnt.pkt_alloc_fail++; /* no headroom */
		rts_free(ctx, p);
		return RTS_ENOBUFS;
	}
	put_header(h, src, dst, proto, hop_limit, len);
	p->ol_flags |= RTS_PKT_TX_IPV6;
	p->l3_len = RTS_IP6_HDR_LEN;
	return ip6_to_link(ctx, p, dst, &nexthop);
}

int rts_ip6_send_link(struct rts_ctx *ctx, struct rts_pkt *p,
		      const struct rts_ip *src, const struct rts_ip *dst,
		      uint8_t proto, uint8_t hop_limit,
		      const struct rts_mac *mac)
{
	uint32_t len = p->pkt_len;
	uint8_t *h = rts_pkt_prepend(p, RTS_IP6_HDR_LEN);

	if (rts_unlikely(h == NULL)) {
		ctx->cnt.pkt_alloc_fail++;
		rts_free(ctx, p);
		return RTS_ENOBUFS;
	}
	ctx->cnt.ip6_tx++;
	put_header(h, src, dst, proto, hop_limit, len);
	p->ol_flags |= RTS_PKT_TX_IPV6;
	p->l3_len = RTS_IP6_HDR_LEN;
	if (mac != NULL) {
		rts_eth_output(ctx, p, mac, RTS_ETHERTYPE_IPV6);
		return 0;
	}
	return ip6_to_link(ctx, p, dst, dst);
}

int rts_ip6_output(struct rts_ctx *ctx, struct rts_pkt *p,
		   const struct rts_ip *src, const struct rts_ip *dst,
		   uint8_t proto)
{
	return rts_ip6_send(ctx, p, src, dst, proto, ctx->ip6.hop_limit);
}
