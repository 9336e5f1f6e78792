/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — TCP output: what to send now, segment building, checksums.
 *
 * The send queue holds payload only; a transmission never touches bytes a
 * device may still be reading. The first transmission of a queued buffer
 * writes the headers into that buffer's headroom and sends a clone of it
 * (one descriptor, no copy); later ones (retransmissions, segments that
 * start inside a buffer) build a fresh buffer: send_fast() copies the
 * payload into it (measured: no dearer than a clone chained through the
 * general path), the general path copies small payloads and chains clones
 * of the queued buffers behind larger ones.
 *
 * Established segments with at most the timestamp option take send_fast():
 * whole-field stores into one buffer, the flow's prebuilt Ethernet + IPv4
 * (net/flow4.h) or Ethernet + IPv6 (ip6/flow6.h) header. Everything else
 * (SYN, RST, SACK blocks, TSO, an unresolved next hop) takes
 * send_segment()'s general path.
 */
#include "tcp_conn.h"

/* Below this many payload bytes a copy is cheaper than clone + chain. */
#define TCP_CLONE_MIN 512
/* TCP header bytes with the timestamp option (RFC 7323 Appendix A layout). */
#define TCP_HLEN_TS (RTS_TCP_HLEN + 12)

/* Free receive buffer: what the window may offer. */
static inline uint32_t rcv_space(const struct rts_tcp_conn *c)
{
	uint32_t buf = c->ctx->cfg.tcp.rcv_buf;

	return c->rcv_unconsumed >= buf ? 0 : buf - c->rcv_unconsumed;
}

/*
 * The window field for an outgoing segment. The right edge never moves
 * left (RFC 9293 §3.8.6.2.2 SHLD-14), and it only moves right in steps of
 * at least min(buffer/2, MSS): receiver-side silly window avoidance.
 */
