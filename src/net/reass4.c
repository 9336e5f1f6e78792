/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — IPv4 reassembly (RFC 791 §3.2, RFC 815).
 *
 * Bounded: a fixed number of datagrams in progress and cfg.reass_max_bytes
 * of buffer memory in all; each datagram has cfg.reass_timeout_us to
 * complete (a timer on the wheel). Fragments are kept as received, sorted
 * by offset, and the finished datagram is delivered as a chain. Any
 * overlap drops the whole datagram (the safe reading of RFC 5722, applied
 * to IPv4 too); an exact duplicate only drops itself.
 *
 * Fragment bookkeeping uses the stack's scratch fields: p->seq is the
 * payload offset, p->aux the payload length.
 */
#include "net.h"

#define REASS_SLOT_BYTES 4096 /* one slot per this much memory */
#define REASS_SLOTS_MAX 64

static void reass_timer(struct rts_ctx *ctx, struct rts_timer *t,
			uint64_t now_ns);

int rts_reass4_init(struct rts_ctx *ctx, struct rts_arena *a)
{
	struct rts_net_tables *t = &ctx->net;
	uint32_t n = ctx->cfg.reass_max_bytes / REASS_SLOT_BYTES;

	if (ctx->cfg.reass_max_bytes == 0)
		return 0; /* reassembly off: every fragment is dropped */
	n = RTS_MAX(n, 1u);
	n = RTS_MIN(n, (uint32_t)REASS_SLOTS_MAX);
	t->reass = rts_arena_take(a, n * sizeof(struct rts_reass));
	if (a->p == NULL)
		return 0;
	if (t->reass == NULL)
		return RTS_ENOMEM;
	t->n_reass = n;
	for (uint32_t i = 0; i < n; i++)
		rts_timer_init(&t->reass[i].timer, reass_timer);
	return 0;
}

/* Memory a fragment pins: its buffers, not just its bytes. */
static uint32_t pkt_mem(const struct rts_pkt *p)
{
	uint32_t m = 0;

	for (; p; p = p->next)
		m += p->buf_len;
	return m;
}

static void slot_release(struct rts_ctx *ctx, struct rts_reass *r, bool free_frags)
{
	struct rts_net_tables *t = &ctx->net;
	struct rts_reass **pp = &t->reass_active;

	while (*pp != r)
		pp = &(*pp)->next;
	*pp = r->next;
	rts_timer_cancel(ctx, &r->timer);
	while (free_frags && r->frags) {
		struct rts_pkt *f = r->frags;

		r->frags = f->q_next;
		f->q_next = NULL;
		rts_free(ctx, f);
	}
	r->frags = NULL;
	t->reass_mem -= r->mem;
	r->in_use = false;
	r->next = NULL;
}

static void reass_timer(struct rts_ctx *ctx, struct rts_timer *t,
			uint64_t now_ns)
{
	struct rts_reass *r = rts_container_of(t, struct rts_reass, timer);

	(void)now_ns;
	ctx->cnt.ip4_reass_timeout++;
	slot_release(ctx, r, true);
}

static struct rts_reass *slot_find(struct rts_ctx *ctx,
				   const struct rts_ipv4 *ip)
{
	struct rts_net_tables *t = &ctx->net;
	struct rts_reass *r;

	for (r = t->reass_active; r; r = r->next)
		if (r->id == ip->id && r->src_be == ip->src_be &&
		    r->dst_be == ip->dst_be && r->proto == ip->proto)
			return r;
	for (uint32_t i = 0; i < t->n_reass; i++) {
		r = &t->reass[i];
		if (r->in_use)
			continue;
		r->in_use = true;
		r->src_be = ip->src_be;
		r->dst_be = ip->dst_be;
		r->id = ip->id;
		r->proto = ip->proto;
		r->have_last = false;
		r->total = r->received = r->mem = 0;
		r->frags = NULL;
		r->next = t->reass_active;
		t->reass_active = r;
		rts_timer_arm(ctx, &r->timer,
			      ctx->now_ns +
				      (uint64_t)ctx->cfg.reass_timeout_us * 1000);
		return r;
	}
	return NULL;
}

