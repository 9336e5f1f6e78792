/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — IPv6 routing for a host: source address selection (RFC 6724
 * §5, the rules that matter with one interface), the next hop (RFC 4861
 * §5.2: on-link destinations directly, the rest through a default router)
 * and the path MTU cache (RFC 8201).
 */
#include "ip6.h"

/* ------------------------------------------------------ source selection */
/*
 * Is candidate @a better than @b as a source for @dst? RFC 6724 §5 rules 1
 * (same address), 2 (appropriate scope), 3 (avoid deprecated) and 8
 * (longest matching prefix); the others need policy we do not have.
 */
static bool src_better(const struct rts_ip6_addr *a,
		       const struct rts_ip6_addr *b, const struct rts_ip *dst)
{
	uint8_t ds = rts_ip6_scope(dst);
	uint8_t as = rts_ip6_scope(&a->ip), bs = rts_ip6_scope(&b->ip);
	bool a_dep = a->state == RTS_IP6_ADDR_DEPRECATED;
	bool b_dep = b->state == RTS_IP6_ADDR_DEPRECATED;

	if (rts_ip_eq(&a->ip, dst) != rts_ip_eq(&b->ip, dst))
		return rts_ip_eq(&a->ip, dst);
	if (as != bs) {
		if (as < bs)
			return as >= ds;
		return bs < ds;
	}
	if (a_dep != b_dep)
		return b_dep;
	return rts_ip6_common_prefix_len(&a->ip, dst) >
	       rts_ip6_common_prefix_len(&b->ip, dst);
}

bool rts_ip6_select_src(const struct rts_ctx *ctx, const struct rts_ip *dst,
			struct rts_ip *src)
{
	const struct rts_ip6_addr *best = NULL;

	for (unsigned i = 0; i < RTS_IP6_MAX_ADDRS; i++) {
		const struct rts_ip6_addr *a = &ctx->ip6.addrs[i];

		if (a->state != RTS_IP6_ADDR_PREFERRED &&
		    a->state != RTS_IP6_ADDR_DEPRECATED)
			continue;
		if (best == NULL || src_better(a, best, dst))
			best = a;
	}
	if (best == NULL)
		return false;
	*src = best->ip;
	return true;
}

/* ------------------------------------------------------------ next hop */
/*
 * Is @dst on-link? *@until: when the reason stops holding (an RA prefix's
 * valid lifetime; UINT64_MAX for link-local, multicast, configured ones).
 */
static bool on_link_until(const struct rts_ctx *ctx, const struct rts_ip *dst,
			  uint64_t *until)
{
	const struct rts_ip6_tables *t = &ctx->ip6;

	*until = UINT64_MAX;
	if (rts_ip6_is_link_local(dst) || rts_ip6_is_multicast(dst))
		return true;
	for (unsigned i = 0; i < RTS_IP6_MAX_ADDRS; i++) {
		const struct rts_ip6_addr *a = &t->addrs[i];

		/* a configured /128 says nothing about its neighbours */
		if (a->state != RTS_IP6_ADDR_FREE &&
		    a->origin != RTS_IP6_ORIGIN_SLAAC && a->prefix_len < 128 &&
		    rts_ip6_prefix_match(&a->ip, dst, a->prefix_len))
			return true;
	}
	for (unsigned i = 0; i < RTS_IP6_MAX_PREFIXES; i++) {
		const struct rts_ip6_prefix *p = &t->prefixes[i];

		if (p->len != 0 && p->expire_ns > ctx->now_ns &&
		    rts_ip6_prefix_match(&p->prefix, dst, p->len)) {
			*until = p->expire_ns;
			return true;
		}
	}
	return false;
}

bool rts_ip6_on_link(const struct rts_ctx *ctx, const struct rts_ip *dst)
{
	uint64_t until;

	return on_link_until(ctx, dst, &until);
}

