/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — IPv6 entry points until the IPv6 layer lands (issue 5):
 * every IPv6 frame is counted and dropped, every send refused.
 */
#include "core/internal.h"

int rts_ip6_init(struct rts_ctx *ctx, struct rts_arena *a)
{
	(void)ctx;
	(void)a;
	return 0;
}

void rts_ip6_fini(struct rts_ctx *ctx)
{
	(void)ctx;
}

void rts_ip6_input(struct rts_ctx *ctx, struct rts_pkt *p)
{
	ctx->cnt.ip6_rx++;
	ctx->cnt.ip6_rx_unknown_proto++;
	rts_free(ctx, p);
}

int rts_ip6_output(struct rts_ctx *ctx, struct rts_pkt *p,
		   const struct rts_ip *src, const struct rts_ip *dst,
		   uint8_t proto)
{
	(void)src;
	(void)dst;
	(void)proto;
	ctx->cnt.ip6_tx_no_route++;
	rts_free(ctx, p);
	return RTS_EAFNOSUPPORT;
}
