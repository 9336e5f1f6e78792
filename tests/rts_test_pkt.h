/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test helper: the bytes a TCP data() handler is given (@len bytes from
 * offset @off of a packet chain), one segment's piece at a time.
 *
 *     struct rts_test_span sp = rts_test_span(p, off, len);
 *     const uint8_t *d;
 *     uint32_t n;
 *
 *     while (rts_test_span_next(&sp, &d, &n))
 *             use(d, n);
 */
#ifndef RTS_TEST_PKT_H
#define RTS_TEST_PKT_H

#include <stdbool.h>
#include <stdint.h>

#include <rtestack/pkt.h>

struct rts_test_span {
	const struct rts_pkt *seg;   /* segment the next piece starts in */
	uint32_t off;                /* offset into it */
	uint32_t left;               /* bytes still to hand out */
};

static inline struct rts_test_span rts_test_span(const struct rts_pkt *p,
						 uint32_t off, uint32_t len)
{
	return (struct rts_test_span){ .seg = p, .off = off, .left = len };
}

/* The next piece into *data / *n; false once @len bytes were handed out
 * (or the chain ended). */
static inline bool rts_test_span_next(struct rts_test_span *sp,
				      const uint8_t **data, uint32_t *n)
{
	for (; sp->seg != NULL && sp->left > 0; sp->seg = sp->seg->next) {
		const struct rts_pkt *s = sp->seg;

		if (sp->off >= s->len) {
			sp->off -= s->len;
			continue;
		}
		*data = s->data + sp->off;
		*n = s->len - sp->off < sp->left ? s->len - sp->off : sp->left;
		sp->left -= *n;
		sp->off = 0;
		sp->seg = s->next;
		return true;
	}
	return false;
}

#endif
