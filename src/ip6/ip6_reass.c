/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — IPv6 fragment reassembly (RFC 8200 §4.5).
 *
 * Fragments are kept as they arrived (no copy), sorted by offset, and
 * chained into one packet when the datagram is complete. Memory is bounded
 * by cfg.reass_max_bytes (shared with IPv4 reassembly, counted in buffer
 * bytes) and a fixed number of datagrams; the oldest datagram makes room
 * for a new one. RFC 5722: a fragment that overlaps another discards the
 * whole datagram, including fragments still to come (the slot stays "dead"
 * until its timer); exact duplicates are dropped alone (RFC 8200 §4.5).
 */
#include "ip6.h"

/* Per-fragment bookkeeping in the packet's scratch fields. */
#define FRAG_OFF(p) ((p)->seq)      /* offset in the fragmentable part */
#define FRAG_LEN(p) ((p)->aux)      /* bytes of fragment data */
/* low half: where the data starts from p->data; high: the Next Header
 * byte that names the Fragment header */
#define FRAG_DATA(p) ((uint32_t)(p)->ts)
#define FRAG_NH_OFF(p) ((uint32_t)((p)->ts >> 32))

#define RTS_IP6_REASS_MAX_FRAGS 128

static uint32_t pkt_mem(const struct rts_pkt *p)
{
	uint32_t m = 0;

	for (; p; p = p->next)
		m += p->buf_len;
	return m;
}

static void drop_frags(struct rts_ctx *ctx, struct rts_ip6_reass *r)
{
	struct rts_pkt *p = r->frags;

	while (p) {
		struct rts_pkt *next = p->q_next;

		p->q_next = NULL;
		rts_free(ctx, p);
		p = next;
	}
	r->frags = NULL;
	ctx->ip6.reass_mem -= r->mem;
	r->mem = 0;
}

static void reass_release(struct rts_ctx *ctx, struct rts_ip6_reass *r)
{
	drop_frags(ctx, r);
	rts_timer_cancel(ctx, &r->timer);
	r->in_use = false;
}

/* RFC 5722: forget the datagram, and ignore the rest of it until timeout. */
static void reass_kill(struct rts_ctx *ctx, struct rts_ip6_reass *r)
{
	ctx->cnt.ip6_reass_overlap++;
	drop_frags(ctx, r);
	r->dead = true;
}

static void reass_timer(struct rts_ctx *ctx, struct rts_timer *t,
			uint64_t now_ns)
{
	struct rts_ip6_reass *r = rts_container_of(t, struct rts_ip6_reass, timer);

	(void)now_ns;
	if (!r->dead) {
		ctx->cnt.ip6_reass_timeout++;
		/* §4.5: Time Exceeded code 1, if the first fragment came */
		if (r->frags && FRAG_OFF(r->frags) == 0)
			rts_icmp6_send_error(ctx, r->frags, RTS_ICMP6_TIME_EXCEEDED,
					     RTS_ICMP6_TIME_REASSEMBLY, 0);
	}
	reass_release(ctx, r);
}

void rts_ip6_reass_init(struct rts_ctx *ctx)
{
	for (unsigned i = 0; i < RTS_IP6_REASS_SLOTS; i++)
		rts_timer_init(&ctx->ip6.reass[i].timer, reass_timer);
}

void rts_ip6_reass_fini(struct rts_ctx *ctx)
{
	for (unsigned i = 0; i < RTS_IP6_REASS_SLOTS; i++)
		if (ctx->ip6.reass[i].in_use)
			reass_release(ctx, &ctx->ip6.reass[i]);
}

/* The oldest datagram other than @keep, or NULL. */
static struct rts_ip6_reass *oldest(struct rts_ctx *ctx,
				    const struct rts_ip6_reass *keep)
{
	struct rts_ip6_reass *o = NULL;

	for (unsigned i = 0; i < RTS_IP6_REASS_SLOTS; i++) {
		struct rts_ip6_reass *r = &ctx->ip6.reass[i];

		if (r->in_use && r != keep &&
		    (o == NULL || r->started_ns < o->started_ns))
			o = r;
	}
	return o;
}

/* Find the datagram of this fragment, or start one. */
static struct rts_ip6_reass *lookup(struct rts_ctx *ctx,
				    const struct rts_ip6_hdr *ip, uint32_t id)
{
	struct rts_ip6_reass *free_slot = NULL;

	for (unsigned i = 0; i < RTS_IP6_REASS_SLOTS; i++) {
		struct rts_ip6_reass *r = &ctx->ip6.reass[i];

		if (!r->in_use) {
			free_slot = free_slot ? free_slot : r;
			continue;
		}
		if (r->id == id && rts_ip_eq(&r->src, &ip->src) &&
		    rts_ip_eq(&r->dst, &ip->dst))
			return r;
	}
	if (free_slot == NULL) {
		free_slot = oldest(ctx, NULL);
		ctx->cnt.ip6_reass_no_mem++;
		reass_release(ctx, free_slot);
	}
	free_slot->in_use = true;
	free_slot->dead = false;
	free_slot->have_last = false;
	free_slot->n_frags = 0;
	free_slot->total = 0;
	free_slot->received = 0;
	free_slot->mem = 0;
	free_slot->frags = NULL;
	free_slot->src = ip->src;
	free_slot->dst = ip->dst;
	free_slot->id = id;
	free_slot->started_ns = ctx->now_ns;
	rts_timer_arm(ctx, &free_slot->timer,
		      ctx->now_ns + (uint64_t)ctx->cfg.reass_timeout_us * 1000);
	return free_slot;
}

