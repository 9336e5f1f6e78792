/* SPDX-License-Identifier: BSD-3-Clause */
/* memlink — internals shared by the pool, the link and the offload code. */
#ifndef ML_INTERNAL_H
#define ML_INTERNAL_H

#include "memlink.h"
#include "ml_ring.h"

#include <stdatomic.h>

enum ml_buf_state {
	ML_BUF_FREE = 0,
	ML_BUF_USED = 1,
	ML_BUF_DETACHED = 2, /* direct descriptor freed, clones still share */
};

struct ml_buf {
	struct rts_pkt pkt;      /* first: the stack's view */
	struct ml_pool *pool;
	struct ml_buf *owner;    /* indirect: the direct buffer with the data */
	struct ml_buf *free_next;
	_Atomic uint32_t refcnt; /* direct: descriptors sharing the data */
	uint8_t state;           /* enum ml_buf_state */
	bool indirect;
};

static inline struct ml_buf *ml_buf_of(const struct rts_pkt *p)
{
	return (struct ml_buf *)(void *)p;
}

#define ML_STASH 64

struct ml_pool {
	/* owner thread only */
	struct ml_buf *free_bufs;
	struct ml_buf *free_clones;
	uint32_t n_free_bufs, n_free_clones; /* carved or not */
	uint32_t min_free_bufs;  /* low-water mark of n_free_bufs */
	/* Descriptors are set up when first needed (the lists start empty). */
	uint32_t n_carved_bufs, n_carved_clones;
	uint64_t st_allocs, st_alloc_fails, st_clones, st_clone_fails;
	/* read-only after creation */
	bool threaded;
	uint32_t headroom, data_size, stride;
	uint32_t n_bufs, n_clones;
	uint8_t *mem;
	struct ml_buf *clone_mem;
	struct ml_ring *ret; /* frees from the other thread */
	/*
	 * Owner thread: other pools' buffers this thread freed, handed back
	 * in bursts (one ring update per burst, not per buffer).
	 */
	struct ml_pool *stash_to;
	uint32_t n_stash;
	struct ml_buf *stash[ML_STASH];
};

/* ------------------------------------------------- pool hot paths (inline) */
/* Out of line: threaded pools, empty free lists, chains to clone. */
struct rts_pkt *ml_pool_alloc_slow(struct ml_pool *pool);
struct rts_pkt *ml_pool_clone_slow(struct ml_pool *pool, struct rts_pkt *p);
void ml_pkt_free_threaded(struct ml_pool *local, struct rts_pkt *p);
__attribute__((noinline, cold, noreturn)) void ml_misuse(const char *what,
							  const void *p);

static inline void ml_reset_pkt(const struct ml_pool *pool, struct rts_pkt *p)
{
	p->data = p->buf + pool->headroom;
	p->len = 0;
	p->pkt_len = 0;
	p->next = NULL;
	p->ol_flags = 0;
	p->l2_len = p->l3_len = p->l4_len = p->tso_segsz = 0;
	p->q_next = NULL;
}

/* A buffer just taken off the free list becomes the caller's packet. */
static inline struct rts_pkt *ml_hand_out(struct ml_pool *pool,
					  struct ml_buf *b)
{
	if (--pool->n_free_bufs < pool->min_free_bufs)
		pool->min_free_bufs = pool->n_free_bufs;
	b->state = ML_BUF_USED;
	atomic_store_explicit(&b->refcnt, 1, memory_order_relaxed);
	ml_reset_pkt(pool, &b->pkt);
	pool->st_allocs++;
	return &b->pkt;
}

/* ml_pool_alloc(): a pop from the free list in the common case. */
static inline struct rts_pkt *ml_alloc_inline(struct ml_pool *pool)
{
	struct ml_buf *b = pool->free_bufs;

	if (__builtin_expect(b == NULL || pool->threaded, 0))
		return ml_pool_alloc_slow(pool);
	pool->free_bufs = b->free_next;
	return ml_hand_out(pool, b);
}

/* ml_pool_clone() of one segment of an unthreaded pool: one descriptor. */
static inline struct rts_pkt *ml_clone_inline(struct ml_pool *pool,
					      struct rts_pkt *p)
{
	struct ml_buf *src = ml_buf_of(p);
	struct ml_buf *owner = src->indirect ? src->owner : src;
	struct ml_buf *c = pool->free_clones;

	if (__builtin_expect(c == NULL || p->next != NULL || pool->threaded, 0))
		return ml_pool_clone_slow(pool, p);
	pool->free_clones = c->free_next;
	pool->n_free_clones--;
	c->state = ML_BUF_USED;
	atomic_store_explicit(&owner->refcnt,
			      atomic_load_explicit(&owner->refcnt,
						   memory_order_relaxed) + 1,
			      memory_order_relaxed);
	c->owner = owner;
	/* Like DPDK's clone: the same data and length, the head's meta. */
	c->pkt = *p;
	c->pkt.q_next = NULL;
	pool->st_clones++;
	return &c->pkt;
}

