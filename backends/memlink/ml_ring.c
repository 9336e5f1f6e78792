/* SPDX-License-Identifier: BSD-3-Clause */
/* memlink — SPSC ring allocation (the hot paths are inline in ml_ring.h). */
#include "ml_ring.h"

#include <stdlib.h>
#include <string.h>

struct ml_ring *ml_ring_create(uint32_t min_cap)
{
	struct ml_ring *r;
	uint32_t cap = 1;

	if (min_cap > (1u << 30))
		return NULL;
	while (cap < min_cap)
		cap <<= 1;
	r = aligned_alloc(ML_CACHE_LINE, sizeof(*r));
	if (r == NULL)
		return NULL;
	memset(r, 0, sizeof(*r));
	r->mask = cap - 1;
	r->slots = calloc(cap, sizeof(void *));
	if (r->slots == NULL) {
		free(r);
		return NULL;
	}
	atomic_init(&r->head, 0);
	atomic_init(&r->tail, 0);
	return r;
}

void ml_ring_destroy(struct ml_ring *r)
{
	if (r == NULL)
		return;
	free(r->slots);
	free(r);
}
