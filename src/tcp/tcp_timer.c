/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — TCP timers: retransmission (RFC 6298), SYN retries, persist
 * (zero-window probes), delayed ACK, keepalive, FIN_WAIT_2 and TIME_WAIT.
 *
 * Each connection owns one wheel entry armed at its earliest deadline; the
 * individual deadlines live in the block (0 = off), so arming or stopping
 * one is a store plus, at most, a move of that single entry.
 */
#include "tcp_conn.h"

#define US 1000ull

void tcp_timer_update(struct rts_tcp_conn *c)
{
	/* The earliest non-zero deadline: 0 - 1 wraps to "never". */
	uint64_t d = RTS_MIN(RTS_MIN(c->t_rexmt - 1, c->t_delack - 1),
			     RTS_MIN(c->t_keep - 1, c->t_2msl - 1)) + 1;

	/*
	 * Nothing pending: leave the wheel entry where it is. It fires once,
	 * finds nothing due and stays disarmed; a ping-pong that arms and
	 * clears the RTO every round trip then touches the wheel about once
	 * per RTO instead of twice per round trip.
	 *
	 * Lazy: a deadline that moved later (the RTO pushed back by every
	 * ACK) leaves the wheel entry where it is; when it fires early,
	 * tcp_timer_fire finds nothing due and re-arms. The common case then
	 * costs no wheel operation at all.
	 */
	if (d == 0 || (rts_timer_armed(&c->timer) && c->timer.expire_ns <= d))
		return;
	rts_timer_arm(c->ctx, &c->timer, d);
}

static uint32_t backed_off_rto(const struct rts_tcp_conn *c)
{
	uint64_t rto = (uint64_t)c->rto_us << (c->backoff > 20 ? 20 : c->backoff);
	uint32_t max = c->ctx->cfg.tcp.rto_max_us;

	return rto > max ? max : (uint32_t)rto;
}

void tcp_rto_arm(struct rts_tcp_conn *c)
{
	c->flags &= ~(uint32_t)TF_PTO;
	c->t_rexmt = c->ctx->now_ns + backed_off_rto(c) * US;
	tcp_timer_update(c);
}

/*
 * RFC 8985 §7.2: PTO = 2 * SRTT, plus a delayed-ACK allowance when only one
 * segment is out, never later than the RTO. A floor of 10 ms keeps
 * sub-millisecond RTTs from probing what a busy peer is still processing.
 */
void tcp_rexmt_arm(struct rts_tcp_conn *c)
{
	const struct rts_tcp_config *tc = &c->ctx->cfg.tcp;
	uint64_t pto, d;

	if (c->srtt_us == 0 || (c->flags & (TF_TLP_SENT | TF_IN_RECOVERY)) ||
	    c->backoff || (c->state != RTS_TCP_ESTABLISHED &&
			   c->state != RTS_TCP_CLOSE_WAIT)) {
		tcp_rto_arm(c);
		return;
	}
	pto = 2ull * c->srtt_us;
	if (tcp_flight(c) <= c->mss)
		pto += tc->delack_us;
	if (pto < 10000)
		pto = 10000;
	/* backoff is 0 here: the RTO is rto_us, capped */
	if (pto >= c->rto_us || pto >= tc->rto_max_us) {
		tcp_rto_arm(c);
		return;
	}
	c->flags |= TF_PTO;
	d = c->ctx->now_ns + pto * US;
	c->t_rexmt = d;
	/* The entry already fires no later: it re-evaluates then (lazy). */
	if (rts_timer_armed(&c->timer) && c->timer.expire_ns <= d)
		return;
	tcp_timer_update(c);
}

/*
 * The probe (RFC 8985 §7.3): new data if the window allows, else the last
 * segment again, so the ACK it draws reveals a lost tail through SACK or
 * duplicate ACKs instead of waiting for the RTO.
 */
static void tlp_fire(struct rts_tcp_conn *c)
{
	uint32_t unsent = tcp_sndq_unsent(c);
	uint32_t limit = c->snd_una + c->snd_wnd;
	uint32_t room = seq_gt(limit, c->snd_nxt) ? limit - c->snd_nxt : 0;

	c->flags &= ~(uint32_t)TF_PTO;
	c->flags |= TF_TLP_SENT;
	c->ctx->cnt.tcp_tx_tlp++;
	if (unsent && room) {
		tcp_send_new_segment(c, RTS_MIN(RTS_MIN(unsent, room), (uint32_t)c->mss));
	} else {
		uint32_t end = seq_lt(c->snd_end, c->snd_max) ? c->snd_end : c->snd_max;
		uint32_t len = RTS_MIN(end - c->snd_una, (uint32_t)c->mss);

		tcp_retransmit_range(c, end - len, len);
	}
	tcp_rto_arm(c);
}

/* RTO expiry for a synchronised connection (RFC 6298 §5.4–5.7). */
static void rto_expired(struct rts_tcp_conn *c)
{
	struct rts_ctx *ctx = c->ctx;

	ctx->cnt.tcp_rto_fired++;
	if (c->backoff >= ctx->cfg.tcp.max_retries) {
		ctx->cnt.tcp_conn_timeout++;
		tcp_send_ctl(c, RTS_TH_RST | RTS_TH_ACK);
		tcp_conn_closed(c, RTS_TCP_CLOSED_TIMEOUT);
		return;
	}
	c->backoff++;
	c->cc.mss = c->mss;
	rts_tcp_cc_get(c->cc.algo)->on_timeout(&c->cc, tcp_flight(c), ctx->now_ns);
	c->flags &= ~(uint32_t)(TF_IN_RECOVERY | TF_RTT_TIMING);
	c->flags |= TF_RETRANSMITTED;
	c->dupacks = 0;
	c->recover = c->snd_max;
	tcp_sack_on_rto(c);
	/* Go back to snd_una and resend as the window allows. */
	c->snd_nxt = c->snd_una;
	c->snd_hint = NULL;
	c->t_rexmt = 0;
	tcp_retransmit(c, c->snd_una);
	if (seq_lt(c->snd_nxt, c->snd_max)) {
		uint32_t len = RTS_MIN(c->snd_max - c->snd_nxt, (uint32_t)c->mss);

		c->snd_nxt += len;
		if ((c->flags & TF_FIN_SENT) && c->snd_nxt == c->snd_end)
			c->snd_nxt++;
	}
	tcp_rto_arm(c);
}

