/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — IPv4 send: routing (on-link prefix, else the default
 * gateway), source selection, the path MTU cache (RFC 1191), the header,
 * fragmentation (RFC 791 §3.2) and the hand-off to the neighbour cache.
 */
#include "net.h"

#include "wire/udp.h"

bool rts_addr_is_local(const struct rts_ctx *ctx, const struct rts_ip *ip)
{
	if (rts_ip_is_v4(ip))
		return rts_ip4_is_local(ctx, rts_ip_v4_be(ip));
	if (ctx->net.ip6.is_local)
		return ctx->net.ip6.is_local(ctx, ip);
	for (unsigned i = 0; i < ctx->cfg.n_addrs; i++)
		if (rts_ip_eq(&ctx->cfg.addrs[i].ip, ip))
			return true;
	return false;
}

/* ------------------------------------------------------- path MTU cache */
static struct rts_pmtu *pmtu_slot(struct rts_ctx *ctx, uint32_t dst_be)
{
	uint32_t h = dst_be * 0x9e3779b1u;

	return &ctx->net.pmtu[h >> 27]; /* 32 slots */
}

uint16_t rts_pmtu_get(struct rts_ctx *ctx, uint32_t dst_be)
{
	struct rts_pmtu *s;

	if (rts_likely(ctx->net.n_pmtu == 0))
		return ctx->cfg.mtu;
	s = pmtu_slot(ctx, dst_be);
	if (s->mtu == 0 || s->dst_be != dst_be)
		return ctx->cfg.mtu;
	if (s->expire_ns <= ctx->now_ns) { /* RFC 1191 §6.3: try larger again */
		s->mtu = 0;
		ctx->net.n_pmtu--;
		return ctx->cfg.mtu;
	}
	return s->mtu;
}

uint16_t rts_pmtu_update(struct rts_ctx *ctx, uint32_t dst_be, uint32_t mtu)
{
	uint16_t cur = rts_pmtu_get(ctx, dst_be);
	struct rts_pmtu *s;

	if (mtu < RTS_PMTU_MIN)
		mtu = RTS_PMTU_MIN; /* don't let a forged ICMP shrink packets */
	if (mtu >= cur)
		return cur; /* RFC 1191 §6.1: never raised by a message */
	s = pmtu_slot(ctx, dst_be);
	if (s->mtu == 0)
		ctx->net.n_pmtu++;
	s->dst_be = dst_be; /* a collision simply replaces the older entry */
	s->mtu = (uint16_t)mtu;
	s->expire_ns = ctx->now_ns + RTS_PMTU_AGE_NS;
	return (uint16_t)mtu;
}

/* --------------------------------------------------------------- routing */
int rts_route_lookup(struct rts_ctx *ctx, const struct rts_ip *dst,
		     const struct rts_ip *src_hint, struct rts_route *rt)
{
	const struct rts_net_tables *t = &ctx->net;
	uint32_t dst_be;
	int i;

	if (!rts_ip_is_v4(dst))
		return t->ip6.route ? t->ip6.route(ctx, dst, src_hint, rt)
				    : RTS_ENETUNREACH;
	dst_be = rts_ip_v4_be(dst);
	if (t->n_if4 == 0 || dst_be == 0)
		return RTS_ENETUNREACH;
	i = rts_ip4_onlink(ctx, dst_be);
	if (i >= 0 || rts_ip4_is_multicast(dst_be) ||
	    rts_ip4_is_limited_bcast(dst_be)) {
		rt->nexthop = *dst;
	} else if (rts_ip_is_v4(&ctx->cfg.gw4) && !rts_ip_is_any(&ctx->cfg.gw4)) {
		rt->nexthop = ctx->cfg.gw4;
		i = rts_ip4_onlink(ctx, rts_ip_v4_be(&ctx->cfg.gw4));
	} else {
		return RTS_ENETUNREACH;
	}
	if (i < 0)
		i = 0;
	if (src_hint && rts_ip_is_v4(src_hint) &&
	    rts_ip4_is_local(ctx, rts_ip_v4_be(src_hint)))
		rt->src = *src_hint;
	else
		rt->src = rts_ip4_from_be(t->if4[i].addr_be);
	rt->mtu = rts_pmtu_get(ctx, dst_be);
	return 0;
}