/* Make room for @m more bytes, evicting older datagrams. */
static bool reserve(struct rts_ctx *ctx, struct rts_ip6_reass *r, uint32_t m)
{
	for (;;) {
		uint64_t used = (uint64_t)ctx->ip6.reass_mem + ctx->net.reass_mem;
		struct rts_ip6_reass *o;

		if (used + m <= ctx->cfg.reass_max_bytes)
			return true;
		o = oldest(ctx, r);
		if (o == NULL)
			return false;
		ctx->cnt.ip6_reass_no_mem++;
		reass_release(ctx, o);
	}
}

/*
 * Insert @p in offset order. false: it overlaps (the datagram must go) or
 * is an exact duplicate (*dup set; only @p goes).
 */
static bool insert(struct rts_ip6_reass *r, struct rts_pkt *p, bool *dup)
{
	struct rts_pkt **pp = &r->frags;
	uint32_t off = FRAG_OFF(p), end = off + FRAG_LEN(p);

	*dup = false;
	for (struct rts_pkt *q = r->frags; q; q = q->q_next) {
		uint32_t qoff = FRAG_OFF(q), qend = qoff + FRAG_LEN(q);

		if (qoff == off && qend == end) {
			*dup = true;
			return false;
		}
		if (off < qend && qoff < end)
			return false;
		if (qoff < off)
			pp = &q->q_next;
	}
	p->q_next = *pp;
	*pp = p;
	return true;
}

/* Does the fragment agree with what is known of the datagram's end? */
static bool end_consistent(struct rts_ip6_reass *r, uint32_t end, bool more)
{
	if (!more) {
		if (r->have_last && r->total != end)
			return false;
		for (struct rts_pkt *q = r->frags; q; q = q->q_next)
			if (FRAG_OFF(q) + FRAG_LEN(q) > end)
				return false;
		r->have_last = true;
		r->total = end;
		return true;
	}
	return !r->have_last || end <= r->total;
}

/* Chain the complete datagram into one packet. */
static struct rts_pkt *build(struct rts_ctx *ctx, struct rts_ip6_reass *r)
{
	struct rts_pkt *first = r->frags, *tail;
	uint32_t fh = FRAG_DATA(first) - RTS_IP6_FRAG_HDR_LEN;
	uint32_t payload = fh - RTS_IP6_HDR_LEN + r->total;
	uint8_t frag_nh = first->data[fh];

	r->frags = NULL;
	ctx->ip6.reass_mem -= r->mem;
	r->mem = 0;
	reass_release(ctx, r);
	/* Drop the Fragment header: move the unfragmentable part up. */
	rts_memmove(first->data + RTS_IP6_FRAG_HDR_LEN, first->data, fh);
	rts_pkt_adj(first, RTS_IP6_FRAG_HDR_LEN);
	first->l2_len = 0; /* the Ethernet header in front is overwritten */
	first->data[FRAG_NH_OFF(first)] = frag_nh;
	tail = first;
	for (struct rts_pkt *q = first->q_next; q; q = q->q_next) {
		rts_pkt_adj(q, FRAG_DATA(q));
		while (tail->next)
			tail = tail->next;
		tail->next = q;
		first->pkt_len += q->pkt_len;
	}
	for (struct rts_pkt *s = first; s; s = s->next)
		s->q_next = NULL;
	if (payload > 65535) {
		ctx->cnt.ip6_reass_too_big++;
		rts_free(ctx, first);
		return NULL;
	}
	rts_put_be16(first->data + 4, (uint16_t)payload);
	ctx->cnt.ip6_reass_ok++;
	return first;
}

struct rts_pkt *rts_ip6_reass_input(struct rts_ctx *ctx, struct rts_pkt *p,
				    const struct rts_ip6_hdr *ip,
				    const struct rts_ip6ext_info *ext)
{
	struct rts_ip6_reass *r = lookup(ctx, ip, ext->frag_id);
	uint32_t len = RTS_IP6_HDR_LEN + ip->payload_len - ext->l4_off;
	uint32_t m = pkt_mem(p);
	bool dup;

	if (r->dead) {
		ctx->cnt.ip6_reass_overlap++;
		goto drop;
	}
	FRAG_OFF(p) = ext->frag_off;
	FRAG_LEN(p) = len;
	p->ts = (uint64_t)ext->nh_off << 32 | ext->l4_off;
	p->l3_len = 0; /* the IPv6 header is at p->data (ICMP quotes it) */
	if (!end_consistent(r, ext->frag_off + len, ext->frag_more)) {
		reass_kill(ctx, r);
		goto drop;
	}
	if (r->n_frags >= RTS_IP6_REASS_MAX_FRAGS || !reserve(ctx, r, m)) {
		ctx->cnt.ip6_reass_no_mem++;
		reass_release(ctx, r);
		goto drop;
	}
	if (!insert(r, p, &dup)) {
		if (dup)
			ctx->cnt.ip6_reass_dup++;
		else
			reass_kill(ctx, r);
		goto drop;
	}
	r->n_frags++;
	r->received += len;
	r->mem += m;
	ctx->ip6.reass_mem += m;
	if (r->have_last && r->received == r->total)
		return build(ctx, r);
	return NULL;
drop:
	rts_free(ctx, p);
	return NULL;
}
