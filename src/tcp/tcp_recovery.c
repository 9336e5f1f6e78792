/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — SACK in the connection: the per-connection SACK state (taken
 * from a per-context pool only while a connection has something out of
 * order, so idle connections stay small), the blocks we send (RFC 2018,
 * D-SACK per RFC 2883), the scoreboard of what the peer holds, and
 * SACK-based loss recovery (RFC 6675).
 */
#include "tcp_seg.h"

struct tcp_sack_state {
	struct rts_sack_sb sb;       /* what the peer told us it holds */
	struct rts_sack_rcv rcv;     /* the blocks we last sent */
	struct rts_sack_block last;  /* out-of-order segment to report first */
	struct rts_sack_block dsack; /* duplicate to report once (D-SACK) */
	bool has_last, has_dsack;
	struct tcp_sack_state *next_free;
};

int tcp_sack_pool_init(struct rts_ctx *ctx, struct rts_arena *a)
{
	struct rts_tcp_tables *t = &ctx->tcp;
	uint32_t n = ctx->cfg.tcp.sack_states ? ctx->cfg.tcp.sack_states
					       : ctx->cfg.max_tcp_conns / 16 + 16;
	struct tcp_sack_state *pool = rts_arena_take(a, sizeof(*pool) * n);

	if (a->p == NULL)
		return 0;
	if (pool == NULL)
		return RTS_ENOMEM;
	t->sack_free = NULL;
	for (uint32_t i = n; i-- > 0;) {
		pool[i].next_free = t->sack_free;
		t->sack_free = &pool[i];
	}
	return 0;
}

/* The connection's SACK state, taken from the pool on first need. */
static struct tcp_sack_state *sack_state(struct rts_tcp_conn *c)
{
	struct rts_tcp_tables *t = &c->ctx->tcp;
	struct tcp_sack_state *st = c->sack;

	if (st || !(c->flags & TF_SACK_OK))
		return st;
	st = t->sack_free;
	if (st == NULL) {
		c->ctx->cnt.tcp_sack_no_state++;
		return NULL; /* works on without SACK: NewReno */
	}
	t->sack_free = st->next_free;
	rts_sack_sb_reset(&st->sb);
	rts_sack_rcv_init(&st->rcv);
	st->has_last = st->has_dsack = false;
	c->sack = st;
	return st;
}

void tcp_sack_release(struct rts_tcp_conn *c)
{
	struct tcp_sack_state *st = c->sack;

	if (st == NULL)
		return;
	st->next_free = c->ctx->tcp.sack_free;
	c->ctx->tcp.sack_free = st;
	c->sack = NULL;
}

/* Give the state back once nothing needs it (called after each segment). */
void tcp_sack_maybe_release(struct rts_tcp_conn *c)
{
	struct tcp_sack_state *st = c->sack;

	if (st && st->sb.n == 0 && c->ooo_head == NULL && !st->has_dsack &&
	    !(c->flags & TF_IN_RECOVERY))
		tcp_sack_release(c);
}

/* ------------------------------------------------------------ receiver */

void tcp_sack_note_ooo(struct rts_tcp_conn *c, uint32_t seq, uint32_t len)
{
	struct tcp_sack_state *st = sack_state(c);

	if (st) {
		st->last.start = seq;
		st->last.end = seq + len;
		st->has_last = true;
	}
}

void tcp_sack_note_dup(struct rts_tcp_conn *c, uint32_t seq, uint32_t end)
{
	struct tcp_sack_state *st = sack_state(c);

	if (st && seq_lt(seq, end)) {
		st->dsack.start = seq;
		st->dsack.end = end;
		st->has_dsack = true;
	}
}

/* The out-of-order queue as sorted, merged ranges. */
static unsigned ooo_ranges(const struct rts_tcp_conn *c,
			   struct rts_sack_block *r, unsigned max)
{
	unsigned n = 0;

	for (const struct rts_pkt *p = c->ooo_head; p; p = p->q_next) {
		uint32_t s = p->seq, e = p->seq + (p->aux & 0x7fffffffu);

		if (n && seq_leq(s, r[n - 1].end)) {
			if (seq_gt(e, r[n - 1].end))
				r[n - 1].end = e;
			continue;
		}
		if (n == max)
			break;
		r[n].start = s;
		r[n].end = e;
		n++;
	}
	return n;
}

void tcp_sack_fill_blocks(struct rts_tcp_conn *c, struct rts_tcp_opts *o)
{
	struct tcp_sack_state *st = c->sack;
	struct rts_sack_block ranges[32], out[RTS_SACK_MAX_BLOCKS];
	unsigned n, k;

	if (st == NULL || !(c->flags & TF_SACK_OK) ||
	    (c->ooo_head == NULL && !st->has_dsack))
		return;
	n = ooo_ranges(c, ranges, 32);
	k = rts_sack_rcv_blocks(&st->rcv, ranges, n,
				st->has_last ? &st->last : NULL,
				st->has_dsack ? &st->dsack : NULL,
				o->has_ts ? RTS_SACK_MAX_BLOCKS_TS : RTS_SACK_MAX_BLOCKS,
				out);
	for (unsigned i = 0; i < k; i++) {
		o->sack[i].start = out[i].start;
		o->sack[i].end = out[i].end;
	}
	o->n_sack = (uint8_t)k;
	st->has_dsack = false;
	st->has_last = false;
}

