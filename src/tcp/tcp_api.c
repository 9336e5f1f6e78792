/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — the TCP API (include/rtestack/tcp.h): open, send, consume,
 * close; plus the state helpers the rest of TCP shares.
 */
#include "tcp_seg.h"

#define US 1000ull

void tcp_set_state(struct rts_tcp_conn *c, uint8_t state)
{
	c->state = state;
	if (state == RTS_TCP_ESTABLISHED && c->ka_idle_us)
		c->t_keep = c->ctx->now_ns + c->ka_idle_us * US;
}

void tcp_conn_closed(struct rts_tcp_conn *c, int reason)
{
	struct rts_ctx *ctx = c->ctx;

	if (!(c->flags & TF_DETACHED)) {
		c->flags |= TF_DETACHED;
		ctx->cnt.tcp_conn_closed++;
		if (c->h && c->h->closed)
			c->h->closed(c, c->user, reason);
	}
	if (c->state == RTS_TCP_TIME_WAIT)
		return; /* the slot lives on until 2MSL */
	c->state = RTS_TCP_CLOSED;
	if (!(c->flags & TF_IN_INPUT))
		tcp_conn_free(ctx, c);
}

/* ------------------------------------------------------------- opening */

struct rts_tcp_listener *rts_tcp_listen(struct rts_ctx *ctx,
					const struct rts_endpoint *local,
					uint16_t backlog,
					const struct rts_tcp_handlers *h,
					void *user, int *err)
{
	struct rts_tcp_tables *t = &ctx->tcp;
	struct rts_tcp_listener *free_l = NULL;
	int rc = 0;

	if (local == NULL || local->port == 0 || h == NULL) {
		rc = RTS_EINVAL;
		goto out;
	}
	for (uint16_t i = 0; i < t->n_listeners_max; i++) {
		struct rts_tcp_listener *l = &t->listeners[i];

		if (!l->in_use) {
			if (free_l == NULL)
				free_l = l;
		} else if (l->local.port == local->port &&
			   rts_ip_eq(&l->local.ip, &local->ip)) {
			rc = RTS_EADDRINUSE;
			goto out;
		}
	}
	if (!rts_ip_is_any(&local->ip) && !rts_addr_is_local(ctx, &local->ip)) {
		rc = RTS_EADDRNOTAVAIL;
		goto out;
	}
	if (free_l == NULL) {
		rc = RTS_ENOSPC;
		goto out;
	}
	free_l->local = *local;
	free_l->backlog = backlog ? backlog : ctx->cfg.tcp.listen_backlog;
	free_l->n_pending = 0;
	free_l->h = h;
	free_l->user = user;
	free_l->ctx = ctx;
	free_l->in_use = true;
out:
	if (err)
		*err = rc;
	return rc ? NULL : free_l;
}

void rts_tcp_unlisten(struct rts_tcp_listener *l)
{
	struct rts_tcp_tables *t = &l->ctx->tcp;

	/* Half-open connections of this listener go with it. */
	for (uint32_t i = 0; i < l->ctx->cfg.max_tcp_conns; i++) {
		struct rts_tcp_conn *c = &t->conns[i];

		if (c->state == RTS_TCP_SYN_RECEIVED && c->listener == l) {
			tcp_send_ctl(c, RTS_TH_RST | RTS_TH_ACK);
			tcp_conn_free(l->ctx, c);
		}
	}
	l->in_use = false;
}

