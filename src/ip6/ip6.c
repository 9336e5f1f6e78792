/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — the IPv6 layer's life cycle: its tables live in the context
 * (fixed sizes, nothing from the arena), its hooks plug routing, ping and
 * port unreachable into the shared net layer, and start-up brings up the
 * link-local and configured addresses (DAD) and router solicitation.
 */
#include "ip6.h"

/*
 * IPv6 runs when the config asks for it: an IPv6 address, or SLAAC. An
 * IPv4-only context sends no IPv6 at all (no DAD, no RS).
 */
static bool ip6_wanted(const struct rts_config *cfg)
{
	for (unsigned i = 0; i < cfg->n_addrs; i++)
		if (!rts_ip_is_v4(&cfg->addrs[i].ip))
			return true;
	return cfg->ip6.slaac;
}

int rts_ip6_init(struct rts_ctx *ctx, struct rts_arena *a)
{
	struct rts_ip6_tables *t = &ctx->ip6;
	struct rts_ip6_hooks *hooks = &ctx->net.ip6;

	if (a->p == NULL)
		return 0; /* sizing only: every table is inside the context */
	t->link_mtu = ctx->cfg.mtu;
	t->hop_limit = ctx->cfg.ttl ? ctx->cfg.ttl : 64;
	t->route_gen = 1; /* tx_gen 0 marks the send cache empty */
	hooks->route = rts_ip6_route;
	hooks->ping = rts_icmp6_ping;
	hooks->port_unreach = rts_icmp6_port_unreach;
	hooks->is_local = rts_ip6_addr_is_local;
	rts_ip6_reass_init(ctx);
	t->ready = true;
	rts_neigh_set_solicit(ctx, RTS_AF_INET6, rts_nd_solicit);
	if (!ip6_wanted(&ctx->cfg))
		return 0;
	rts_mld_init(ctx);
	rts_nd_start(ctx);
	rts_ip6_addr_start(ctx);
	return 0;
}

void rts_ip6_fini(struct rts_ctx *ctx)
{
	if (!ctx->ip6.ready)
		return;
	rts_ip6_reass_fini(ctx);
	rts_ip6_addr_fini(ctx);
	rts_nd_fini(ctx);
	rts_mld_fini(ctx);
	ctx->ip6.ready = false;
}
