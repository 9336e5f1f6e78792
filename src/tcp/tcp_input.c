/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — TCP input: validation, demultiplexing and the state machine of
 * RFC 9293 §3.10.7 (SEGMENT ARRIVES). The ACK field is handled in
 * tcp_ack.c, text and FIN in tcp_rcv.c.
 */
#include "tcp_seg.h"

static void drop(struct rts_ctx *ctx, struct tcp_seg *s)
{
	if (s->p) {
		rts_free(ctx, s->p);
		s->p = NULL;
	}
}

/* Parse and check a segment; false (counted) if it must be dropped. */
static bool parse_segment(struct rts_ctx *ctx, struct rts_pkt *p,
			  const struct rts_l3_info *l3, struct tcp_seg *s)
{
	uint32_t l4 = l3->l4_len;
	int rc = rts_tcp_parse(p->data, RTS_MIN(p->len, l4), &s->th);

	if (rts_unlikely(rc != 0 || l4 > p->pkt_len)) {
		ctx->cnt.tcp_rx_malformed++;
		return false;
	}
	if (!l3->l4_csum_ok) {
		uint32_t sum = rts_csum_pseudo(&l3->src, &l3->dst, 6, l4);

		sum = rts_csum_pkt(p, 0, l4, sum);
		if (rts_unlikely(rts_csum_fold16(sum) != 0xffff)) {
			ctx->cnt.tcp_rx_bad_csum++;
			return false;
		}
	}
	if (s->th.hlen == RTS_TCP_HLEN + RTS_TCP_TS_OPTLEN &&
	    rts_tcp_parse_ts_only(p->data + RTS_TCP_HLEN, &s->o)) {
		/* the layout nearly every segment has: parsed inline */
	} else if (s->th.hlen > RTS_TCP_HLEN) {
		if (rts_tcp_parse_opts(p->data + RTS_TCP_HLEN,
				       s->th.hlen - RTS_TCP_HLEN,
				       (s->th.flags & RTS_TH_SYN) != 0, &s->o) != 0) {
			ctx->cnt.tcp_rx_bad_opts++;
			return false;
		}
	} else {
		s->o.has_mss = s->o.has_ws = s->o.has_sack_perm = false;
		s->o.has_ts = false;
		s->o.n_sack = 0;
	}
	s->off = s->th.hlen;
	s->len = l4 - s->th.hlen;
	return true;
}

/* Local MSS to announce: the route's MTU less IP and TCP headers. */
uint16_t tcp_our_mss(struct rts_ctx *ctx, const struct rts_ip *raddr)
{
	struct rts_route rt;
	uint32_t mtu = ctx->cfg.mtu;
	uint32_t mss;

	if (rts_route_lookup(ctx, raddr, NULL, &rt) == 0 && rt.mtu)
		mtu = rt.mtu;
	mss = mtu - (rts_ip_is_v4(raddr) ? 40 : 60);
	if (ctx->cfg.tcp.mss && ctx->cfg.tcp.mss < mss)
		mss = ctx->cfg.tcp.mss;
	return (uint16_t)mss;
}

void tcp_negotiate(struct rts_tcp_conn *c, const struct tcp_seg *s)
{
	const struct rts_tcp_config *tc = &c->ctx->cfg.tcp;
	bool v4 = rts_ip_is_v4(&c->raddr);
	uint32_t peer_mss = s->o.has_mss ? s->o.mss : (v4 ? 536 : 1220);
	uint32_t mss;

	if (tc->window_scaling && s->o.has_ws) {
		c->flags |= TF_WS_OK;
		c->snd_wscale = s->o.ws;
	} else {
		c->snd_wscale = 0;
		c->rcv_wscale = 0;
	}
	if (tc->timestamps && s->o.has_ts) {
		c->flags |= TF_TS_OK;
		c->ts_recent = s->o.ts_val;
		c->ts_recent_at = tcp_coarse_now(c->ctx);
	}
	if (tc->sack && s->o.has_sack_perm)
		c->flags |= TF_SACK_OK;
	if (c->rcv_mss == 0)
		c->rcv_mss = tcp_our_mss(c->ctx, &c->raddr);
	mss = RTS_MIN(peer_mss, (uint32_t)c->rcv_mss);
	if (c->flags & TF_TS_OK)
		mss -= 12; /* every segment carries the timestamp option */
	if (mss < 64)
		mss = 64;
	c->mss = (uint16_t)mss;
	rts_tcp_cc_get(c->cc.algo)->init(&c->cc, mss,
					 tc->init_cwnd_segs * mss, c->ctx->now_ns);
}

