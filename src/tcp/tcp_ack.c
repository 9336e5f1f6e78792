/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — the ACK field of an arriving segment: acceptability (RFC 5961
 * §5), acknowledged data, RTT samples, the send window, duplicate ACKs and
 * NewReno fast retransmit / fast recovery (RFC 5681 §3.2, RFC 6582), and
 * the state changes an ACK of our FIN causes.
 */
#include "tcp_seg.h"

#define US 1000ull

void tcp_challenge_ack(struct rts_tcp_conn *c)
{
	struct rts_ctx *ctx = c->ctx;
	struct rts_tcp_tables *t = &ctx->tcp;
	uint64_t sec = ctx->now_ns / 1000000000ull;

	/* RFC 5961 §7: at most a fixed number per second per context. */
	if (sec != t->challenge_sec) {
		t->challenge_sec = sec;
		t->challenge_acks_this_sec = 0;
	}
	if (t->challenge_acks_this_sec >= 1000) {
		ctx->cnt.tcp_rx_challenge_limited++;
		return;
	}
	t->challenge_acks_this_sec++;
	ctx->cnt.tcp_rx_challenge_ack++;
	tcp_send_ctl(c, RTS_TH_ACK);
}

static const struct rts_tcp_cc_ops *cc_ops(const struct rts_tcp_conn *c)
{
	return rts_tcp_cc_get(c->cc.algo);
}

/* SYN-RECEIVED → ESTABLISHED: the app learns of the connection now. */
static bool syn_received_ack(struct rts_tcp_conn *c, struct tcp_seg *s)
{
	struct rts_tcp_listener *l = c->listener;

	if (seq_leq(s->th.ack, c->snd_una) || seq_gt(s->th.ack, c->snd_max)) {
		tcp_send_reset_for(c->ctx, s->l3, &s->th, seg_seqlen(s));
		return false;
	}
	tcp_set_state(c, RTS_TCP_ESTABLISHED);
	/* The ACK covers our SYN: that is not payload for ack_new_data. */
	c->snd_una = c->iss + 1;
	if (c->snd_una == c->snd_max)
		c->t_rexmt = 0;
	if (c->flags & TF_RTT_TIMING) {
		c->flags &= ~(uint32_t)TF_RTT_TIMING;
		tcp_rtt_sample(c, (uint32_t)((c->ctx->now_ns - c->rtt_start_ns) / US));
	}
	c->snd_wnd = (uint32_t)s->th.win << c->snd_wscale;
	c->max_snd_wnd = RTS_MAX(c->max_snd_wnd, c->snd_wnd);
	c->snd_wl1 = s->th.seq;
	c->snd_wl2 = s->th.ack;
	/* RFC 6298 §5.7: the SYN timed out (so no sample): start at 3 s. */
	if (c->backoff && c->rto_us < 3000000u)
		c->rto_us = RTS_MIN(3000000u, c->ctx->cfg.tcp.rto_max_us);
	c->backoff = 0;
	if (l) {
		l->n_pending--;
		c->listener = NULL;
		c->flags &= ~(uint32_t)TF_DETACHED;
		if (c->h && c->h->accepted && c->h->accepted(c, l->user) != 0) {
			tcp_send_ctl(c, RTS_TH_RST | RTS_TH_ACK);
			c->flags |= TF_DETACHED;
			c->state = RTS_TCP_CLOSED;
			return false;
		}
	} else if (c->h && c->h->connected) { /* simultaneous open */
		c->h->connected(c, c->user);
	}
	return c->state != RTS_TCP_CLOSED;
}

static inline void take_rtt_sample(struct rts_tcp_conn *c,
				   const struct tcp_seg *s)
{
	uint64_t now = c->ctx->now_ns;

	if ((c->flags & TF_RTT_TIMING) && seq_gt(s->th.ack, c->rtt_seq)) {
		c->flags &= ~(uint32_t)TF_RTT_TIMING;
		tcp_rtt_sample(c, (uint32_t)((now - c->rtt_start_ns) / US));
	} else if ((c->flags & TF_TS_OK) && s->o.has_ts && s->o.ts_ecr &&
		   (c->flags & TF_RETRANSMITTED)) {
		/* RFC 7323 §4.1: the echo tells which transmission got through. */
		uint32_t ms = tcp_ts_now(c) - s->o.ts_ecr;

		if (ms < 60000)
			tcp_rtt_sample(c, ms ? ms * 1000 : 500);
	}
}

