/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — a flow's prebuilt Ethernet + IPv4 header (the TCP fast path).
 *
 * An established connection sends every segment to the same next hop with
 * the same addresses, TTL and flags. It keeps the 34 bytes of Ethernet and
 * IPv4 header ready, with the header checksum summed over every constant
 * field, and a sent segment then costs a copy and two patched fields
 * (total length, ID) instead of a route and neighbour lookup and a header
 * build. The template is used only while the neighbour entry it was built
 * from is still valid (rts_neigh_ref); anything unusual — no valid
 * neighbour, a packet over the MTU, IPv6 — takes the normal path
 * (rts_ip_output_ref), which also refreshes the reference.
 */
#ifndef RTS_NET_FLOW4_H
#define RTS_NET_FLOW4_H

#include "net/neigh.h"
#include "net/net.h"
#include "wire/csum.h"

#define RTS_FLOW4_HLEN 34 /* Ethernet II + IPv4 without options */

struct rts_flow4 {
	uint8_t hdr[RTS_FLOW4_HLEN];
	bool ready;
	uint16_t sum;               /* folded sum of the constant IPv4 fields */
	struct rts_neigh_ref nh;
};

/*
 * The frame at @h (@l4_len bytes of L4 header and payload follow the 34
 * bytes of Ethernet and IPv4 header) through @f: template, total length,
 * ID, header checksum or its offload mark. The caller checked
 * rts_neigh_ref_sendable(&f->nh) and the MTU; @p's L4 offload marks are
 * already set.
 */
static inline void rts_flow4_fill(struct rts_ctx *ctx, const struct rts_flow4 *f,
				  struct rts_pkt *p, uint8_t *h, uint32_t l4_len)
{
	uint16_t len_be = rts_htons((uint16_t)(l4_len + RTS_IP4_HLEN));
	uint16_t id_be = rts_htons(ctx->net.ip_id++);

	rts_memcpy(h, f->hdr, RTS_FLOW4_HLEN);
	rts_memcpy(h + RTS_ETH_HLEN + 2, &len_be, 2);
	rts_memcpy(h + RTS_ETH_HLEN + 4, &id_be, 2);
	p->l2_len = RTS_ETH_HLEN;
	p->l3_len = RTS_IP4_HLEN;
	if (ctx->cfg.caps.flags & RTS_CAP_TX_IP_CSUM) {
		p->ol_flags |= RTS_PKT_TX_IPV4 | RTS_PKT_TX_IP_CSUM;
	} else {
		uint16_t c = rts_csum_finish(
			rts_csum_combine(rts_csum_combine(f->sum, len_be), id_be));

		rts_memcpy(h + RTS_ETH_HLEN + 10, &c, 2);
		if (p->ol_flags & (RTS_PKT_TX_TCP_CSUM | RTS_PKT_TX_TSO))
			p->ol_flags |= RTS_PKT_TX_IPV4;
	}
	ctx->cnt.ip4_tx++;
}

/* Build (or rebuild) @f for @src → @dst; false if the next hop's MAC is
 * not known yet (the normal path resolves it). */
bool rts_flow4_build(struct rts_ctx *ctx, struct rts_flow4 *f,
		     const struct rts_ip *src, const struct rts_ip *dst,
		     uint8_t proto);

/*
 * Send @p (data at the L4 header) through @f if it is usable, else through
 * rts_ip_output_ref (and rebuild @f for next time). Always consumes @p.
 */
int rts_flow4_output(struct rts_ctx *ctx, struct rts_flow4 *f,
		     struct rts_pkt *p, const struct rts_ip *src,
		     const struct rts_ip *dst, uint8_t proto);

#endif