/* Unthreaded: back on its own pool's list (plain counts). */
static inline void ml_push_own(struct ml_buf *b)
{
	struct ml_pool *pool = b->pool;

	b->state = ML_BUF_FREE;
	if (b->indirect) {
		b->free_next = pool->free_clones;
		pool->free_clones = b;
		pool->n_free_clones++;
	} else {
		b->free_next = pool->free_bufs;
		pool->free_bufs = b;
		pool->n_free_bufs++;
	}
}

/* ml_pkt_free(): unthreaded pools inline, the rest out of line. */
static inline void ml_free_inline(struct ml_pool *local, struct rts_pkt *p)
{
	if (__builtin_expect(local->threaded, 0)) {
		ml_pkt_free_threaded(local, p);
		return;
	}
	while (p != NULL) {
		struct rts_pkt *next = p->next;
		struct ml_buf *b = ml_buf_of(p), *owner = b;
		uint32_t refs;

		if (__builtin_expect(b->state != ML_BUF_USED, 0))
			ml_misuse("double free of a packet", p);
		if (b->indirect) {
			owner = b->owner;
			ml_push_own(b);
		} else {
			b->state = ML_BUF_DETACHED; /* data lives while clones do */
		}
		refs = atomic_load_explicit(&owner->refcnt, memory_order_relaxed);
		if (__builtin_expect(refs == 0, 0))
			ml_misuse("refcount underflow", owner);
		atomic_store_explicit(&owner->refcnt, refs - 1,
				      memory_order_relaxed);
		if (refs == 1)
			ml_push_own(owner);
		p = next;
	}
}

/* ------------------------------------------------------------- offload */
/*
 * Complete the checksums @p asks the device for (RTS_PKT_TX_*_CSUM), using
 * l2_len/l3_len (parsed from the frame, and counted, when they are unset).
 */
void ml_offload_fill_tx(struct rts_pkt *p, struct ml_dir_stats *st);
/*
 * The RX marks a verifying NIC would set on @p. OFFLOAD trusts the frame
 * except where @corrupt_off (byte offset, -1: none) says the link damaged
 * it; OFFLOAD_VERIFY recomputes every checksum.
 */
uint32_t ml_offload_rx_marks(const struct rts_pkt *p, enum ml_csum_mode mode,
			     int64_t corrupt_off);

/*
 * The benchmark path: one look at a contiguous IPv4 header, as a NIC's
 * parser would. Returns false when the frame needs the general parse.
 */
static inline bool ml_trust_marks_v4(const struct rts_pkt *p, int64_t corrupt_off,
				uint32_t *marks)
{
	const uint8_t *h = p->data;
	uint32_t l3_end, m;

	if (p->len < 14 + 20 || h[12] != 0x08 || h[13] != 0x00 ||
	    (h[14] >> 4) != 4)
		return false;
	l3_end = 14 + (uint32_t)(h[14] & 0xf) * 4;
	if (corrupt_off >= 14 && corrupt_off < (int64_t)l3_end) {
		*marks = RTS_PKT_RX_IP_CSUM_BAD;
		return true;
	}
	m = RTS_PKT_RX_IP_CSUM_GOOD;
	if ((h[23] == 6 || h[23] == 17) &&
	    ((h[20] & 0x3f) | h[21]) == 0)
		m |= corrupt_off >= 14 ? RTS_PKT_RX_L4_CSUM_BAD
					     : RTS_PKT_RX_L4_CSUM_GOOD;
	*marks = m;
	return true;
}

/*
 * The same for IPv6 with TCP or UDP right after the fixed header: no header
 * checksum; the L4 sum covers the pseudo-header, so any damage past L2
 * shows there (as trust_marks() decides for the general case).
 */
static inline bool ml_trust_marks_v6(const struct rts_pkt *p, int64_t corrupt_off,
				     uint32_t *marks)
{
	const uint8_t *h = p->data;

	if (p->len < 14 + 40 || h[12] != 0x86 || h[13] != 0xdd ||
	    (h[14] >> 4) != 6 || (h[20] != 6 && h[20] != 17) ||
	    14u + 40 + (uint32_t)(h[18] << 8 | h[19]) > p->pkt_len)
		return false;
	*marks = corrupt_off >= 14 ? RTS_PKT_RX_L4_CSUM_BAD
				   : RTS_PKT_RX_L4_CSUM_GOOD;
	return true;
}

/* ml_offload_rx_marks() with the common cases inline (the link's hot path). */
static inline uint32_t ml_rx_marks(const struct rts_pkt *p,
				   enum ml_csum_mode mode, int64_t corrupt_off)
{
	uint32_t m;

	if (mode == ML_CSUM_SW)
		return 0;
	if (mode == ML_CSUM_OFFLOAD && (ml_trust_marks_v4(p, corrupt_off, &m) ||
					ml_trust_marks_v6(p, corrupt_off, &m)))
		return m;
	return ml_offload_rx_marks(p, mode, corrupt_off);
}

#endif
