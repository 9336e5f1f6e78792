/* SPDX-License-Identifier: BSD-3-Clause */
/* rtestack — placeholder until the net layer lands: drops everything. */
#include "core/internal.h"

int rts_net_init(struct rts_ctx *ctx, struct rts_arena *a)
{
	(void)ctx;
	(void)a;
	return 0;
}

void rts_net_fini(struct rts_ctx *ctx)
{
	(void)ctx;
}

void rts_eth_input(struct rts_ctx *ctx, struct rts_pkt *p)
{
	ctx->cnt.eth_rx_frames++;
	rts_free(ctx, p);
}

int rts_ip_output(struct rts_ctx *ctx, struct rts_pkt *p,
		  const struct rts_ip *src, const struct rts_ip *dst,
		  uint8_t proto, bool df)
{
	(void)src; (void)dst; (void)proto; (void)df;
	ctx->cnt.ip4_tx_no_route++;
	rts_free(ctx, p);
	return RTS_ENETUNREACH;
}

int rts_route_lookup(struct rts_ctx *ctx, const struct rts_ip *dst,
		     const struct rts_ip *src_hint, struct rts_route *rt)
{
	(void)ctx; (void)dst; (void)src_hint; (void)rt;
	return RTS_ENETUNREACH;
}

bool rts_addr_is_local(const struct rts_ctx *ctx, const struct rts_ip *ip)
{
	for (unsigned i = 0; i < ctx->cfg.n_addrs; i++)
		if (rts_ip_eq(&ctx->cfg.addrs[i].ip, ip))
			return true;
	return false;
}