/*
 * The default router (RFC 4861 §6.3.6): the configured one, else a learnt
 * one whose neighbour entry is not known to be failing, else any.
 * *@until: when its router lifetime ends.
 */
static bool default_router(struct rts_ctx *ctx, struct rts_ip *gw,
			   uint64_t *until)
{
	const struct rts_ip6_router *fallback = NULL;

	*until = UINT64_MAX;
	if (!rts_ip_is_any(&ctx->cfg.gw6) && !rts_ip_is_v4(&ctx->cfg.gw6)) {
		*gw = ctx->cfg.gw6;
		return true;
	}
	for (unsigned i = 0; i < RTS_IP6_MAX_ROUTERS; i++) {
		const struct rts_ip6_router *r = &ctx->ip6.routers[i];
		const struct rts_neigh *n;

		if (rts_ip6_is_unspecified(&r->ip) || r->expire_ns <= ctx->now_ns)
			continue;
		n = rts_neigh_find(ctx, &r->ip);
		if (n != NULL && n->state != RTS_NEIGH_INCOMPLETE) {
			*gw = r->ip;
			*until = r->expire_ns;
			return true;
		}
		if (fallback == NULL)
			fallback = r;
	}
	if (fallback == NULL)
		return false;
	*gw = fallback->ip;
	*until = fallback->expire_ns;
	return true;
}

int rts_ip6_next_hop_until(struct rts_ctx *ctx, const struct rts_ip *dst,
			   struct rts_ip *nh, uint64_t *until)
{
	if (on_link_until(ctx, dst, until)) {
		*nh = *dst;
		return 0;
	}
	return default_router(ctx, nh, until) ? 0 : RTS_ENETUNREACH;
}

int rts_ip6_next_hop(struct rts_ctx *ctx, const struct rts_ip *dst,
		     struct rts_ip *nh)
{
	uint64_t until;

	return rts_ip6_next_hop_until(ctx, dst, nh, &until);
}

int rts_ip6_route(struct rts_ctx *ctx, const struct rts_ip *dst,
		  const struct rts_ip *src_hint, struct rts_route *rt)
{
	if (rts_ip6_is_unspecified(dst) || rts_ip6_is_loopback(dst))
		return RTS_ENETUNREACH;
	if (src_hint && !rts_ip_is_any(src_hint)) {
		/* tentative is fine: a connection may be opened while DAD
		 * runs; its packets wait (ip6_tx_tentative) until it ends */
		if (!rts_ip6_addr_is_local(ctx, src_hint))
			return RTS_EADDRNOTAVAIL;
		rt->src = *src_hint;
	} else if (!rts_ip6_select_src(ctx, dst, &rt->src)) {
		return RTS_EADDRNOTAVAIL;
	}
	if (rts_ip6_next_hop(ctx, dst, &rt->nexthop) != 0)
		return RTS_ENETUNREACH;
	rt->mtu = rts_ip6_pmtu_get(ctx, dst);
	return 0;
}

/* ------------------------------------------------- routers and prefixes */
void rts_ip6_router_update(struct rts_ctx *ctx, const struct rts_ip *ip,
			   uint16_t lifetime_s)
{
	struct rts_ip6_router *slot = NULL, *oldest = NULL;

	for (unsigned i = 0; i < RTS_IP6_MAX_ROUTERS; i++) {
		struct rts_ip6_router *r = &ctx->ip6.routers[i];

		if (rts_ip_eq(&r->ip, ip)) {
			slot = r;
			break;
		}
		if (rts_ip6_is_unspecified(&r->ip) || r->expire_ns <= ctx->now_ns)
			slot = slot ? slot : r;
		else if (oldest == NULL || r->expire_ns < oldest->expire_ns)
			oldest = r;
	}
	if (lifetime_s == 0) { /* §6.3.4: no longer a default router */
		if (slot && rts_ip_eq(&slot->ip, ip)) {
			rts_memset(slot, 0, sizeof(*slot));
			ctx->ip6.route_gen++;
		}
		return;
	}
	if (slot == NULL)
		slot = oldest; /* full: the one expiring first makes room */
	/* a new router may be chosen; a refreshed one moves flows' expiry */
	ctx->ip6.route_gen++;
	slot->ip = *ip;
	slot->expire_ns = ctx->now_ns + lifetime_s * RTS_NS_PER_S;
}

