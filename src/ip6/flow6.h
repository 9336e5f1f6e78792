/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — a flow's prebuilt Ethernet + IPv6 header (the IPv6 twin of
 * net/flow4.h, for the TCP fast path).
 *
 * An established connection sends every segment to the same next hop with
 * the same addresses and hop limit. The Ethernet header and the first 8
 * bytes of the IPv6 header are kept ready (the two addresses are copied
 * from the connection, which holds them anyway: the template stays as small
 * as IPv4's and shares its place in the connection), and a segment then
 * costs three copies and one patched field (Payload Length) instead of
 * next-hop selection (prefix and router lists), a path MTU lookup, a
 * neighbour lookup and a header build.
 *
 * The template is used only while
 *   - the neighbour entry it was built from is valid (rts_neigh_ref: same
 *     generation, REACHABLE or STATIC — an NA with a new MAC, a failed
 *     probe or a reused entry all invalidate it);
 *   - ctx->ip6.route_gen is the one it was built under: any change of the
 *     router or prefix lists, of our addresses, of a path MTU (Packet Too
 *     Big), of the link MTU or hop limit (RA) bumps it;
 *   - the router lifetime or RA prefix it relies on has not run out;
 *   - the packet fits the path MTU it was built with (else it must be
 *     fragmented: the normal path).
 * Anything else takes rts_ip6_send_ref() and rebuilds the template.
 */
#ifndef RTS_IP6_FLOW6_H
#define RTS_IP6_FLOW6_H

#include "net/neigh.h"
#include "wire/eth.h"
#include "wire/ipv6.h"

#define RTS_FLOW6_HLEN 54 /* Ethernet II + IPv6 without extension headers */
#define RTS_FLOW6_FIXED 22 /* Ethernet II + IPv6 up to the addresses */

struct rts_flow6 {
	uint8_t hdr[RTS_FLOW6_FIXED];
	bool ready;
	uint16_t mtu;           /* path MTU when built */
	uint32_t gen;           /* ctx->ip6.route_gen when built */
	uint64_t until_ns;      /* router / RA prefix lifetime it relies on */
	struct rts_neigh_ref nh;
};

/* May a packet with @l4_len bytes after the IPv6 header go through @f? */
static inline bool rts_flow6_usable(const struct rts_ctx *ctx,
				    const struct rts_flow6 *f, uint32_t l4_len,
				    bool tso)
{
	return f->ready && f->gen == ctx->ip6.route_gen &&
	       ctx->now_ns < f->until_ns && rts_neigh_ref_sendable(&f->nh) &&
	       (l4_len + RTS_IP6_HDR_LEN <= f->mtu || tso);
}

/*
 * The 54 bytes of Ethernet + IPv6 header at @h (@l4_len bytes follow)
 * from @f and the flow's addresses. The caller checked rts_flow6_usable().
 */
static inline void rts_flow6_fill(struct rts_ctx *ctx, const struct rts_flow6 *f,
				  struct rts_pkt *p, uint8_t *h,
				  const struct rts_ip *src,
				  const struct rts_ip *dst, uint32_t l4_len)
{
	/* TSO: the device rewrites the length per segment */
	uint16_t len_be = rts_htons((uint16_t)(l4_len > 0xffff ? 0xffff
							       : l4_len));

	rts_memcpy(h, f->hdr, RTS_FLOW6_FIXED);
	rts_memcpy(h + 4 + RTS_ETH_HLEN, &len_be, 2);
	rts_memcpy(h + RTS_FLOW6_FIXED, src->u8, 16);
	rts_memcpy(h + RTS_FLOW6_FIXED + 16, dst->u8, 16);
	p->l2_len = RTS_ETH_HLEN;
	p->l3_len = RTS_IP6_HDR_LEN;
	p->ol_flags |= RTS_PKT_TX_IPV6;
	ctx->cnt.ip6_tx++;
}

/* Build (or rebuild) @f for @src → @dst; false if there is no route or
 * the next hop's MAC is not known yet (the normal path resolves it). */
bool rts_flow6_build(struct rts_ctx *ctx, struct rts_flow6 *f,
		     const struct rts_ip *src, const struct rts_ip *dst,
		     uint8_t proto);

/*
 * Send @p (data at the L4 header, checksum done or marked for offload)
 * through @f if it is usable, else through rts_ip6_send_ref (and rebuild
 * @f for next time). Always consumes @p.
 */
int rts_flow6_output(struct rts_ctx *ctx, struct rts_flow6 *f,
		     struct rts_pkt *p, const struct rts_ip *src,
		     const struct rts_ip *dst, uint8_t proto);

#endif
