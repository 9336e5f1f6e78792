/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — IPv6 receive: header validation (RFC 8200 §3), the address
 * filter (our addresses, all-nodes, solicited-node groups), the extension
 * header walk with its Parameter Problem answers (§4), reassembly, and the
 * hand-off to TCP, UDP and ICMPv6.
 */
#include "ip6.h"

/* Count a failed walk and answer it where RFC 8200 says so. */
static void ext_failed(struct rts_ctx *ctx, struct rts_pkt *p,
		       enum rts_ip6ext_err err, const struct rts_ip6ext_info *e)
{
	switch (err) {
	case RTS_IP6EXT_TOO_MANY:
		ctx->cnt.ip6_rx_ext_too_long++;
		break;
	case RTS_IP6EXT_RH0:
		ctx->cnt.ip6_rx_rh0++;
		break;
	case RTS_IP6EXT_RH_UNKNOWN:
		ctx->cnt.ip6_rx_rh_unknown++;
		break;
	case RTS_IP6EXT_OPT_UNKNOWN:
		ctx->cnt.ip6_rx_unknown_opt++;
		break;
	case RTS_IP6EXT_FRAG_BAD_LEN:
	case RTS_IP6EXT_FRAG_TOO_BIG:
	case RTS_IP6EXT_FRAG_CHAIN:
		ctx->cnt.ip6_rx_frag_bad++;
		break;
	default: /* truncated, hop-by-hop misplaced, bad options */
		ctx->cnt.ip6_rx_ext_bad++;
		break;
	}
	if (e->icmp) {
		p->l3_len = 0;
		rts_icmp6_send_error(ctx, p, RTS_ICMP6_PARAM_PROBLEM,
				     e->icmp_code, e->icmp_ptr);
	}
}

/*
 * The address filter. Returns false to drop. *tentative: the destination
 * is one of our addresses still under DAD (only NDP may use it).
 */
static bool addr_filter(struct rts_ctx *ctx, const struct rts_ip6_hdr *ip,
			bool *mcast, bool *tentative)
{
	const struct rts_ip6_addr *a;

	*mcast = rts_ip6_is_multicast(&ip->dst);
	*tentative = false;
	/* RFC 4291 §2.5.3, §2.5.5.2, §2.7: never a source on the wire */
	if (rts_ip6_is_multicast(&ip->src) || rts_ip6_is_loopback(&ip->src) ||
	    rts_ip_is_v4(&ip->src) || rts_ip_is_v4(&ip->dst)) {
		ctx->cnt.ip6_rx_bad_src++;
		return false;
	}
	if (*mcast) {
		if (rts_ip6_mcast_member(ctx, &ip->dst))
			return true;
		ctx->cnt.ip6_rx_not_for_us++;
		return false;
	}
	a = rts_ip6_addr_find(ctx, &ip->dst);
	if (a != NULL && (a->state == RTS_IP6_ADDR_PREFERRED ||
			  a->state == RTS_IP6_ADDR_DEPRECATED))
		return true;
	if (a != NULL && a->state == RTS_IP6_ADDR_TENTATIVE &&
	    ip->next_hdr == RTS_NH_ICMPV6) {
		*tentative = true;
		return true;
	}
	ctx->cnt.ip6_rx_not_for_us++;
	return false;
}

/* Deliver the upper-layer payload at @e->l4_off. Consumes @p. */
static void deliver(struct rts_ctx *ctx, struct rts_pkt *p,
		    const struct rts_ip6_hdr *ip,
		    const struct rts_ip6ext_info *e, bool mcast,
		    bool reassembled)
{
	struct rts_l3_info l3;

	l3.src = ip->src;
	l3.dst = ip->dst;
	l3.l4_len = RTS_IP6_HDR_LEN + ip->payload_len - e->l4_off;
	l3.proto = e->proto;
	l3.ttl = ip->hop_limit;
	l3.tos = ip->tclass;
	l3.v6 = true;
	l3.l4_csum_ok = !reassembled && (p->ol_flags & RTS_PKT_RX_L4_CSUM_GOOD);
	l3.dst_mcast = mcast;
	switch (e->proto) {
	case RTS_NH_ICMPV6:
	case RTS_NH_UDP:
	case RTS_NH_TCP:
		break;
	case RTS_NH_NONE:
		ctx->cnt.ip6_rx_no_next++; /* nothing to deliver (§4.7) */
		rts_free(ctx, p);
		return;
	default:
		/* §4: an unrecognised Next Header is a Parameter Problem */
		ctx->cnt.ip6_rx_unknown_proto++;
		p->l3_len = 0;
		rts_icmp6_send_error(ctx, p, RTS_ICMP6_PARAM_PROBLEM,
				     RTS_ICMP6_PARAM_NEXT_HDR, e->nh_off);
		rts_free(ctx, p);
		return;
	}
	rts_pkt_adj(p, e->l4_off);
	p->l3_len = (uint16_t)e->l4_off;
	if (e->proto == RTS_NH_ICMPV6) {
		rts_icmp6_input(ctx, p, ip, &l3, reassembled);
	} else if (mcast || rts_ip6_is_unspecified(&ip->src)) {
		ctx->cnt.ip6_rx_not_for_us++; /* TCP/UDP: unicast only */
		rts_free(ctx, p);
	} else if (e->proto == RTS_NH_UDP) {
		rts_udp_input(ctx, p, &l3);
	} else {
		rts_tcp_input(ctx, p, &l3);
	}
}

