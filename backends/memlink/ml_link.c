/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * memlink — the link: two endpoints, one queue per direction.
 *
 * Virtual-time mode: a frame handed to ops->tx goes through the direction's
 * impairments (filter, loss, corruption, duplication, reordering, rate and
 * delay) and is queued with the virtual time it arrives; the receiver takes
 * what has arrived by "now". Arrival times in a queue never decrease, so the
 * queue is a plain FIFO. Every random decision comes from the direction's own
 * generator, seeded from the link seed: the same frames in give the same
 * impairments out, whatever the other direction does.
 *
 * Threaded mode: each direction is a lock-free SPSC ring of descriptors.
 *
 * Frames are passed zero-copy. Corruption and duplication copy the frame
 * first: the sender may still hold clones of the same data for
 * retransmission, which must not change.
 */
#include "ml_internal.h"

#include <stdlib.h>
#include <string.h>

#define ML_MAX_HELD 16
#define ETH_HLEN 14

struct ml_qent {
	struct rts_pkt *p;
	uint64_t at; /* arrival time */
};

struct ml_held {
	struct rts_pkt *p;
	uint64_t deadline;
	uint32_t countdown; /* frames still to overtake it */
};

struct ml_dir {
	_Alignas(ML_CACHE_LINE) struct ml_impair im;
	bool impaired;
	uint64_t rng;
	struct ml_qent *q;
	uint32_t q_mask, q_head, q_tail;
	uint64_t last_at;    /* arrival of the newest queued frame */
	uint64_t busy_until; /* the rate limiter's wire is busy until */
	struct ml_held held[ML_MAX_HELD];
	uint32_t n_held;
	struct ml_ring *ring; /* threaded mode */
	struct ml_dir_stats st;
};

/* Written by the receiving thread only (its own cache line). */
struct ml_ep {
	_Alignas(ML_CACHE_LINE) struct ml_link *link;
	struct ml_pool *pool;
	int side;
	uint64_t delivered; /* frames handed to this endpoint */
};

struct ml_link {
	enum ml_csum_mode csum;
	bool threaded;
	bool flatten;
	uint64_t now;
	ml_filter_fn filter;
	void *filter_arg;
	struct ml_ep ep[2];
	struct ml_dir dir[2]; /* dir[s]: frames sent by side s */
};

/* ------------------------------------------------------------ randomness */
static uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static uint64_t next_rand(struct ml_dir *d)
{
	/* xorshift64* */
	d->rng ^= d->rng >> 12;
	d->rng ^= d->rng << 25;
	d->rng ^= d->rng >> 27;
	return d->rng * 0x2545f4914f6cdd1dull;
}

static bool roll(struct ml_dir *d, uint32_t ppm)
{
	return ppm != 0 && (next_rand(d) >> 11) % 1000000u < ppm;
}

/* --------------------------------------------------------------- config */
void ml_link_config_default(struct ml_link_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->csum = ML_CSUM_SW;
	cfg->seed = 1;
}

static bool impair_active(const struct ml_impair *im)
{
	return im->loss_ppm || im->dup_ppm || im->corrupt_ppm ||
	       im->reorder_ppm || im->delay_ns || im->rate_bps;
}

void ml_link_set_impair(struct ml_link *link, int dir,
			const struct ml_impair *im)
{
	struct ml_dir *d = &link->dir[dir & 1];

	d->im = *im;
	if (d->im.reorder_depth == 0)
		d->im.reorder_depth = 3;
	if (d->im.reorder_hold_ns == 0)
		d->im.reorder_hold_ns = 100000;
	/* Threaded links are perfect wires: impairments need one clock. */
	d->impaired = !link->threaded &&
		      (impair_active(im) || link->filter != NULL);
}

void ml_link_set_filter(struct ml_link *link, ml_filter_fn fn, void *arg)
{
	link->filter = fn;
	link->filter_arg = arg;
	for (int i = 0; i < 2; i++)
		link->dir[i].impaired = !link->threaded &&
			(impair_active(&link->dir[i].im) || fn != NULL);
}

static uint32_t pool_descs(const struct ml_pool *p)
{
	return p->n_bufs + p->n_clones;
}

struct ml_link *ml_link_create(const struct ml_link_config *cfg)
{
	struct ml_link *link;
	uint32_t cap;