/* An ACK that advances snd_una (inlined: most of the predicted path). */
static inline __attribute__((always_inline)) void
ack_new_data(struct rts_tcp_conn *c, struct tcp_seg *s)
{
	struct rts_ctx *ctx = c->ctx;
	uint32_t ack = s->th.ack;
	uint32_t acked = ack - c->snd_una;
	uint32_t flight = tcp_flight(c);
	uint32_t payload;
	bool fin_acked = (c->flags & TF_FIN_SENT) && seq_gt(ack, c->snd_end);

	take_rtt_sample(c, s);
	/*
	 * RFC 4861 §7.3.1: forward progress confirms the next hop. A
	 * REACHABLE one needs that hint only about once a second (it stays
	 * so for 30); any other at once.
	 */
	{
		const struct rts_neigh_ref *nh = rts_ip_is_v4(&c->raddr) ?
						 &c->flow.nh : &c->flow6.nh;

		if (s->nh_hint || rts_neigh_ref_mac(nh) == NULL)
			rts_neigh_confirm(ctx, nh);
	}
	c->snd_una = ack;
	if (seq_lt(c->snd_nxt, ack))
		c->snd_nxt = ack;
	payload = acked - (fin_acked ? 1 : 0);
	tcp_sndq_trim(c);
	c->backoff = 0;
	c->zwp_backoff = 0;
	c->flags &= ~(uint32_t)TF_RETRANSMITTED;
	c->cc.mss = c->mss;
	if (c->flags & TF_IN_RECOVERY) {
		if (seq_geq(ack, c->recover)) { /* full ACK: recovery ends */
			c->flags &= ~(uint32_t)TF_IN_RECOVERY;
			cc_ops(c)->on_recovery_end(&c->cc, ctx->now_ns);
			if (c->cc.cwnd > tcp_flight(c) + c->mss)
				c->cc.cwnd = tcp_flight(c) + c->mss;
		} else if (!c->sack) { /* partial ACK (RFC 6582 §3.2 step 5) */
			tcp_retransmit(c, c->snd_una);
			c->cc.cwnd -= RTS_MIN(acked, c->cc.cwnd - c->mss);
			if (acked >= c->mss)
				c->cc.cwnd += c->mss;
		}
	} else {
		cc_ops(c)->on_ack(&c->cc, acked, c->srtt_us, flight, ctx->now_ns);
	}
	c->dupacks = 0;
	/* RFC 6298 §5.2/5.3: stop or restart the retransmission timer. */
	c->flags &= ~(uint32_t)TF_TLP_SENT;
	if (c->snd_una == c->snd_max) {
		c->t_rexmt = 0;
		c->flags &= ~(uint32_t)TF_PTO;
	} else {
		tcp_rexmt_arm(c);
	}
	if (payload && c->h && c->h->acked && !(c->flags & TF_DETACHED))
		c->h->acked(c, c->user, payload);
	if ((c->flags & TF_WANT_WRITABLE) && !(c->flags & TF_DETACHED) &&
	    c->state != RTS_TCP_CLOSED && rts_tcp_send_space(c) > 0) {
		c->flags &= ~(uint32_t)TF_WANT_WRITABLE;
		if (c->h && c->h->writable)
			c->h->writable(c, c->user);
	}
}

/* RFC 5681 §2 duplicate ACK → fast retransmit / recovery. */
static void dup_ack(struct rts_tcp_conn *c)
{
	struct rts_ctx *ctx = c->ctx;

	c->dupacks++;
	if (c->flags & TF_IN_RECOVERY) {
		c->cc.cwnd += c->mss; /* inflate for the segment that left */
		return;
	}
	if (c->dupacks != 3)
		return;
	/*
	 * RFC 6582 §3.2 step 1: only when the ACK covers all the data that was
	 * out when recovery (or an RTO) last began (recover is one past it).
	 */
	if (seq_lt(c->snd_una, c->recover))
		return;
	c->recover = c->snd_max;
	c->flags |= TF_IN_RECOVERY;
	c->cc.mss = c->mss;
	cc_ops(c)->on_loss(&c->cc, tcp_flight(c), ctx->now_ns);
	ctx->cnt.tcp_tx_fast_retrans++;
	tcp_retransmit(c, c->snd_una);
	tcp_rto_arm(c);
}

static void update_window(struct rts_tcp_conn *c, const struct tcp_seg *s)
{
	if (seq_lt(c->snd_wl1, s->th.seq) ||
	    (c->snd_wl1 == s->th.seq && seq_leq(c->snd_wl2, s->th.ack))) {
		c->snd_wnd = (uint32_t)s->th.win << c->snd_wscale;
		c->snd_wl1 = s->th.seq;
		c->snd_wl2 = s->th.ack;
		if (c->snd_wnd > c->max_snd_wnd)
			c->max_snd_wnd = c->snd_wnd;
		if (c->snd_wnd)
			c->zwp_backoff = 0;
	}
}