/* Validate the fixed header and trim the link padding. */
static bool header_ok(struct rts_ctx *ctx, struct rts_pkt *p,
		      struct rts_ip6_hdr *ip)
{
	enum rts_ip6_parse_err err = RTS_IP6_TOO_SHORT;

	if (rts_likely(p->len >= RTS_IP6_HDR_LEN))
		err = rts_ip6_parse(p->data, p->pkt_len, ip);
	switch (err) {
	case RTS_IP6_OK:
		break;
	case RTS_IP6_BAD_VERSION:
		ctx->cnt.ip6_rx_bad_version++;
		return false;
	case RTS_IP6_BAD_LEN:
		ctx->cnt.ip6_rx_bad_len++;
		return false;
	default:
		ctx->cnt.ip6_rx_too_short++;
		return false;
	}
	if (p->pkt_len > RTS_IP6_HDR_LEN + (uint32_t)ip->payload_len)
		rts_pkt_trim(ctx, p, RTS_IP6_HDR_LEN + ip->payload_len);
	return true;
}

/*
 * The packet nearly every frame carries (the twin of IPv4's
 * ip4_input_plain): TCP or UDP right after the fixed header, no link
 * padding, to one of our usable unicast addresses from a unicast source.
 * Hands it on and returns true; false leaves @p untouched for the general
 * path, which does every check again and counts what it drops.
 */
static bool ip6_input_plain(struct rts_ctx *ctx, struct rts_pkt *p)
{
	const uint8_t *b = p->data;
	struct rts_l3_info l3;

	if (rts_unlikely(p->len < RTS_IP6_HDR_LEN || (b[0] >> 4) != 6 ||
			 (b[6] != RTS_NH_TCP && b[6] != RTS_NH_UDP) ||
			 RTS_IP6_HDR_LEN + (uint32_t)rts_get_be16(b + 4) !=
				 p->pkt_len ||
			 (p->ol_flags & RTS_PKT_RX_L4_CSUM_BAD) ||
			 !ctx->ip6.ready))
		return false;
	l3.src = rts_ip6_load(b + 8);
	l3.dst = rts_ip6_load(b + 24);
	/* RFC 4291: never a source on the wire (and TCP/UDP not from ::) */
	if (rts_unlikely(rts_ip6_is_multicast(&l3.src) ||
			 rts_ip6_is_loopback(&l3.src) || rts_ip_is_v4(&l3.src) ||
			 rts_ip6_is_unspecified(&l3.src) ||
			 !rts_ip6_addr_usable(ctx, &l3.dst)))
		return false;
	l3.l4_len = p->pkt_len - RTS_IP6_HDR_LEN;
	l3.proto = b[6];
	l3.ttl = b[7];
	l3.tos = (uint8_t)(b[0] << 4 | b[1] >> 4);
	l3.v6 = true;
	l3.l4_csum_ok = (p->ol_flags & RTS_PKT_RX_L4_CSUM_GOOD) != 0;
	l3.dst_mcast = false;
	p->l3_len = RTS_IP6_HDR_LEN;
	rts_pkt_adj(p, RTS_IP6_HDR_LEN);
	if (rts_likely(l3.proto == RTS_NH_TCP))
		rts_tcp_input(ctx, p, &l3);
	else
		rts_udp_input(ctx, p, &l3);
	return true;
}

void rts_ip6_input(struct rts_ctx *ctx, struct rts_pkt *p)
{
	struct rts_ip6_hdr ip;
	struct rts_ip6ext_info e;
	enum rts_ip6ext_err err;
	bool mcast, tentative, reassembled = false;

	ctx->cnt.ip6_rx++;
	if (rts_likely(ip6_input_plain(ctx, p)))
		return;
	if (!ctx->ip6.ready || !header_ok(ctx, p, &ip) ||
	    !addr_filter(ctx, &ip, &mcast, &tentative))
		goto drop;
again:
	/* The walk sees the first segment: the header chain must be there. */
	err = rts_ip6ext_walk(p->data, RTS_MIN(p->len, p->pkt_len),
			      mcast ? RTS_IP6EXT_DST_MCAST : 0, &e);
	if (err != RTS_IP6EXT_OK) {
		ext_failed(ctx, p, err, &e);
		goto drop;
	}
	if (tentative && e.proto != RTS_NH_ICMPV6) {
		ctx->cnt.ip6_rx_not_for_us++; /* RFC 4862 §5.4 */
		goto drop;
	}
	if (e.frag) {
		ctx->cnt.ip6_rx_frags++;
		if (reassembled) { /* a fragment inside a fragment */
			ctx->cnt.ip6_rx_frag_bad++;
			goto drop;
		}
		p = rts_ip6_reass_input(ctx, p, &ip, &e);
		if (p == NULL)
			return;
		reassembled = true;
		ip.payload_len = rts_get_be16(p->data + 4);
		goto again;
	}
	deliver(ctx, p, &ip, &e, mcast, reassembled);
	return;
drop:
	rts_free(ctx, p);
}
