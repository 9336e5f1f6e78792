/* SPDX-License-Identifier: BSD-3-Clause */
/* rtestack — TCP placeholder until the TCP layer lands. */
#include "core/internal.h"

int rts_tcp_init(struct rts_ctx *ctx, struct rts_arena *a)
{
	(void)ctx;
	(void)a;
	return 0;
}

void rts_tcp_fini(struct rts_ctx *ctx)
{
	(void)ctx;
}

void rts_tcp_input(struct rts_ctx *ctx, struct rts_pkt *p,
		   const struct rts_l3_info *l3)
{
	(void)l3;
	ctx->cnt.tcp_rx++;
	rts_free(ctx, p);
}

void rts_tcp_icmp_error(struct rts_ctx *ctx, const struct rts_ip *src,
			const struct rts_ip *dst, const uint8_t *quoted,
			uint32_t quoted_len, uint32_t mtu, bool hard)
{
	(void)ctx; (void)src; (void)dst; (void)quoted; (void)quoted_len;
	(void)mtu; (void)hard;
}