/* Our FIN is acknowledged: move on (RFC 9293 §3.10.7.4, fifth check). */
static void fin_acked(struct rts_tcp_conn *c)
{
	switch (c->state) {
	case RTS_TCP_FIN_WAIT_1:
		tcp_set_state(c, RTS_TCP_FIN_WAIT_2);
		/* An app that closed (not just shut down) can't wait forever. */
		if (c->flags & TF_APP_CLOSED)
			c->t_2msl = c->ctx->now_ns +
				    c->ctx->cfg.tcp.fin_wait2_us * US;
		break;
	case RTS_TCP_CLOSING:
		tcp_enter_time_wait(c);
		tcp_conn_closed(c, RTS_TCP_CLOSED_NORMAL);
		break;
	case RTS_TCP_LAST_ACK:
		tcp_conn_closed(c, RTS_TCP_CLOSED_NORMAL);
		break;
	default:
		break;
	}
}

bool tcp_rcv_ack(struct rts_tcp_conn *c, struct tcp_seg *s)
{
	struct rts_ctx *ctx = c->ctx;
	uint32_t ack = s->th.ack;

	if (c->state == RTS_TCP_SYN_RECEIVED && !syn_received_ack(c, s))
		return false;
	/* RFC 5961 §5.2: acceptable ACKs lie in [snd_una - max_wnd, snd_max]. */
	if (seq_gt(ack, c->snd_max)) {
		ctx->cnt.tcp_rx_future_ack++;
		c->flags |= TF_ACKNOW;
		tcp_output(c);
		return false;
	}
	if (seq_lt(ack, c->snd_una - c->max_snd_wnd)) {
		ctx->cnt.tcp_rx_old_ack++;
		tcp_challenge_ack(c);
		return false;
	}
	return tcp_ack_accepted(c, s);
}

bool tcp_ack_accepted(struct rts_tcp_conn *c, struct tcp_seg *s)
{
	uint32_t ack = s->th.ack;
	uint32_t old_wnd = c->snd_wnd;
	uint32_t old_una = c->snd_una;
	bool sack_dup = false;

	if (seq_gt(ack, c->snd_una)) {
		ack_new_data(c, s);
		if (c->state == RTS_TCP_CLOSED)
			return false;
	}
	update_window(c, s);
	/* Without blocks and a scoreboard there is nothing to merge. */
	if ((c->flags & TF_SACK_OK) && (s->o.n_sack || c->sack))
		sack_dup = tcp_sack_on_ack(c, s);
	if (c->sack) { /* RFC 6675: a dupack is one that SACKs new data */
		if (ack == old_una && sack_dup && c->snd_max != c->snd_una)
			c->dupacks++;
		tcp_sack_recovery(c);
	} else if (ack == old_una && s->len == 0 &&
		   !(s->th.flags & (RTS_TH_SYN | RTS_TH_FIN)) &&
		   c->snd_max != c->snd_una &&
		   ((uint32_t)s->th.win << c->snd_wscale) == old_wnd) {
		dup_ack(c);
	}
	if ((c->flags & TF_FIN_SENT) && c->snd_una == c->snd_end + 1)
		fin_acked(c);
	if (c->state == RTS_TCP_CLOSED)
		return false;
	if (c->state == RTS_TCP_TIME_WAIT && (s->th.flags & RTS_TH_FIN)) {
		/* A retransmitted FIN: ACK it and restart the 2MSL wait. */
		c->flags |= TF_ACKNOW;
		tcp_enter_time_wait(c);
	}
	return true;
}

/*
 * sync_input() for a segment that passed header prediction (tcp_input.c):
 * ESTABLISHED, only ACK/PSH, seq == rcv_nxt, PAWS passed, no SACK
 * scoreboard, recovery or out-of-order data, ack in [snd_una, snd_max]
 * (above snd_una for a pure ACK) and text that fits the window. Of the
 * ACK steps only ack_new_data and the window update remain, of the text
 * steps only the ACK policy and delivery; kept here, next to
 * ack_new_data, so that the whole path is one function. If an app
 * callback during ack_new_data changes the state or creates a
 * scoreboard, the rest goes the general way.
 */
void tcp_predicted_input(struct rts_tcp_conn *c, struct tcp_seg *s)
{
	c->ctx->cnt.tcp_rx_predicted++;
	if (c->flags & TF_TS_OK) { /* RFC 7323 §4.3 */
		c->ts_recent = s->o.ts_val;
		c->ts_recent_at = tcp_coarse_now(c->ctx);
	}
	if (seq_gt(s->th.ack, c->snd_una)) {
		ack_new_data(c, s);
		if (rts_unlikely(c->state != RTS_TCP_ESTABLISHED || c->sack)) {
			if (c->state == RTS_TCP_CLOSED ||
			    !tcp_ack_accepted(c, s)) /* snd_una is at ack now */
				return;
			tcp_rcv_data(c, s);
			if (c->state != RTS_TCP_CLOSED)
				tcp_output(c);
			return;
		}
	}
	update_window(c, s);
	if (s->len) {
		struct rts_pkt *p = s->p;

		s->p = NULL;
		tcp_ack_policy(c, s->len);
		tcp_deliver(c, p, s->off, s->len);
		if (c->state == RTS_TCP_CLOSED)
			return;
	}
	tcp_output(c);
}