struct rts_tcp_conn *rts_tcp_connect(struct rts_ctx *ctx,
				     const struct rts_endpoint *local,
				     const struct rts_endpoint *remote,
				     const struct rts_tcp_handlers *h,
				     void *user, int *err)
{
	struct rts_route rt;
	struct rts_tcp_conn *c;
	uint16_t lport = local ? local->port : 0;
	int rc;

	rc = remote && remote->port && !rts_ip_is_any(&remote->ip) ? 0 : RTS_EINVAL;
	if (rc == 0)
		rc = rts_route_lookup(ctx, &remote->ip, local ? &local->ip : NULL,
				      &rt);
	if (rc == 0 && local && !rts_ip_is_any(&local->ip)) {
		if (!rts_addr_is_local(ctx, &local->ip))
			rc = RTS_EADDRNOTAVAIL;
		else
			rt.src = local->ip;
	}
	if (rc == 0 && lport == 0 && (lport = tcp_pick_port(ctx, &rt.src, remote)) == 0)
		rc = RTS_EADDRINUSE;
	if (rc == 0 && tcp_lookup(ctx, &rt.src, lport, &remote->ip, remote->port))
		rc = RTS_EADDRINUSE;
	if (rc == 0 && (c = tcp_conn_alloc(ctx)) == NULL)
		rc = RTS_ENOSPC;
	if (err)
		*err = rc;
	if (rc)
		return NULL;
	tcp_conn_setup(ctx, c);
	c->laddr = rt.src;
	c->raddr = remote->ip;
	c->lport = lport;
	c->rport = remote->port;
	c->h = h;
	c->user = user;
	c->cc.algo = ctx->cfg.tcp.cc;
	c->flags |= TF_ACTIVE;
	c->rcv_mss = (uint16_t)(rt.mtu - (rts_ip_is_v4(&c->raddr) ? 40 : 60));
	if (ctx->cfg.tcp.mss && ctx->cfg.tcp.mss < c->rcv_mss)
		c->rcv_mss = ctx->cfg.tcp.mss;
	c->iss = tcp_new_isn(ctx, c);
	c->snd_una = c->iss;
	c->snd_nxt = c->snd_max = c->snd_end = c->iss + 1;
	c->recover = c->iss;
	c->state = RTS_TCP_SYN_SENT;
	c->last_rx_ns = ctx->now_ns;
	tcp_conn_hash_insert(ctx, c);
	ctx->cnt.tcp_conn_active++;
	tcp_send_ctl(c, RTS_TH_SYN);
	c->flags |= TF_RTT_TIMING;
	c->rtt_seq = c->iss;
	c->rtt_start_ns = ctx->now_ns;
	tcp_rto_arm(c);
	return c;
}

/* ------------------------------------------------------------- sending */

static bool can_send(const struct rts_tcp_conn *c)
{
	const uint32_t ok = 1u << RTS_TCP_ESTABLISHED | 1u << RTS_TCP_CLOSE_WAIT |
			    1u << RTS_TCP_SYN_SENT | 1u << RTS_TCP_SYN_RECEIVED;

	return ((1u << c->state) & ok) && !(c->flags & TF_FIN_QUEUED);
}

/* Free send buffer space of a connection that can_send(). */
static inline uint32_t send_space(const struct rts_tcp_conn *c)
{
	uint32_t queued = c->snd_end - c->snd_una;
	uint32_t buf = c->ctx->cfg.tcp.snd_buf;

	if (c->state < RTS_TCP_ESTABLISHED)
		queued--; /* the SYN is not payload */
	return queued >= buf ? 0 : buf - queued;
}

uint32_t rts_tcp_send_space(const struct rts_tcp_conn *c)
{
	return can_send(c) ? send_space(c) : 0;
}

static void sndq_append(struct rts_tcp_conn *c, struct rts_pkt *p)
{
	p->q_next = NULL;
	p->seq = c->snd_end;
	p->aux = 0; /* its headroom may carry headers (tcp_output.c) */
	if (c->sndq_tail)
		c->sndq_tail->q_next = p;
	else
		c->sndq_head = p;
	c->sndq_tail = p;
	c->snd_end += p->len;
}

