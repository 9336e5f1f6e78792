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

#define RTS_FLOW4_HLEN 34 /* Ethernet II + IPv4 without options */

struct rts_flow4 {
	uint8_t hdr[RTS_FLOW4_HLEN];
	bool ready;
	uint16_t sum;               /* folded sum of the constant IPv4 fields */
	struct rts_neigh_ref nh;
};

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