/* SYN or SYN-ACK retransmission (RFC 9293 §3.8.1, RFC 6298 §5.7). */
static void syn_expired(struct rts_tcp_conn *c)
{
	struct rts_ctx *ctx = c->ctx;

	if (c->backoff >= ctx->cfg.tcp.syn_retries) {
		ctx->cnt.tcp_conn_timeout++;
		tcp_conn_closed(c, RTS_TCP_CLOSED_TIMEOUT);
		return;
	}
	c->backoff++;
	c->retrans_segs++;
	ctx->cnt.tcp_tx_retrans++;
	c->flags &= ~(uint32_t)TF_RTT_TIMING;
	tcp_send_ctl(c, c->state == RTS_TCP_SYN_SENT ? RTS_TH_SYN
						     : RTS_TH_SYN | RTS_TH_ACK);
	tcp_rto_arm(c);
}

/* Zero window: probe with backoff, never give up while the peer answers. */
static void persist_expired(struct rts_tcp_conn *c)
{
	c->ctx->cnt.tcp_tx_zwp++;
	tcp_send_probe(c);
	if (c->zwp_backoff < 12)
		c->zwp_backoff++;
	c->t_rexmt = c->ctx->now_ns +
		     RTS_MIN((uint64_t)c->rto_us << c->zwp_backoff,
			     (uint64_t)c->ctx->cfg.tcp.rto_max_us) * US;
}

static void rexmt_expired(struct rts_tcp_conn *c)
{
	c->t_rexmt = 0;
	if ((c->flags & TF_PTO) && c->snd_max != c->snd_una) {
		tlp_fire(c);
		return;
	}
	c->flags &= ~(uint32_t)TF_PTO;
	if (c->state == RTS_TCP_SYN_SENT || c->state == RTS_TCP_SYN_RECEIVED)
		syn_expired(c);
	else if (c->snd_max != c->snd_una)
		rto_expired(c);
	else if (tcp_sndq_unsent(c) && c->snd_wnd == 0)
		persist_expired(c);
	else if (tcp_sndq_unsent(c)) /* buffers ran out earlier: try again */
		tcp_output(c);
}

static void keep_expired(struct rts_tcp_conn *c)
{
	struct rts_ctx *ctx = c->ctx;
	uint64_t idle_end = c->last_rx_ns + c->ka_idle_us * US;

	c->t_keep = 0;
	if (c->ka_idle_us == 0 || c->state < RTS_TCP_ESTABLISHED ||
	    c->state > RTS_TCP_CLOSE_WAIT)
		return;
	if (ctx->now_ns < idle_end) { /* traffic since: wait again */
		c->t_keep = idle_end;
		return;
	}
	if (c->ka_probes_sent >= c->ka_probes) {
		ctx->cnt.tcp_conn_timeout++;
		tcp_send_ctl(c, RTS_TH_RST | RTS_TH_ACK);
		tcp_conn_closed(c, RTS_TCP_CLOSED_TIMEOUT);
		return;
	}
	c->ka_probes_sent++;
	ctx->cnt.tcp_tx_keepalive++;
	tcp_send_probe(c);
	c->t_keep = ctx->now_ns + c->ka_intvl_us * US;
}

void tcp_timer_fire(struct rts_ctx *ctx, struct rts_timer *t, uint64_t now)
{
	struct rts_tcp_conn *c = rts_container_of(t, struct rts_tcp_conn, timer);

	if (c->t_2msl && c->t_2msl <= now) {
		c->t_2msl = 0;
		if (c->state == RTS_TCP_TIME_WAIT) {
			tcp_conn_free(ctx, c);
			return;
		}
		if (c->state == RTS_TCP_FIN_WAIT_2) {
			ctx->cnt.tcp_conn_timeout++;
			tcp_send_ctl(c, RTS_TH_RST | RTS_TH_ACK);
			tcp_conn_closed(c, RTS_TCP_CLOSED_TIMEOUT);
			return;
		}
	}
	if (c->t_delack && c->t_delack <= now) {
		c->t_delack = 0;
		if (c->flags & TF_DELACK) {
			ctx->cnt.tcp_tx_delack++;
			tcp_send_ctl(c, RTS_TH_ACK);
		}
	}
	if (c->t_rexmt && c->t_rexmt <= now) {
		rexmt_expired(c);
		if (c->state == RTS_TCP_CLOSED)
			return;
	}
	if (c->t_keep && c->t_keep <= now) {
		keep_expired(c);
		if (c->state == RTS_TCP_CLOSED)
			return;
	}
	tcp_timer_update(c);
}

void tcp_enter_time_wait(struct rts_tcp_conn *c)
{
	tcp_set_state(c, RTS_TCP_TIME_WAIT);
	c->t_rexmt = c->t_delack = c->t_keep = 0;
	c->t_2msl = c->ctx->now_ns + c->ctx->cfg.tcp.time_wait_us * US;
	tcp_timer_update(c);
}
