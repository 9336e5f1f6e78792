/* SPDX-License-Identifier: BSD-3-Clause */
/* rtestack — prebuilt per-flow Ethernet + IPv4 headers (see flow4.h). */
#include "flow4.h"

#include "wire/csum.h"
#include "wire/eth.h"
#include "wire/ipv4.h"

bool rts_flow4_build(struct rts_ctx *ctx, struct rts_flow4 *f,
		     const struct rts_ip *src, const struct rts_ip *dst,
		     uint8_t proto)
{
	const struct rts_mac *mac = rts_neigh_ref_sendable(&f->nh) ? &f->nh.n->mac : NULL;
	struct rts_ipv4 ip;
	uint8_t *h = f->hdr;

	f->ready = false;
	if (mac == NULL || !rts_ip_is_v4(src) || !rts_ip_is_v4(dst))
		return false;
	rts_memcpy(h, mac->b, RTS_ETH_ALEN);
	rts_memcpy(h + RTS_ETH_ALEN, ctx->cfg.mac.b, RTS_ETH_ALEN);
	rts_put_be16(h + 12, RTS_ETHERTYPE_IPV4);
	rts_memset(&ip, 0, sizeof(ip));
	ip.hlen = RTS_IP4_HLEN;
	ip.df = true;
	ip.ttl = ctx->cfg.ttl;
	ip.proto = proto;
	ip.src_be = rts_ip_v4_be(src);
	ip.dst_be = rts_ip_v4_be(dst);
	rts_ip4_emit(&ip, h + RTS_ETH_HLEN, false);
	/* Sum with length, ID and checksum at zero: patched per packet. */
	f->sum = rts_csum_fold16(rts_csum_add(0, h + RTS_ETH_HLEN, RTS_IP4_HLEN));
	f->ready = true;
	return true;
}

int rts_flow4_output(struct rts_ctx *ctx, struct rts_flow4 *f,
		     struct rts_pkt *p, const struct rts_ip *src,
		     const struct rts_ip *dst, uint8_t proto)
{
	uint32_t l4_len = p->pkt_len;
	uint8_t *h;

	if (rts_unlikely(!f->ready || !rts_neigh_ref_sendable(&f->nh) ||
			 (l4_len + RTS_IP4_HLEN > ctx->cfg.mtu &&
			  !(p->ol_flags & RTS_PKT_TX_TSO)) ||
			 rts_pkt_headroom(p) < RTS_FLOW4_HLEN)) {
		int rc = rts_ip_output_ref(ctx, p, src, dst, proto, true, &f->nh);

		rts_flow4_build(ctx, f, src, dst, proto);
		return rc;
	}
	h = rts_pkt_prepend(p, RTS_FLOW4_HLEN);
	if (l4_len + RTS_IP4_HLEN > 0xffff)
		l4_len = 0xffff - RTS_IP4_HLEN; /* TSO: the device rewrites it */
	rts_flow4_fill(ctx, f, p, h, l4_len);
	rts_tx_frame(ctx, p);
	return 0;
}