static uint16_t window_field(struct rts_tcp_conn *c, bool syn)
{
	uint32_t space = rcv_space(c);
	uint32_t adv_left = seq_gt(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
	uint32_t step = RTS_MIN(c->ctx->cfg.tcp.rcv_buf / 2, (uint32_t)c->rcv_mss);
	uint8_t ws = syn ? 0 : c->rcv_wscale;
	uint32_t win;
	uint32_t field;

	if (space > adv_left && space - adv_left >= step)
		win = space;     /* worth moving the edge */
	else
		win = adv_left;  /* keep it: never shrink, no slivers */
	field = win >> ws;
	if ((field << ws) < adv_left)
		field++;
	if (field > 65535)
		field = 65535;
	if (seq_gt(c->rcv_nxt + (field << ws), c->rcv_adv))
		c->rcv_adv = c->rcv_nxt + (field << ws);
	return (uint16_t)field;
}

static void fill_options(struct rts_tcp_conn *c, uint8_t flags,
			 struct rts_tcp_opts *o)
{
	const struct rts_tcp_config *tc = &c->ctx->cfg.tcp;

	o->has_mss = o->has_ws = o->has_sack_perm = o->has_ts = false;
	o->n_sack = 0;
	if (flags & RTS_TH_SYN) {
		bool syn_ack = flags & RTS_TH_ACK;

		o->has_mss = true;
		o->mss = c->rcv_mss;
		/* On a SYN-ACK, only echo what the peer offered (RFC 7323). */
		o->has_ws = syn_ack ? (c->flags & TF_WS_OK) != 0 : tc->window_scaling;
		o->ws = c->rcv_wscale;
		o->has_sack_perm = syn_ack ? (c->flags & TF_SACK_OK) != 0 : tc->sack;
		o->has_ts = syn_ack ? (c->flags & TF_TS_OK) != 0 : tc->timestamps;
	} else {
		o->has_ts = (c->flags & TF_TS_OK) != 0;
	}
	if (o->has_ts) {
		o->ts_val = tcp_ts_now(c);
		o->ts_ecr = c->ts_recent;
	}
	if (c->sack && (flags & RTS_TH_ACK) && !(flags & (RTS_TH_SYN | RTS_TH_RST)))
		tcp_sack_fill_blocks(c, o);
}

/* The queue entry holding @seq (the hint first, else from the head). */
static struct rts_pkt *sndq_find(struct rts_tcp_conn *c, uint32_t seq)
{
	struct rts_pkt *p = c->snd_hint;

	if (p == NULL || seq_lt(seq, p->seq))
		p = c->sndq_head;
	while (p && seq_geq(seq, p->seq + p->len))
		p = p->q_next;
	return p;
}

/* Copy [seq, seq+len) of queued payload to @dst, summing as it goes. */
static uint32_t copy_payload(struct rts_tcp_conn *c, uint32_t seq, uint32_t len,
			     uint8_t *dst, bool sum, uint32_t csum)
{
	struct rts_pkt *p = sndq_find(c, seq);
	uint32_t off = seq - p->seq;
	uint32_t done = 0;

	while (done < len) {
		uint32_t n = RTS_MIN(p->len - off, len - done);

		if (sum) {
			/* Keep byte pairing right across odd-sized pieces. */
			uint32_t part = rts_csum_fold16(
				rts_csum_copy(dst + done, p->data + off, n, 0));
			if (done & 1)
				part = (uint16_t)((part >> 8) | (part << 8));
			csum = rts_csum_combine(csum, part);
		} else {
			rts_memcpy(dst + done, p->data + off, n);
		}
		done += n;
		c->snd_hint = p;
		p = p->q_next;
		off = 0;
	}
	return csum;
}

/* Chain clones of [seq, seq+len) behind @h. False if a clone failed. */
static bool chain_payload(struct rts_tcp_conn *c, struct rts_pkt *h,
			  uint32_t seq, uint32_t len)
{
	struct rts_ctx *ctx = c->ctx;
	struct rts_pkt *p = sndq_find(c, seq);
	struct rts_pkt *tail = h;
	uint32_t off = seq - p->seq;
	uint32_t done = 0;

	while (done < len) {
		uint32_t n = RTS_MIN(p->len - off, len - done);
		struct rts_pkt *q = ctx->ops->clone(ctx->be, p);

		if (q == NULL) {
			ctx->cnt.pkt_clone_fail++;
			return false;
		}
		q->data = p->data + off;
		q->len = n;
		q->pkt_len = n;
		q->next = NULL;
		tail->next = q;
		tail = q;
		h->pkt_len += n;
		done += n;
		c->snd_hint = p;
		p = p->q_next;
		off = 0;
	}
	return true;
}

static bool l4_csum_offload(const struct rts_tcp_conn *c)
{
	uint32_t caps = c->ctx->cfg.caps.flags;

	return rts_ip_is_v4(&c->raddr) ? (caps & RTS_CAP_TX_L4_CSUM) != 0
				       : (caps & RTS_CAP_TX_L4_CSUM6) != 0;
}

/* The fixed header and, with @thl = TCP_HLEN_TS, the timestamp option;
 * checksum zero. */
static inline void put_tcp_header(struct rts_tcp_conn *c, uint8_t *b,
				  uint32_t seq, uint8_t flags, uint32_t thl)
{
	static const uint8_t ts_kind[4] = { RTS_TCPOPT_NOP, RTS_TCPOPT_NOP,
					    RTS_TCPOPT_TS, 10 };
	uint16_t ports[2] = { rts_htons(c->lport), rts_htons(c->rport) };
	uint32_t zero = 0;

	rts_memcpy(b, ports, 4);
	rts_put_be32(b + 4, seq);
	rts_put_be32(b + 8, (flags & RTS_TH_ACK) ? c->rcv_nxt : 0);
	b[12] = (uint8_t)(thl << 2);
	b[13] = flags;
	rts_put_be16(b + 14, window_field(c, false));
	rts_memcpy(b + 16, &zero, 4);
	if (thl == TCP_HLEN_TS) {
		rts_memcpy(b + 20, ts_kind, 4);
		rts_put_be32(b + 24, tcp_ts_now(c));
		rts_put_be32(b + 28, c->ts_recent);
	}
}

/* What every sent segment changes in the connection and the counters. */
static inline void note_sent(struct rts_tcp_conn *c, uint32_t len,
			     uint8_t flags)
{
	struct rts_ctx *ctx = c->ctx;

	if (flags & RTS_TH_ACK) {
		c->flags &= ~(uint32_t)(TF_ACKNOW | TF_DELACK);
		c->t_delack = 0;
		c->segs_unacked = 0;
	}
	c->last_tx_ns = ctx->now_ns;
	ctx->cnt.tcp_tx_segs++;
	ctx->cnt.tcp_tx_bytes += len;
}

/*
 * The frame for [seq, seq+len) in the headroom of the queue entry holding
 * it, if that is the first transmission from it (NULL: copy instead).
 * *@sum gets the payload's sum when checksums are computed here.
 */
static inline __attribute__((always_inline)) struct rts_pkt *
frame_in_place(struct rts_tcp_conn *c, uint32_t seq, uint32_t len, uint32_t hl,
	       bool sum_it, uint32_t *sum)
{
	struct rts_ctx *ctx = c->ctx;
	struct rts_pkt *q = sndq_find(c, seq);
	struct rts_pkt *f;

	if (q->seq != seq || len > q->len || (q->aux & TCP_SNDQ_NO_INPLACE) ||
	    rts_pkt_headroom(q) < hl || ctx->ops->clone == NULL)
		return NULL;
	f = ctx->ops->clone(ctx->be, q);
	if (rts_unlikely(f == NULL)) {
		ctx->cnt.pkt_clone_fail++;
		return NULL;
	}
	q->aux |= TCP_SNDQ_NO_INPLACE;
	c->snd_hint = q;
	f->data = q->data - hl;
	f->len = f->pkt_len = hl + len;
	f->next = NULL;
	f->ol_flags = 0;
	f->tso_segsz = 0;
	if (sum_it)
		*sum = rts_csum_add(0, q->data, len);
	return f;
}

/*
 * The established fast path (see the top of the file): through the flow's
 * IPv4 or (@v6) IPv6 template, at most the timestamp option, one buffer per
 * frame. Returns 1 when the segment needs the general path instead.
 */
static inline __attribute__((always_inline)) int
send_fast_thl(struct rts_tcp_conn *c, uint32_t seq, uint32_t len, uint8_t flags,
	      const uint32_t thl, const bool v6)
{
	struct rts_ctx *ctx = c->ctx;
	const uint32_t l23 = v6 ? RTS_FLOW6_HLEN : RTS_FLOW4_HLEN;
	const uint32_t hl = l23 + thl;
	bool offload = (ctx->cfg.caps.flags & (v6 ? RTS_CAP_TX_L4_CSUM6
						  : RTS_CAP_TX_L4_CSUM)) != 0;
	uint32_t csum = 0;
	struct rts_pkt *h = NULL;
	uint8_t *b, *t;

	if (v6 ? rts_unlikely(!rts_flow6_usable(ctx, &c->flow6, thl + len,
						false))
	       : rts_unlikely(!c->flow.ready || !rts_neigh_ref_sendable(&c->flow.nh) ||
			      thl + len + RTS_IP4_HLEN > ctx->cfg.mtu))
		return 1;
	if (len) /* a clone costs less than a buffer and a copy */
		h = frame_in_place(c, seq, len, hl, !offload, &csum);
	if (h == NULL) {
		h = rts_alloc(ctx);
		if (rts_unlikely(h == NULL)) {
			ctx->cnt.tcp_tx_no_buf++;
			return RTS_ENOBUFS;
		}
		if (rts_unlikely(rts_pkt_tailroom(h) < hl + len)) {
			rts_free(ctx, h);
			return 1; /* small buffers: clone and chain */
		}
		h->len = h->pkt_len = hl + len;
		if (len)
			csum = copy_payload(c, seq, len, h->data + hl, !offload, 0);
	}
	b = h->data;
	t = b + l23;
	put_tcp_header(c, t, seq, flags, thl);
	if (rts_unlikely(c->phdr_sum == 0))
		c->phdr_sum = rts_csum_pseudo(&c->laddr, &c->raddr, 6, 0);
	if (offload) {
		/* DPDK convention: the pseudo-header sum, uncomplemented. */
		uint16_t ph = rts_csum_fold16(rts_csum_combine(
			c->phdr_sum, rts_htons((uint16_t)(thl + len))));

		rts_memcpy(t + 16, &ph, 2);
		h->ol_flags |= RTS_PKT_TX_TCP_CSUM;
		h->l4_len = (uint16_t)thl;
	} else {
		uint16_t v;

		csum = rts_csum_combine(rts_csum_add(csum, t, thl), c->phdr_sum);
		v = rts_csum_finish(rts_csum_combine(
			csum, rts_htons((uint16_t)(thl + len))));
		rts_memcpy(t + 16, &v, 2);
	}
	if (v6)
		rts_flow6_fill(ctx, &c->flow6, h, b, &c->laddr, &c->raddr,
			       thl + len);
	else
		rts_flow4_fill(ctx, &c->flow, h, b, thl + len);
	note_sent(c, len, flags);
	rts_tx_frame(ctx, h);
	return 0;
}

/* send_fast_thl() compiled once per header length and family: constants,
 * not tests. */
static int send_fast(struct rts_tcp_conn *c, uint32_t seq, uint32_t len,
		     uint8_t flags)
{
	if (c->flags & TF_TS_OK)
		return send_fast_thl(c, seq, len, flags, TCP_HLEN_TS, false);
	return send_fast_thl(c, seq, len, flags, RTS_TCP_HLEN, false);
}

static int send_fast6(struct rts_tcp_conn *c, uint32_t seq, uint32_t len,
		      uint8_t flags)
{
	if (c->flags & TF_TS_OK)
		return send_fast_thl(c, seq, len, flags, TCP_HLEN_TS, true);
	return send_fast_thl(c, seq, len, flags, RTS_TCP_HLEN, true);
}

/*
 * Build and send one segment: header with @flags at @seq, @len bytes of
 * queued payload. @tso_segsz > 0 asks the device to cut it up.
 */
static int send_segment_general(struct rts_tcp_conn *c, uint32_t seq,
				uint32_t len, uint8_t flags, uint16_t tso_segsz);

static int send_segment(struct rts_tcp_conn *c, uint32_t seq, uint32_t len,
			uint8_t flags, uint16_t tso_segsz)
{
	if (rts_likely(!(flags & (RTS_TH_SYN | RTS_TH_RST)) && c->sack == NULL &&
		       tso_segsz == 0)) {
		int rc = rts_ip_is_v4(&c->raddr) ? send_fast(c, seq, len, flags)
						 : send_fast6(c, seq, len, flags);

		if (rts_likely(rc <= 0))
			return rc;
	}
	return send_segment_general(c, seq, len, flags, tso_segsz);
}

static int send_segment_general(struct rts_tcp_conn *c, uint32_t seq, uint32_t len,
			uint8_t flags, uint16_t tso_segsz)
{
	struct rts_ctx *ctx = c->ctx;
	struct rts_pkt *h = rts_alloc(ctx);
	struct rts_tcp_opts o;
	struct rts_tcp_hdr th;
	uint32_t optlen, csum;
	bool offload = l4_csum_offload(c);
	bool zero_copy, fast_opts;
	uint8_t *b;

	if (h == NULL) {
		ctx->cnt.tcp_tx_no_buf++;
		return RTS_ENOBUFS;
	}
	/* Established without SACK blocks to send: at most the timestamp. */
	fast_opts = !(flags & RTS_TH_SYN) && c->sack == NULL;
	if (fast_opts) {
		optlen = (c->flags & TF_TS_OK) ? 12 : 0;
	} else {
		fill_options(c, flags, &o);
		optlen = rts_tcp_opts_len(&o);
		/* RFC 9293 §3.7.1: options and data together fit the send MSS
		 * (c->mss has room for the timestamp only); RFC 2018 §4 lets
		 * a full segment carry fewer SACK blocks. */
		while (o.n_sack && len + optlen > c->mss +
		       ((c->flags & TF_TS_OK) ? 12u : 0u)) {
			o.n_sack--;
			optlen = rts_tcp_opts_len(&o);
		}
	}
	th.hlen = (uint8_t)(RTS_TCP_HLEN + optlen);
	zero_copy = len >= TCP_CLONE_MIN && ctx->ops->clone &&
		    (ctx->cfg.caps.flags & RTS_CAP_MULTI_SEG);
	if (!zero_copy && rts_pkt_tailroom(h) < th.hlen + len) {
		if (!ctx->ops->clone || !(ctx->cfg.caps.flags & RTS_CAP_MULTI_SEG)) {
			rts_free(ctx, h);
			ctx->cnt.tcp_tx_no_buf++;
			return RTS_EMSGSIZE;
		}
		zero_copy = true;
	}
	b = rts_pkt_append(h, th.hlen);
	th.sport = c->lport;
	th.dport = c->rport;
	th.seq = seq;
	th.flags = flags;
	th.ack = (flags & RTS_TH_ACK) ? c->rcv_nxt : 0;
	th.win = window_field(c, flags & RTS_TH_SYN);
	th.csum = 0;
	th.urp = 0;
	rts_tcp_emit(&th, b);
	if (!fast_opts) {
		rts_tcp_emit_opts(&o, b + RTS_TCP_HLEN);
	} else if (optlen) {
		b[20] = RTS_TCPOPT_NOP;
		b[21] = RTS_TCPOPT_NOP;
		b[22] = RTS_TCPOPT_TS;
		b[23] = 10;
		rts_put_be32(b + 24, tcp_ts_now(c));
		rts_put_be32(b + 28, c->ts_recent);
	}

	if (rts_unlikely(c->phdr_sum == 0))
		c->phdr_sum = rts_csum_pseudo(&c->laddr, &c->raddr, 6, 0);
	csum = c->phdr_sum;
	if (!tso_segsz) /* TSO: the device adds each segment's length */
		csum = rts_csum_combine(csum, rts_ip_is_v4(&c->raddr)
						      ? rts_htons((uint16_t)(th.hlen + len))
						      : rts_htonl(th.hlen + len));
	if (len && zero_copy) {
		if (!chain_payload(c, h, seq, len)) {
			rts_free(ctx, h);
			return RTS_ENOBUFS;
		}
		if (!offload)
			csum = rts_csum_pkt(h, 0, th.hlen + len, csum);
	} else if (len) {
		uint8_t *dst = rts_pkt_append(h, len);

		if (!offload)
			csum = rts_csum_combine(csum, rts_csum_add(0, b, th.hlen));
		csum = copy_payload(c, seq, len, dst, !offload, csum);
	} else if (!offload) {
		csum = rts_csum_add(csum, b, th.hlen);
	}
	if (offload) {
		/* DPDK convention: the pseudo-header sum, uncomplemented. */
		uint16_t ph = rts_csum_fold16(csum);

		rts_memcpy(b + 16, &ph, 2);
		h->ol_flags |= RTS_PKT_TX_TCP_CSUM;
		h->l4_len = th.hlen;
		if (tso_segsz) {
			h->ol_flags |= RTS_PKT_TX_TSO;
			h->tso_segsz = tso_segsz;
		}
	} else {
		uint16_t v = rts_csum_finish(csum);

		rts_memcpy(b + 16, &v, 2);
	}
	note_sent(c, len, flags);
	if (rts_likely(rts_ip_is_v4(&c->raddr)))
		rts_flow4_output(ctx, &c->flow, h, &c->laddr, &c->raddr, 6);
	else
		rts_flow6_output(ctx, &c->flow6, h, &c->laddr, &c->raddr, 6);
	return 0;
}

/*
 * A segment without data carries RFC 9293's SND.NXT, which is snd_max: after
 * an RTO snd_nxt goes back to snd_una, and an ACK numbered from there is
 * below the peer's RCV.NXT, outside its window (§3.10.7.4) and dropped with
 * its acknowledgment; two peers both going back would trade such ACKs
 * forever without either learning what the other holds.
 */
void tcp_send_ctl(struct rts_tcp_conn *c, uint8_t flags)
{
	uint32_t seq = (flags & RTS_TH_SYN) ? c->iss : c->snd_max;

	if (flags & RTS_TH_RST)
		c->ctx->cnt.tcp_tx_rst++;
	send_segment(c, seq, 0, flags, 0);
}

void tcp_send_probe(struct rts_tcp_conn *c)
{
	send_segment(c, c->snd_una - 1, 0, RTS_TH_ACK, 0);
}

/* Largest payload for one transmission at @seq: MSS, or a TSO burst. */
static uint32_t max_burst(const struct rts_tcp_conn *c, uint16_t *tso_segsz)
{
	const struct rts_if_caps *caps = &c->ctx->cfg.caps;
	uint32_t tso;

	*tso_segsz = 0;
	if (rts_likely(!(caps->flags & (RTS_CAP_TSO4 | RTS_CAP_TSO6))))
		return c->mss;
	tso = rts_ip_is_v4(&c->raddr) ? RTS_CAP_TSO4 : RTS_CAP_TSO6;
	if ((caps->flags & tso) && (caps->flags & RTS_CAP_MULTI_SEG) &&
	    c->ctx->ops->clone && caps->tso_max_bytes > c->mss) {
		*tso_segsz = c->mss;
		return caps->tso_max_bytes - caps->tso_max_bytes % c->mss;
	}
	return c->mss;
}

void tcp_retransmit(struct rts_tcp_conn *c, uint32_t seq)
{
	tcp_retransmit_range(c, seq, c->mss);
}

void tcp_retransmit_range(struct rts_tcp_conn *c, uint32_t seq, uint32_t len)
{
	uint32_t end = seq_lt(c->snd_end, c->snd_max) ? c->snd_end : c->snd_max;
	uint8_t flags = RTS_TH_ACK;

	len = seq_lt(seq, end) ? RTS_MIN(end - seq, len) : 0;

	/* The FIN follows the last byte; resend it with that byte. */
	if ((c->flags & TF_FIN_SENT) && seq + len == c->snd_end &&
	    seq_gt(c->snd_max, c->snd_end))
		flags |= RTS_TH_FIN;
	if (len == 0 && !(flags & RTS_TH_FIN))
		return;
	c->retrans_segs++;
	c->ctx->cnt.tcp_tx_retrans++;
	if (send_segment(c, seq, len, flags | (len ? RTS_TH_PSH : 0), 0) == 0 &&
	    (c->flags & TF_RTT_TIMING) && seq_leq(seq, c->rtt_seq))
		c->flags &= ~(uint32_t)TF_RTT_TIMING; /* Karn: no sample */
}

/*
 * Nagle (RFC 9293 §3.7.4) and sender-side SWS avoidance (§3.8.6.2.1):
 * may a segment of @len (< MSS) go now?
 */
static bool small_segment_ok(const struct rts_tcp_conn *c, uint32_t len,
			     uint32_t unsent)
{
	if (!(c->flags & TF_NODELAY) && c->snd_max != c->snd_una)
		return false;
	if (len < unsent && len < c->max_snd_wnd / 2)
		return false; /* window-limited sliver: wait for more window */
	return true;
}

static void after_send(struct rts_tcp_conn *c, uint32_t len, bool fin)
{
	uint32_t old_max = c->snd_max;

	c->snd_nxt += len + (fin ? 1 : 0);
	if (seq_gt(c->snd_nxt, c->snd_max)) {
		c->snd_max = c->snd_nxt;
		if (!(c->flags & TF_RTT_TIMING) && len) {
			c->flags |= TF_RTT_TIMING;
			c->rtt_seq = old_max;
			c->rtt_start_ns = c->ctx->now_ns;
		}
	} else {
		c->retrans_segs++;
		c->ctx->cnt.tcp_tx_retrans++;
	}
	if (fin) {
		c->flags |= TF_FIN_SENT;
		if (c->state == RTS_TCP_ESTABLISHED)
			tcp_set_state(c, RTS_TCP_FIN_WAIT_1);
		else if (c->state == RTS_TCP_CLOSE_WAIT)
			tcp_set_state(c, RTS_TCP_LAST_ACK);
	}
	/* Start the RTO when the first byte goes out (a persist deadline
	 * may still be set from a zero window). */
	if (c->t_rexmt == 0 || old_max == c->snd_una)
		tcp_rexmt_arm(c);
}

int tcp_send_new_segment(struct rts_tcp_conn *c, uint32_t len)
{
	bool fin = (c->flags & TF_FIN_QUEUED) && c->snd_nxt + len == c->snd_end;
	int rc = send_segment(c, c->snd_nxt, len,
			      RTS_TH_ACK | RTS_TH_PSH | (fin ? RTS_TH_FIN : 0), 0);

	if (rc == 0)
		after_send(c, len, fin);
	return rc;
}

/* The body of tcp_output() once there is something to do (out of line:
 * the common early return then costs no register saves). */
__attribute__((noinline)) static void output_body(struct rts_tcp_conn *c)
{
	bool sent = false;
	uint16_t tso_max;
	uint32_t burst;

	/* In SACK recovery the pipe, not cwnd - flight, decides (RFC 6675). */
	if ((c->flags & TF_IN_RECOVERY) && c->sack &&
	    c->state >= RTS_TCP_ESTABLISHED && c->state != RTS_TCP_TIME_WAIT) {
		uint64_t before = c->ctx->cnt.tcp_tx_segs;

		tcp_sack_recovery_send(c);
		if (c->ctx->cnt.tcp_tx_segs != before)
			return;
		if (c->snd_nxt == c->snd_end &&
		    !(c->flags & (TF_ACKNOW | TF_FIN_QUEUED)))
			return;
	}
	/* Nothing to send, maybe an ACK owed: a receiver's common case. */
	if (c->snd_nxt == c->snd_end && !(c->flags & TF_FIN_QUEUED)) {
		if ((c->flags & TF_ACKNOW) && c->state >= RTS_TCP_ESTABLISHED)
			tcp_send_ctl(c, RTS_TH_ACK);
		return;
	}
	if (c->state < RTS_TCP_ESTABLISHED || c->state == RTS_TCP_TIME_WAIT) {
		if ((c->flags & TF_ACKNOW) && c->state == RTS_TCP_TIME_WAIT)
			tcp_send_ctl(c, RTS_TH_ACK);
		return;
	}
	burst = max_burst(c, &tso_max);
	for (;;) {
		uint32_t unsent = tcp_sndq_unsent(c);
		uint32_t wnd = RTS_MIN(c->snd_wnd, c->cc.cwnd);
		uint32_t limit = c->snd_una + wnd;
		uint32_t usable = seq_gt(limit, c->snd_nxt) ? limit - c->snd_nxt : 0;
		uint32_t len = RTS_MIN(RTS_MIN(unsent, usable), burst);
		uint16_t tso = len > c->mss ? tso_max : 0;
		bool fin = (c->flags & TF_FIN_QUEUED) &&
			   seq_leq(c->snd_nxt, c->snd_end) &&
			   c->snd_nxt + len == c->snd_end;

		if (len == 0 && !fin)
			break;
		if (len && len < c->mss && !fin && !small_segment_ok(c, len, unsent))
			break;
		if (send_segment(c, c->snd_nxt, len,
				 RTS_TH_ACK | (fin ? RTS_TH_FIN : 0) |
					 (len && len == unsent ? RTS_TH_PSH : 0),
				 tso) != 0) {
			/* Out of buffers: back-pressure, and a timer to retry
			 * when nothing in flight would bring an ACK. */
			if (c->t_rexmt == 0)
				tcp_rto_arm(c);
			break;
		}
		after_send(c, len, fin);
		sent = true;
		/* All sent and no FIN to follow: the next round finds nothing. */
		if (fin || (len == unsent && !(c->flags & TF_FIN_QUEUED)))
			break;
	}
	if (!sent && (c->flags & TF_ACKNOW))
		tcp_send_ctl(c, RTS_TH_ACK);
	/* Data waits on a zero window: the persist timer probes it. */
	if (tcp_sndq_unsent(c) && c->snd_wnd == 0 && c->snd_max == c->snd_una &&
	    c->t_rexmt == 0)
		tcp_rto_arm(c);
}

void tcp_output(struct rts_tcp_conn *c)
{
	/* Nothing to send and no ACK owed: the common call from input. */
	if (c->snd_nxt == c->snd_end &&
	    !(c->flags & (TF_ACKNOW | TF_FIN_QUEUED | TF_IN_RECOVERY)))
		return;
	output_body(c);
}

/* Free queue entries wholly below snd_una (one chain, one free). */
uint32_t tcp_sndq_trim(struct rts_tcp_conn *c)
{
	struct rts_pkt *first = c->sndq_head, *p = first, *last = NULL;
	struct rts_pkt *hint = c->snd_hint;
	uint32_t freed = 0;

	while (p != NULL && seq_leq(p->seq + p->len, c->snd_una)) {
		freed += p->len;
		if (last != NULL)
			last->next = p;
		last = p;
		p = p->q_next;
	}
	if (last == NULL)
		return 0;
	last->next = NULL;
	c->sndq_head = p;
	if (p == NULL)
		c->sndq_tail = NULL;
	if (hint != NULL && seq_leq(hint->seq + hint->len, c->snd_una))
		c->snd_hint = NULL;
	rts_free(c->ctx, first);
	return freed;
}

void tcp_send_reset_for(struct rts_ctx *ctx, const struct rts_l3_info *l3,
			const struct rts_tcp_hdr *th, uint32_t seg_len)
{
	struct rts_pkt *p;
	struct rts_tcp_hdr r;
	uint32_t csum;
	uint8_t *b;

	if (th->flags & RTS_TH_RST)
		return; /* never answer a RST */
	if (l3->dst_mcast)
		return;
	p = rts_alloc(ctx);
	if (p == NULL)
		return;
	b = rts_pkt_append(p, RTS_TCP_HLEN);
	r.sport = th->dport;
	r.dport = th->sport;
	r.hlen = RTS_TCP_HLEN;
	r.win = 0;
	r.urp = 0;
	r.csum = 0;
	/* RFC 9293 §3.10.7.1 */
	if (th->flags & RTS_TH_ACK) {
		r.seq = th->ack;
		r.ack = 0;
		r.flags = RTS_TH_RST;
	} else {
		r.seq = 0;
		r.ack = th->seq + seg_len;
		r.flags = RTS_TH_RST | RTS_TH_ACK;
	}
	rts_tcp_emit(&r, b);
	csum = rts_csum_pseudo(&l3->dst, &l3->src, 6, RTS_TCP_HLEN);
	csum = rts_csum_add(csum, b, RTS_TCP_HLEN);
	{
		uint16_t v = rts_csum_finish(csum);

		rts_memcpy(b + 16, &v, 2);
	}
	ctx->cnt.tcp_tx_rst++;
	rts_ip_output(ctx, p, &l3->dst, &l3->src, 6, true);
}
