/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — the net layer's internal interfaces: Ethernet, ARP, IPv4,
 * reassembly, path MTU, ICMP and UDP, plus packet-chain helpers.
 *
 * For the IPv6 layer: rts_udp_input() takes struct rts_l3_info and serves
 * both families; rts_neigh_* (neigh.h) is the shared neighbour cache; the
 * hooks in struct rts_ip6_hooks (net_tables.h, ctx->net.ip6) let the IPv6
 * layer plug routing, ping and port unreachable in.
 */
#ifndef RTS_NET_NET_H
#define RTS_NET_NET_H

#include "core/internal.h"
#include "neigh.h"
#include "wire/eth.h"
#include "wire/ipv4.h"

/* ----------------------------------------------------------- addresses */
/* Is @a_be (wire order) one of our IPv4 addresses? */
static inline bool rts_ip4_is_local(const struct rts_ctx *ctx, uint32_t a_be)
{
	const struct rts_net_tables *t = &ctx->net;

	for (uint32_t i = 0; i < t->n_if4; i++)
		if (t->if4[i].addr_be == a_be)
			return true;
	return false;
}

/* Limited or subnet-directed broadcast of one of our subnets. */
static inline bool rts_ip4_is_bcast(const struct rts_ctx *ctx, uint32_t a_be)
{
	const struct rts_net_tables *t = &ctx->net;

	if (a_be == 0xffffffffu)
		return true;
	for (uint32_t i = 0; i < t->n_if4; i++)
		if (t->if4[i].bcast_be == a_be && t->if4[i].mask_be != 0xffffffffu)
			return true;
	return false;
}

/* Index into ctx->net.if4 of the subnet holding @a_be, or -1. */
static inline int rts_ip4_onlink(const struct rts_ctx *ctx, uint32_t a_be)
{
	const struct rts_net_tables *t = &ctx->net;

	for (uint32_t i = 0; i < t->n_if4; i++)
		if (((a_be ^ t->if4[i].addr_be) & t->if4[i].mask_be) == 0)
			return (int)i;
	return -1;
}

/* -------------------------------------------------------- layer entries */
void rts_arp_input(struct rts_ctx *ctx, struct rts_pkt *p,
		   const struct rts_eth *eh);
void rts_arp_solicit(struct rts_ctx *ctx, struct rts_neigh *n, bool unicast);
void rts_arp_announce(struct rts_ctx *ctx);

void rts_ip4_input(struct rts_ctx *ctx, struct rts_pkt *p);

/*
 * IPv4 output with an optional per-flow next-hop cache (see neigh.h).
 * Same contract as rts_ip_output(): @p->data at the L4 header, consumed.
 */
int rts_ip4_output(struct rts_ctx *ctx, struct rts_pkt *p,
		   const struct rts_ip *src, const struct rts_ip *dst,
		   uint8_t proto, bool df, struct rts_neigh_ref *ref);

/*
 * rts_ip_output() for either family with a next-hop cache @ref (may be
 * NULL): what TCP calls per segment. IPv6 ignores @ref for now.
 */
int rts_ip_output_ref(struct rts_ctx *ctx, struct rts_pkt *p,
		      const struct rts_ip *src, const struct rts_ip *dst,
		      uint8_t proto, bool df, struct rts_neigh_ref *ref);

/* ------------------------------------------------------- path MTU cache */
/* Path MTU towards @dst_be: the link MTU unless ICMP said less. */
uint16_t rts_pmtu_get(struct rts_ctx *ctx, uint32_t dst_be);
/* Lower the path MTU (RFC 1191); floor 552, never raised. Returns the
 * value now in effect. */
uint16_t rts_pmtu_update(struct rts_ctx *ctx, uint32_t dst_be, uint32_t mtu);
#define RTS_PMTU_MIN 552
#define RTS_PMTU_AGE_NS (600ull * 1000 * 1000 * 1000) /* RFC 1191 §6.3 */

/* -------------------------------------------------------- reassembly */
int rts_reass4_init(struct rts_ctx *ctx, struct rts_arena *a);
void rts_reass4_fini(struct rts_ctx *ctx);
/*
 * Take a fragment (@p->data at its payload, header @ip already checked).
 * Returns the whole datagram as a chain with data at the L4 header and
 * pkt_len = the payload length, or NULL (held or dropped).
 */
struct rts_pkt *rts_reass4_input(struct rts_ctx *ctx, struct rts_pkt *p,
				 const struct rts_ipv4 *ip);

/* --------------------------------------------------------------- ICMP */
void rts_icmp_input(struct rts_ctx *ctx, struct rts_pkt *p,
		    const struct rts_l3_info *l3);
/*
 * Send an ICMP error about the received datagram @p (data at its L4
 * header, its IPv4 header of p->l3_len bytes just before). Applies the
 * RFC 1122 §3.2.2 rules and the rate limit. @p stays the caller's.
 */
void rts_icmp_send_error(struct rts_ctx *ctx, const struct rts_pkt *p,
			 const struct rts_l3_info *l3, uint8_t type,
			 uint8_t code);
void rts_icmp_init(struct rts_ctx *ctx);
/* Take a token from the ICMP error bucket (both families). */
bool rts_icmp_rate_ok(struct rts_ctx *ctx);

/* ---------------------------------------------------------------- UDP */
int rts_udp_init(struct rts_ctx *ctx, struct rts_arena *a);
/*
 * A UDP datagram of either family: @p->data at the UDP header, pkt_len >=
 * l3->l4_len. Verifies, demuxes and hands it to the bound callback.
 */
void rts_udp_input(struct rts_ctx *ctx, struct rts_pkt *p,
		   const struct rts_l3_info *l3);

/* ------------------------------------------------- packet chain helpers */
/* Cut the chain @p to @len bytes (len <= pkt_len), freeing spare segments. */
void rts_pkt_trim(struct rts_ctx *ctx, struct rts_pkt *p, uint32_t len);
/* Copy @len bytes from @off in the chain into @dst. */
void rts_pkt_copy_out(const struct rts_pkt *p, uint32_t off, uint32_t len,
		      void *dst);
/* Copy @len bytes from @src into the chain at @off (which must hold them). */
void rts_pkt_copy_in(struct rts_pkt *p, uint32_t off, const void *src,
		     uint32_t len);
/*
 * The chain @p copied into one fresh buffer (offload marks kept) for a
 * device without RTS_CAP_MULTI_SEG; @p is consumed. NULL (counted, @p
 * freed) when out of buffers or when it does not fit in one.
 */
struct rts_pkt *rts_pkt_linearize(struct rts_ctx *ctx, struct rts_pkt *p);
/*
 * A new chain of exactly @len bytes (contents undefined) whose first
 * segment holds at least min(@len, @first_min) bytes. NULL when out of
 * buffers (counted).
 */
struct rts_pkt *rts_pkt_alloc_len(struct rts_ctx *ctx, uint32_t len,
				  uint32_t first_min);

#endif
