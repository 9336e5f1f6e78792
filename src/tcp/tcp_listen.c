/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — segments for a listener (RFC 9293 §3.10.7.2): a SYN creates a
 * connection in SYN-RECEIVED while the backlog has room; when it is full,
 * SYN cookies (RFC 4987 §3.6) answer statelessly and the ACK that returns
 * the cookie creates the connection directly in ESTABLISHED.
 */
#include "tcp_seg.h"
#include "tcp_syncookie.h"

/* A block for a new passive connection, keyed and hashed. */
static struct rts_tcp_conn *new_passive(struct rts_ctx *ctx,
					struct rts_tcp_listener *l,
					const struct tcp_seg *s)
{
	struct rts_tcp_conn *c = tcp_conn_alloc(ctx);

	if (c == NULL)
		return NULL;
	tcp_conn_setup(ctx, c);
	c->laddr = s->l3->dst;
	c->raddr = s->l3->src;
	c->lport = s->th.dport;
	c->rport = s->th.sport;
	c->cc.algo = ctx->cfg.tcp.cc;
	c->h = l->h;
	c->user = l->user;
	c->last_rx_ns = ctx->now_ns;
	return c;
}

/* Backlog full: answer with a cookie and keep nothing. */
static void send_cookie(struct rts_ctx *ctx, const struct tcp_seg *s)
{
	struct rts_tcp_conn tmp;
	struct rts_tcp_tuple t;
	struct rts_syncookie_opts o;
	uint32_t tsval;

	rts_memset(&tmp, 0, sizeof(tmp));
	tcp_conn_setup(ctx, &tmp);
	tmp.laddr = s->l3->dst;
	tmp.raddr = s->l3->src;
	tmp.lport = s->th.dport;
	tmp.rport = s->th.sport;
	tmp.rcv_mss = tcp_our_mss(ctx, &tmp.raddr);
	tmp.irs = s->th.seq;
	tmp.rcv_nxt = tmp.rcv_adv = s->th.seq + 1;
	tcp_conn_tuple(&tmp, &t);
	o.mss = s->o.has_mss ? s->o.mss : 0;
	o.wscale = s->o.has_ws && ctx->cfg.tcp.window_scaling ? s->o.ws
							       : RTS_SYNCOOKIE_NO_WSCALE;
	o.sack_ok = s->o.has_sack_perm && ctx->cfg.tcp.sack;
	o.ts_ok = s->o.has_ts && ctx->cfg.tcp.timestamps;
	tmp.ts_offset = rts_tcp_ts_offset(ctx->tcp.isn_key, &t);
	tsval = tcp_ts_now(&tmp);
	if (o.ts_ok) {
		uint32_t want = tsval;

		tmp.flags |= TF_TS_OK;
		tmp.ts_recent = s->o.ts_val;
		tmp.iss = rts_syncookie_make(ctx->tcp.syncookie_key, &t, s->th.seq,
					     &o, ctx->now_ns, &want);
		tmp.ts_offset += want - tsval; /* so the SYN-ACK carries it */
		if (o.wscale != RTS_SYNCOOKIE_NO_WSCALE)
			tmp.flags |= TF_WS_OK;
		if (o.sack_ok)
			tmp.flags |= TF_SACK_OK;
	} else {
		/* No echo to carry WS/SACK: offer neither (tcp_syncookie.h). */
		tmp.iss = rts_syncookie_make(ctx->tcp.syncookie_key, &t, s->th.seq,
					     &o, ctx->now_ns, &tsval);
		tmp.rcv_wscale = 0;
	}
	/* rts_syncookie_make rounds the MSS down to its table: announce ours. */
	tmp.snd_nxt = tmp.iss + 1;
	ctx->cnt.tcp_rx_syncookie_sent++;
	tcp_send_ctl(&tmp, RTS_TH_SYN | RTS_TH_ACK);
}

/* The ACK of a cookie handshake: rebuild the connection. True if done. */
static bool cookie_ack(struct rts_ctx *ctx, struct rts_tcp_listener *l,
		       struct tcp_seg *s)
{
	struct rts_syncookie_opts o;
	struct rts_tcp_tuple t;
	struct rts_tcp_conn *c;
	int rc;