/* ------------------------------------------------------------ sender */

void tcp_sack_on_rto(struct rts_tcp_conn *c)
{
	if (c->sack)
		rts_sack_sb_reset(&c->sack->sb); /* RFC 6675 §5.1 */
	c->high_rxt = c->snd_una;
}

/*
 * Merge an ACK's SACK blocks into the scoreboard (after snd_una moved).
 * Returns true when the ACK SACKed new data: a duplicate ACK in the sense
 * of RFC 6675 §2.
 */
bool tcp_sack_on_ack(struct rts_tcp_conn *c, const struct tcp_seg *s)
{
	struct tcp_sack_state *st;
	struct rts_sack_block blk[RTS_TCP_MAX_SACK_BLOCKS];
	struct rts_sack_update res;

	if (!(c->flags & TF_SACK_OK))
		return false;
	if (s->o.n_sack == 0) {
		if (c->sack)
			rts_sack_sb_prune(&c->sack->sb, c->snd_una);
		return false;
	}
	st = sack_state(c);
	if (st == NULL)
		return false;
	for (unsigned i = 0; i < s->o.n_sack; i++) {
		blk[i].start = s->o.sack[i].start;
		blk[i].end = s->o.sack[i].end;
	}
	rts_sack_sb_update(&st->sb, c->snd_una, c->snd_max, blk, s->o.n_sack, &res);
	c->ctx->cnt.tcp_rx_sack_rejected += res.rejected;
	return res.newly_sacked > 0;
}

/* Send new data (NextSeg rule 2) for one segment; bytes sent. */
static uint32_t send_new(struct rts_tcp_conn *c)
{
	uint32_t unsent = tcp_sndq_unsent(c);
	uint32_t limit = c->snd_una + c->snd_wnd;
	uint32_t room = seq_gt(limit, c->snd_nxt) ? limit - c->snd_nxt : 0;
	uint32_t len = RTS_MIN(RTS_MIN(unsent, room), (uint32_t)c->mss);

	if (len == 0)
		return 0;
	return tcp_send_new_segment(c, len) == 0 ? len : 0;
}

/* RFC 6675 §5 step (C): send while the pipe has room. */
void tcp_sack_recovery_send(struct rts_tcp_conn *c)
{
	struct rts_sack_sb *sb = &c->sack->sb;

	for (int guard = 0; guard < 256; guard++) {
		uint32_t pipe = rts_sack_sb_pipe(sb, c->snd_una, c->snd_max,
						 c->high_rxt, c->mss);
		uint32_t s, e;
		bool lost, hole;

		if (pipe + c->mss > c->cc.cwnd && pipe)
			break;
		hole = rts_sack_sb_next_seg(sb, c->snd_una, c->high_rxt, c->mss,
					    &s, &e, &lost);
		if (hole && lost) {
			tcp_retransmit_range(c, s, e - s);
			c->high_rxt = e;
			continue;
		}
		if (send_new(c))
			continue;
		if (hole) {
			tcp_retransmit_range(c, s, e - s);
			c->high_rxt = e;
			continue;
		}
		break;
	}
}

/*
 * After an ACK has been merged: enter recovery when RFC 6675 §5 says so
 * (DupThresh duplicate ACKs, or IsLost(snd_una)), and keep sending while
 * in it. Returns true when the connection is in SACK recovery.
 */
bool tcp_sack_recovery(struct rts_tcp_conn *c)
{
	struct tcp_sack_state *st = c->sack;

	if (st == NULL || !(c->flags & TF_SACK_OK))
		return false;
	if (!(c->flags & TF_IN_RECOVERY)) {
		if (c->snd_una == c->snd_max || seq_lt(c->snd_una, c->recover))
			return false;
		if (c->dupacks < RTS_SACK_DUPTHRESH &&
		    !rts_sack_sb_is_lost(&st->sb, c->snd_una, c->mss))
			return false;
		c->flags |= TF_IN_RECOVERY;
		c->recover = c->snd_max;
		c->high_rxt = c->snd_una;
		c->cc.mss = c->mss;
		rts_tcp_cc_get(c->cc.algo)->on_loss(&c->cc, tcp_flight(c),
						    c->ctx->now_ns);
		c->cc.cwnd = c->cc.ssthresh; /* RFC 6675 §5 step 4.2 */
		c->ctx->cnt.tcp_tx_fast_retrans++;
		tcp_rto_arm(c);
	}
	if (seq_lt(c->high_rxt, c->snd_una))
		c->high_rxt = c->snd_una;
	tcp_sack_recovery_send(c);
	return true;
}
