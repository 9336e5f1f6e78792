/* SPDX-License-Identifier: BSD-3-Clause */
/* rtestack — a received segment as the TCP input files pass it around. */
#ifndef RTS_TCP_SEG_H
#define RTS_TCP_SEG_H

#include "tcp_conn.h"

struct tcp_seg {
	struct rts_tcp_hdr th;
	struct rts_tcp_opts o;
	const struct rts_l3_info *l3;
	struct rts_pkt *p;       /* NULL once handed to the app or a queue */
	uint32_t off;            /* payload offset from p->data */
	uint32_t len;            /* payload bytes */
	bool nh_hint;            /* first segment of the conn in a new second */
};

/* Sequence space the segment occupies (RFC 9293 §3.4: SYN and FIN count). */
static inline uint32_t seg_seqlen(const struct tcp_seg *s)
{
	return s->len + ((s->th.flags & RTS_TH_SYN) ? 1 : 0) +
	       ((s->th.flags & RTS_TH_FIN) ? 1 : 0);
}

/* ---- tcp_rcv.c: the receive side of a synchronised connection ---- */
/* Queue/deliver the segment's text and FIN (RFC 9293 §3.10.7.4, 7th/8th). */
void tcp_rcv_data(struct rts_tcp_conn *c, struct tcp_seg *s);

/* Hand in-order data to the app (or drop it if the app closed). */
static inline void tcp_deliver(struct rts_tcp_conn *c, struct rts_pkt *p,
			       uint32_t off, uint32_t len)
{
	c->rcv_nxt += len;
	if ((c->flags & (TF_APP_CLOSED | TF_DETACHED)) || c->h == NULL ||
	    c->h->data == NULL) {
		rts_free(c->ctx, p); /* nobody reads: consumed at once */
		return;
	}
	c->rcv_unconsumed += len;
	c->h->data(c, c->user, p, off, len);
}

/*
 * Immediate or delayed ACK for @len bytes of in-order data, before they
 * are delivered (RFC 9293 §3.8.6.3, RFC 5681 §4.2): at least every second
 * full-sized segment, at once while data waits out of order, and for
 * every segment in the quick-ack phase at the start of a connection.
 */
static inline void tcp_ack_policy(struct rts_tcp_conn *c, uint32_t len)
{
	const struct rts_tcp_config *tc = &c->ctx->cfg.tcp;
	uint32_t f = c->flags;

	if (len >= c->mss || len >= c->rcv_mss - 12u)
		c->segs_unacked++;
	if (f & TF_QUICKACK) {
		/* Quick-ack for the first few segments, then delayed ACKs. */
		f |= TF_ACKNOW;
		if (c->rcv_nxt - c->irs > 16u * c->rcv_mss)
			f &= ~(uint32_t)TF_QUICKACK;
		c->flags = f;
		return;
	}
	if (c->segs_unacked >= 2 || tc->delack_us == 0 || c->ooo_head) {
		c->flags = f | TF_ACKNOW;
		return;
	}
	if (!(f & TF_DELACK)) {
		c->flags = f | TF_DELACK;
		c->t_delack = c->ctx->now_ns + tc->delack_us * 1000ull;
	}
}

/* ---- tcp_ack.c: the ACK field ---- */
/* Returns false if the segment must be dropped (or the conn is gone). */
bool tcp_rcv_ack(struct rts_tcp_conn *c, struct tcp_seg *s);
/* The same once the ACK is known to be acceptable (RFC 5961 §5.2). */
bool tcp_ack_accepted(struct rts_tcp_conn *c, struct tcp_seg *s);
/* The whole of sync_input() for a segment that passed header prediction. */
void tcp_predicted_input(struct rts_tcp_conn *c, struct tcp_seg *s);
/* Merge an ACK's SACK blocks; true if it SACKed new data (a dupack). */
bool tcp_sack_on_ack(struct rts_tcp_conn *c, const struct tcp_seg *s);
/* RFC 5961 challenge ACK, rate-limited per context. */
void tcp_challenge_ack(struct rts_tcp_conn *c);
/* ---- tcp_input.c / tcp_listen.c ---- */
/* A segment for an existing connection (frees it if it ends there). */
void tcp_conn_input(struct rts_tcp_conn *c, struct tcp_seg *s);
/* A segment for a listener: SYN, or the ACK of a SYN cookie. */
void tcp_listen_input(struct rts_ctx *ctx, struct rts_tcp_listener *l,
		      struct tcp_seg *s);
/* The MSS we announce towards @raddr (route MTU less headers). */
uint16_t tcp_our_mss(struct rts_ctx *ctx, const struct rts_ip *raddr);
/* Negotiate MSS/WS/SACK/TS from a SYN's options (both opens). */
void tcp_negotiate(struct rts_tcp_conn *c, const struct tcp_seg *s);

#endif