	t.laddr = s->l3->dst;
	t.raddr = s->l3->src;
	t.lport = s->th.dport;
	t.rport = s->th.sport;
	rc = rts_syncookie_check(ctx->tcp.syncookie_key, &t, s->th.seq, s->th.ack,
				 s->o.has_ts, s->o.ts_ecr, ctx->now_ns, &o);
	if (rc != RTS_SYNCOOKIE_OK) {
		ctx->cnt.tcp_rx_syncookie_bad++;
		return false;
	}
	c = new_passive(ctx, l, s);
	if (c == NULL)
		return true; /* counted; the peer retries or times out */
	ctx->cnt.tcp_rx_syncookie_ok++;
	c->flags |= TF_FROM_COOKIE;
	c->irs = s->th.seq - 1;
	c->rcv_nxt = s->th.seq;
	/* The window our SYN-ACK offered (unscaled, from an empty buffer): the
	 * ACK may carry data into it (RFC 9293 §3.10.7.4). */
	c->rcv_adv = c->rcv_nxt + RTS_MIN(ctx->cfg.tcp.rcv_buf, 65535u);
	c->iss = s->th.ack - 1;
	c->snd_una = c->snd_nxt = c->snd_max = c->snd_end = s->th.ack;
	c->recover = c->iss;
	c->ts_offset = rts_tcp_ts_offset(ctx->tcp.isn_key, &t);
	c->rcv_mss = tcp_our_mss(ctx, &c->raddr);
	if (s->o.has_ts && ctx->cfg.tcp.timestamps) {
		c->flags |= TF_TS_OK;
		c->ts_recent = s->o.ts_val;
		c->ts_recent_at = tcp_coarse_now(ctx);
		if (o.wscale != RTS_SYNCOOKIE_NO_WSCALE) {
			c->flags |= TF_WS_OK;
			c->snd_wscale = o.wscale;
		}
		if (o.sack_ok)
			c->flags |= TF_SACK_OK;
	}
	if (!(c->flags & TF_WS_OK))
		c->rcv_wscale = c->snd_wscale = 0;
	{
		uint32_t mss = RTS_MIN((uint32_t)o.mss, (uint32_t)c->rcv_mss);

		if (c->flags & TF_TS_OK)
			mss -= 12;
		c->mss = (uint16_t)mss;
		rts_tcp_cc_get(c->cc.algo)->init(&c->cc, mss,
						 ctx->cfg.tcp.init_cwnd_segs * mss,
						 ctx->now_ns);
	}
	c->snd_wnd = (uint32_t)s->th.win << c->snd_wscale;
	c->max_snd_wnd = c->snd_wnd;
	c->snd_wl1 = s->th.seq;
	c->snd_wl2 = s->th.ack;
	tcp_conn_hash_insert(ctx, c);
	ctx->cnt.tcp_conn_passive++;
	tcp_set_state(c, RTS_TCP_ESTABLISHED);
	if (c->h && c->h->accepted && c->h->accepted(c, l->user) != 0) {
		tcp_send_ctl(c, RTS_TH_RST | RTS_TH_ACK);
		c->flags |= TF_DETACHED;
		tcp_conn_free(ctx, c);
		return true;
	}
	/* The ACK may carry data (and a FIN): process it as usual. */
	tcp_conn_input(c, s);
	return true;
}

void tcp_listen_input(struct rts_ctx *ctx, struct rts_tcp_listener *l,
		      struct tcp_seg *s)
{
	const struct rts_l3_info *l3 = s->l3;
	uint8_t f = s->th.flags;
	struct rts_tcp_conn *c;

	if (f & RTS_TH_RST)
		return;
	if (f & RTS_TH_ACK) {
		if ((f & RTS_TH_SYN) || !ctx->cfg.tcp.syncookies ||
		    !cookie_ack(ctx, l, s))
			tcp_send_reset_for(ctx, l3, &s->th, seg_seqlen(s));
		return;
	}
	if (!(f & RTS_TH_SYN) || l3->dst_mcast) {
		ctx->cnt.tcp_rx_bad_flags++;
		return;
	}
	if (l->n_pending >= l->backlog) {
		ctx->cnt.tcp_rx_listen_overflow++;
		if (ctx->cfg.tcp.syncookies)
			send_cookie(ctx, s);
		return;
	}
	c = new_passive(ctx, l, s);
	if (c == NULL)
		return;
	c->listener = l;
	c->flags |= TF_DETACHED; /* the app sees it once established */
	c->irs = s->th.seq;
	c->rcv_nxt = s->th.seq + 1;
	c->rcv_adv = c->rcv_nxt;
	c->iss = tcp_new_isn(ctx, c);
	c->snd_una = c->iss;
	c->snd_nxt = c->snd_max = c->snd_end = c->iss + 1;
	c->recover = c->iss;
	c->snd_wnd = s->th.win; /* never scaled in a SYN */
	c->max_snd_wnd = c->snd_wnd;
	c->snd_wl1 = s->th.seq;
	c->snd_wl2 = c->iss;
	tcp_negotiate(c, s);
	c->state = RTS_TCP_SYN_RECEIVED;
	l->n_pending++;
	tcp_conn_hash_insert(ctx, c);
	ctx->cnt.tcp_conn_passive++;
	tcp_send_ctl(c, RTS_TH_SYN | RTS_TH_ACK);
	c->flags |= TF_RTT_TIMING;
	c->rtt_seq = c->iss;
	c->rtt_start_ns = ctx->now_ns;
	tcp_rto_arm(c);
}
