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
/* The same for text known to start at rcv_nxt and fit the window, with
 * no FIN and an empty out-of-order queue (header prediction). */
void tcp_rcv_data_in_order(struct rts_tcp_conn *c, struct tcp_seg *s);
/* Hand in-order data to the app (or drop it if the app closed). */
void tcp_deliver(struct rts_tcp_conn *c, struct rts_pkt *p, uint32_t off,
		 uint32_t len);

/* ---- tcp_ack.c: the ACK field ---- */
/* Returns false if the segment must be dropped (or the conn is gone). */
bool tcp_rcv_ack(struct rts_tcp_conn *c, struct tcp_seg *s);
/* The same once the ACK is known to be acceptable (RFC 5961 §5.2). */
bool tcp_ack_accepted(struct rts_tcp_conn *c, struct tcp_seg *s);
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
