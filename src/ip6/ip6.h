/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — the IPv6 layer's internal interfaces.
 *
 *   ip6_addr.c   our addresses, multicast membership, DAD (RFC 4862)
 *   ip6_route.c  source selection (RFC 6724), next hop, path MTU (RFC 8201)
 *   ip6_input.c  header validation, the extension-header walk, demux
 *   ip6_output.c the IPv6 header, fragmentation, link-layer resolution
 *   ip6_reass.c  fragment reassembly (RFC 8200 §4.5, RFC 5722)
 *   icmp6.c      ICMPv6 echo, errors in and out, ping (RFC 4443)
 *   nd.c         Neighbor Discovery (RFC 4861), router solicitation,
 *                SLAAC (RFC 4862 §5.5)
 */
#ifndef RTS_IP6_IP6_H
#define RTS_IP6_IP6_H

#include "core/internal.h"
#include "net/net.h"
#include "wire/icmpv6.h"
#include "wire/ip6ext.h"
#include "wire/ipv6.h"
#include "wire/ndp.h"

#define RTS_NS_PER_S (1000ull * 1000 * 1000)
#define RTS_NS_PER_MS (1000ull * 1000)
/* RFC 4861 §10 host constants. */
#define RTS_ND_RETRANS_TIMER_NS (1000 * RTS_NS_PER_MS)
#define RTS_ND_RTR_SOLICIT_INTERVAL_NS (4 * RTS_NS_PER_S)
/* RFC 8201 §4: an increased estimate is tried after at least 5 min. */
#define RTS_IP6_PMTU_AGE_NS (600 * RTS_NS_PER_S)

/* ---------------------------------------------------------- addresses */
void rts_ip6_addr_start(struct rts_ctx *ctx);
void rts_ip6_addr_fini(struct rts_ctx *ctx);
/*
 * Add @ip/@plen (state TENTATIVE while DAD runs, else PREFERRED). NULL when
 * the table is full or the address is there already.
 */
struct rts_ip6_addr *rts_ip6_addr_add(struct rts_ctx *ctx,
				      const struct rts_ip *ip, uint8_t plen,
				      uint8_t origin);
/* Our slot for @ip in any state but FREE, or NULL. */
struct rts_ip6_addr *rts_ip6_addr_find(struct rts_ctx *ctx,
				       const struct rts_ip *ip);
/* Is @ip ours and usable (PREFERRED or DEPRECATED)? */
bool rts_ip6_addr_usable(const struct rts_ctx *ctx, const struct rts_ip *ip);
/*
 * The is_local hook: ours and not a DAD failure. Tentative addresses count,
 * so an app may bind and listen before DAD ends.
 */
bool rts_ip6_addr_is_local(const struct rts_ctx *ctx, const struct rts_ip *ip);
/* Is @group a multicast group we listen to (all-nodes, solicited-node)? */
bool rts_ip6_mcast_member(const struct rts_ctx *ctx, const struct rts_ip *group);
/* New SLAAC lifetimes (absolute; UINT64_MAX: infinite). */
void rts_ip6_addr_lifetimes(struct rts_ctx *ctx, struct rts_ip6_addr *a,
			    uint64_t preferred_until_ns, uint64_t valid_until_ns);
/* DAD found another owner (RFC 4862 §5.4.5). */
void rts_ip6_addr_dad_failed(struct rts_ctx *ctx, struct rts_ip6_addr *a);

/* ------------------------------------ interface identifiers (RFC 7217) */
#define RTS_IP6_IDGEN_RETRIES 3 /* RFC 7217 §7 */
#define RTS_IP6_IDGEN_DELAY_NS (1 * RTS_NS_PER_S)
/* @prefix (its first 64 bits) + the RFC 7217 §5 RID for @dad_counter. */
struct rts_ip rts_ip6_stable_addr(const struct rts_ctx *ctx,
				  const struct rts_ip *prefix,
				  uint8_t dad_counter);