/* SYN-SENT (RFC 9293 §3.10.7.3). */
static void syn_sent_input(struct rts_tcp_conn *c, struct tcp_seg *s)
{
	struct rts_ctx *ctx = c->ctx;
	uint8_t f = s->th.flags;

	if ((f & RTS_TH_ACK) &&
	    (seq_leq(s->th.ack, c->iss) || seq_gt(s->th.ack, c->snd_max))) {
		ctx->cnt.tcp_rx_old_ack++;
		if (!(f & RTS_TH_RST))
			tcp_send_reset_for(ctx, s->l3, &s->th, seg_seqlen(s));
		return;
	}
	if (f & RTS_TH_RST) {
		if (f & RTS_TH_ACK) { /* "connection refused" */
			ctx->cnt.tcp_conn_refused++;
			tcp_conn_closed(c, RTS_TCP_CLOSED_RESET);
		} else {
			ctx->cnt.tcp_rx_rst_bad++;
		}
		return;
	}
	if (!(f & RTS_TH_SYN)) {
		ctx->cnt.tcp_rx_bad_flags++;
		return;
	}
	c->irs = s->th.seq;
	c->rcv_nxt = s->th.seq + 1;
	c->rcv_adv = c->rcv_nxt;
	c->snd_wnd = s->th.win;
	c->max_snd_wnd = c->snd_wnd;
	c->snd_wl1 = s->th.seq;
	c->snd_wl2 = s->th.ack;
	tcp_negotiate(c, s);
	if (f & RTS_TH_ACK) {
		c->snd_una = s->th.ack;
		if (c->flags & TF_RTT_TIMING) {
			tcp_rtt_sample(c, (uint32_t)((ctx->now_ns - c->rtt_start_ns) / 1000));
			c->flags &= ~(uint32_t)TF_RTT_TIMING;
		}
		/* RFC 6298 §5.7: the SYN timed out (so no sample): start at 3 s. */
		if (c->backoff && c->rto_us < 3000000u)
			c->rto_us = RTS_MIN(3000000u, c->ctx->cfg.tcp.rto_max_us);
		c->backoff = 0;
		c->t_rexmt = 0;
		tcp_set_state(c, RTS_TCP_ESTABLISHED);
		c->flags |= TF_ACKNOW;
		if (c->h && c->h->connected)
			c->h->connected(c, c->user);
		if (c->state != RTS_TCP_ESTABLISHED)
			return;
		if (s->len || (f & RTS_TH_FIN)) {
			s->th.seq++; /* past the SYN */
			tcp_rcv_data(c, s);
		}
		tcp_output(c);
	} else { /* simultaneous open (RFC 9293 §3.5 figure 7) */
		tcp_set_state(c, RTS_TCP_SYN_RECEIVED);
		tcp_send_ctl(c, RTS_TH_SYN | RTS_TH_ACK);
		tcp_rto_arm(c);
	}
}

