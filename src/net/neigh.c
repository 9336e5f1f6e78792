/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — the neighbour cache (RFC 4861 §7.3 state machine, used for
 * ARP as well). See neigh.h for the states and the per-flow ref.
 */
#include "neigh.h"

#include "net.h"
#include "wire/eth.h"

static uint32_t ip_hash(const struct rts_ip *ip)
{
	uint64_t h = (ip->u64[0] * 0x9e3779b97f4a7c15ull) ^ ip->u64[1];

	h *= 0xbf58476d1ce4e5b9ull;
	return (uint32_t)(h >> 32);
}

static uint32_t pow2_at_least(uint32_t n)
{
	uint32_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

static void neigh_timer(struct rts_ctx *ctx, struct rts_timer *t,
			uint64_t now_ns);

int rts_neigh_init(struct rts_ctx *ctx, struct rts_arena *a)
{
	struct rts_neigh_table *t = &ctx->net.neigh;
	uint32_t n = ctx->cfg.neigh_entries;
	uint32_t buckets = pow2_at_least(2 * n);

	t->entries = rts_arena_take(a, n * sizeof(struct rts_neigh));
	t->hash = rts_arena_take(a, buckets * sizeof(struct rts_neigh *));
	if (a->p == NULL)
		return 0;
	if (t->entries == NULL || t->hash == NULL)
		return RTS_ENOMEM;
	t->n_entries = n;
	t->hash_mask = buckets - 1;
	for (uint32_t i = n; i-- > 0;) {
		struct rts_neigh *e = &t->entries[i];

		rts_timer_init(&e->timer, neigh_timer);
		e->gen = 1;
		e->lnext = t->free_list;
		t->free_list = e;
	}
	return 0;
}

void rts_neigh_set_solicit(struct rts_ctx *ctx, enum rts_family fam,
			   rts_neigh_solicit_fn fn)
{
	if (fam == RTS_AF_INET)
		ctx->net.neigh.solicit4 = fn;
	else
		ctx->net.neigh.solicit6 = fn;
}

struct rts_neigh *rts_neigh_find(struct rts_ctx *ctx, const struct rts_ip *ip)
{
	const struct rts_neigh_table *t = &ctx->net.neigh;
	struct rts_neigh *n;

	if (t->hash == NULL)
		return NULL;
	for (n = t->hash[ip_hash(ip) & t->hash_mask]; n; n = n->hnext)
		if (rts_ip_eq(&n->ip, ip))
			return n;
	return NULL;
}

/* ------------------------------------------------ the stale (LRU) list */
static void stale_add(struct rts_neigh_table *t, struct rts_neigh *n)
{
	n->lnext = NULL;
	n->lprev = t->stale_tail;
	if (t->stale_tail)
		t->stale_tail->lnext = n;
	else
		t->stale_head = n;
	t->stale_tail = n;
}

static void stale_del(struct rts_neigh_table *t, struct rts_neigh *n)
{
	if (n->lprev)
		n->lprev->lnext = n->lnext;
	else
		t->stale_head = n->lnext;
	if (n->lnext)
		n->lnext->lprev = n->lprev;
	else
		t->stale_tail = n->lprev;
	n->lnext = n->lprev = NULL;
}

/* ---------------------------------------------------- entry lifecycle */
static void drop_pending(struct rts_ctx *ctx, struct rts_neigh *n, bool count)
{
	struct rts_pkt *p = n->pend_head;

	while (p) {
		struct rts_pkt *next = p->q_next;

		p->q_next = NULL;
		if (count)
			ctx->cnt.neigh_pending_drop++;
		rts_free(ctx, p);
		p = next;
	}
	n->pend_head = n->pend_tail = NULL;
	n->n_pending = 0;
}

static void entry_free(struct rts_ctx *ctx, struct rts_neigh *n)
{
	struct rts_neigh_table *t = &ctx->net.neigh;
	struct rts_neigh **pp = &t->hash[ip_hash(&n->ip) & t->hash_mask];

	rts_timer_cancel(ctx, &n->timer);
	drop_pending(ctx, n, true);
	if (n->state == RTS_NEIGH_STALE)
		stale_del(t, n);
	while (*pp != n)
		pp = &(*pp)->hnext;
	*pp = n->hnext;
	n->hnext = NULL;
	n->state = RTS_NEIGH_FREE;
	n->gen++; /* invalidates every ref to the old neighbour */
	n->lnext = t->free_list;
	t->free_list = n;
	t->used--;
}

/* A fresh entry for @ip, evicting the least recently stale one if full. */
static struct rts_neigh *entry_alloc(struct rts_ctx *ctx, const struct rts_ip *ip)
{
	struct rts_neigh_table *t = &ctx->net.neigh;
	struct rts_neigh *n = t->free_list;
	uint32_t b;

	if (n == NULL) {
		ctx->cnt.neigh_table_full++;
		if (t->stale_head == NULL)
			return NULL;
		entry_free(ctx, t->stale_head);
		n = t->free_list;
	}
	t->free_list = n->lnext;
	n->lnext = n->lprev = NULL;
	n->ip = *ip;
	rts_memset(&n->mac, 0, sizeof(n->mac));
	n->state = RTS_NEIGH_INCOMPLETE;
	n->probes = 0;
	n->changed_ns = ctx->now_ns;
	n->gen++;
	b = ip_hash(ip) & t->hash_mask;
	n->hnext = t->hash[b];
	t->hash[b] = n;
	t->used++;
	return n;
}

static void set_state(struct rts_ctx *ctx, struct rts_neigh *n, uint8_t state)
{
	struct rts_neigh_table *t = &ctx->net.neigh;

	if (n->state == RTS_NEIGH_STALE && state != RTS_NEIGH_STALE)
		stale_del(t, n);
	else if (n->state != RTS_NEIGH_STALE && state == RTS_NEIGH_STALE)
		stale_add(t, n);
	n->state = state;
	n->probes = 0;
	n->changed_ns = ctx->now_ns;
	switch (state) {
	case RTS_NEIGH_REACHABLE: {
		/* RFC 4861 §6.3.2: uniform in 0.5 .. 1.5 x REACHABLE_TIME */
		uint64_t base = RTS_NEIGH_REACHABLE_NS;
		uint64_t jitter = rts_random(ctx) % base;

		rts_timer_arm(ctx, &n->timer, ctx->now_ns + base / 2 + jitter);
		break;
	}
	case RTS_NEIGH_DELAY:
		rts_timer_arm(ctx, &n->timer, ctx->now_ns + RTS_NEIGH_DELAY_NS);
		break;
	case RTS_NEIGH_STALE:
	case RTS_NEIGH_STATIC:
		rts_timer_cancel(ctx, &n->timer);
		break;
	default:
		break;
	}
}

static uint16_t ethertype_of(const struct rts_pkt *p)
{
	return (p->data[0] >> 4) == 6 ? RTS_ETHERTYPE_IPV6 : RTS_ETHERTYPE_IPV4;
}

void rts_eth_output(struct rts_ctx *ctx, struct rts_pkt *p,
		    const struct rts_mac *dst, uint16_t type)
{
	uint8_t *h = rts_pkt_prepend(p, RTS_ETH_HLEN);

	if (rts_unlikely(h == NULL)) {
		ctx->cnt.pkt_alloc_fail++; /* no headroom: treated as no buffer */
		rts_free(ctx, p);
		return;
	}
	rts_memcpy(h, dst->b, RTS_ETH_ALEN);
	rts_memcpy(h + RTS_ETH_ALEN, ctx->cfg.mac.b, RTS_ETH_ALEN);
	rts_put_be16(h + 12, type);
	p->l2_len = RTS_ETH_HLEN;
	rts_tx_frame(ctx, p);
}

static void flush_pending(struct rts_ctx *ctx, struct rts_neigh *n)
{
	struct rts_pkt *p = n->pend_head;

	n->pend_head = n->pend_tail = NULL;
	n->n_pending = 0;
	while (p) {
		struct rts_pkt *next = p->q_next;

		p->q_next = NULL;
		rts_eth_output(ctx, p, &n->mac, ethertype_of(p));
		p = next;
	}
}

static void solicit(struct rts_ctx *ctx, struct rts_neigh *n, bool unicast)
{
	const struct rts_neigh_table *t = &ctx->net.neigh;
	rts_neigh_solicit_fn fn = rts_ip_is_v4(&n->ip) ? t->solicit4 : t->solicit6;

	n->probes++;
	if (fn)
		fn(ctx, n, unicast);
	rts_timer_arm(ctx, &n->timer, ctx->now_ns + RTS_NEIGH_RETRANS_NS);
}

/* Resolution failed (RFC 4861 §7.3.3): forget the entry, tell the app. */
static void entry_fail(struct rts_ctx *ctx, struct rts_neigh *n)
{
	const struct rts_ctx_handlers *h = ctx->cfg.handlers;
	struct rts_ip ip = n->ip;

	ctx->cnt.neigh_failed++;
	entry_free(ctx, n);
	if (h && h->neigh_failed)
		h->neigh_failed(ctx, ctx->cfg.user, &ip);
}

static void neigh_timer(struct rts_ctx *ctx, struct rts_timer *t,
			uint64_t now_ns)
{
	struct rts_neigh *n = rts_container_of(t, struct rts_neigh, timer);

	(void)now_ns;
	switch (n->state) {
	case RTS_NEIGH_INCOMPLETE:
		if (n->probes >= RTS_NEIGH_MAX_MCAST_SOLICIT)
			entry_fail(ctx, n);
		else
			solicit(ctx, n, false);
		break;
	case RTS_NEIGH_REACHABLE:
		set_state(ctx, n, RTS_NEIGH_STALE);
		break;
	case RTS_NEIGH_DELAY:
		set_state(ctx, n, RTS_NEIGH_PROBE);
		solicit(ctx, n, true);
		break;
	case RTS_NEIGH_PROBE:
		if (n->probes >= RTS_NEIGH_MAX_UCAST_SOLICIT)
			entry_fail(ctx, n);
		else
			solicit(ctx, n, true);
		break;
	default:
		break;
	}
}

/* Drop the oldest queued datagram: its head and any fragments after it. */
static void drop_oldest(struct rts_ctx *ctx, struct rts_neigh *n)
{
	struct rts_pkt *p = n->pend_head;

	do {
		struct rts_pkt *next = p->q_next;

		p->q_next = NULL;
		ctx->cnt.neigh_pending_drop++;
		rts_free(ctx, p);
		p = next;
	} while (p && p->aux == RTS_NEIGH_Q_CONT);
	n->pend_head = p;
	if (p == NULL)
		n->pend_tail = NULL;
	n->n_pending--;
}

/*
 * RFC 4861 §7.2.2: when the queue overflows the oldest packet goes. The
 * bound counts datagrams: fragments marked RTS_NEIGH_Q_CONT ride along
 * with the fragment before them (p->aux holds the mark while queued).
 */
static void enqueue(struct rts_ctx *ctx, struct rts_neigh *n, struct rts_pkt *p,
		    unsigned qflags)
{
	uint16_t max = ctx->cfg.neigh_pending_max;
	bool cont = (qflags & RTS_NEIGH_Q_CONT) && n->pend_tail != NULL;

	if (max == 0) {
		ctx->cnt.neigh_pending_drop++;
		rts_free(ctx, p);
		return;
	}
	if (!cont && n->n_pending >= max)
		drop_oldest(ctx, n);
	p->aux = cont ? RTS_NEIGH_Q_CONT : 0;
	p->q_next = NULL;
	if (n->pend_tail)
		n->pend_tail->q_next = p;
	else
		n->pend_head = p;
	n->pend_tail = p;
	if (!cont)
		n->n_pending++;
}

int rts_neigh_output_q(struct rts_ctx *ctx, struct rts_pkt *p,
		       const struct rts_ip *nexthop, struct rts_neigh_ref *ref,
		       unsigned qflags)
{
	struct rts_neigh *n = rts_neigh_find(ctx, nexthop);

	if (n == NULL) {
		n = entry_alloc(ctx, nexthop);
		if (ref)
			ref->n = n;
		if (n == NULL) {
			ctx->cnt.neigh_pending_drop++;
			rts_free(ctx, p);
			return RTS_ENOSPC;
		}
		if (ref)
			ref->gen = n->gen;
		enqueue(ctx, n, p, 0);
		solicit(ctx, n, false);
		return 0;
	}
	if (ref) {
		ref->n = n;
		ref->gen = n->gen;
	}
	switch (n->state) {
	case RTS_NEIGH_INCOMPLETE:
		enqueue(ctx, n, p, qflags);
		return 0;
	case RTS_NEIGH_STALE:
		set_state(ctx, n, RTS_NEIGH_DELAY); /* RFC 4861 §7.3.3 */
		break;
	default:
		break;
	}
	rts_eth_output(ctx, p, &n->mac, ethertype_of(p));
	return 0;
}

int rts_neigh_output(struct rts_ctx *ctx, struct rts_pkt *p,
		     const struct rts_ip *nexthop, struct rts_neigh_ref *ref)
{
	return rts_neigh_output_q(ctx, p, nexthop, ref, 0);
}

static void resolved(struct rts_ctx *ctx, struct rts_neigh *n)
{
	const struct rts_ctx_handlers *h = ctx->cfg.handlers;

	ctx->cnt.neigh_resolved++;
	flush_pending(ctx, n);
	if (h && h->neigh_resolved)
		h->neigh_resolved(ctx, ctx->cfg.user, &n->ip, &n->mac);
}

/* An existing, non-static, resolved entry meets a link-layer address. */
static void update_known(struct rts_ctx *ctx, struct rts_neigh *n,
			 const struct rts_mac *mac, unsigned flags)
{
	bool changed = !rts_mac_eq(&n->mac, mac);

	if (changed && !(flags & RTS_NEIGH_F_OVERRIDE)) {
		/* RFC 4861 §7.2.5: keep the MAC; distrust it if REACHABLE */
		if (n->state == RTS_NEIGH_REACHABLE)
			set_state(ctx, n, RTS_NEIGH_STALE);
		return;
	}
	if (changed) {
		n->mac = *mac;
		n->gen++;
	}
	if (flags & RTS_NEIGH_F_SOLICITED)
		set_state(ctx, n, RTS_NEIGH_REACHABLE);
	else if (changed)
		set_state(ctx, n, RTS_NEIGH_STALE);
}

struct rts_neigh *rts_neigh_update(struct rts_ctx *ctx, const struct rts_ip *ip,
				   const struct rts_mac *mac, unsigned flags)
{
	struct rts_neigh *n = rts_neigh_find(ctx, ip);
	uint8_t state = (flags & RTS_NEIGH_F_SOLICITED) ? RTS_NEIGH_REACHABLE
							: RTS_NEIGH_STALE;
	bool had_pending;

	if (n == NULL) {
		if (!(flags & RTS_NEIGH_F_CREATE))
			return NULL;
		n = entry_alloc(ctx, ip);
		if (n == NULL)
			return NULL;
		n->mac = *mac;
		set_state(ctx, n, state);
		return n;
	}
	switch (n->state) {
	case RTS_NEIGH_STATIC:
		break;
	case RTS_NEIGH_INCOMPLETE:
		n->mac = *mac;
		n->gen++;
		set_state(ctx, n, state);
		had_pending = n->n_pending != 0;
		resolved(ctx, n);
		/* the queue went out on an unconfirmed MAC: RFC 4861 §7.3.3 */
		if (had_pending && n->state == RTS_NEIGH_STALE)
			set_state(ctx, n, RTS_NEIGH_DELAY);
		break;
	default:
		update_known(ctx, n, mac, flags);
		break;
	}
	return n;
}

void rts_neigh_confirm(struct rts_ctx *ctx, const struct rts_neigh_ref *ref)
{
	struct rts_neigh *n = ref->n;

	if (n == NULL || n->gen != ref->gen)
		return;
	switch (n->state) {
	case RTS_NEIGH_REACHABLE:
		/* re-arming on every ACK would cost more than it gains:
		 * only refresh once half the reachable time has passed */
		if (n->timer.expire_ns < ctx->now_ns + RTS_NEIGH_REACHABLE_NS / 4)
			set_state(ctx, n, RTS_NEIGH_REACHABLE);
		break;
	case RTS_NEIGH_STALE:
	case RTS_NEIGH_DELAY:
	case RTS_NEIGH_PROBE:
		set_state(ctx, n, RTS_NEIGH_REACHABLE);
		break;
	default:
		break;
	}
}

void rts_neigh_fini(struct rts_ctx *ctx)
{
	struct rts_neigh_table *t = &ctx->net.neigh;

	for (uint32_t i = 0; i < t->n_entries; i++) {
		struct rts_neigh *n = &t->entries[i];

		rts_timer_cancel(ctx, &n->timer);
		drop_pending(ctx, n, false);
	}
}

/* ------------------------------------------------------------ public API */
int rts_neigh_add_static(struct rts_ctx *ctx, const struct rts_ip *ip,
			 const struct rts_mac *mac)
{
	struct rts_neigh *n = rts_neigh_find(ctx, ip);
	bool was_incomplete;

	if (rts_mac_is_group(mac) || rts_ip_is_any(ip))
		return RTS_EINVAL;
	if (n == NULL)
		n = entry_alloc(ctx, ip);
	if (n == NULL)
		return RTS_ENOSPC;
	was_incomplete = n->state == RTS_NEIGH_INCOMPLETE;
	if (!rts_mac_eq(&n->mac, mac) || was_incomplete) {
		n->mac = *mac;
		n->gen++;
	}
	set_state(ctx, n, RTS_NEIGH_STATIC);
	if (was_incomplete)
		flush_pending(ctx, n);
	return 0;
}

int rts_neigh_learn(struct rts_ctx *ctx, const struct rts_ip *ip,
		    const struct rts_mac *mac, uint64_t now_ns)
{
	if (rts_mac_is_group(mac) || rts_ip_is_any(ip))
		return RTS_EINVAL;
	if (now_ns > ctx->now_ns)
		ctx->now_ns = now_ns;
	if (rts_neigh_update(ctx, ip, mac,
			     RTS_NEIGH_F_SOLICITED | RTS_NEIGH_F_OVERRIDE |
				     RTS_NEIGH_F_CREATE) == NULL)
		return RTS_ENOSPC;
	return 0;
}

int rts_neigh_lookup(struct rts_ctx *ctx, const struct rts_ip *ip,
		     struct rts_mac *mac)
{
	const struct rts_neigh *n = rts_neigh_find(ctx, ip);

	if (n == NULL || n->state == RTS_NEIGH_INCOMPLETE)
		return RTS_ENOENT;
	*mac = n->mac;
	return 0;
}

/* A unicast neighbour that is not us: the only kind worth soliciting. */
static bool resolvable(const struct rts_ctx *ctx, const struct rts_ip *ip)
{
	if (rts_ip_is_any(ip) || rts_addr_is_local(ctx, ip))
		return false;
	if (!rts_ip_is_v4(ip))
		return ip->u8[0] != 0xff; /* RFC 4291 §2.7 multicast */
	/* RFC 1112 class D and broadcasts (ours and limited) */
	return ip->u8[12] < 224 && !rts_ip4_is_bcast(ctx, rts_ip_v4_be(ip));
}

/*
 * Ask for @ip's link-layer address now (rtestack-cli "arp resolve"): the
 * same entry and retries as a packet waiting for it would get.
 */
int rts_neigh_resolve(struct rts_ctx *ctx, const struct rts_ip *ip,
		      struct rts_mac *mac)
{
	struct rts_neigh *n = rts_neigh_find(ctx, ip);
	struct rts_route rt;
	int rc;

	if (!resolvable(ctx, ip))
		return RTS_EINVAL;
	if (n != NULL && n->state != RTS_NEIGH_INCOMPLETE) {
		*mac = n->mac;
		return 0;
	}
	if (n != NULL)
		return RTS_EAGAIN; /* a solicitation is under way */
	rc = rts_route_lookup(ctx, ip, NULL, &rt);
	if (rc != 0)
		return rc;
	n = entry_alloc(ctx, ip);
	if (n == NULL)
		return RTS_ENOSPC;
	solicit(ctx, n, false);
	return RTS_EAGAIN;
}