/* Idle longer than an RTO: restart from the restart window (RFC 5681 §4.1). */
static void maybe_idle_restart(struct rts_tcp_conn *c)
{
	uint64_t now = c->ctx->now_ns;

	if (c->snd_max == c->snd_una && c->state == RTS_TCP_ESTABLISHED &&
	    c->last_tx_ns && now - c->last_tx_ns > (uint64_t)c->rto_us * US) {
		c->cc.mss = c->mss;
		rts_tcp_cc_get(c->cc.algo)->on_idle(&c->cc, c->rto_us, now);
	}
}

/* Short copies without a call: overlapping word moves. */
static inline void copy_small(uint8_t *d, const uint8_t *s, uint32_t n)
{
	if (n >= 8 && n <= 16) {
		rts_memcpy(d, s, 8);
		rts_memcpy(d + n - 8, s + n - 8, 8);
	} else if (n >= 4 && n < 8) {
		rts_memcpy(d, s, 4);
		rts_memcpy(d + n - 4, s + n - 4, 4);
	} else if (n > 0 && n < 4) {
		d[0] = s[0];
		d[n / 2] = s[n / 2];
		d[n - 1] = s[n - 1];
	} else {
		rts_memcpy(d, s, n);
	}
}

/*
 * May more bytes go into the tail buffer @t? Only while it is short of a
 * segment and none of it was sent: a segment then starts on a buffer and
 * goes out from it with its headers in the headroom (tcp_output.c), where
 * topping up a sent buffer would leave every later segment straddling two.
 * A tiny sent tail is topped up all the same, so that a stream of tiny
 * writes does not take a buffer each.
 */
#define SNDQ_TOPUP_SENT_MAX 64
static inline bool tail_takes_more(const struct rts_tcp_conn *c,
				   const struct rts_pkt *t, uint32_t seg)
{
	return t->len < seg && rts_pkt_tailroom(t) > 0 &&
	       seq_geq(t->seq, c->snd_una) &&
	       ((seq_geq(t->seq, c->snd_max) && t->aux == 0) ||
		t->len < SNDQ_TOPUP_SENT_MAX);
}

int rts_tcp_send(struct rts_tcp_conn *c, const void *data, uint32_t len)
{
	const uint8_t *src = data;
	uint32_t space, seg, done = 0;
	struct rts_pkt *t;

	if (rts_unlikely(!can_send(c)))
		return (c->flags & TF_FIN_QUEUED) ? RTS_ESHUTDOWN : RTS_ENOTCONN;
	space = send_space(c);
	if (rts_unlikely(len > space)) {
		len = space;
		c->flags |= TF_WANT_WRITABLE;
		c->ctx->cnt.tcp_sndbuf_full++;
	}
	if (c->snd_max == c->snd_una)
		maybe_idle_restart(c);
	seg = c->mss ? c->mss : 536;
	t = c->sndq_tail;
	if (t && len && tail_takes_more(c, t, seg)) {
		uint32_t n = RTS_MIN(RTS_MIN(seg - t->len, rts_pkt_tailroom(t)), len);

		rts_memcpy(rts_pkt_append(t, n), src, n);
		c->snd_end += n;
		done = n;
	}
	while (done < len) {
		uint32_t n;

		t = rts_alloc(c->ctx);
		if (rts_unlikely(t == NULL)) {
			c->flags |= TF_WANT_WRITABLE;
			break;
		}
		n = RTS_MIN(RTS_MIN(seg, rts_pkt_tailroom(t)), len - done);
		t->len = t->pkt_len = n;
		copy_small(t->data, src + done, n);
		sndq_append(c, t);
		done += n;
	}
	if (c->state >= RTS_TCP_ESTABLISHED)
		tcp_output(c);
	if (done == 0 && len)
		return RTS_ENOBUFS;
	return (int)done;
}

