/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — the receive side: in-order delivery to the app (zero-copy),
 * the bounded out-of-order queue, the peer's FIN and the ACK policy
 * (delayed ACK, RFC 9293 §3.8.6.3 and RFC 5681 §4.2).
 */
#include "tcp_seg.h"

#define OOO_FIN (1u << 31) /* aux bit: the queued segment carried a FIN */

/* The peer's FIN, in order (RFC 9293 §3.10.7.4, eighth check). */
static void peer_fin(struct rts_tcp_conn *c)
{
	c->rcv_nxt++;
	c->flags |= TF_ACKNOW | TF_PEER_FIN;
	switch (c->state) {
	case RTS_TCP_SYN_RECEIVED:
	case RTS_TCP_ESTABLISHED:
		tcp_set_state(c, RTS_TCP_CLOSE_WAIT);
		break;
	case RTS_TCP_FIN_WAIT_1:
		/* Our FIN not yet acknowledged (else we'd be in FIN_WAIT_2). */
		tcp_set_state(c, RTS_TCP_CLOSING);
		break;
	case RTS_TCP_FIN_WAIT_2:
		c->t_2msl = 0;
		tcp_enter_time_wait(c);
		break;
	default:
		return;
	}
	if (!(c->flags & TF_DETACHED) && c->h && c->h->peer_closed)
		c->h->peer_closed(c, c->user);
	if (c->state == RTS_TCP_TIME_WAIT)
		tcp_conn_closed(c, RTS_TCP_CLOSED_NORMAL);
}

/* Insert into the out-of-order queue, sorted by seq; false if dropped. */
static bool ooo_insert(struct rts_tcp_conn *c, struct rts_pkt *p, uint32_t seq,
		       uint32_t len, bool fin)
{
	struct rts_ctx *ctx = c->ctx;
	struct rts_pkt **pp = &c->ooo_head;

	while (*pp && seq_lt((*pp)->seq, seq))
		pp = &(*pp)->q_next;
	/* Same start and not longer: a duplicate of what we hold. */
	if (*pp && (*pp)->seq == seq && ((*pp)->aux & ~OOO_FIN) >= len) {
		ctx->cnt.tcp_rx_dup++;
		tcp_sack_note_dup(c, seq, seq + len);
		return false;
	}
	if (c->ooo_n >= ctx->cfg.tcp.ooo_max_segs) {
		ctx->cnt.tcp_rx_ooo_drop++;
		return false;
	}
	p->seq = seq;
	p->aux = len | (fin ? OOO_FIN : 0);
	p->q_next = *pp;
	*pp = p;
	c->ooo_n++;
	ctx->cnt.tcp_rx_ooo++;
	tcp_sack_note_ooo(c, seq, len);
	return true;
}

/* Deliver what the out-of-order queue now holds in order. */
static void ooo_drain(struct rts_tcp_conn *c)
{
	struct rts_pkt *p;

	while ((p = c->ooo_head) != NULL && seq_leq(p->seq, c->rcv_nxt)) {
		uint32_t len = p->aux & ~OOO_FIN;
		bool fin = (p->aux & OOO_FIN) != 0;
		uint32_t skip = c->rcv_nxt - p->seq;

		c->ooo_head = p->q_next;
		c->ooo_n--;
		p->q_next = NULL;
		if (skip >= len && !(fin && skip == len)) {
			rts_free(c->ctx, p); /* wholly old */
			continue;
		}
		if (skip < len)
			tcp_deliver(c, p, skip, len - skip);
		else
			rts_free(c->ctx, p);
		if (c->state == RTS_TCP_CLOSED)
			return;
		if (fin)
			peer_fin(c);
	}
}

/* Text we can't use must still be freed; the rest goes to the app. */
void tcp_rcv_data(struct rts_tcp_conn *c, struct tcp_seg *s)
{
	struct rts_ctx *ctx = c->ctx;
	bool fin = (s->th.flags & RTS_TH_FIN) != 0;
	uint32_t seq = s->th.seq;
	uint32_t len = s->len;
	uint32_t off = s->off;
	uint32_t wnd_end = c->rcv_adv;

	if (c->state != RTS_TCP_ESTABLISHED && c->state != RTS_TCP_FIN_WAIT_1 &&
	    c->state != RTS_TCP_FIN_WAIT_2) {
		/* CLOSE_WAIT and later: the peer already sent its FIN. */
		if (len) {
			c->ctx->cnt.tcp_rx_data_after_fin++;
			c->flags |= TF_ACKNOW;
		}
		return;
	}
	if (len == 0 && !fin)
		return;
	/* Trim what we already have at the front... */
	if (seq_lt(seq, c->rcv_nxt)) {
		uint32_t dup = c->rcv_nxt - seq;

		if (dup >= len) {
			ctx->cnt.tcp_rx_dup += len ? 1 : 0;
			if (len) /* RFC 2883: tell the sender it was a duplicate */
				tcp_sack_note_dup(c, seq, seq + len);
			len = 0;
			if (!(fin && dup == s->len)) {
				fin = false;
				c->flags |= TF_ACKNOW; /* the peer missed our ACK */
			}
		} else {
			off += dup;
			len -= dup;
		}
		seq = c->rcv_nxt;
	}
	/* ...and what lies beyond the window we offered at the back. */
	if (len && seq_gt(seq + len, wnd_end)) {
		ctx->cnt.tcp_rx_rcvbuf_full++;
		len = seq_gt(wnd_end, seq) ? wnd_end - seq : 0;
		fin = false;
		c->flags |= TF_ACKNOW;
	}
	if (seq != c->rcv_nxt) { /* a hole before it: queue, ACK at once */
		c->flags |= TF_ACKNOW;
		if (len && s->p) {
			rts_pkt_adj(s->p, off);
			if (ooo_insert(c, s->p, seq, len, fin))
				s->p = NULL;
		}
		return;
	}
	if (len) {
		struct rts_pkt *p = s->p;
		bool had_ooo = c->ooo_head != NULL;

		s->p = NULL;
		tcp_ack_policy(c, len);
		tcp_deliver(c, p, off, len);
		if (c->state == RTS_TCP_CLOSED)
			return;
		if (had_ooo) {
			ooo_drain(c);
			c->flags |= TF_ACKNOW;
			if (c->state == RTS_TCP_CLOSED)
				return;
		}
	}
	if (fin && c->rcv_nxt == seq + len)
		peer_fin(c);
}