	if (cfg->pool[0] == NULL || cfg->pool[1] == NULL)
		return NULL;
	/* Every queued frame holds a descriptor: the queues never fill. */
	cap = pool_descs(cfg->pool[0]) + pool_descs(cfg->pool[1]);
	link = aligned_alloc(ML_CACHE_LINE, sizeof(*link));
	if (link == NULL)
		return NULL;
	memset(link, 0, sizeof(*link));
	link->csum = cfg->csum;
	link->threaded = cfg->threaded;
	link->flatten = cfg->flatten;
	for (int s = 0; s < 2; s++) {
		struct ml_dir *d = &link->dir[s];
		uint32_t qcap = 1;

		link->ep[s].link = link;
		link->ep[s].pool = cfg->pool[s];
		link->ep[s].side = s;
		d->rng = splitmix64(cfg->seed * 2 + (uint64_t)s) | 1;
		ml_link_set_impair(link, s, &cfg->dir[s]);
		if (cfg->threaded) {
			d->ring = ml_ring_create(cap);
			if (d->ring == NULL)
				goto fail;
			continue;
		}
		while (qcap < cap)
			qcap <<= 1;
		d->q = calloc(qcap, sizeof(*d->q));
		if (d->q == NULL)
			goto fail;
		d->q_mask = qcap - 1;
	}
	return link;
fail:
	ml_link_destroy(link);
	return NULL;
}

/* Free a chain whose segments may come from either pool (quiescent). */
static void free_any(struct rts_pkt *p)
{
	while (p != NULL) {
		struct rts_pkt *next = p->next;

		p->next = NULL;
		ml_pkt_free(ml_buf_of(p)->pool, p);
		p = next;
	}
}

void ml_link_drain(struct ml_link *link)
{
	for (int s = 0; s < 2; s++)
		ml_pool_flush_returns(link->ep[s].pool);
	for (int s = 0; s < 2; s++) {
		struct ml_dir *d = &link->dir[s];
		void *obj;

		if (d->ring) {
			while ((obj = ml_ring_dequeue(d->ring)) != NULL)
				free_any(obj);
		}
		for (; d->q && d->q_tail != d->q_head; d->q_tail++)
			free_any(d->q[d->q_tail & d->q_mask].p);
		for (uint32_t i = 0; i < d->n_held; i++)
			free_any(d->held[i].p);
		d->n_held = 0;
	}
	/* Frees above may have stashed buffers of the other pool. */
	for (int s = 0; s < 2; s++)
		ml_pool_flush_returns(link->ep[s].pool);
}

void ml_link_destroy(struct ml_link *link)
{
	if (link == NULL)
		return;
	ml_link_drain(link);
	for (int s = 0; s < 2; s++) {
		free(link->dir[s].q);
		ml_ring_destroy(link->dir[s].ring);
	}
	free(link);
}

struct ml_ep *ml_link_ep(struct ml_link *link, int side)
{
	return &link->ep[side & 1];
}

void ml_link_set_now(struct ml_link *link, uint64_t now_ns)
{
	link->now = now_ns;
}

void ml_link_get_stats(const struct ml_link *link, int dir,
		       struct ml_dir_stats *st)
{
	*st = link->dir[dir & 1].st;
	st->delivered = link->ep[(dir & 1) ^ 1].delivered;
}

uint32_t ml_link_in_flight(const struct ml_link *link, int dir)
{
	const struct ml_dir *d = &link->dir[dir & 1];

	if (d->ring)
		return ml_ring_count(d->ring);
	return (d->q_head - d->q_tail) + d->n_held;
}

/* ------------------------------------------------------------- transmit */
static void push(struct ml_dir *d, struct rts_pkt *p, uint64_t at)
{
	if (at < d->last_at)
		at = d->last_at;
	d->last_at = at;
	d->q[d->q_head & d->q_mask] = (struct ml_qent){ p, at };
	d->q_head++;
}

/* Arrival time under rate and delay; UINT64_MAX: tail-dropped. */
static uint64_t arrival(struct ml_dir *d, const struct rts_pkt *p,
			uint64_t now)
{
	uint64_t start = now, ser;

	if (d->im.rate_bps == 0)
		return now + d->im.delay_ns;
	if (d->busy_until > now) {
		uint64_t backlog = (d->busy_until - now) * d->im.rate_bps /
				   8000000000ull;

		if (d->im.queue_limit && backlog > d->im.queue_limit)
			return UINT64_MAX;
		start = d->busy_until;
	}
	/* Ethernet overhead on the wire: preamble, FCS, gap = 24 bytes. */
	ser = ((uint64_t)p->pkt_len + 24) * 8 * 1000000000ull / d->im.rate_bps;
	d->busy_until = start + ser;
	return d->busy_until + d->im.delay_ns;
}

/* Each frame queued behind a held one brings its release closer. */
static void overtake_held(struct ml_dir *d)
{
	uint32_t i = 0;

	while (i < d->n_held) {
		if (--d->held[i].countdown == 0) {
			push(d, d->held[i].p, d->last_at);
			d->held[i] = d->held[--d->n_held];
			continue;
		}
		i++;
	}
}

