/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * memlink — the buffer pool.
 *
 * Every buffer is one block: a descriptor (struct ml_buf, whose first member
 * is the struct rts_pkt the stack sees) followed by headroom and data. Clones
 * use indirect descriptors (no data of their own) that point at the direct
 * buffer owning the data and hold a reference on it, as DPDK's indirect mbufs
 * do. The memory is allocated once at creation and descriptors are set up as
 * first needed; alloc and free are a pop and a push on a free list (inline in
 * ml_internal.h for the endpoint ops).
 *
 * Threaded pools: a buffer may be freed by the other thread (the receiver of
 * a frame). Reference counts are then atomic, and a buffer whose pool is not
 * the caller's goes back through the pool's return ring (single producer:
 * the one other thread), which the owner drains when its free list is empty.
 */
#include "ml_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ML_DEFAULT_BUFS 4096
#define ML_DEFAULT_DATA 2048

static uint32_t round_up(uint32_t v, uint32_t a)
{
	return (v + a - 1) / a * a;
}

void ml_pool_config_default(struct ml_pool_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->n_bufs = ML_DEFAULT_BUFS;
	cfg->n_clones = 0;
	cfg->data_size = ML_DEFAULT_DATA;
	cfg->headroom = RTS_PKT_MIN_HEADROOM;
	cfg->threaded = false;
}

static inline void push_free(struct ml_buf **list, uint32_t *count,
			     struct ml_buf *b)
{
	b->state = ML_BUF_FREE;
	b->free_next = *list;
	*list = b;
	(*count)++;
}

struct ml_pool *ml_pool_create(const struct ml_pool_config *cfg)
{
	struct ml_pool *pool;
	uint32_t n_clones = cfg->n_clones ? cfg->n_clones : cfg->n_bufs;
	uint32_t headroom = cfg->headroom < RTS_PKT_MIN_HEADROOM
				    ? RTS_PKT_MIN_HEADROOM
				    : cfg->headroom;

	if (cfg->n_bufs == 0 || cfg->data_size == 0)
		return NULL;
	pool = aligned_alloc(ML_CACHE_LINE, round_up(sizeof(*pool),
						     ML_CACHE_LINE));
	if (pool == NULL)
		return NULL;
	memset(pool, 0, sizeof(*pool));
	pool->threaded = cfg->threaded;
	pool->headroom = headroom;
	pool->data_size = cfg->data_size;
	pool->n_bufs = cfg->n_bufs;
	pool->n_clones = n_clones;
	pool->stride = round_up(sizeof(struct ml_buf), ML_CACHE_LINE) +
		       round_up(headroom + cfg->data_size, ML_CACHE_LINE);
	pool->mem = aligned_alloc(ML_CACHE_LINE,
				  (size_t)pool->stride * cfg->n_bufs);
	pool->clone_mem = aligned_alloc(ML_CACHE_LINE,
		round_up((uint32_t)sizeof(struct ml_buf) * n_clones,
			 ML_CACHE_LINE));
	pool->ret = ml_ring_create(cfg->n_bufs + n_clones);
	if (pool->mem == NULL || pool->clone_mem == NULL || pool->ret == NULL) {
		ml_pool_destroy(pool);
		return NULL;
	}
	/*
	 * Nothing is touched yet: descriptors are carved from the memory in
	 * order as the free lists run dry (carve_buf, carve_clone), so
	 * set-up costs what a run uses, not what it could use.
	 */
	pool->n_free_bufs = pool->min_free_bufs = cfg->n_bufs;
	pool->n_free_clones = n_clones;
	return pool;
}

void ml_pool_destroy(struct ml_pool *pool)
{
	if (pool == NULL)
		return;
	free(pool->mem);
	free(pool->clone_mem);
	if (pool->ret)
		ml_ring_destroy(pool->ret);
	free(pool);
}

uint32_t ml_pool_data_size(const struct ml_pool *pool)
{
	return pool->data_size;
}

/* The next never-used buffer, set up; NULL when all are in use. */
static struct ml_buf *carve_buf(struct ml_pool *pool)
{
	struct ml_buf *b;

	if (pool->n_carved_bufs == pool->n_bufs)
		return NULL;
	b = (struct ml_buf *)(void *)(pool->mem + (size_t)pool->n_carved_bufs++ *
						   pool->stride);
	*b = (struct ml_buf){
		.pkt.buf = (uint8_t *)b + round_up(sizeof(struct ml_buf),
						   ML_CACHE_LINE),
		.pkt.buf_len = pool->headroom + pool->data_size,
		.pool = pool,
	};
	return b;
}

static struct ml_buf *carve_clone(struct ml_pool *pool)
{
	struct ml_buf *b;

	if (pool->n_carved_clones == pool->n_clones)
		return NULL;
	b = &pool->clone_mem[pool->n_carved_clones++];
	*b = (struct ml_buf){ .pool = pool, .indirect = true };
	return b;
}

