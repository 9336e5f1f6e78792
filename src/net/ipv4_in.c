/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — IPv4 receive: header validation (RFC 791, RFC 1122 §3.2.1),
 * address filtering, reassembly hand-off and the demux to TCP/UDP/ICMP.
 */
#include "net.h"

#include "wire/icmp.h"

static void count_parse_error(struct rts_ctx *ctx, int rc)
{
	switch (rc) {
	case RTS_IP4_ERR_TOO_SHORT:
		ctx->cnt.ip4_rx_too_short++;
		break;
	case RTS_IP4_ERR_VERSION:
		ctx->cnt.ip4_rx_bad_version++;
		break;
	case RTS_IP4_ERR_IHL:
		ctx->cnt.ip4_rx_bad_ihl++;
		break;
	case RTS_IP4_ERR_LEN:
		ctx->cnt.ip4_rx_bad_len++;
		break;
	default:
		ctx->cnt.ip4_rx_bad_csum++;
		break;
	}
}

/*
 * RFC 1122 §3.2.1.3: a source must be a unicast address; broadcast,
 * multicast and loopback (on the wire) are martians.
 */
static inline bool bad_source(const struct rts_ctx *ctx, uint32_t src_be)
{
	return rts_ip4_is_multicast(src_be) || rts_ip4_is_loopback(src_be) ||
	       rts_ip4_is_bcast(ctx, src_be);
}

static void deliver(struct rts_ctx *ctx, struct rts_pkt *p,
		    const struct rts_l3_info *l3, bool l4_bad)
{
	switch (l3->proto) {
	case RTS_IPPROTO_TCP:
		if (rts_unlikely(l4_bad)) {
			ctx->cnt.tcp_rx_bad_csum++;
			break;
		}
		rts_tcp_input(ctx, p, l3);
		return;
	case RTS_IPPROTO_UDP:
		if (rts_unlikely(l4_bad)) {
			ctx->cnt.udp_rx_bad_csum++;
			break;
		}
		rts_udp_input(ctx, p, l3);
		return;
	case RTS_IPPROTO_ICMP:
		rts_icmp_input(ctx, p, l3);
		return;
	default:
		ctx->cnt.ip4_rx_unknown_proto++;
		/* RFC 1122 §3.2.2.1: protocol unreachable */
		rts_icmp_send_error(ctx, p, l3, RTS_ICMP_DEST_UNREACH,
				    RTS_ICMP_PROTO_UNREACH);
		break;
	}
	rts_free(ctx, p);
}

/*
 * The datagram nearly every frame carries: a 20-byte header (checksum
 * verified by the device, or here), no fragment, no link padding, to one
 * of our addresses from a unicast source. Hands it on and returns true;
 * false leaves @p untouched for the general path, which does every check
 * again and counts what it drops.
 */
static bool ip4_input_plain(struct rts_ctx *ctx, struct rts_pkt *p,
			    uint32_t flags)
{
	const uint8_t *b = p->data;
	struct rts_l3_info l3;
	uint32_t src_be, dst_be;

	if (rts_unlikely(p->len < RTS_IP4_HLEN || b[0] != 0x45 ||
			 rts_get_be16(b + 2) != p->pkt_len ||
			 (rts_get_be16(b + 6) & (RTS_IP4_FLAG_MF | RTS_IP4_OFF_MASK)) ||
			 (flags & (RTS_PKT_RX_IP_CSUM_BAD | RTS_PKT_RX_L4_CSUM_BAD))))
		return false;
	if (!(flags & RTS_PKT_RX_IP_CSUM_GOOD) &&
	    rts_ip4_hdr_sum(b, RTS_IP4_HLEN) != 0xffff)
		return false;
	rts_memcpy(&src_be, b + 12, 4);
	rts_memcpy(&dst_be, b + 16, 4);
	if (rts_unlikely(!rts_ip4_is_local(ctx, dst_be) || bad_source(ctx, src_be)))
		return false;
	l3.src = rts_ip4_from_be(src_be);
	l3.dst = rts_ip4_from_be(dst_be);
	l3.l4_len = p->pkt_len - RTS_IP4_HLEN;
	l3.proto = b[9];
	l3.ttl = b[8];
	l3.tos = b[1];
	l3.v6 = false;
	l3.l4_csum_ok = (flags & RTS_PKT_RX_L4_CSUM_GOOD) != 0;
	l3.dst_mcast = false;
	p->l3_len = RTS_IP4_HLEN;
	rts_pkt_adj(p, RTS_IP4_HLEN);
	if (rts_likely(l3.proto == RTS_IPPROTO_TCP))
		rts_tcp_input(ctx, p, &l3);
	else
		deliver(ctx, p, &l3, false);
	return true;
}

void rts_ip4_input(struct rts_ctx *ctx, struct rts_pkt *p)
{
	struct rts_ipv4 ip;
	struct rts_l3_info l3;
	uint32_t flags = p->ol_flags;
	bool bcast = false;
	int rc;

	ctx->cnt.ip4_rx++;
	if (rts_likely(ip4_input_plain(ctx, p, flags)))
		return;
	if (rts_unlikely(flags & RTS_PKT_RX_IP_CSUM_BAD)) {
		ctx->cnt.ip4_rx_bad_csum++;
		goto drop;
	}
	rc = rts_ip4_parse(p->data, p->len, p->pkt_len,
			   !(flags & RTS_PKT_RX_IP_CSUM_GOOD), &ip);
	if (rts_unlikely(rc != 0)) {
		count_parse_error(ctx, rc);
		goto drop;
	}
	if (rts_unlikely(!rts_ip4_is_local(ctx, ip.dst_be))) {
		bcast = rts_ip4_is_bcast(ctx, ip.dst_be);
		if (!bcast) {
			ctx->cnt.ip4_rx_not_for_us++;
			goto drop;
		}
	}
	if (rts_unlikely(bad_source(ctx, ip.src_be))) {
		ctx->cnt.ip4_rx_bad_src++;
		goto drop;
	}
	if (rts_unlikely(ip.hlen > RTS_IP4_HLEN))
		ctx->cnt.ip4_rx_options++; /* not interpreted: RFC 1122 §3.2.1.8 */
	if (rts_unlikely(p->pkt_len > ip.total_len))
		rts_pkt_trim(ctx, p, ip.total_len); /* Ethernet padding */
	p->l3_len = ip.hlen; /* ICMP errors find the header again by it */
	rts_pkt_adj(p, ip.hlen);
	if (rts_unlikely(rts_ip4_is_fragment(&ip))) {
		p = rts_reass4_input(ctx, p, &ip);
		if (p == NULL)
			return;
		flags = 0; /* device L4 verdicts do not cover fragments */
	}
	l3.src = rts_ip4_from_be(ip.src_be);
	l3.dst = rts_ip4_from_be(ip.dst_be);
	l3.l4_len = p->pkt_len;
	l3.proto = ip.proto;
	l3.ttl = ip.ttl; /* RFC 1122 §3.2.1.7: no minimum on receive */
	l3.tos = ip.tos;
	l3.v6 = false;
	l3.l4_csum_ok = (flags & RTS_PKT_RX_L4_CSUM_GOOD) != 0;
	l3.dst_mcast = bcast;
	deliver(ctx, p, &l3, (flags & RTS_PKT_RX_L4_CSUM_BAD) != 0);
	return;
drop:
	rts_free(ctx, p);
}