/* ------------------------------------------------------------------ send */
/* @p->data at the IPv4 header: pick the next hop's MAC and transmit. */
static int ip4_send(struct rts_ctx *ctx, struct rts_pkt *p, uint32_t dst_be,
		    struct rts_neigh_ref *ref, unsigned qflags)
{
	const struct rts_mac *mac;
	struct rts_mac group;
	struct rts_ip nh;

	if (ref == NULL) { /* the one-entry cache stands in for a ref */
		ref = &ctx->net.tx4_ref;
		if (ctx->net.tx4_dst_be != dst_be) {
			ref->n = NULL;
			ctx->net.tx4_dst_be = dst_be;
		}
	}
	mac = rts_neigh_ref_mac(ref);
	if (rts_likely(mac != NULL)) {
		rts_eth_output(ctx, p, mac, RTS_ETHERTYPE_IPV4);
		return 0;
	}
	if (rts_ip4_onlink(ctx, dst_be) >= 0 && !rts_ip4_is_bcast(ctx, dst_be)) {
		nh = rts_ip4_from_be(dst_be);
	} else if (rts_ip4_is_multicast(dst_be) || rts_ip4_is_bcast(ctx, dst_be)) {
		group = rts_ip4_is_multicast(dst_be) ? rts_mac_mcast4(dst_be)
						     : rts_mac_broadcast();
		rts_eth_output(ctx, p, &group, RTS_ETHERTYPE_IPV4);
		return 0;
	} else if (rts_ip_is_v4(&ctx->cfg.gw4) &&
		   !rts_ip_is_any(&ctx->cfg.gw4)) {
		nh = ctx->cfg.gw4;
	} else {
		ctx->cnt.ip4_tx_no_route++;
		rts_free(ctx, p);
		return RTS_ENETUNREACH;
	}
	return rts_neigh_output_q(ctx, p, &nh, ref, qflags);
}

static void fill_header(struct rts_ctx *ctx, struct rts_pkt *p, uint8_t *h,
			struct rts_ipv4 *ip)
{
	bool hw = (ctx->cfg.caps.flags & RTS_CAP_TX_IP_CSUM) != 0;

	ip->ttl = ctx->cfg.ttl;
	rts_ip4_emit(ip, h, !hw);
	if (hw)
		p->ol_flags |= RTS_PKT_TX_IPV4 | RTS_PKT_TX_IP_CSUM;
	else if (p->ol_flags & (RTS_PKT_TX_TCP_CSUM | RTS_PKT_TX_UDP_CSUM |
				RTS_PKT_TX_TSO))
		p->ol_flags |= RTS_PKT_TX_IPV4; /* devices want the L3 type */
	p->l2_len = RTS_ETH_HLEN;
	p->l3_len = RTS_IP4_HLEN;
}

/*
 * Fragments can't carry a device-computed L4 checksum: finish it here.
 * The field holds the pseudo-header sum (offload convention), so summing
 * the whole segment with it in place gives the final value.
 */
static void l4_csum_in_sw(struct rts_pkt *p, uint8_t proto)
{
	uint16_t c;

	if (!(p->ol_flags & (RTS_PKT_TX_TCP_CSUM | RTS_PKT_TX_UDP_CSUM)))
		return;
	c = rts_csum_finish(rts_csum_pkt(p, 0, p->pkt_len, 0));
	if (proto == RTS_IPPROTO_UDP && c == 0)
		c = 0xffff; /* RFC 768: zero means "no checksum" */
	rts_pkt_copy_in(p, proto == RTS_IPPROTO_TCP ? 16 : 6, &c, 2);
	p->ol_flags &= ~(uint32_t)(RTS_PKT_TX_TCP_CSUM | RTS_PKT_TX_UDP_CSUM);
}

/* RFC 791 §3.2: copy @p's payload into fragments of at most @mtu bytes. */
static int ip4_fragment(struct rts_ctx *ctx, struct rts_pkt *p,
			struct rts_ipv4 *ip, uint16_t mtu)
{
	uint32_t payload = p->pkt_len, off = 0;
	int rc = 0;

