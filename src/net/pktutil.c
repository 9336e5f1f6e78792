/* SPDX-License-Identifier: BSD-3-Clause */
/* rtestack — helpers for packet chains (trim, copy in/out, allocate). */
#include "net.h"

void rts_pkt_trim(struct rts_ctx *ctx, struct rts_pkt *p, uint32_t len)
{
	struct rts_pkt *s = p;
	uint32_t left = len;

	p->pkt_len = len;
	while (s->len < left && s->next) {
		left -= s->len;
		s = s->next;
	}
	s->len = RTS_MIN(s->len, left);
	if (s->next) {
		rts_free(ctx, s->next);
		s->next = NULL;
	}
}

void rts_pkt_copy_out(const struct rts_pkt *p, uint32_t off, uint32_t len,
		      void *dst)
{
	uint8_t *d = dst;

	for (; p && len; p = p->next) {
		uint32_t n;

		if (off >= p->len) {
			off -= p->len;
			continue;
		}
		n = RTS_MIN(p->len - off, len);
		rts_memcpy(d, p->data + off, n);
		d += n;
		len -= n;
		off = 0;
	}
}

void rts_pkt_copy_in(struct rts_pkt *p, uint32_t off, const void *src,
		     uint32_t len)
{
	const uint8_t *s = src;

	for (; p && len; p = p->next) {
		uint32_t n;

		if (off >= p->len) {
			off -= p->len;
			continue;
		}
		n = RTS_MIN(p->len - off, len);
		rts_memcpy(p->data + off, s, n);
		s += n;
		len -= n;
		off = 0;
	}
}

struct rts_pkt *rts_pkt_alloc_len(struct rts_ctx *ctx, uint32_t len,
				  uint32_t first_min)
{
	struct rts_pkt *head = NULL, *tail = NULL;
	uint32_t left = len;

	do {
		struct rts_pkt *s = rts_alloc(ctx);
		uint32_t n;

		if (s == NULL)
			goto fail;
		n = RTS_MIN(left, rts_pkt_tailroom(s));
		if (head == NULL && n < RTS_MIN(len, first_min)) {
			ctx->cnt.pkt_alloc_fail++;
			rts_free(ctx, s);
			goto fail;
		}
		if (n == 0 && left) {
			rts_free(ctx, s);
			goto fail;
		}
		s->len = n;
		left -= n;
		if (head == NULL)
			head = s;
		else
			tail->next = s;
		tail = s;
	} while (left);
	head->pkt_len = len;
	return head;
fail:
	if (head)
		rts_free(ctx, head);
	return NULL;
}

struct rts_pkt *rts_pkt_linearize(struct rts_ctx *ctx, struct rts_pkt *p)
{
	struct rts_pkt *q = rts_alloc(ctx);
	uint8_t *d;

	if (q == NULL)
		goto fail;
	d = rts_pkt_append(q, p->pkt_len);
	if (d == NULL) {
		ctx->cnt.pkt_alloc_fail++; /* larger than a whole buffer */
		rts_free(ctx, q);
		goto fail;
	}
	rts_pkt_copy_out(p, 0, p->pkt_len, d);
	q->ol_flags = p->ol_flags;
	q->l2_len = p->l2_len;
	q->l3_len = p->l3_len;
	q->l4_len = p->l4_len;
	rts_free(ctx, p);
	return q;
fail:
	rts_free(ctx, p);
	return NULL;
}
