/* SPDX-License-Identifier: BSD-3-Clause */
/* rtestack — the net layer's tables: set-up from the config, tear-down. */
#include "net.h"

static void setup_if4(struct rts_ctx *ctx)
{
	struct rts_net_tables *t = &ctx->net;

	t->n_if4 = 0;
	for (unsigned i = 0; i < ctx->cfg.n_addrs; i++) {
		const struct rts_addr_config *ac = &ctx->cfg.addrs[i];
		struct rts_if4 *f;

		if (!rts_ip_is_v4(&ac->ip) || rts_ip_is_any(&ac->ip))
			continue;
		f = &t->if4[t->n_if4++];
		f->addr_be = rts_ip_v4_be(&ac->ip);
		f->mask_be = rts_ip4_mask_be(ac->prefix);
		f->bcast_be = f->addr_be | ~f->mask_be;
	}
}

int rts_net_init(struct rts_ctx *ctx, struct rts_arena *a)
{
	int rc;

	setup_if4(ctx);
	rc = rts_neigh_init(ctx, a);
	if (rc == 0)
		rc = rts_reass4_init(ctx, a);
	if (rc == 0)
		rc = rts_udp_init(ctx, a);
	if (rc != 0 || a->p == NULL)
		return rc; /* only counting memory: touch nothing else */
	rts_neigh_set_solicit(ctx, RTS_AF_INET, rts_arp_solicit);
	rts_icmp_init(ctx);
	ctx->net.ip_id = (uint16_t)rts_random(ctx);
	for (unsigned i = 0; i < ctx->cfg.n_static_neigh; i++) {
		const struct rts_static_neigh *s = &ctx->cfg.static_neigh[i];

		rc = rts_neigh_add_static(ctx, &s->ip, &s->mac);
		if (rc)
			return rc;
	}
	rts_arp_announce(ctx);
	return 0;
}

void rts_net_fini(struct rts_ctx *ctx)
{
	rts_reass4_fini(ctx);
	rts_neigh_fini(ctx);
}