/* Is @a's interface identifier a reserved one (RFC 5453)? */
bool rts_ip6_iid_reserved(const struct rts_ip *a);
/*
 * The address to form in @prefix: EUI-64 of the MAC, or with
 * cfg.ip6.stable_iid the stable one for *@dad_counter, stepping the
 * counter past reserved identifiers.
 */
struct rts_ip rts_ip6_iid_addr(const struct rts_ctx *ctx,
			       const struct rts_ip *prefix,
			       uint8_t *dad_counter);

/* -------------------------------------------------------------- routes */
/* The rts_ip6_hooks route hook: source, next hop, path MTU. */
int rts_ip6_route(struct rts_ctx *ctx, const struct rts_ip *dst,
		  const struct rts_ip *src_hint, struct rts_route *rt);
/* RFC 6724 §5 source selection; false when we have no usable address. */
bool rts_ip6_select_src(const struct rts_ctx *ctx, const struct rts_ip *dst,
			struct rts_ip *src);
/* Next hop for @dst: itself when on-link or multicast, else a router. */
int rts_ip6_next_hop(struct rts_ctx *ctx, const struct rts_ip *dst,
		     struct rts_ip *nh);
/* rts_ip6_next_hop() and when the router or RA prefix behind it expires
 * (UINT64_MAX: never). */
int rts_ip6_next_hop_until(struct rts_ctx *ctx, const struct rts_ip *dst,
			   struct rts_ip *nh, uint64_t *until);
/* Is @dst on-link (link-local, or in one of our or an RA's prefixes)? */
bool rts_ip6_on_link(const struct rts_ctx *ctx, const struct rts_ip *dst);
uint16_t rts_ip6_pmtu_get(struct rts_ctx *ctx, const struct rts_ip *dst);
/* The same, and until when it holds (the entry ages out: RFC 8201 §4). */
uint16_t rts_ip6_pmtu_get_until(struct rts_ctx *ctx, const struct rts_ip *dst,
				uint64_t *until);
/* A packet too big said @mtu: lower the estimate (never below 1280). */
uint16_t rts_ip6_pmtu_update(struct rts_ctx *ctx, const struct rts_ip *dst,
			     uint32_t mtu);
/* Routers and prefixes from router advertisements (RFC 4861 §6.3.4). */
void rts_ip6_router_update(struct rts_ctx *ctx, const struct rts_ip *ip,
			   uint16_t lifetime_s);
void rts_ip6_prefix_update(struct rts_ctx *ctx, const struct rts_ip *prefix,
			   uint8_t len, uint32_t valid_s);

/* -------------------------------------------------------------- output */
/*
 * Send @p (data at the upper-layer header) with the given hop limit; the
 * checksum must be complete or marked for offload. Fragments what exceeds
 * the path MTU (not TSO packets). Consumes @p.
 */
int rts_ip6_send(struct rts_ctx *ctx, struct rts_pkt *p,
		 const struct rts_ip *src, const struct rts_ip *dst,
		 uint8_t proto, uint8_t hop_limit);

/* rts_ip6_send() with a flow's next-hop cache @ref (refreshed; may be
 * NULL: the one-entry cache of the last destination serves instead). */
int rts_ip6_send_ref(struct rts_ctx *ctx, struct rts_pkt *p,
		     const struct rts_ip *src, const struct rts_ip *dst,
		     uint8_t proto, uint8_t hop_limit,
		     struct rts_neigh_ref *ref);

/*
 * Send a small control packet (@p data at the upper layer) straight to
 * @mac, or when @mac is NULL to @dst's neighbour entry (resolving it) or
 * multicast group; no routing, no fragmentation. Consumes @p.
 */
int rts_ip6_send_link(struct rts_ctx *ctx, struct rts_pkt *p,
		      const struct rts_ip *src, const struct rts_ip *dst,
		      uint8_t proto, uint8_t hop_limit,
		      const struct rts_mac *mac);

