/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — IPv6 send: the header, fragmentation when a datagram exceeds
 * the path MTU (RFC 8200 §4.5; only the source fragments in IPv6), and the
 * hand-off to the link: multicast groups map to 33:33:xx:xx:xx:xx (RFC 2464
 * §7) with no resolution, unicast goes through the shared neighbour cache
 * with NDP as its solicitation.
 */
#include "ip6.h"

/*
 * Hand a finished IPv6 packet (data at its header) to the link. A valid
 * @ref (a flow's, or the one-entry send cache) skips the neighbour lookup.
 */
static int ip6_to_link(struct rts_ctx *ctx, struct rts_pkt *p,
		       const struct rts_ip *dst, const struct rts_ip *nexthop,
		       struct rts_neigh_ref *ref)
{
	const struct rts_mac *mac;

	if (rts_ip6_is_multicast(dst)) {
		struct rts_mac group = rts_ip6_mcast_mac(dst);

		rts_eth_output(ctx, p, &group, RTS_ETHERTYPE_IPV6);
		return 0;
	}
	mac = ref ? rts_neigh_ref_mac(ref) : NULL;
	if (mac != NULL && rts_ip_eq(&ref->n->ip, nexthop)) {
		rts_eth_output(ctx, p, mac, RTS_ETHERTYPE_IPV6);
		return 0;
	}
	return rts_neigh_output(ctx, p, nexthop, ref);
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
		rc = ip6_to_link(ctx, q, dst, nexthop, NULL);
	}
	rts_free(ctx, p);
	return rc;
}

/*
 * Next hop and path MTU for @dst into @nexthop, @mtu. Without a flow's
 * @ref, a one-entry cache of the last source and destination (like
 * IPv4's) answers while nothing it relied on changed (route_gen) or
 * expired; *@ref then points at its neighbour ref. RTS_EADDRNOTAVAIL: @src
 * is not usable (DAD still running); RTS_ENETUNREACH: no route.
 */
static int tx_path(struct rts_ctx *ctx, const struct rts_ip *src,
		   const struct rts_ip *dst, struct rts_ip *nexthop,
		   uint16_t *mtu, struct rts_neigh_ref **ref)
{
	struct rts_ip6_tables *t = &ctx->ip6;
	uint64_t until, pmtu_until;

	if (*ref == NULL && t->tx_gen == t->route_gen &&
	    ctx->now_ns < t->tx_until_ns && rts_ip_eq(dst, &t->tx_dst) &&
	    rts_ip_eq(src, &t->tx_src)) {
		*nexthop = t->tx_nexthop;
		*mtu = t->tx_mtu;
		*ref = &t->tx_ref;
		return 0;
	}
	/* RFC 4862 §5.4: a tentative address is no source (yet) */
	if (rts_unlikely(!rts_ip6_addr_usable(ctx, src)))
		return RTS_EADDRNOTAVAIL;
	if (rts_ip6_is_multicast(dst)) {
		*nexthop = *dst;
		*mtu = t->link_mtu;
		return 0;
	}
	if (rts_ip6_next_hop_until(ctx, dst, nexthop, &until) != 0)
		return RTS_ENETUNREACH;
	*mtu = rts_ip6_pmtu_get_until(ctx, dst, &pmtu_until);
	if (*ref == NULL) {
		t->tx_src = *src;
		t->tx_dst = *dst;
		t->tx_nexthop = *nexthop;
		t->tx_mtu = *mtu;
		t->tx_until_ns = RTS_MIN(until, pmtu_until);
		t->tx_gen = t->route_gen;
		t->tx_ref.n = NULL;
		*ref = &t->tx_ref;
	}
	return 0;
}

int rts_ip6_send_ref(struct rts_ctx *ctx, struct rts_pkt *p,
		     const struct rts_ip *src, const struct rts_ip *dst,
		     uint8_t proto, uint8_t hop_limit, struct rts_neigh_ref *ref)
{
	struct rts_ip nexthop;
	uint16_t mtu;
	uint32_t len = p->pkt_len;
	uint8_t *h;
	int rc = rts_ip_is_v4(dst) ? RTS_ENETUNREACH
				   : tx_path(ctx, src, dst, &nexthop, &mtu, &ref);

	if (rts_unlikely(rc != 0)) {
		if (rc == RTS_EADDRNOTAVAIL)
			ctx->cnt.ip6_tx_tentative++; /* sent again later */
		else
			ctx->cnt.ip6_tx_no_route++;
		rts_free(ctx, p);
		return rc;
	}
	ctx->cnt.ip6_tx++;
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
	/* TSO: the device rewrites the length per segment */
	put_header(h, src, dst, proto, hop_limit, RTS_MIN(len, 0xffffu));
	p->ol_flags |= RTS_PKT_TX_IPV6;
	p->l3_len = RTS_IP6_HDR_LEN;
	return ip6_to_link(ctx, p, dst, &nexthop, ref);
}

int rts_ip6_send(struct rts_ctx *ctx, struct rts_pkt *p,
		 const struct rts_ip *src, const struct rts_ip *dst,
		 uint8_t proto, uint8_t hop_limit)
{
	return rts_ip6_send_ref(ctx, p, src, dst, proto, hop_limit, NULL);
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
	return ip6_to_link(ctx, p, dst, dst, NULL);
}

int rts_ip6_output(struct rts_ctx *ctx, struct rts_pkt *p,
		   const struct rts_ip *src, const struct rts_ip *dst,
		   uint8_t proto)
{
	return rts_ip6_send(ctx, p, src, dst, proto, ctx->ip6.hop_limit);
}
