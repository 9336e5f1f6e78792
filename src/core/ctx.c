/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — the context: configuration, memory layout, the entry point and
 * the transmit burst.
 */
#include "internal.h"

void rts_config_default(struct rts_config *cfg)
{
	rts_memset(cfg, 0, sizeof(*cfg));
	cfg->mtu = 1500;
	cfg->ttl = 64;
	cfg->max_tcp_conns = 1024;
	cfg->max_listeners = 16;
	cfg->max_udp_binds = 16;
	cfg->neigh_entries = 64;
	cfg->neigh_pending_max = 8;
	cfg->reass_max_bytes = 256 * 1024;
	cfg->reass_timeout_us = 30u * 1000 * 1000;
	cfg->icmp_rate_per_s = 1000;
	cfg->caps.flags = 0;
	cfg->ip6.dad_transmits = 1;   /* RFC 4862 §5.1 */
	cfg->ip6.router_solicits = 3; /* RFC 4861 §10 MAX_RTR_SOLICITATIONS */
	cfg->ip6.link_local = true;

	struct rts_tcp_config *t = &cfg->tcp;
	t->mss = 0;
	t->init_cwnd_segs = 10;             /* RFC 6928 */
	t->rto_init_us = 1000 * 1000;       /* RFC 6298 §2.1 */
	t->rto_min_us = 200 * 1000;
	t->rto_max_us = 60u * 1000 * 1000;
	t->delack_us = 40 * 1000;
	t->time_wait_us = 60u * 1000 * 1000; /* 2 * MSL, MSL = 30 s */
	t->fin_wait2_us = 60u * 1000 * 1000;
	t->keepalive_idle_us = 0;
	t->keepalive_intvl_us = 75u * 1000 * 1000;
	t->keepalive_probes = 9;
	t->max_retries = 15;
	t->syn_retries = 6;
	t->rcv_wscale = 7;
	t->nagle = true;
	t->syncookies = true;
	t->timestamps = true;
	t->sack = true;
	t->window_scaling = true;
	t->cc = RTS_CC_CUBIC;
	t->rcv_buf = 1024 * 1024;
	t->snd_buf = 1024 * 1024;
	t->ooo_max_segs = 1024; /* a full 1 MiB window of 1448-byte segments */
	t->listen_backlog = 128;
}

int rts_config_add_addr(struct rts_config *cfg, const struct rts_ip *ip,
			uint8_t prefix)
{
	if (cfg->n_addrs >= RTS_MAX_ADDRS)
		return RTS_ENOSPC;
	if (prefix > (rts_ip_is_v4(ip) ? 32 : 128))
		return RTS_EINVAL;
	cfg->addrs[cfg->n_addrs].ip = *ip;
	cfg->addrs[cfg->n_addrs].prefix = prefix;
	cfg->n_addrs++;
	return 0;
}

void *rts_arena_take(struct rts_arena *a, size_t bytes)
{
	size_t start = (a->used + 63) & ~(size_t)63;
	void *p;

	if (a->p == NULL) {
		a->used = start + bytes;
		return NULL;
	}
	if (start + bytes > a->cap)
		return NULL;
	p = a->p + start;
	a->used = start + bytes;
	rts_memset(p, 0, bytes);
	return p;
}

static int config_valid(const struct rts_config *cfg)
{
	if (cfg->mtu < 576 || cfg->mtu > 9216)
		return 0;
	if (cfg->max_tcp_conns == 0 || cfg->neigh_entries == 0)
		return 0;
	if (cfg->n_addrs > RTS_MAX_ADDRS || cfg->tcp.rcv_wscale > 14)
		return 0;
	if (cfg->n_static_neigh > RTS_MAX_STATIC_NEIGH)
		return 0;
	return 1;
}

/* The table modules, in a fixed order shared by sizing and init. */
static int init_tables(struct rts_ctx *ctx, struct rts_arena *a)
{
	int rc = rts_net_init(ctx, a);

	if (rc == 0)
		rc = rts_ip6_init(ctx, a);
	if (rc == 0)
		rc = rts_tcp_init(ctx, a);
	return rc;
}

size_t rts_ctx_mem_size(const struct rts_config *cfg)
{
	struct rts_ctx tmp;
	struct rts_arena a = { NULL, sizeof(struct rts_ctx), 0 };

	if (!config_valid(cfg))
		return 0;
	rts_memset(&tmp, 0, sizeof(tmp));
	tmp.cfg = *cfg;
	init_tables(&tmp, &a);
	return a.used + 64;
}