/* RFC 9293 §3.10.7.4 first check: is the segment in the window? */
static bool seg_acceptable(const struct rts_tcp_conn *c, const struct tcp_seg *s)
{
	uint32_t wnd = seq_gt(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
	uint32_t seq = s->th.seq;
	uint32_t slen = seg_seqlen(s);

	if (slen == 0)
		return wnd == 0 ? seq == c->rcv_nxt
				: seq_geq(seq, c->rcv_nxt) &&
					  seq_lt(seq, c->rcv_nxt + wnd);
	if (wnd == 0)
		return false;
	return (seq_geq(seq, c->rcv_nxt) && seq_lt(seq, c->rcv_nxt + wnd)) ||
	       (seq_geq(seq + slen - 1, c->rcv_nxt) &&
		seq_lt(seq + slen - 1, c->rcv_nxt + wnd));
}

/* RFC 7323 §5.3 PAWS; true when the segment must be dropped. */
static bool paws_reject(struct rts_tcp_conn *c, const struct tcp_seg *s)
{
	uint32_t now = tcp_coarse_now(c->ctx);

	if (!(c->flags & TF_TS_OK) || !s->o.has_ts || (s->th.flags & RTS_TH_RST))
		return false;
	if ((int32_t)(s->o.ts_val - c->ts_recent) >= 0)
		return false;
	/* §5.5: ts_recent older than 24 days is invalid, not a reason to drop. */
	if (now - c->ts_recent_at > TCP_TS_RECENT_MAX_AGE) {
		c->ts_recent = s->o.ts_val;
		c->ts_recent_at = now;
		return false;
	}
	return true;
}

/* RFC 5961 §3.2 for RST; returns true if the connection is gone. */
static bool rst_input(struct rts_tcp_conn *c, struct tcp_seg *s)
{
	struct rts_ctx *ctx = c->ctx;

	if (s->th.seq != c->rcv_nxt) {
		ctx->cnt.tcp_rx_rst_bad++;
		tcp_challenge_ack(c);
		return false;
	}
	ctx->cnt.tcp_rx_rst++;
	if (c->state == RTS_TCP_SYN_RECEIVED && !(c->flags & TF_ACTIVE)) {
		/* Back to LISTEN: nothing to tell; conn_input frees the slot. */
		c->state = RTS_TCP_CLOSED;
		return true;
	}
	ctx->cnt.tcp_conn_reset++;
	tcp_conn_closed(c, RTS_TCP_CLOSED_RESET);
	return true;
}

/* Everything from SYN-RECEIVED on (RFC 9293 §3.10.7.4). */
static void sync_input(struct rts_tcp_conn *c, struct tcp_seg *s)
{
	struct rts_ctx *ctx = c->ctx;
	uint8_t f = s->th.flags;

	/* Our SYN-ACK was lost (a bare SYN again), or a simultaneous open's
	 * SYN-ACK: strip the duplicate SYN and go on with its ACK. */
	if (c->state == RTS_TCP_SYN_RECEIVED && (f & RTS_TH_SYN) &&
	    s->th.seq == c->irs) {
		if (!(f & RTS_TH_ACK)) {
			tcp_send_ctl(c, RTS_TH_SYN | RTS_TH_ACK);
			return;
		}
		s->th.seq++;
		s->th.flags &= (uint8_t)~RTS_TH_SYN;
		f = s->th.flags;
	}
	if (paws_reject(c, s)) {
		ctx->cnt.tcp_rx_paws_reject++;
		c->flags |= TF_ACKNOW;
		tcp_output(c);
		return;
	}
	if (!seg_acceptable(c, s)) {
		/* RFC 9293 §3.10.7.4: in TIME_WAIT the peer retransmits its
		 * FIN when our ACK was lost; ACK it and restart the 2MSL wait
		 * so that we are still there for the next copy. */
		if (c->state == RTS_TCP_TIME_WAIT && (f & RTS_TH_FIN) &&
		    !(f & RTS_TH_RST) && s->th.seq + s->len + 1 == c->rcv_nxt)
			tcp_enter_time_wait(c);
		if (s->len && seq_leq(s->th.seq + s->len, c->rcv_nxt)) {
			/* RFC 2883 §4: report a wholly old copy in a D-SACK. */
			ctx->cnt.tcp_rx_dup++;
			tcp_sack_note_dup(c, s->th.seq, s->th.seq + s->len);
		} else {
			ctx->cnt.tcp_rx_out_of_window++;
		}
		if (!(f & RTS_TH_RST)) {
			c->flags |= TF_ACKNOW;
			tcp_output(c);
		}
		return;
	}
	if (f & RTS_TH_RST) {
		rst_input(c, s);
		return;
	}
	if (f & RTS_TH_SYN) { /* RFC 5961 §4: challenge, never reset */
		ctx->cnt.tcp_rx_syn_bad++;
		tcp_challenge_ack(c);
		return;
	}
	if (!(f & RTS_TH_ACK)) { /* RFC 9293 §3.10.7.4: drop */
		ctx->cnt.tcp_rx_bad_flags++;
		return;
	}
	/* RFC 7323 §4.3: remember the timestamp of in-order segments. */
	if ((c->flags & TF_TS_OK) && s->o.has_ts &&
	    seq_leq(s->th.seq, c->rcv_nxt)) {
		c->ts_recent = s->o.ts_val;
		c->ts_recent_at = tcp_coarse_now(ctx);
	}
	if (!tcp_rcv_ack(c, s))
		return;
	tcp_rcv_data(c, s);
	if (c->state == RTS_TCP_CLOSED)
		return;
	tcp_output(c);
}

/*
 * Header prediction (after Van Jacobson, RFC 1323 appendix): a segment of
 * an ESTABLISHED connection with only ACK (and PSH) set, at rcv_nxt, whose
 * timestamp passes PAWS, whose ACK lies in [snd_una, snd_max] (a pure ACK
 * must advance snd_una: duplicate ACKs and window probes take the general
 * path) and whose text fits the window we offered, while no SACK
 * scoreboard, recovery or out-of-order data exists. Every check of
 * sync_input() then passes and its trimming does nothing, so the segment
 * can go straight to the ACK and in-order text processing.
 */
static bool predicted(const struct rts_tcp_conn *c, const struct tcp_seg *s)
{
	uint32_t ack = s->th.ack;

	if (c->state != RTS_TCP_ESTABLISHED || c->ctx->tcp.no_predict ||
	    (s->th.flags & (uint8_t)~RTS_TH_PSH) != RTS_TH_ACK ||
	    s->th.seq != c->rcv_nxt || s->o.n_sack || c->sack || c->ooo_head ||
	    (c->flags & TF_IN_RECOVERY))
		return false;
	if ((c->flags & TF_TS_OK) &&
	    (!s->o.has_ts || (int32_t)(s->o.ts_val - c->ts_recent) < 0))
		return false;
	if (seq_gt(ack, c->snd_max))
		return false;
	if (s->len == 0)
		return seq_gt(ack, c->snd_una);
	return seq_geq(ack, c->snd_una) &&
	       seq_leq(s->th.seq + s->len, c->rcv_adv);
}

/* TIME_WAIT and a new SYN: reuse the slot if it is safe (RFC 6191). */
static bool time_wait_reuse(struct rts_tcp_conn *c, const struct tcp_seg *s)
{
	bool newer;

	if ((s->th.flags & (RTS_TH_SYN | RTS_TH_ACK | RTS_TH_RST)) != RTS_TH_SYN)
		return false;
	if ((c->flags & TF_TS_OK) && s->o.has_ts)
		newer = (int32_t)(s->o.ts_val - c->ts_recent) > 0;
	else
		newer = seq_gt(s->th.seq, c->rcv_nxt);
	if (!newer)
		return false;
	c->ctx->cnt.tcp_timewait_reuse++;
	tcp_conn_free(c->ctx, c);
	return true;
}

/* tcp_conn_input(), inlined in rts_tcp_input: once per segment. */
static inline __attribute__((always_inline)) void
conn_input(struct rts_tcp_conn *c, struct tcp_seg *s)
{
	/* About once a second is enough for a neighbour reachability hint. */
	s->nh_hint = ((c->ctx->now_ns ^ c->last_rx_ns) >> 30) != 0;
	c->last_rx_ns = c->ctx->now_ns;
	c->ka_probes_sent = 0;
	c->flags |= TF_IN_INPUT;
	if (predicted(c, s))
		tcp_predicted_input(c, s);
	else if (c->state == RTS_TCP_SYN_SENT)
		syn_sent_input(c, s);
	else
		sync_input(c, s);
	c->flags &= ~(uint32_t)TF_IN_INPUT;
	if (c->state == RTS_TCP_CLOSED) {
		tcp_conn_free(c->ctx, c);
	} else {
		if (c->sack)
			tcp_sack_maybe_release(c);
		tcp_timer_update(c);
	}
}

void tcp_conn_input(struct rts_tcp_conn *c, struct tcp_seg *s)
{
	conn_input(c, s);
}

void rts_tcp_input(struct rts_ctx *ctx, struct rts_pkt *p,
		   const struct rts_l3_info *l3)
{
	struct tcp_seg s;
	struct rts_tcp_conn *c;
	struct rts_tcp_listener *l;

	ctx->cnt.tcp_rx++;
	s.p = p;
	s.l3 = l3;
	if (!parse_segment(ctx, p, l3, &s)) {
		drop(ctx, &s);
		return;
	}
	c = tcp_lookup(ctx, &l3->dst, s.th.dport, &l3->src, s.th.sport);
	if (c && c->state == RTS_TCP_TIME_WAIT && time_wait_reuse(c, &s))
		c = NULL;
	if (c) {
		conn_input(c, &s);
		drop(ctx, &s);
		return;
	}
	l = tcp_listener_find(ctx, &l3->dst, s.th.dport);
	if (l && !l3->dst_mcast) {
		tcp_listen_input(ctx, l, &s);
	} else {
		ctx->cnt.tcp_rx_no_conn++;
		tcp_send_reset_for(ctx, l3, &s.th, seg_seqlen(&s));
	}
	drop(ctx, &s);
}

/*
 * ICMP errors about a connection (RFC 5927 checks the quoted sequence
 * number first; RFC 1191/8201 path MTU; RFC 1122 §4.2.3.9 hard errors only
 * abort a connection that is still opening).
 */
void rts_tcp_icmp_error(struct rts_ctx *ctx, const struct rts_ip *src,
			const struct rts_ip *dst, const uint8_t *quoted,
			uint32_t quoted_len, uint32_t mtu, bool hard)
{
	struct rts_tcp_conn *c;
	uint32_t seq;

	if (quoted_len < 8)
		return;
	c = tcp_lookup(ctx, src, rts_get_be16(quoted), dst,
		       rts_get_be16(quoted + 2));
	if (c == NULL || c->state == RTS_TCP_TIME_WAIT)
		return;
	seq = rts_get_be32(quoted + 4);
	if (seq_lt(seq, c->snd_una) || seq_gt(seq, c->snd_max))
		return; /* not a segment we have in flight: spoofed or stale */
	if (mtu) {
		uint32_t hdrs = (rts_ip_is_v4(dst) ? 40 : 60) +
				((c->flags & TF_TS_OK) ? 12 : 0);
		uint32_t mss = mtu > hdrs + 64 ? mtu - hdrs : 64;

		if (mss < c->mss) {
			c->mss = (uint16_t)mss;
			c->cc.mss = mss;
			tcp_retransmit(c, c->snd_una);
		}
		return;
	}
	if (hard && c->state == RTS_TCP_SYN_SENT)
		tcp_conn_closed(c, RTS_TCP_CLOSED_UNREACH);
}
