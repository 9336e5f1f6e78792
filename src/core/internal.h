/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — the context and the contracts between the layers.
 *
 * Layering (each layer only calls the one below and the tables):
 *   wire/   formats: parse into a struct, emit from one, checksums; no state
 *   net/    eth demux, arp + neighbour cache, ipv4 (+reassembly), icmp, udp
 *   ip6/    ipv6, extension headers, icmpv6, ndp
 *   tcp/    input, output, timers, congestion control, tables, API
 *   core/   the context, the timer wheel, the transmit burst
 */
#ifndef RTS_CORE_INTERNAL_H
#define RTS_CORE_INTERNAL_H

#include <rtestack/rtestack.h>

#include "util.h"

struct rts_ctx;

/* ------------------------------------------------------------------ timers */
/*
 * A timer wheel entry. Embedded in the object it belongs to; the callback
 * finds the object with rts_container_of. Arming an armed timer moves it.
 */
struct rts_timer;
typedef void (*rts_timer_fn)(struct rts_ctx *ctx, struct rts_timer *t,
			     uint64_t now_ns);
struct rts_timer {
	struct rts_timer *next, *prev; /* NULL prev: not armed */
	uint64_t expire_ns;
	rts_timer_fn fn;
};

/* 1024 slots of 2^20 ns (~1.05 ms): a full turn is ~1.07 s. */
#define RTS_WHEEL_BITS 10
#define RTS_WHEEL_SLOTS (1u << RTS_WHEEL_BITS)
#define RTS_WHEEL_TICK_SHIFT 20

struct rts_wheel {
	struct rts_timer slots[RTS_WHEEL_SLOTS]; /* list heads (sentinels) */
	uint64_t occupied[RTS_WHEEL_SLOTS / 64]; /* bitmap of non-empty slots */
	uint64_t cur_tick;                       /* last tick processed */
	uint32_t armed;
};

void rts_timer_init(struct rts_timer *t, rts_timer_fn fn);
void rts_timer_arm(struct rts_ctx *ctx, struct rts_timer *t, uint64_t expire_ns);
void rts_timer_cancel(struct rts_ctx *ctx, struct rts_timer *t);
static inline bool rts_timer_armed(const struct rts_timer *t)
{
	return t->prev != NULL;
}
/* Run every timer due at @now; returns the next time worth waking for. */
uint64_t rts_wheel_run(struct rts_ctx *ctx, uint64_t now_ns);

/* --------------------------------------------------------- parsed L3 info */
/* What the IP layer (either family) hands to UDP, TCP and ICMP. */
struct rts_l3_info {
	struct rts_ip src;
	struct rts_ip dst;
	uint32_t l4_len;     /* bytes of L4 header + payload */
	uint8_t proto;       /* IPPROTO_* */
	uint8_t ttl;         /* TTL or hop limit as received */
	uint8_t tos;
	bool v6;
	bool l4_csum_ok;     /* device verified the L4 checksum */
	bool dst_mcast;      /* broadcast or multicast destination */
};

/* Route for a destination: chosen source, next hop and path MTU. */
struct rts_route {
	struct rts_ip src;
	struct rts_ip nexthop;
	uint16_t mtu;
};

/* ------------------------------------------------------------ sub-tables */
#include "../net/net_tables.h"
#include "../tcp/tcp_tables.h"
#include "../ip6/ip6_tables.h"

/* ---------------------------------------------------------------- context */
struct rts_ctx {
	struct rts_config cfg;
	const struct rts_backend_ops *ops;
	void *be;
	uint64_t now_ns;       /* time of the current rts_input/poll call */

	struct rts_counters cnt;

	/* pending transmissions, handed to ops->tx in bursts */
	uint16_t tx_n;
	struct rts_pkt *tx_burst[RTS_TX_BURST];

	struct rts_net_tables net; /* neighbours, reassembly, udp, icmp */
	struct rts_ip6_tables ip6; /* ndp, ipv6 reassembly */
	struct rts_tcp_tables tcp; /* connections, listeners */