/* Link the fragments into one chain, data at the L4 header. */
static struct rts_pkt *assemble(struct rts_ctx *ctx, struct rts_reass *r)
{
	struct rts_pkt *head = r->frags, *tail, *f;

	slot_release(ctx, r, false);
	for (tail = head; tail->next; tail = tail->next)
		;
	for (f = head->q_next; f; f = f->q_next) {
		tail->next = f;
		while (tail->next)
			tail = tail->next;
	}
	for (f = head; f; f = f->next)
		f->q_next = NULL;
	head->pkt_len = r->total;
	head->ol_flags = 0;
	ctx->cnt.ip4_reass_ok++;
	return head;
}

static uint32_t max_end(const struct rts_reass *r)
{
	const struct rts_pkt *f = r->frags;

	if (f == NULL)
		return 0;
	while (f->q_next)
		f = f->q_next;
	return f->seq + f->aux;
}

enum insert_result { INS_OK, INS_DUP, INS_OVERLAP };

/* Insert @p (offset p->seq, length p->aux) in order; detect overlap. */
static enum insert_result insert(struct rts_reass *r, struct rts_pkt *p)
{
	struct rts_pkt **pp = &r->frags;
	uint32_t off = p->seq, end = p->seq + p->aux;

	while (*pp && (*pp)->seq < off)
		pp = &(*pp)->q_next;
	if (*pp && (*pp)->seq == off && (*pp)->aux == p->aux)
		return INS_DUP;
	if (*pp && (*pp)->seq < end)
		return INS_OVERLAP;
	if (pp != &r->frags) {
		/* the fragment before: find it to check its end */
		struct rts_pkt *prev = r->frags;

		while (prev->q_next != *pp)
			prev = prev->q_next;
		if (prev->seq + prev->aux > off)
			return INS_OVERLAP;
	}
	p->q_next = *pp;
	*pp = p;
	return INS_OK;
}

struct rts_pkt *rts_reass4_input(struct rts_ctx *ctx, struct rts_pkt *p,
				 const struct rts_ipv4 *ip)
{
	uint32_t len = ip->total_len - ip->hlen;
	uint32_t off = ip->frag_off, end = off + len;
	uint32_t mem = pkt_mem(p);
	struct rts_reass *r;

	ctx->cnt.ip4_rx_frags++;
	/* RFC 791: all but the last carry multiples of 8 bytes; RFC 1858:
	 * a TCP fragment at offset 8 can only be an overlap attack */
	if ((ip->mf && (len == 0 || (len & 7))) ||
	    (ip->proto == RTS_IPPROTO_TCP && off == 8)) {
		ctx->cnt.ip4_rx_bad_len++;
		goto drop;
	}
	if (end + ip->hlen > RTS_IP4_MAX_LEN) {
		ctx->cnt.ip4_reass_too_big++;
		goto drop;
	}
	if (ctx->net.reass_mem + mem > ctx->cfg.reass_max_bytes) {
		ctx->cnt.ip4_reass_no_mem++;
		goto drop;
	}
	r = slot_find(ctx, ip);
	if (r == NULL) {
		ctx->cnt.ip4_reass_no_mem++;
		goto drop;
	}
	/* the last fragment fixes the size; nothing may lie beyond it */
	if ((r->have_last && (end > r->total || (!ip->mf && end != r->total))) ||
	    (!ip->mf && max_end(r) > end))
		goto overlap;
	p->seq = off;
	p->aux = len;
	switch (insert(r, p)) {
	case INS_DUP:
		ctx->cnt.ip4_reass_overlap++;
		goto drop;
	case INS_OVERLAP:
		goto overlap;
	case INS_OK:
		break;
	}
	if (!ip->mf) {
		r->have_last = true;
		r->total = end;
	}
	r->received += len;
	r->mem += mem;
	ctx->net.reass_mem += mem;
	if (r->have_last && r->received == r->total)
		return assemble(ctx, r);
	return NULL;
overlap:
	ctx->cnt.ip4_reass_overlap++;
	slot_release(ctx, r, true);
drop:
	rts_free(ctx, p);
	return NULL;
}

void rts_reass4_fini(struct rts_ctx *ctx)
{
	while (ctx->net.reass_active)
		slot_release(ctx, ctx->net.reass_active, true);
}