/* Take back what other threads returned. */
static void drain_returns(struct ml_pool *pool)
{
	void *objs[64];
	unsigned n;

	while ((n = ml_ring_dequeue_burst(pool->ret, objs, 64)) > 0) {
		for (unsigned i = 0; i < n; i++) {
			struct ml_buf *b = objs[i];

			if (b->indirect)
				push_free(&pool->free_clones,
					  &pool->n_free_clones, b);
			else
				push_free(&pool->free_bufs,
					  &pool->n_free_bufs, b);
		}
	}
}

/* Threaded pools (returns to take back) and empty free lists. */
struct rts_pkt *ml_pool_alloc_slow(struct ml_pool *pool)
{
	struct ml_buf *b = pool->free_bufs;

	if (b == NULL && pool->threaded) {
		drain_returns(pool);
		b = pool->free_bufs;
	}
	if (b == NULL) {
		b = carve_buf(pool);
		if (b == NULL) {
			pool->st_alloc_fails++;
			return NULL;
		}
	} else {
		pool->free_bufs = b->free_next;
	}
	return ml_hand_out(pool, b);
}

struct rts_pkt *ml_pool_alloc(struct ml_pool *pool)
{
	return ml_alloc_inline(pool);
}

static inline struct ml_buf *take_clone_desc(struct ml_pool *pool)
{
	struct ml_buf *c = pool->free_clones;

	if (c == NULL && pool->threaded) {
		drain_returns(pool);
		c = pool->free_clones;
	}
	if (c == NULL) {
		c = carve_clone(pool);
		if (c == NULL)
			return NULL;
	} else {
		pool->free_clones = c->free_next;
	}
	pool->n_free_clones--;
	c->state = ML_BUF_USED;
	return c;
}

static inline void ref_get(struct ml_buf *owner)
{
	if (owner->pool->threaded)
		atomic_fetch_add_explicit(&owner->refcnt, 1,
					  memory_order_relaxed);
	else
		atomic_store_explicit(&owner->refcnt,
			atomic_load_explicit(&owner->refcnt,
					     memory_order_relaxed) + 1,
			memory_order_relaxed);
}

__attribute__((noinline, cold, noreturn)) void ml_misuse(const char *what,
							  const void *p)
{
	fprintf(stderr, "memlink: %s (%p)\n", what, p);
	abort();
}

/* Drop one reference; true when it was the last. */
static inline bool ref_put(struct ml_buf *owner)
{
	uint32_t old;

	if (owner->pool->threaded) {
		old = atomic_fetch_sub_explicit(&owner->refcnt, 1,
						memory_order_acq_rel);
	} else {
		old = atomic_load_explicit(&owner->refcnt,
					   memory_order_relaxed);
		atomic_store_explicit(&owner->refcnt, old - 1,
				      memory_order_relaxed);
	}
	if (__builtin_expect(old == 0, 0))
		ml_misuse("refcount underflow", owner);
	return old == 1;
}

void ml_pool_flush_returns(struct ml_pool *local)
{
	uint32_t done = 0;

	/* The ring holds every descriptor of its pool: it drains, never
	 * stays full. */
	while (done < local->n_stash)
		done += ml_ring_enqueue_burst(local->stash_to->ret,
					      (void **)local->stash + done,
					      local->n_stash - done);
	local->n_stash = 0;
}

/* A foreign thread's buffer goes back through its pool's return ring. */
__attribute__((noinline)) static void return_remote(struct ml_pool *local,
						    struct ml_buf *b)
{
	b->state = ML_BUF_FREE;
	if (local->n_stash && local->stash_to != b->pool)
		ml_pool_flush_returns(local);
	local->stash_to = b->pool;
	local->stash[local->n_stash++] = b;
	if (local->n_stash == ML_STASH)
		ml_pool_flush_returns(local);
}

void ml_pool_reclaim(struct ml_pool *pool)
{
	if (pool->threaded)
		drain_returns(pool);
}

/* Give a descriptor (direct with no references left, or indirect) back. */
static inline void put_desc(struct ml_pool *local, struct ml_buf *b)
{
	struct ml_pool *pool = b->pool;

	if (__builtin_expect(pool != local && pool->threaded, 0)) {
		return_remote(local, b);
		return;
	}
	if (b->indirect)
		push_free(&pool->free_clones, &pool->n_free_clones, b);
	else
		push_free(&pool->free_bufs, &pool->n_free_bufs, b);
}

static inline void free_segment(struct ml_pool *local, struct ml_buf *b)
{
	if (__builtin_expect(b->state != ML_BUF_USED, 0))
		ml_misuse("double free of a packet", &b->pkt);
	if (b->indirect) {
		struct ml_buf *owner = b->owner;

		put_desc(local, b);
		if (ref_put(owner))
			put_desc(local, owner);
		return;
	}
	/* The direct descriptor is done; the data lives while clones do. */
	b->state = ML_BUF_DETACHED;
	if (ref_put(b))
		put_desc(local, b);
}

