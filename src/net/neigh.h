/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — the neighbour cache, shared by ARP (IPv4) and NDP (IPv6).
 *
 * Entries follow the RFC 4861 §7.3.2 state machine for both families:
 *
 *   INCOMPLETE  solicitation sent, packets queue (cfg.neigh_pending_max,
 *               oldest dropped first); 3 tries 1 s apart, then the entry
 *               fails: queued packets dropped, handlers->neigh_failed.
 *   REACHABLE   confirmed recently; after 30 s (randomised 0.5..1.5, RFC
 *               4861 §6.3.2) the timer makes it STALE.
 *   STALE       MAC still used; the first packet sent moves it to DELAY.
 *   DELAY       5 s for an upper layer to confirm (rts_neigh_confirm),
 *               then PROBE.
 *   PROBE       unicast solicitations 1 s apart, 3 tries, then failed.
 *   STATIC      configured; never changes, never expires.
 *
 * Every transition is driven by the entry's timer on the context's wheel
 * or by a packet; nothing scans the table.
 *
 * The family-specific part is the solicitation: net_tables' solicit4 (ARP
 * request, installed by the net layer) and solicit6 (NS, installed by the
 * IPv6 layer with rts_neigh_set_solicit()).
 *
 * Per-flow next-hop cache: a struct rts_neigh_ref kept in a connection
 * lets rts_ip_output_ref() skip the hash lookup. It stays valid while the
 * entry is REACHABLE or STATIC and its generation is unchanged (the entry
 * was not reused and its MAC did not change); anything else falls back to
 * the full lookup, which refreshes the ref. (struct rts_neigh_ref is in
 * net_tables.h.) IPv4 output without a ref uses a one-entry cache of the
 * last destination, so a stream of packets to one peer skips the lookup
 * either way.
 */
#ifndef RTS_NET_NEIGH_H
#define RTS_NET_NEIGH_H

#include "core/internal.h"

/* RFC 4861 §10 protocol constants (also used for ARP). */
#define RTS_NEIGH_REACHABLE_NS (30ull * 1000 * 1000 * 1000)
#define RTS_NEIGH_RETRANS_NS (1000ull * 1000 * 1000)
#define RTS_NEIGH_DELAY_NS (5ull * 1000 * 1000 * 1000)
#define RTS_NEIGH_MAX_MCAST_SOLICIT 3
#define RTS_NEIGH_MAX_UCAST_SOLICIT 3

/* The MAC of a still-valid ref, or NULL (then use the full path). */
static inline const struct rts_mac *
rts_neigh_ref_mac(const struct rts_neigh_ref *r)
{
	const struct rts_neigh *n = r->n;

	if (n != NULL && n->gen == r->gen &&
	    (n->state == RTS_NEIGH_REACHABLE || n->state == RTS_NEIGH_STATIC))
		return &n->mac;
	return NULL;
}

/*
 * May packets keep going to the ref's MAC without the full output path?
 * REACHABLE, DELAY and PROBE send to the cached MAC alike (RFC 4861
 * §7.3.3), STATIC always; STALE takes the full path once, which moves the
 * entry to DELAY. Used by the per-flow header templates (flow4, flow6): a
 * peer that only receives (its ACKs never confirm it) keeps its template.
 */
static inline bool rts_neigh_ref_sendable(const struct rts_neigh_ref *r)
{
	const struct rts_neigh *n = r->n;

	return n != NULL && n->gen == r->gen &&
	       (n->state == RTS_NEIGH_REACHABLE || n->state >= RTS_NEIGH_DELAY);
}

/* Flags of rts_neigh_update(), named after RFC 4861 §7.2.5 / §7.3.3. */
enum rts_neigh_update_flags {
	RTS_NEIGH_F_SOLICITED = 1u << 0, /* an answer to our solicitation */
	RTS_NEIGH_F_OVERRIDE = 1u << 1,  /* may replace a different MAC */
	RTS_NEIGH_F_CREATE = 1u << 2,    /* create the entry if absent */
};

int rts_neigh_init(struct rts_ctx *ctx, struct rts_arena *a);
void rts_neigh_fini(struct rts_ctx *ctx);

void rts_neigh_set_solicit(struct rts_ctx *ctx, enum rts_family fam,
			   rts_neigh_solicit_fn fn);

/* The entry for @ip, or NULL. */
struct rts_neigh *rts_neigh_find(struct rts_ctx *ctx, const struct rts_ip *ip);

/*
 * Send @p (p->data at the IPv4 or IPv6 header; the Ethernet type follows
 * from the version nibble) to the neighbour @nexthop: now if its MAC is
 * known (STALE moves to DELAY), else queued and a solicitation sent.
 * Always consumes @p. Returns 0 (sent or queued) or RTS_ENOBUFS /
 * RTS_ENOSPC (dropped, counted). @ref, if not NULL, is refreshed.
 */
int rts_neigh_output(struct rts_ctx *ctx, struct rts_pkt *p,
		     const struct rts_ip *nexthop, struct rts_neigh_ref *ref);

/*
 * rts_neigh_output() for fragments: with RTS_NEIGH_Q_CONT the packet
 * continues the datagram queued just before it and does not count against
 * cfg.neigh_pending_max on its own (a 64 KiB datagram is one entry).
 */
#define RTS_NEIGH_Q_CONT 1u
int rts_neigh_output_q(struct rts_ctx *ctx, struct rts_pkt *p,
		       const struct rts_ip *nexthop, struct rts_neigh_ref *ref,
		       unsigned qflags);

/*
 * A link-layer address for @ip was seen (ARP reply or request, NA, NS with
 * a source option, ...). Applies RFC 4861 §7.2.5 (solicited / override)
 * and §7.3.3 rules; flushes queued packets once the MAC is known. Returns
 * the entry, or NULL if there is none (and none was created).
 */
struct rts_neigh *rts_neigh_update(struct rts_ctx *ctx, const struct rts_ip *ip,
				   const struct rts_mac *mac, unsigned flags);

/*
 * Upper-layer reachability confirmation (RFC 4861 §7.3.1): e.g. TCP saw new
 * data acknowledged. Cheap; ignores invalid refs.
 */
void rts_neigh_confirm(struct rts_ctx *ctx, const struct rts_neigh_ref *ref);

/* Prepend the Ethernet header to @p (data at L3) and queue it for TX. */
void rts_eth_output(struct rts_ctx *ctx, struct rts_pkt *p,
		    const struct rts_mac *dst, uint16_t type);

#endif
