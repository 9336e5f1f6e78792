/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — TCP tables: connection slots (preallocated, free list), the
 * 4-tuple hash, listeners and local port choice.
 */
#include "tcp_conn.h"

static uint32_t pow2_at_least(uint32_t n)
{
	uint32_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

int rts_tcp_init(struct rts_ctx *ctx, struct rts_arena *a)
{
	struct rts_tcp_tables *t = &ctx->tcp;
	uint32_t n = ctx->cfg.max_tcp_conns;
	uint32_t buckets = pow2_at_least(n < 16 ? 16 : n);

	t->conns = rts_arena_take(a, sizeof(struct rts_tcp_conn) * n);
	t->hash = rts_arena_take(a, sizeof(struct rts_tcp_conn *) * buckets);
	t->listeners = rts_arena_take(a, sizeof(struct rts_tcp_listener) *
					      ctx->cfg.max_listeners);
	if (tcp_sack_pool_init(ctx, a) != 0)
		return RTS_ENOMEM;
	if (a->p == NULL)
		return 0; /* sizing pass */
	if (t->conns == NULL || t->hash == NULL ||
	    (ctx->cfg.max_listeners && t->listeners == NULL))
		return RTS_ENOMEM;
	t->hash_mask = buckets - 1;
	t->n_listeners_max = ctx->cfg.max_listeners;
	t->free_list = NULL;
	for (uint32_t i = n; i-- > 0;) {
		t->conns[i].hnext = t->free_list;
		t->free_list = &t->conns[i];
	}
	for (unsigned i = 0; i < 5; i++)
		t->hash_key[i] = rts_random(ctx) | 1; /* odd multipliers */
	t->isn_key[0] = rts_random(ctx);
	t->isn_key[1] = rts_random(ctx);
	t->syncookie_key[0] = rts_random(ctx);
	t->syncookie_key[1] = rts_random(ctx);
	t->next_ephemeral = (uint16_t)(49152 + rts_random(ctx) % 16384);
	return 0;
}

void rts_tcp_fini(struct rts_ctx *ctx)
{
	struct rts_tcp_tables *t = &ctx->tcp;

	for (uint32_t i = 0; i < ctx->cfg.max_tcp_conns; i++) {
		struct rts_tcp_conn *c = &t->conns[i];

		if (c->state == RTS_TCP_CLOSED)
			continue;
		if (c->state != RTS_TCP_TIME_WAIT && c->state != RTS_TCP_SYN_SENT)
			tcp_send_ctl(c, RTS_TH_RST | RTS_TH_ACK);
		tcp_conn_closed(c, RTS_TCP_CLOSED_ABORT);
		if (c->state != RTS_TCP_CLOSED)
			tcp_conn_free(ctx, c);
	}
	for (uint16_t i = 0; i < t->n_listeners_max; i++)
		t->listeners[i].in_use = false;
}

void tcp_conn_hash_insert(struct rts_ctx *ctx, struct rts_tcp_conn *c)
{
	struct rts_tcp_tables *t = &ctx->tcp;
	uint32_t b = tcp_tuple_hash(t, &c->raddr, c->rport, c->lport, &c->laddr) &
		     t->hash_mask;

	c->hnext = t->hash[b];
	t->hash[b] = c;
}

static void hash_remove(struct rts_ctx *ctx, struct rts_tcp_conn *c)
{
	struct rts_tcp_tables *t = &ctx->tcp;
	uint32_t b = tcp_tuple_hash(t, &c->raddr, c->rport, c->lport, &c->laddr) &
		     t->hash_mask;
	struct rts_tcp_conn **pp = &t->hash[b];

	for (; *pp; pp = &(*pp)->hnext) {
		if (*pp == c) {
			*pp = c->hnext;
			return;
		}
	}
}

struct rts_tcp_conn *tcp_conn_alloc(struct rts_ctx *ctx)
{
	struct rts_tcp_tables *t = &ctx->tcp;
	struct rts_tcp_conn *c = t->free_list;

	if (c == NULL) {
		ctx->cnt.tcp_conn_no_slot++;
		return NULL;
	}
	t->free_list = c->hnext;
	rts_memset(c, 0, sizeof(*c));
	c->ctx = ctx;
	t->n_conns++;
	return c;
}

static void free_chain_list(struct rts_ctx *ctx, struct rts_pkt *p)
{
	while (p) {
		struct rts_pkt *n = p->q_next;

		rts_free(ctx, p);
		p = n;
	}
}

void tcp_conn_free(struct rts_ctx *ctx, struct rts_tcp_conn *c)
{
	struct rts_tcp_tables *t = &ctx->tcp;

	if (c->flags & TF_FREED)
		return; /* already on the free list */
	if (c->listener) { /* still counted in its listener's backlog */
		c->listener->n_pending--;
		c->listener = NULL;
	}
	c->flags |= TF_FREED;
	hash_remove(ctx, c);
	rts_timer_cancel(ctx, &c->timer);
	tcp_sack_release(c);
	free_chain_list(ctx, c->sndq_head);
	free_chain_list(ctx, c->ooo_head);
	c->sndq_head = c->sndq_tail = c->snd_hint = c->ooo_head = NULL;
	c->state = RTS_TCP_CLOSED;
	c->hnext = t->free_list;
	t->free_list = c;
	t->n_conns--;
}

void tcp_conn_setup(struct rts_ctx *ctx, struct rts_tcp_conn *c)
{
	const struct rts_tcp_config *tc = &ctx->cfg.tcp;

	c->ctx = ctx;
	c->rto_us = tc->rto_init_us;
	c->rcv_wscale = tc->window_scaling ? tc->rcv_wscale : 0;
	if (!tc->nagle)
		c->flags |= TF_NODELAY;
	c->ka_idle_us = tc->keepalive_idle_us;
	c->ka_intvl_us = tc->keepalive_intvl_us;
	c->ka_probes = tc->keepalive_probes;
	c->flags |= TF_QUICKACK;
	rts_timer_init(&c->timer, tcp_timer_fire);
}

void tcp_conn_tuple(const struct rts_tcp_conn *c, struct rts_tcp_tuple *t)
{
	t->laddr = c->laddr;
	t->raddr = c->raddr;
	t->lport = c->lport;
	t->rport = c->rport;
}

/* RFC 6528 ISN and the RFC 7323 §7.1 timestamp offset of a new block. */
uint32_t tcp_new_isn(struct rts_ctx *ctx, struct rts_tcp_conn *c)
{
	struct rts_tcp_tuple t;

	tcp_conn_tuple(c, &t);
	c->ts_offset = rts_tcp_ts_offset(ctx->tcp.isn_key, &t);
	return rts_tcp_isn(ctx->tcp.isn_key, &t, ctx->now_ns);
}

struct rts_tcp_listener *tcp_listener_find(struct rts_ctx *ctx,
					   const struct rts_ip *laddr,
					   uint16_t lport)
{
	struct rts_tcp_tables *t = &ctx->tcp;
	struct rts_tcp_listener *wild = NULL;

	for (uint16_t i = 0; i < t->n_listeners_max; i++) {
		struct rts_tcp_listener *l = &t->listeners[i];

		if (!l->in_use || l->local.port != lport)
			continue;
		if (rts_ip_eq(&l->local.ip, laddr))
			return l;
		if (l->local.ip.u64[0] == 0 && l->local.ip.u64[1] == 0)
			wild = l; /* all-zero: both families */
		else if (rts_ip_is_any(&l->local.ip) && rts_ip_is_v4(laddr))
			wild = l; /* 0.0.0.0: IPv4 only */
	}
	return wild;
}

static bool port_in_use(struct rts_ctx *ctx, const struct rts_ip *laddr,
			uint16_t lport, const struct rts_endpoint *remote)
{
	if (tcp_lookup(ctx, laddr, lport, &remote->ip, remote->port))
		return true;
	return tcp_listener_find(ctx, laddr, lport) != NULL;
}

/* A local port for an active open: the app's chooser first, then ours. */
uint16_t tcp_pick_port(struct rts_ctx *ctx, const struct rts_ip *laddr,
		       const struct rts_endpoint *remote)
{
	struct rts_tcp_tables *t = &ctx->tcp;
	struct rts_endpoint local = { .ip = *laddr, .port = 0 };

	if (t->port_chooser) {
		for (uint32_t i = 0; i < 256; i++) {
			uint16_t p = t->port_chooser(t->port_chooser_arg, &local,
						     remote, i);

			if (p == 0)
				break;
			if (!port_in_use(ctx, laddr, p, remote))
				return p;
		}
	}
	for (uint32_t i = 0; i < 16384; i++) {
		uint16_t p = t->next_ephemeral;

		t->next_ephemeral = (uint16_t)(p == 65535 ? 49152 : p + 1);
		if (!port_in_use(ctx, laddr, p, remote))
			return p;
	}
	return 0;
}

void rts_tcp_set_port_chooser(struct rts_ctx *ctx, rts_tcp_port_chooser fn,
			      void *arg)
{
	ctx->tcp.port_chooser = fn;
	ctx->tcp.port_chooser_arg = arg;
}