static void queue_frame(struct ml_link *link, struct ml_dir *d,
			struct rts_pkt *p, bool hold)
{
	uint64_t at = arrival(d, p, link->now);

	if (at == UINT64_MAX) {
		d->st.queue_drops++;
		free_any(p);
		return;
	}
	if (hold && d->n_held < ML_MAX_HELD) {
		d->held[d->n_held++] = (struct ml_held){
			p, at + d->im.reorder_hold_ns,
			1 + (uint32_t)(next_rand(d) % d->im.reorder_depth),
		};
		d->st.reordered++;
		return;
	}
	push(d, p, at);
	overtake_held(d);
}

/* Flip one random bit past the Ethernet header of a private copy. */
static struct rts_pkt *corrupt(struct ml_dir *d, struct ml_pool *pool,
			       struct rts_pkt *p, int64_t *off)
{
	struct rts_pkt *c = ml_pkt_copy(pool, p);
	uint32_t first = p->pkt_len > ETH_HLEN ? ETH_HLEN : 0;
	uint64_t bit;
	struct rts_pkt *s;
	uint32_t byte;

	free_any(p);
	if (c == NULL) {
		d->st.copy_fails++;
		return NULL;
	}
	bit = next_rand(d) % ((uint64_t)(c->pkt_len - first) * 8);
	byte = first + (uint32_t)(bit / 8);
	*off = byte;
	for (s = c; byte >= s->len; s = s->next)
		byte -= s->len;
	s->data[byte] ^= (uint8_t)(1u << (bit % 8));
	d->st.corrupted++;
	return c;
}

static void tx_impaired(struct ml_link *link, struct ml_ep *ep,
			struct ml_dir *d, struct rts_pkt *p)
{
	enum ml_action act = ML_PASS;
	struct rts_pkt *dup = NULL;
	int64_t off = -1;
	bool hold;

	if (link->filter)
		act = link->filter(link->filter_arg, ep->side, p);
	if (act == ML_DROP) {
		d->st.filter_drops++;
		free_any(p);
		return;
	}
	if (roll(d, d->im.loss_ppm)) {
		d->st.lost++;
		free_any(p);
		return;
	}
	/* The duplicate is taken before any damage: it is a clean copy. */
	if (act == ML_DUPLICATE || roll(d, d->im.dup_ppm)) {
		dup = ml_pkt_copy(ep->pool, p);
		if (dup == NULL)
			d->st.copy_fails++;
		else
			d->st.duplicated++;
	}
	if (act == ML_CORRUPT || roll(d, d->im.corrupt_ppm)) {
		p = corrupt(d, ep->pool, p, &off);
		if (p == NULL) {
			if (dup != NULL)
				queue_frame(link, d, dup, false);
			return;
		}
	}
	hold = roll(d, d->im.reorder_ppm);
	p->ol_flags = ml_rx_marks(p, link->csum, off);
	queue_frame(link, d, p, hold);
	if (dup != NULL) {
		dup->ol_flags = ml_rx_marks(dup, link->csum, -1);
		queue_frame(link, d, dup, false);
	}
}

/*
 * The frame as it is on the wire, in memory of its own. A NIC computes
 * offloaded checksums as it reads the frame: host memory, which the sender
 * may still share with retransmission clones, is never written.
 */
static struct rts_pkt *wire_copy(struct ml_link *link, struct ml_ep *ep,
				 struct ml_dir *d, struct rts_pkt *p)
{
	const uint32_t want = RTS_PKT_TX_IP_CSUM | RTS_PKT_TX_TCP_CSUM |
			      RTS_PKT_TX_UDP_CSUM;
	bool fill = link->csum == ML_CSUM_OFFLOAD_VERIFY &&
		    (p->ol_flags & want) != 0;
	struct rts_pkt *c;

	if (!fill && !link->flatten)
		return p;
	c = ml_pkt_copy(ep->pool, p);
	free_any(p);
	if (c == NULL) {
		d->st.copy_fails++;
		return NULL;
	}
	if (fill)
		ml_offload_fill_tx(c, &d->st);
	return c;
}

/* Frames that need copies or impairments: one at a time. */
static void tx_slow(struct ml_link *link, struct ml_ep *ep, struct ml_dir *d,
		    struct rts_pkt **pkts, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct rts_pkt *p = pkts[i];

		d->st.frames++;
		d->st.bytes += p->pkt_len;
		p = wire_copy(link, ep, d, p);
		if (p == NULL)
			continue;
		if (d->impaired) {
			tx_impaired(link, ep, d, p);
			continue;
		}
		p->ol_flags = ml_rx_marks(p, link->csum, -1);
		push(d, p, link->now);
	}
}

