/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — our IPv6 addresses: the configured ones, the link-local one
 * derived from the MAC, and SLAAC ones; their duplicate address detection
 * (RFC 4862 §5.4) and lifetimes (§5.5.4); the multicast groups we listen to
 * (all-nodes and each address's solicited-node group, RFC 4861 §7.2.1).
 */
#include "ip6.h"

static void addr_timer(struct rts_ctx *ctx, struct rts_timer *t,
		       uint64_t now_ns);

struct rts_ip6_addr *rts_ip6_addr_find(struct rts_ctx *ctx,
				       const struct rts_ip *ip)
{
	for (unsigned i = 0; i < RTS_IP6_MAX_ADDRS; i++) {
		struct rts_ip6_addr *a = &ctx->ip6.addrs[i];

		if (a->state != RTS_IP6_ADDR_FREE && rts_ip_eq(&a->ip, ip))
			return a;
	}
	return NULL;
}

bool rts_ip6_addr_usable(const struct rts_ctx *ctx, const struct rts_ip *ip)
{
	for (unsigned i = 0; i < RTS_IP6_MAX_ADDRS; i++) {
		const struct rts_ip6_addr *a = &ctx->ip6.addrs[i];

		if ((a->state == RTS_IP6_ADDR_PREFERRED ||
		     a->state == RTS_IP6_ADDR_DEPRECATED) &&
		    rts_ip_eq(&a->ip, ip))
			return true;
	}
	return false;
}

bool rts_ip6_addr_is_local(const struct rts_ctx *ctx, const struct rts_ip *ip)
{
	for (unsigned i = 0; i < RTS_IP6_MAX_ADDRS; i++) {
		const struct rts_ip6_addr *a = &ctx->ip6.addrs[i];

		if (a->state != RTS_IP6_ADDR_FREE &&
		    a->state != RTS_IP6_ADDR_DUPLICATE && rts_ip_eq(&a->ip, ip))
			return true;
	}
	return false;
}

bool rts_ip6_mcast_member(const struct rts_ctx *ctx, const struct rts_ip *group)
{
	struct rts_ip all = rts_ip6_all_nodes();
	bool all_nodes = rts_ip_eq(group, &all);

	if (!all_nodes && !rts_ip6_is_solicited_node(group))
		return false; /* only these link-scope groups are joined */
	for (unsigned i = 0; i < RTS_IP6_MAX_ADDRS; i++) {
		const struct rts_ip6_addr *a = &ctx->ip6.addrs[i];

		/* tentative addresses listen too, to see DAD (RFC 4862 §5.4.2);
		 * with no address at all, IPv6 is off and nothing is joined */
		if ((a->state == RTS_IP6_ADDR_TENTATIVE ||
		     a->state == RTS_IP6_ADDR_PREFERRED ||
		     a->state == RTS_IP6_ADDR_DEPRECATED) &&
		    (all_nodes ||
		     rts_memcmp(&a->ip.u8[13], &group->u8[13], 3) == 0))
			return true;
	}
	return false;
}

/* Arm the timer for the next lifetime event of a usable address. */
static void arm_lifetime(struct rts_ctx *ctx, struct rts_ip6_addr *a)
{
	uint64_t at = a->valid_until_ns;

	if (a->state == RTS_IP6_ADDR_PREFERRED && a->preferred_until_ns < at)
		at = a->preferred_until_ns;
	if (at == UINT64_MAX)
		rts_timer_cancel(ctx, &a->timer);
	else
		rts_timer_arm(ctx, &a->timer, at);
}

static void addr_free(struct rts_ctx *ctx, struct rts_ip6_addr *a)
{
	rts_timer_cancel(ctx, &a->timer);
	a->state = RTS_IP6_ADDR_FREE;
	ctx->ip6.mcast_gen++;
	ctx->ip6.route_gen++; /* its prefix may have made next hops on-link */
}

/* A DAD step: another solicitation, or the address becomes preferred. */
static void dad_step(struct rts_ctx *ctx, struct rts_ip6_addr *a)
{
	if (a->dad_left > 0) {
		a->dad_left--;
		rts_nd_send_dad(ctx, a);
		rts_timer_arm(ctx, &a->timer,
			      ctx->now_ns + RTS_ND_RETRANS_TIMER_NS);
		return;
	}
	a->state = RTS_IP6_ADDR_PREFERRED; /* RFC 4862 §5.4.3 ends quietly */
	ctx->ip6.route_gen++; /* a source now: send caches may use it */
	if (a->preferred_until_ns <= ctx->now_ns)
		a->state = RTS_IP6_ADDR_DEPRECATED;
	arm_lifetime(ctx, a);
}

static void addr_timer(struct rts_ctx *ctx, struct rts_timer *t,
		       uint64_t now_ns)
{
	struct rts_ip6_addr *a = rts_container_of(t, struct rts_ip6_addr, timer);

	switch (a->state) {
	case RTS_IP6_ADDR_TENTATIVE:
		dad_step(ctx, a);
		break;
	case RTS_IP6_ADDR_PREFERRED:
	case RTS_IP6_ADDR_DEPRECATED:
		if (now_ns >= a->valid_until_ns) {
			addr_free(ctx, a); /* RFC 4862 §5.5.4: invalid */
			return;
		}
		if (now_ns >= a->preferred_until_ns)
			a->state = RTS_IP6_ADDR_DEPRECATED;
		arm_lifetime(ctx, a);
		break;
	default:
		break;
	}
}

struct rts_ip6_addr *rts_ip6_addr_add(struct rts_ctx *ctx,
				      const struct rts_ip *ip, uint8_t plen,
				      uint8_t origin)
{
	struct rts_ip6_addr *a = NULL;

	if (rts_ip6_addr_find(ctx, ip) != NULL)
		return NULL;
	for (unsigned i = 0; i < RTS_IP6_MAX_ADDRS && a == NULL; i++)
		if (ctx->ip6.addrs[i].state == RTS_IP6_ADDR_FREE)
			a = &ctx->ip6.addrs[i];
	if (a == NULL)
		return NULL;
	rts_memset(a, 0, sizeof(*a));
	rts_timer_init(&a->timer, addr_timer);
	a->ip = *ip;
	a->prefix_len = plen;
	a->origin = origin;
	a->preferred_until_ns = UINT64_MAX;
	a->valid_until_ns = UINT64_MAX;
	a->state = RTS_IP6_ADDR_TENTATIVE;
	a->dad_left = ctx->cfg.ip6.dad_transmits;
	for (unsigned i = 0; i < 6; i++)
		a->nonce[i] = (uint8_t)rts_random(ctx);
	ctx->ip6.mcast_gen++;
	ctx->ip6.route_gen++;
	rts_mld_groups_changed(ctx);
	dad_step(ctx, a);
	return a;
}

void rts_ip6_addr_lifetimes(struct rts_ctx *ctx, struct rts_ip6_addr *a,
			    uint64_t preferred_until_ns, uint64_t valid_until_ns)
{
	a->preferred_until_ns = preferred_until_ns;
	a->valid_until_ns = valid_until_ns;
	if (a->state != RTS_IP6_ADDR_PREFERRED &&
	    a->state != RTS_IP6_ADDR_DEPRECATED)
		return; /* DAD applies them when it ends */
	a->state = preferred_until_ns > ctx->now_ns ? RTS_IP6_ADDR_PREFERRED
						    : RTS_IP6_ADDR_DEPRECATED;
	arm_lifetime(ctx, a);
}

/*
 * RFC 7217 §6: after a conflict, the identifier for the next DAD_Counter
 * takes the slot (same prefix, lifetimes kept) and runs DAD after
 * IDGEN_DELAY; false once IDGEN_RETRIES are used up.
 */
static bool stable_retry(struct rts_ctx *ctx, struct rts_ip6_addr *a)
{
	uint8_t counter = a->dad_counter;
	struct rts_ip next;

	do {
		if (counter >= RTS_IP6_IDGEN_RETRIES)
			return false;
		counter++;
		next = rts_ip6_iid_addr(ctx, &a->ip, &counter);
	} while (rts_ip6_iid_reserved(&next) ||
		 rts_ip6_addr_find(ctx, &next) != NULL);
	ctx->cnt.nd_stable_iid_retry++;
	a->ip = next;
	a->dad_counter = counter;
	a->state = RTS_IP6_ADDR_TENTATIVE;
	a->dad_left = ctx->cfg.ip6.dad_transmits;
	for (unsigned i = 0; i < 6; i++)
		a->nonce[i] = (uint8_t)rts_random(ctx);
	ctx->ip6.mcast_gen++; /* a new solicited-node group */
	rts_mld_groups_changed(ctx);
	rts_timer_arm(ctx, &a->timer, ctx->now_ns + RTS_IP6_IDGEN_DELAY_NS);
	return true;
}

void rts_ip6_addr_dad_failed(struct rts_ctx *ctx, struct rts_ip6_addr *a)
{
	ctx->cnt.nd_dad_conflict++;
	ctx->ip6.route_gen++;
	rts_timer_cancel(ctx, &a->timer);
	if (ctx->cfg.ip6.stable_iid && a->origin != RTS_IP6_ORIGIN_CONFIG &&
	    stable_retry(ctx, a))
		return;
	/* Kept in the table so the address is never used nor re-added. */
	a->state = RTS_IP6_ADDR_DUPLICATE;
}

void rts_ip6_addr_start(struct rts_ctx *ctx)
{
	const struct rts_config *cfg = &ctx->cfg;

	if (cfg->ip6.link_local) {
		struct rts_ip ll = rts_ip6_link_local_from_mac(&cfg->mac);
		struct rts_ip6_addr *a;
		uint8_t counter = 0;

		if (cfg->ip6.stable_iid) /* RFC 7217 for fe80::/64 too */
			ll = rts_ip6_iid_addr(ctx, &ll, &counter);
		a = rts_ip6_addr_add(ctx, &ll, 64, RTS_IP6_ORIGIN_LINK_LOCAL);
		if (a != NULL)
			a->dad_counter = counter;
	}
	for (unsigned i = 0; i < cfg->n_addrs; i++) {
		const struct rts_addr_config *ac = &cfg->addrs[i];

		if (rts_ip_is_v4(&ac->ip) || rts_ip6_is_unspecified(&ac->ip) ||
		    rts_ip6_is_multicast(&ac->ip))
			continue;
		rts_ip6_addr_add(ctx, &ac->ip, ac->prefix,
				 RTS_IP6_ORIGIN_CONFIG);
	}
}

void rts_ip6_addr_fini(struct rts_ctx *ctx)
{
	for (unsigned i = 0; i < RTS_IP6_MAX_ADDRS; i++)
		rts_timer_cancel(ctx, &ctx->ip6.addrs[i].timer);
}

/* ------------------------------------------------ multicast MAC filter */
static bool listens(const struct rts_ip6_addr *a)
{
	return a->state != RTS_IP6_ADDR_FREE &&
	       a->state != RTS_IP6_ADDR_DUPLICATE;
}

/* Does an earlier address already have @a's solicited-node group? */
static bool group_seen(const struct rts_ctx *ctx, unsigned i)
{
	const struct rts_ip6_addr *a = &ctx->ip6.addrs[i];

	for (unsigned j = 0; j < i; j++)
		if (listens(&ctx->ip6.addrs[j]) &&
		    rts_memcmp(&ctx->ip6.addrs[j].ip.u8[13], &a->ip.u8[13], 3) ==
			    0)
			return true;
	return false;
}

unsigned rts_mcast_macs(const struct rts_ctx *ctx, struct rts_mac *macs,
			unsigned max)
{
	struct rts_ip all = rts_ip6_all_nodes();
	unsigned n = 0;

	for (unsigned i = 0; i < RTS_IP6_MAX_ADDRS; i++) {
		const struct rts_ip6_addr *a = &ctx->ip6.addrs[i];
		struct rts_ip group;

		if (!listens(a) || group_seen(ctx, i))
			continue;
		if (n == 0 && max > 0)
			macs[0] = rts_ip6_mcast_mac(&all);
		n += n == 0; /* all-nodes first */
		group = rts_ip6_solicited_node(&a->ip);
		if (n < max)
			macs[n] = rts_ip6_mcast_mac(&group);
		n++;
	}
	return n;
}

uint32_t rts_mcast_gen(const struct rts_ctx *ctx)
{
	return ctx->ip6.mcast_gen;
}
