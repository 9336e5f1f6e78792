/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * memlink — a lock-free single-producer single-consumer ring of pointers.
 *
 * One thread enqueues, one thread dequeues; C11 acquire/release on the two
 * indices is the only synchronisation. Each side keeps a cached copy of the
 * other side's index so that a burst touches the shared cache line once.
 * Capacity is a power of two; indices run freely and wrap at 2^32.
 */
#ifndef ML_RING_H
#define ML_RING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ML_CACHE_LINE 64

struct ml_ring {
	/* producer's line */
	_Alignas(ML_CACHE_LINE) _Atomic uint32_t head; /* next slot to write */
	uint32_t cached_tail;
	/* consumer's line */
	_Alignas(ML_CACHE_LINE) _Atomic uint32_t tail; /* next slot to read */
	uint32_t cached_head;
	/* read-only after init */
	_Alignas(ML_CACHE_LINE) uint32_t mask;
	void **slots;
};

/* A ring of at least @min_cap slots (rounded up to a power of two). */
struct ml_ring *ml_ring_create(uint32_t min_cap);
void ml_ring_destroy(struct ml_ring *r);

static inline uint32_t ml_ring_capacity(const struct ml_ring *r)
{
	return r->mask + 1;
}

/* Producer: enqueue up to @n pointers; returns how many fit. */
static inline unsigned ml_ring_enqueue_burst(struct ml_ring *r,
					     void *const *objs, unsigned n)
{
	uint32_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	uint32_t free_slots = r->mask + 1 - (head - r->cached_tail);

	if (free_slots < n) {
		r->cached_tail = atomic_load_explicit(&r->tail,
						      memory_order_acquire);
		free_slots = r->mask + 1 - (head - r->cached_tail);
		if (free_slots < n)
			n = free_slots;
	}
	for (unsigned i = 0; i < n; i++)
		r->slots[(head + i) & r->mask] = objs[i];
	atomic_store_explicit(&r->head, head + n, memory_order_release);
	return n;
}

/* Consumer: dequeue up to @n pointers; returns how many were there. */
static inline unsigned ml_ring_dequeue_burst(struct ml_ring *r, void **objs,
					     unsigned n)
{
	uint32_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	uint32_t avail = r->cached_head - tail;

	if (avail < n) {
		r->cached_head = atomic_load_explicit(&r->head,
						      memory_order_acquire);
		avail = r->cached_head - tail;
		if (avail < n)
			n = avail;
	}
	for (unsigned i = 0; i < n; i++)
		objs[i] = r->slots[(tail + i) & r->mask];
	atomic_store_explicit(&r->tail, tail + n, memory_order_release);
	return n;
}

static inline bool ml_ring_enqueue(struct ml_ring *r, void *obj)
{
	return ml_ring_enqueue_burst(r, &obj, 1) == 1;
}

static inline void *ml_ring_dequeue(struct ml_ring *r)
{
	void *obj = NULL;

	ml_ring_dequeue_burst(r, &obj, 1);
	return obj;
}

/* Entries present; exact only when neither side is running. */
static inline uint32_t ml_ring_count(struct ml_ring *r)
{
	return atomic_load_explicit(&r->head, memory_order_acquire) -
	       atomic_load_explicit(&r->tail, memory_order_acquire);
}

#endif