/* ---------------------------------------------------------- reassembly */
void rts_ip6_reass_init(struct rts_ctx *ctx);
void rts_ip6_reass_fini(struct rts_ctx *ctx);
/*
 * Take the fragment @p (data at the IPv6 header, length trimmed to the
 * datagram, @ext the walk that stopped at its fragment header). Returns
 * the reassembled datagram (data at the IPv6 header, Fragment header gone)
 * or NULL (held or dropped, counted).
 */
struct rts_pkt *rts_ip6_reass_input(struct rts_ctx *ctx, struct rts_pkt *p,
				    const struct rts_ip6_hdr *ip,
				    const struct rts_ip6ext_info *ext);

/* --------------------------------------------------------------- ICMPv6 */
/* @p->data at the ICMPv6 header; @p->l3_len bytes of IPv6 headers before. */
void rts_icmp6_input(struct rts_ctx *ctx, struct rts_pkt *p,
		     const struct rts_ip6_hdr *ip, const struct rts_l3_info *l3,
		     bool reassembled);
/*
 * Send an ICMPv6 error about @p, whose IPv6 header is at @p->data -
 * @p->l3_len (pass l3_len 0 when @p->data is at it), applying RFC 4443
 * §2.4 (e) and the rate limit. @p stays the caller's.
 */
void rts_icmp6_send_error(struct rts_ctx *ctx, const struct rts_pkt *p,
			  uint8_t type, uint8_t code, uint32_t param);
/* The rts_ip6_hooks port-unreachable hook. */
void rts_icmp6_port_unreach(struct rts_ctx *ctx, struct rts_pkt *p,
			    const struct rts_l3_info *l3);
/* The rts_ip6_hooks ping hook. */
int rts_icmp6_ping(struct rts_ctx *ctx, const struct rts_ip *dst, uint16_t id,
		   uint16_t seq, uint32_t len);
/* A fresh packet holding an ICMPv6 message of @len bytes (data at it). */
struct rts_pkt *rts_icmp6_alloc(struct rts_ctx *ctx, uint32_t len);
/* Checksum the message in @p and send it. Consumes @p. */
int rts_icmp6_output(struct rts_ctx *ctx, struct rts_pkt *p,
		     const struct rts_ip *src, const struct rts_ip *dst,
		     uint8_t hop_limit);
/* Store the checksum of the message in @p (data at it). */
void rts_icmp6_finish(struct rts_pkt *p, const struct rts_ip *src,
		      const struct rts_ip *dst);

/* ------------------------------------------------------------------ ND */
void rts_nd_start(struct rts_ctx *ctx);
void rts_nd_fini(struct rts_ctx *ctx);
/* An ND message (already checksum-verified): @b, @len at the ICMPv6 header. */
void rts_nd_input(struct rts_ctx *ctx, const uint8_t *b, uint32_t len,
		  const struct rts_ip6_hdr *ip);
/* The neighbour cache's solicitation hook for IPv6 entries. */
void rts_nd_solicit(struct rts_ctx *ctx, struct rts_neigh *n, bool unicast);
/* DAD: send one solicitation for the tentative @a (RFC 4862 §5.4.2). */
void rts_nd_send_dad(struct rts_ctx *ctx, struct rts_ip6_addr *a);

/* ----------------------------------------------------------------- MLD */
void rts_mld_init(struct rts_ctx *ctx);
void rts_mld_fini(struct rts_ctx *ctx);
/* Our address set changed: report the groups (if cfg.ip6.mld). */
void rts_mld_groups_changed(struct rts_ctx *ctx);
/* An MLD query (@b, @len at the ICMPv6 header, contiguous). */
void rts_mld_query(struct rts_ctx *ctx, const uint8_t *b, uint32_t len,
		   const struct rts_ip6_hdr *ip);

#endif