int rts_tcp_send_pkt(struct rts_tcp_conn *c, struct rts_pkt *p)
{
	uint32_t total = p->pkt_len;

	if (!can_send(c))
		return (c->flags & TF_FIN_QUEUED) ? RTS_ESHUTDOWN : RTS_ENOTCONN;
	if (total > rts_tcp_send_space(c)) {
		c->flags |= TF_WANT_WRITABLE;
		c->ctx->cnt.tcp_sndbuf_full++;
		return RTS_EAGAIN;
	}
	maybe_idle_restart(c);
	/* Each segment of the chain becomes a queue entry of its own. */
	while (p) {
		struct rts_pkt *next = p->next;

		p->next = NULL;
		p->pkt_len = p->len;
		if (p->len) {
			sndq_append(c, p);
			/* The app may share the buffer: headers go elsewhere. */
			p->aux = TCP_SNDQ_NO_INPLACE;
		}
		else
			rts_free(c->ctx, p);
		p = next;
	}
	if (c->state >= RTS_TCP_ESTABLISHED)
		tcp_output(c);
	return (int)total;
}

void rts_tcp_consumed(struct rts_tcp_conn *c, uint32_t bytes)
{
	uint32_t buf = c->ctx->cfg.tcp.rcv_buf;
	uint32_t old = c->rcv_unconsumed;
	uint32_t unc = bytes >= old ? 0 : old - bytes;
	uint32_t adv_left, space;

	c->rcv_unconsumed = unc;
	/* Only a window that grew (free space buf - unc) can be news. */
	if (unc >= old || unc >= buf || c->state < RTS_TCP_ESTABLISHED ||
	    c->state == RTS_TCP_TIME_WAIT)
		return;
	/*
	 * Window update (RFC 9293 §3.8.6.2.2): tell the peer once the window
	 * can open by at least min(buffer/2, MSS) beyond what it was told.
	 * Only what the window field can carry counts: without window scaling
	 * a large buffer would otherwise make every segment "open" the window
	 * and defeat delayed ACKs (§3.8.6.3).
	 */
	adv_left = seq_gt(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
	space = RTS_MIN(buf - unc, 65535u << c->rcv_wscale);
	if (space < adv_left + RTS_MIN(buf / 2, (uint32_t)c->rcv_mss) ||
	    (c->flags & TF_PEER_FIN))
		return;
	c->flags |= TF_ACKNOW;
	/* From a data callback: the ACK goes once the segment (and what it
	 * drained from the out-of-order queue) is processed. */
	if (!(c->flags & TF_IN_INPUT))
		tcp_output(c);
}

/* ------------------------------------------------------------- closing */

int rts_tcp_shutdown(struct rts_tcp_conn *c)
{
	switch (c->state) {
	case RTS_TCP_SYN_SENT:
		tcp_conn_closed(c, RTS_TCP_CLOSED_ABORT);
		return 0;
	case RTS_TCP_SYN_RECEIVED:
	case RTS_TCP_ESTABLISHED:
	case RTS_TCP_CLOSE_WAIT:
		break;
	default:
		return (c->flags & TF_FIN_QUEUED) ? 0 : RTS_ENOTCONN;
	}
	if (c->flags & TF_FIN_QUEUED)
		return 0;
	c->flags |= TF_FIN_QUEUED;
	if (c->state == RTS_TCP_SYN_RECEIVED)
		return 0; /* FIN goes once established (RFC 9293 §3.10.4) */
	tcp_output(c);
	tcp_timer_update(c);
	return 0;
}

int rts_tcp_close(struct rts_tcp_conn *c)
{
	int rc;

	c->flags |= TF_APP_CLOSED;
	rc = rts_tcp_shutdown(c);
	if (c->state == RTS_TCP_FIN_WAIT_2 && c->t_2msl == 0) {
		c->t_2msl = c->ctx->now_ns + c->ctx->cfg.tcp.fin_wait2_us * US;
		tcp_timer_update(c);
	}
	return rc;
}

void rts_tcp_abort(struct rts_tcp_conn *c)
{
	if (c->state == RTS_TCP_CLOSED)
		return;
	if (c->state != RTS_TCP_SYN_SENT && c->state != RTS_TCP_TIME_WAIT)
		tcp_send_ctl(c, RTS_TH_RST | RTS_TH_ACK);
	if (c->state == RTS_TCP_TIME_WAIT)
		c->state = RTS_TCP_CLOSED;
	tcp_conn_closed(c, RTS_TCP_CLOSED_ABORT);
}

/* ------------------------------------------------------------- accessors */

void rts_tcp_set_user(struct rts_tcp_conn *c, void *user) { c->user = user; }
void *rts_tcp_user(const struct rts_tcp_conn *c) { return c->user; }
struct rts_ctx *rts_tcp_ctx(const struct rts_tcp_conn *c) { return c->ctx; }
int rts_tcp_state(const struct rts_tcp_conn *c) { return c->state; }

void rts_tcp_endpoints(const struct rts_tcp_conn *c, struct rts_endpoint *local,
		       struct rts_endpoint *remote)
{
	if (local) {
		local->ip = c->laddr;
		local->port = c->lport;
	}
	if (remote) {
		remote->ip = c->raddr;
		remote->port = c->rport;
	}
}

void rts_tcp_set_nagle(struct rts_tcp_conn *c, bool on)
{
	if (on) {
		c->flags &= ~(uint32_t)TF_NODELAY;
	} else {
		c->flags |= TF_NODELAY;
		if (c->state >= RTS_TCP_ESTABLISHED)
			tcp_output(c);
	}
}

int rts_tcp_set_cc(struct rts_tcp_conn *c, uint8_t algo)
{
	uint32_t cwnd = c->cc.cwnd, ssthresh = c->cc.ssthresh;
	uint32_t iw = c->cc.init_cwnd;

	if (algo != RTS_CC_CUBIC && algo != RTS_CC_NEWRENO)
		return RTS_EINVAL;
	if (algo == c->cc.algo)
		return 0;
	c->cc.algo = algo;
	if (c->mss == 0)
		return 0; /* not negotiated yet: init happens with the MSS */
	rts_tcp_cc_get(algo)->init(&c->cc, c->mss, cwnd, c->ctx->now_ns);
	c->cc.algo = algo;
	c->cc.ssthresh = ssthresh;
	c->cc.init_cwnd = iw; /* the restart window stays the initial one */
	return 0;
}

void rts_tcp_set_keepalive(struct rts_tcp_conn *c, uint32_t idle_us,
			   uint32_t intvl_us, uint8_t probes)
{
	c->ka_idle_us = idle_us;
	c->ka_intvl_us = intvl_us ? intvl_us : c->ctx->cfg.tcp.keepalive_intvl_us;
	c->ka_probes = probes ? probes : c->ctx->cfg.tcp.keepalive_probes;
	c->ka_probes_sent = 0;
	c->t_keep = idle_us ? c->ctx->now_ns + idle_us * US : 0;
	tcp_timer_update(c);
}

void rts_tcp_get_info(const struct rts_tcp_conn *c, struct rts_tcp_info *i)
{
	rts_memset(i, 0, sizeof(*i));
	i->state = c->state;
	i->mss = c->mss;
	i->snd_wscale = c->snd_wscale;
	i->rcv_wscale = c->rcv_wscale;
	i->ts_ok = (c->flags & TF_TS_OK) != 0;
	i->sack_ok = (c->flags & TF_SACK_OK) != 0;
	i->srtt_us = c->srtt_us;
	i->rttvar_us = c->rttvar_us;
	i->rto_us = c->rto_us;
	i->cwnd = c->cc.cwnd;
	i->ssthresh = c->cc.ssthresh;
	i->snd_wnd = c->snd_wnd;
	i->rcv_wnd = seq_gt(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
	i->unacked = c->snd_max - c->snd_una;
	i->unsent = tcp_sndq_unsent(c);
	i->retrans_segs = c->retrans_segs;
	i->snd_una = c->snd_una;
	i->snd_nxt = c->snd_nxt;
	i->rcv_nxt = c->rcv_nxt;
}