void rts_ip6_prefix_update(struct rts_ctx *ctx, const struct rts_ip *prefix,
			   uint8_t len, uint32_t valid_s)
{
	struct rts_ip6_prefix *slot = NULL;

	for (unsigned i = 0; i < RTS_IP6_MAX_PREFIXES; i++) {
		struct rts_ip6_prefix *p = &ctx->ip6.prefixes[i];

		if (p->len == len && rts_ip6_prefix_match(&p->prefix, prefix, len)) {
			slot = p;
			break;
		}
		if (slot == NULL && (p->len == 0 || p->expire_ns <= ctx->now_ns))
			slot = p;
	}
	if (valid_s == 0) { /* §6.3.4: time the prefix out now */
		if (slot && slot->len == len &&
		    rts_ip6_prefix_match(&slot->prefix, prefix, len)) {
			rts_memset(slot, 0, sizeof(*slot));
			ctx->ip6.route_gen++;
		}
		return;
	}
	if (slot == NULL)
		return; /* list full: the prefix is not on-link for us */
	ctx->ip6.route_gen++; /* new next hops, or a new expiry */
	slot->prefix = *prefix;
	slot->len = len;
	slot->expire_ns = valid_s == 0xffffffffu
				  ? UINT64_MAX
				  : ctx->now_ns + valid_s * RTS_NS_PER_S;
}

/* --------------------------------------------------------- path MTU */
static struct rts_ip6_pmtu *pmtu_slot(struct rts_ctx *ctx,
				      const struct rts_ip *dst)
{
	uint64_t h = (dst->u64[0] ^ dst->u64[1]) * 0x9e3779b97f4a7c15ull;

	return &ctx->ip6.pmtu[h >> 59]; /* 32 slots */
}

uint16_t rts_ip6_pmtu_get_until(struct rts_ctx *ctx, const struct rts_ip *dst,
				uint64_t *until)
{
	struct rts_ip6_pmtu *s = pmtu_slot(ctx, dst);

	*until = UINT64_MAX;
	if (s->mtu == 0 || !rts_ip_eq(&s->dst, dst))
		return ctx->ip6.link_mtu;
	if (s->expire_ns <= ctx->now_ns) { /* RFC 8201 §4: try larger again */
		s->mtu = 0;
		return ctx->ip6.link_mtu;
	}
	*until = s->expire_ns;
	return RTS_MIN(s->mtu, ctx->ip6.link_mtu);
}

uint16_t rts_ip6_pmtu_get(struct rts_ctx *ctx, const struct rts_ip *dst)
{
	uint64_t until;

	return rts_ip6_pmtu_get_until(ctx, dst, &until);
}

uint16_t rts_ip6_pmtu_update(struct rts_ctx *ctx, const struct rts_ip *dst,
			     uint32_t mtu)
{
	uint16_t cur = rts_ip6_pmtu_get(ctx, dst);
	struct rts_ip6_pmtu *s;

	if (mtu < RTS_IP6_MIN_MTU)
		mtu = RTS_IP6_MIN_MTU; /* RFC 8201 §4, RFC 8021 */
	if (mtu >= cur)
		return cur; /* §4: a message never raises the estimate */
	s = pmtu_slot(ctx, dst);
	s->dst = *dst; /* a collision replaces the older entry */
	s->mtu = (uint16_t)mtu;
	s->expire_ns = ctx->now_ns + RTS_IP6_PMTU_AGE_NS;
	ctx->ip6.route_gen++; /* templates built for the larger MTU */
	return (uint16_t)mtu;
}