	l4_csum_in_sw(p, ip->proto);
	ip->id = ctx->net.ip_id++;
	while (off < payload && rc == 0) {
		struct rts_pkt *f = rts_alloc(ctx);
		uint32_t unit, n;
		uint8_t *h;

		if (f == NULL) {
			rc = RTS_ENOBUFS;
			break;
		}
		unit = RTS_MIN((uint32_t)mtu, rts_pkt_tailroom(f)) - RTS_IP4_HLEN;
		unit &= ~7u;
		if (rts_unlikely(unit < 8 || unit > 0xffff)) {
			rts_free(ctx, f); /* backend buffers too small */
			rc = RTS_ENOBUFS;
			break;
		}
		n = RTS_MIN(unit, payload - off);
		h = rts_pkt_append(f, RTS_IP4_HLEN + n);
		rts_pkt_copy_out(p, off, n, h + RTS_IP4_HLEN);
		ip->total_len = (uint16_t)(RTS_IP4_HLEN + n);
		ip->frag_off = (uint16_t)off;
		ip->mf = off + n < payload;
		fill_header(ctx, f, h, ip);
		ctx->cnt.ip4_tx++;
		ctx->cnt.ip4_tx_frags++;
		rc = ip4_send(ctx, f, ip->dst_be, NULL,
			      off ? RTS_NEIGH_Q_CONT : 0);
		off += n;
	}
	rts_free(ctx, p);
	return rc;
}

int rts_ip4_output(struct rts_ctx *ctx, struct rts_pkt *p,
		   const struct rts_ip *src, const struct rts_ip *dst,
		   uint8_t proto, bool df, struct rts_neigh_ref *ref)
{
	uint32_t tot = p->pkt_len + RTS_IP4_HLEN;
	struct rts_ipv4 ip;
	uint8_t *h;

	ip.tos = 0;
	ip.df = df;
	ip.mf = false;
	ip.frag_off = 0;
	ip.proto = proto;
	ip.src_be = rts_ip_v4_be(src);
	ip.dst_be = rts_ip_v4_be(dst);
	if (rts_unlikely(tot > ctx->cfg.mtu ||
			 (ctx->net.n_pmtu && !df &&
			  tot > rts_pmtu_get(ctx, ip.dst_be))) &&
	    !(p->ol_flags & RTS_PKT_TX_TSO)) {
		if (df || tot > RTS_IP4_MAX_LEN) {
			ctx->cnt.ip4_tx_too_big++;
			rts_free(ctx, p);
			return RTS_EMSGSIZE;
		}
		return ip4_fragment(ctx, p, &ip,
				    rts_pmtu_get(ctx, ip.dst_be));
	}
	if (rts_unlikely(p->next != NULL) &&
	    !(ctx->cfg.caps.flags & RTS_CAP_MULTI_SEG)) {
		p = rts_pkt_linearize(ctx, p);
		if (p == NULL)
			return RTS_ENOBUFS;
	}
	h = rts_pkt_prepend(p, RTS_IP4_HLEN);
	if (rts_unlikely(h == NULL)) {
		ctx->cnt.pkt_alloc_fail++; /* callers leave headroom */
		rts_free(ctx, p);
		return RTS_ENOBUFS;
	}
	ip.total_len = (uint16_t)RTS_MIN(tot, RTS_IP4_MAX_LEN); /* TSO: device rewrites */
	ip.id = ctx->net.ip_id++; /* RFC 6864: unique enough per flow */
	fill_header(ctx, p, h, &ip);
	ctx->cnt.ip4_tx++;
	return ip4_send(ctx, p, ip.dst_be, ref, 0);
}

int rts_ip_output_ref(struct rts_ctx *ctx, struct rts_pkt *p,
		      const struct rts_ip *src, const struct rts_ip *dst,
		      uint8_t proto, bool df, struct rts_neigh_ref *ref)
{
	if (rts_likely(rts_ip_is_v4(dst))) {
		if (rts_unlikely(!rts_ip_is_v4(src))) {
			ctx->cnt.ip4_tx_no_route++;
			rts_free(ctx, p);
			return RTS_EINVAL;
		}
		return rts_ip4_output(ctx, p, src, dst, proto, df, ref);
	}
	return rts_ip6_output(ctx, p, src, dst, proto);
}

int rts_ip_output(struct rts_ctx *ctx, struct rts_pkt *p,
		  const struct rts_ip *src, const struct rts_ip *dst,
		  uint8_t proto, bool df)
{
	return rts_ip_output_ref(ctx, p, src, dst, proto, df, NULL);
}