void ml_pkt_free(struct ml_pool *local, struct rts_pkt *p)
{
	ml_free_inline(local, p);
}

void ml_pkt_free_threaded(struct ml_pool *local, struct rts_pkt *p)
{
	while (p != NULL) {
		struct rts_pkt *next = p->next;

		free_segment(local, ml_buf_of(p));
		p = next;
	}
}

/* One indirect descriptor for segment @s, or NULL. */
static inline struct rts_pkt *clone_segment(struct ml_pool *pool,
					    const struct rts_pkt *s)
{
	const struct ml_buf *src = ml_buf_of(s);
	struct ml_buf *owner = src->indirect ? src->owner : (struct ml_buf *)src;
	struct ml_buf *c = take_clone_desc(pool);

	if (c == NULL)
		return NULL;
	ref_get(owner);
	c->owner = owner;
	c->pkt.data = s->data;
	c->pkt.len = s->len;
	c->pkt.pkt_len = s->len;
	c->pkt.next = NULL;
	c->pkt.buf = s->buf;
	c->pkt.buf_len = s->buf_len;
	c->pkt.ol_flags = 0;
	c->pkt.q_next = NULL;
	return &c->pkt;
}

struct rts_pkt *ml_pool_clone(struct ml_pool *pool, struct rts_pkt *p)
{
	return ml_clone_inline(pool, p);
}

/* Threaded pools, chains, and an empty clone list. */
struct rts_pkt *ml_pool_clone_slow(struct ml_pool *pool, struct rts_pkt *p)
{
	struct rts_pkt *head = clone_segment(pool, p), *tail = head;

	if (head == NULL)
		goto fail;
	for (struct rts_pkt *s = p->next; s != NULL; s = s->next) {
		tail->next = clone_segment(pool, s);
		if (tail->next == NULL) {
			ml_pkt_free(pool, head);
			goto fail;
		}
		tail = tail->next;
	}
	/* Like DPDK's clone: the head keeps length and offload meta. */
	head->pkt_len = p->pkt_len;
	head->ol_flags = p->ol_flags;
	head->l2_len = p->l2_len;
	head->l3_len = p->l3_len;
	head->l4_len = p->l4_len;
	head->tso_segsz = p->tso_segsz;
	pool->st_clones++;
	return head;
fail:
	pool->st_clone_fails++;
	return NULL;
}

uint32_t ml_pool_in_use(struct ml_pool *pool)
{
	ml_pool_flush_returns(pool);
	drain_returns(pool);
	return (pool->n_bufs - pool->n_free_bufs) +
	       (pool->n_clones - pool->n_free_clones);
}

void ml_pool_get_stats(struct ml_pool *pool, struct ml_pool_stats *st)
{
	ml_pool_flush_returns(pool);
	drain_returns(pool);
	st->allocs = pool->st_allocs;
	st->alloc_fails = pool->st_alloc_fails;
	st->clones = pool->st_clones;
	st->clone_fails = pool->st_clone_fails;
	st->bufs_in_use = pool->n_bufs - pool->n_free_bufs;
	st->clones_in_use = pool->n_clones - pool->n_free_clones;
	st->bufs_high_water = pool->n_bufs - pool->min_free_bufs;
}

uint32_t ml_pkt_read(const struct rts_pkt *p, uint32_t off, void *dst,
		     uint32_t len)
{
	uint8_t *out = dst;
	uint32_t done = 0;

	for (; p != NULL && done < len; p = p->next) {
		uint32_t n;

		if (off >= p->len) {
			off -= p->len;
			continue;
		}
		n = p->len - off;
		if (n > len - done)
			n = len - done;
		memcpy(out + done, p->data + off, n);
		done += n;
		off = 0;
	}
	return done;
}

struct rts_pkt *ml_pkt_copy(struct ml_pool *pool, const struct rts_pkt *p)
{
	struct rts_pkt *head = NULL, *seg = NULL;
	uint32_t total = p->pkt_len, off = 0;

	do {
		struct rts_pkt *n = ml_pool_alloc(pool);
		uint32_t chunk = total - off;

		if (n == NULL) {
			if (head)
				ml_pkt_free(pool, head);
			return NULL;
		}
		if (chunk > pool->data_size)
			chunk = pool->data_size;
		n->len = ml_pkt_read(p, off, n->data, chunk);
		off += n->len;
		if (head == NULL)
			head = n;
		else
			seg->next = n;
		seg = n;
	} while (off < total);
	head->pkt_len = total;
	head->ol_flags = p->ol_flags;
	head->l2_len = p->l2_len;
	head->l3_len = p->l3_len;
	head->l4_len = p->l4_len;
	head->tso_segsz = p->tso_segsz;
	return head;
}