static void seed_rng(struct rts_ctx *ctx)
{
	ctx->rng_state[0] = ctx->cfg.seed[0] ^ 0x9e3779b97f4a7c15ull;
	ctx->rng_state[1] = ctx->cfg.seed[1] ^ 0xbf58476d1ce4e5b9ull;
	if ((ctx->rng_state[0] | ctx->rng_state[1]) == 0)
		ctx->rng_state[1] = 1;
	for (int i = 0; i < 8; i++)
		(void)rts_random(ctx);
}

/* xorshift128+: fast, not cryptographic; ISNs add a keyed hash on top. */
uint64_t rts_random(struct rts_ctx *ctx)
{
	uint64_t s1 = ctx->rng_state[0];
	const uint64_t s0 = ctx->rng_state[1];

	ctx->rng_state[0] = s0;
	s1 ^= s1 << 23;
	ctx->rng_state[1] = s1 ^ s0 ^ (s1 >> 17) ^ (s0 >> 26);
	return ctx->rng_state[1] + s0;
}

struct rts_ctx *rts_ctx_init(void *mem, size_t mem_len,
			     const struct rts_config *cfg,
			     const struct rts_backend_ops *ops, void *be,
			     uint64_t now_ns)
{
	struct rts_ctx *ctx;
	struct rts_arena a;

	if (mem == NULL || ops == NULL || ops->alloc == NULL ||
	    ops->free == NULL || ops->tx == NULL || !config_valid(cfg))
		return NULL;
	if (((uintptr_t)mem & 63) != 0 || mem_len < rts_ctx_mem_size(cfg))
		return NULL;
	ctx = mem;
	rts_memset(ctx, 0, sizeof(*ctx));
	ctx->cfg = *cfg;
	ctx->ops = ops;
	ctx->be = be;
	ctx->now_ns = now_ns;
	for (uint32_t i = 0; i < RTS_WHEEL_SLOTS; i++)
		ctx->wheel.slots[i].next = ctx->wheel.slots[i].prev =
			&ctx->wheel.slots[i];
	ctx->wheel.cur_tick = now_ns >> RTS_WHEEL_TICK_SHIFT;
	seed_rng(ctx);
	a.p = mem;
	a.used = sizeof(struct rts_ctx);
	a.cap = mem_len;
	if (init_tables(ctx, &a) != 0)
		return NULL;
	rts_tx_flush(ctx);
	return ctx;
}

void rts_ctx_fini(struct rts_ctx *ctx, uint64_t now_ns)
{
	ctx->now_ns = now_ns;
	rts_tcp_fini(ctx);
	rts_ip6_fini(ctx);
	rts_net_fini(ctx);
	rts_tx_flush(ctx);
}

void rts_tx_flush(struct rts_ctx *ctx)
{
	if (ctx->tx_n == 0)
		return;
	ctx->ops->tx(ctx->be, ctx->tx_burst, ctx->tx_n);
	ctx->tx_n = 0;
}

void rts_tx_frame(struct rts_ctx *ctx, struct rts_pkt *p)
{
	ctx->cnt.eth_tx_frames++;
	ctx->cnt.eth_tx_bytes += p->pkt_len;
	ctx->tx_burst[ctx->tx_n++] = p;
	if (ctx->tx_n == RTS_TX_BURST)
		rts_tx_flush(ctx);
}

uint64_t rts_input(struct rts_ctx *ctx, struct rts_pkt **pkts, unsigned n,
		   uint64_t now_ns)
{
	uint64_t next;

	ctx->now_ns = now_ns;
	for (unsigned i = 0; i < n; i++) {
		/* Warm the next frame's header while this one is processed. */
		if (i + 1 < n)
			__builtin_prefetch(pkts[i + 1]->data);
		rts_eth_input(ctx, pkts[i]);
	}
	next = rts_wheel_run(ctx, now_ns);
	rts_tx_flush(ctx);
	return next;
}

uint64_t rts_poll(struct rts_ctx *ctx, uint64_t now_ns)
{
	return rts_input(ctx, NULL, 0, now_ns);
}

void rts_flush(struct rts_ctx *ctx)
{
	rts_tx_flush(ctx);
}

const struct rts_counters *rts_ctx_counters(const struct rts_ctx *ctx)
{
	return &ctx->cnt;
}

const struct rts_config *rts_ctx_config(const struct rts_ctx *ctx)
{
	return &ctx->cfg;
}

void *rts_ctx_user(const struct rts_ctx *ctx)
{
	return ctx->cfg.user;
}

void rts_pkt_free(struct rts_ctx *ctx, struct rts_pkt *p)
{
	rts_free(ctx, p);
}

struct rts_pkt *rts_pkt_alloc(struct rts_ctx *ctx)
{
	return rts_alloc(ctx);
}