/* A perfect wire: mark, then hand the whole burst over. */
static void link_tx(void *be, struct rts_pkt **pkts, unsigned n)
{
	struct ml_ep *ep = be;
	struct ml_link *link = ep->link;
	struct ml_dir *d = &link->dir[ep->side];
	uint64_t bytes = 0;

	if (d->impaired || link->flatten ||
	    link->csum == ML_CSUM_OFFLOAD_VERIFY) {
		tx_slow(link, ep, d, pkts, n);
		return;
	}
	d->st.frames += n;
	if (d->ring == NULL) {
		for (unsigned i = 0; i < n; i++) {
			bytes += pkts[i]->pkt_len;
			pkts[i]->ol_flags = ml_rx_marks(pkts[i], link->csum, -1);
			push(d, pkts[i], link->now);
		}
		d->st.bytes += bytes;
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		bytes += pkts[i]->pkt_len;
		pkts[i]->ol_flags = ml_rx_marks(pkts[i], link->csum, -1);
	}
	d->st.bytes += bytes;
	/* Sized for every descriptor: only spins while the reader catches up. */
	for (unsigned done = 0; done < n;)
		done += ml_ring_enqueue_burst(d->ring, (void **)pkts + done,
					      n - done);
}

/* -------------------------------------------------------------- receive */
static void release_expired_held(struct ml_dir *d, uint64_t now)
{
	uint32_t i = 0;

	while (i < d->n_held) {
		if (d->held[i].deadline <= now) {
			push(d, d->held[i].p, d->held[i].deadline);
			d->held[i] = d->held[--d->n_held];
			continue;
		}
		i++;
	}
}

unsigned ml_ep_rx_burst(struct ml_ep *ep, struct rts_pkt **pkts, unsigned max,
			uint64_t now_ns)
{
	struct ml_dir *d = &ep->link->dir[ep->side ^ 1];
	unsigned n = 0;

	if (d->ring) {
		n = ml_ring_dequeue_burst(d->ring, (void **)pkts, max);
		ep->delivered += n;
		/*
		 * Freed buffers of the other side go back in bursts of
		 * ML_STASH, or here when idle so none stay stranded. Doing
		 * it on every poll costs more than it saves (measured: -25%
		 * on W1 e2).
		 */
		if (n == 0 && ep->pool->n_stash)
			ml_pool_flush_returns(ep->pool);
		return n;
	}
	if (d->n_held)
		release_expired_held(d, now_ns);
	while (n < max && d->q_tail != d->q_head &&
	       d->q[d->q_tail & d->q_mask].at <= now_ns) {
		pkts[n++] = d->q[d->q_tail & d->q_mask].p;
		d->q_tail++;
	}
	ep->delivered += n;
	return n;
}

uint64_t ml_ep_next_arrival(struct ml_ep *ep)
{
	struct ml_dir *d = &ep->link->dir[ep->side ^ 1];
	uint64_t t = UINT64_MAX;

	if (d->ring)
		return ml_ring_count(d->ring) ? 0 : UINT64_MAX;
	if (d->q_tail != d->q_head)
		t = d->q[d->q_tail & d->q_mask].at;
	for (uint32_t i = 0; i < d->n_held; i++)
		if (d->held[i].deadline < t)
			t = d->held[i].deadline;
	return t;
}

/* ------------------------------------------------------------ endpoints */
static struct rts_pkt *ep_alloc(void *be)
{
	return ml_alloc_inline(((struct ml_ep *)be)->pool);
}

static void ep_free(void *be, struct rts_pkt *p)
{
	ml_free_inline(((struct ml_ep *)be)->pool, p);
}

static struct rts_pkt *ep_clone(void *be, struct rts_pkt *p)
{
	return ml_clone_inline(((struct ml_ep *)be)->pool, p);
}

static const struct rts_backend_ops ml_ops = {
	.alloc = ep_alloc,
	.free = ep_free,
	.clone = ep_clone,
	.tx = link_tx,
};

const struct rts_backend_ops *ml_backend_ops(void)
{
	return &ml_ops;
}

void ml_ep_caps(const struct ml_ep *ep, struct rts_if_caps *caps)
{
	memset(caps, 0, sizeof(*caps));
	/* The link carries chains in every mode, like a scatter-gather NIC. */
	caps->flags = RTS_CAP_MULTI_SEG;
	if (ep->link->csum != ML_CSUM_SW)
		caps->flags |= RTS_CAP_RX_IP_CSUM | RTS_CAP_RX_L4_CSUM |
			       RTS_CAP_TX_IP_CSUM | RTS_CAP_TX_L4_CSUM |
			       RTS_CAP_TX_L4_CSUM6;
}

struct ml_pool *ml_ep_pool(const struct ml_ep *ep)
{
	return ep->pool;
}