	struct rts_wheel wheel;
	uint64_t rng_state[2];     /* xorshift128+ from cfg.seed */
};

/* -------------------------------------------------------------- helpers */
static inline struct rts_pkt *rts_alloc(struct rts_ctx *ctx)
{
	struct rts_pkt *p = ctx->ops->alloc(ctx->be);

	if (rts_unlikely(p == NULL))
		ctx->cnt.pkt_alloc_fail++;
	return p;
}

static inline void rts_free(struct rts_ctx *ctx, struct rts_pkt *p)
{
	ctx->ops->free(ctx->be, p);
}

/* Queue a complete Ethernet frame for transmission (flushes at 32). */
void rts_tx_frame(struct rts_ctx *ctx, struct rts_pkt *p);
void rts_tx_flush(struct rts_ctx *ctx);

uint64_t rts_random(struct rts_ctx *ctx);

/* Is @ip one of our configured unicast addresses? */
bool rts_addr_is_local(const struct rts_ctx *ctx, const struct rts_ip *ip);

/*
 * Route lookup: source address for @dst (or @src_hint if it is ours), next
 * hop (gateway for off-link) and path MTU. RTS_ENETUNREACH if none.
 */
int rts_route_lookup(struct rts_ctx *ctx, const struct rts_ip *dst,
		     const struct rts_ip *src_hint, struct rts_route *rt);

/*
 * Send an L4 packet over IP of either family. @p->data points at the L4
 * header; the IP and Ethernet headers go in front (headroom). The L4
 * checksum must be complete (or marked for offload with the pseudo-header
 * sum in place). Resolves the next hop (queueing while unresolved) and
 * queues the frame. Always consumes @p. @df: IPv4 don't-fragment.
 */
int rts_ip_output(struct rts_ctx *ctx, struct rts_pkt *p,
		  const struct rts_ip *src, const struct rts_ip *dst,
		  uint8_t proto, bool df);

/* Layer entry points called by the context for each received frame. */
void rts_eth_input(struct rts_ctx *ctx, struct rts_pkt *p);
/* The IPv6 layer: @p->data points at the IPv6 header. */
void rts_ip6_input(struct rts_ctx *ctx, struct rts_pkt *p);
int rts_ip6_output(struct rts_ctx *ctx, struct rts_pkt *p,
		   const struct rts_ip *src, const struct rts_ip *dst,
		   uint8_t proto);

/* Upcalls from the IP layers. @p->data points at the L4 header. */
void rts_tcp_input(struct rts_ctx *ctx, struct rts_pkt *p,
		   const struct rts_l3_info *l3);
/*
 * An ICMP/ICMPv6 error quoting a TCP segment we sent: @quoted points at the
 * quoted TCP header (at least 8 bytes). @mtu > 0 for fragmentation
 * needed / packet too big. @hard: destination unreachable (not PMTU).
 */
void rts_tcp_icmp_error(struct rts_ctx *ctx, const struct rts_ip *src,
			const struct rts_ip *dst, const uint8_t *quoted,
			uint32_t quoted_len, uint32_t mtu, bool hard);

/* TCP table lifecycle, called by the context. */
/*
 * Every table module sizes itself from the config and takes its memory from
 * the caller's block through an arena; rts_ctx_mem_size() runs the same
 * sequence with a counting arena (p == NULL).
 */
struct rts_arena {
	uint8_t *p;   /* NULL: only count */
	size_t used;
	size_t cap;
};
/* @bytes from the arena, 64-byte aligned and zeroed; NULL when counting. */
void *rts_arena_take(struct rts_arena *a, size_t bytes);

int rts_net_init(struct rts_ctx *ctx, struct rts_arena *a);
int rts_ip6_init(struct rts_ctx *ctx, struct rts_arena *a);
int rts_tcp_init(struct rts_ctx *ctx, struct rts_arena *a);
void rts_tcp_fini(struct rts_ctx *ctx);
void rts_net_fini(struct rts_ctx *ctx);
void rts_ip6_fini(struct rts_ctx *ctx);

#endif
