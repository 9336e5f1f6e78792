/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — UDP API. Bind a port, get datagrams through a callback, send
 * to an explicit destination. Works for both address families.
 */
#ifndef RTESTACK_UDP_H
#define RTESTACK_UDP_H

#include "ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

struct rts_udp_bind;

/*
 * A datagram for a bound port: @len payload bytes at @off in the chain @p,
 * which the app now owns (free it with rts_pkt_free()).
 */
typedef void (*rts_udp_rx_fn)(struct rts_ctx *ctx, void *user,
			      const struct rts_endpoint *from,
			      const struct rts_endpoint *to,
			      struct rts_pkt *p, uint32_t off, uint32_t len);

/*
 * Bind @local (ip any: every address; port must be non-zero).
 * RTS_EADDRINUSE if taken, RTS_ENOSPC when the bind table is full.
 */
struct rts_udp_bind *rts_udp_bind(struct rts_ctx *ctx,
				  const struct rts_endpoint *local,
				  rts_udp_rx_fn rx, void *user, int *err);
void rts_udp_unbind(struct rts_udp_bind *b);

/*
 * Send @len bytes (copied) from @src_port to @dst. Datagrams larger than
 * the path MTU are fragmented. Returns @len or a negative rts_err.
 */
int rts_udp_sendto(struct rts_ctx *ctx, uint16_t src_port,
		   const struct rts_endpoint *dst, const void *data,
		   uint32_t len);

/* Zero-copy variant: @p holds the payload; the stack owns it on success. */
int rts_udp_sendto_pkt(struct rts_ctx *ctx, uint16_t src_port,
		       const struct rts_endpoint *dst, struct rts_pkt *p);

#ifdef __cplusplus
}
#endif

#endif
