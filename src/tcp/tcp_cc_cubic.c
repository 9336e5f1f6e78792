/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — CUBIC congestion control, RFC 9438, in integers.
 *
 * Windows are bytes; the RFC's formulas are in segments, so a window of w
 * bytes is w / SMSS segments and C = 0.4 segments/s^3 becomes 0.4 * SMSS
 * bytes/s^3. Time is kept in units of 2^-10 s (~0.98 ms): t^3 of a few
 * hundred seconds still fits in 64 bits, and the resolution is far below
 * the scale on which W_cubic moves.
 *
 * Constants: C = 2/5, beta_cubic = 7/10, fast convergence factor
 * (1 + beta)/2 = 17/20, alpha_cubic = 3(1 - beta)/(1 + beta) = 9/17.
 */
#include <rtestack/ctx.h>

#include "../core/util.h"
#include "tcp_cc.h"

#define CUBIC_DT_MAX (1u << 19) /* 512 s: beyond it W_cubic saturates */

/* 2^10 / 10^9 = 128 / 125000000 */
static uint64_t ns_to_units(uint64_t ns)
{
	if (ns > (1ull << 50))
		ns = 1ull << 50;
	return ns * 128 / 125000000;
}

static uint64_t us_to_units(uint32_t us)
{
	return (uint64_t)us * 128 / 125000;
}

/* RFC 9438 §4.2 eqn 2, K = cbrt((W_max - cwnd_epoch) / C), in 2^-10 s. */
static uint32_t cubic_k(uint32_t diff_bytes, uint32_t mss)
{
	/* K^3 in 2^-30 s^3 = diff / mss * 5/2 * 2^30, split so the shifted
	 * product stays below 2^64 (diff < 2^31). */
	uint64_t v = (((uint64_t)diff_bytes * 5) << 28) / (2 * (uint64_t)mss);

	return rts_tcp_cc_cbrt(v << 2);
}

/* RFC 9438 §4.2 eqn 1, W_cubic(t) = C (t - K)^3 + W_max, in bytes. */
static uint64_t w_cubic(const struct rts_tcp_cc *cc, uint64_t t)
{
	uint64_t k = cc->u.cubic.k, w_max = cc->u.cubic.w_max;
	uint64_t d = t >= k ? t - k : k - t;
	uint64_t delta;

	if (d > CUBIC_DT_MAX) {
		delta = UINT64_MAX / 2;
	} else {
		/* 0.4 * d^3 with d in 2^-10 s: segments in 2^-10 units */
		uint64_t seg_fp = (d * d * d * 2) / (5ull << 20);

		delta = (seg_fp * cc->mss) >> 10;
	}
	if (t >= k)
		return w_max + delta;
	return delta >= w_max ? 0 : w_max - delta;
}

static void cubic_init(struct rts_tcp_cc *cc, uint32_t mss,
		       uint32_t init_cwnd, uint64_t now_ns)
{
	(void)now_ns;
	rts_tcp_cc_init_common(cc, RTS_CC_CUBIC, mss, init_cwnd);
}

/* The first ACK of a congestion avoidance stage starts a new epoch. */
static void cubic_start_epoch(struct rts_tcp_cc *cc, uint64_t now_ns)
{
	struct rts_tcp_cc_cubic *c = &cc->u.cubic;

	c->epoch_ns = now_ns;
	c->w_est = cc->cwnd; /* §4.3: W_est = cwnd_epoch */
	c->cwnd_rem = 0;
	c->w_est_rem = 0;
	if ((cc->flags & RTS_CC_F_AFTER_RTO) || cc->cwnd >= c->w_max) {
		/* §4.8: after an RTO, K = 0 and W_max = cwnd_epoch; the same
		 * when we already stand above the old plateau. */
		c->w_max = cc->cwnd;
		c->k = 0;
	} else {
		c->k = cubic_k(c->w_max - cc->cwnd, cc->mss);
	}
	cc->flags = (uint8_t)((cc->flags & ~RTS_CC_F_AFTER_RTO) |
			      RTS_CC_F_EPOCH);
}

/* §4.3: W_est grows by alpha_cubic segments per window of ACKed bytes;
 * alpha becomes 1 once W_est reaches cwnd_prior. */
static void cubic_update_w_est(struct rts_tcp_cc *cc, uint32_t acked)
{
	struct rts_tcp_cc_cubic *c = &cc->u.cubic;
	uint64_t alpha17 = c->w_est >= c->cwnd_prior ? 17 : 9;
	uint64_t den = 17 * (uint64_t)cc->cwnd;
	uint64_t num = alpha17 * acked * cc->mss + c->w_est_rem;
	uint64_t w = c->w_est + num / den;

	c->w_est_rem = num % den;
	c->w_est = (uint32_t)RTS_MIN(w, (uint64_t)RTS_CC_CWND_MAX);
}

static void cubic_avoid(struct rts_tcp_cc *cc, uint32_t acked, uint64_t now_ns)
{
	struct rts_tcp_cc_cubic *c = &cc->u.cubic;
	uint64_t t, target, hi, num, inc;

	if (!(cc->flags & RTS_CC_F_EPOCH))
		cubic_start_epoch(cc, now_ns);
	t = now_ns > c->epoch_ns ? ns_to_units(now_ns - c->epoch_ns) : 0;

	cubic_update_w_est(cc, acked);
	if (w_cubic(cc, t) < c->w_est) {
		/* Reno-friendly region (§4.3): follow W_est. */
		if (c->w_est > cc->cwnd)
			cc->cwnd = c->w_est;
		return;
	}
	/* Concave and convex regions (§4.4, §4.5): aim for W_cubic one RTT
	 * ahead, clamped to [cwnd, 1.5 cwnd] (§4.2). */
	target = w_cubic(cc, t + us_to_units(c->srtt_us));
	hi = (uint64_t)cc->cwnd + cc->cwnd / 2;
	if (target > hi)
		target = hi;
	if (target <= cc->cwnd)
		return;
	/* cwnd += (target - cwnd) / cwnd per SMSS ACKed, in bytes: scaled by
	 * the bytes this ACK covers, so a 64 KB TSO ACK counts as the 45
	 * segments it acknowledges, never more than the target. */
	num = (target - cc->cwnd) * acked + c->cwnd_rem;
	inc = num / cc->cwnd;
	c->cwnd_rem = (uint32_t)(num % cc->cwnd);
	if (inc >= target - cc->cwnd) {
		inc = target - cc->cwnd;
		c->cwnd_rem = 0;
	}
	cc->cwnd = (uint32_t)RTS_MIN(cc->cwnd + inc, (uint64_t)RTS_CC_CWND_MAX);
}

/* Window growth for an ACK of a validated window (out of line: the
 * application-limited ACK, the common one, then costs little). */
static __attribute__((noinline)) void cubic_grow(struct rts_tcp_cc *cc,
						uint32_t acked, uint64_t now_ns)
{
	if (rts_tcp_cc_in_slow_start(cc)) {
		acked = rts_tcp_cc_slow_start(cc, acked);
		if (acked == 0)
			return;
	}
	cubic_avoid(cc, acked, now_ns);
}

static void cubic_on_ack(struct rts_tcp_cc *cc, uint32_t acked,
			 uint32_t rtt_us, uint32_t in_flight, uint64_t now_ns)
{
	struct rts_tcp_cc_cubic *c = &cc->u.cubic;

	cc->flags &= (uint8_t)~RTS_CC_F_RTO;
	if (rtt_us != 0) {
		/* The RTT in W_cubic(t + RTT) is the smoothed RTT (§4.2). */
		if (c->srtt_us == 0)
			c->srtt_us = rtt_us;
		else
			c->srtt_us = (uint32_t)((int64_t)c->srtt_us +
				((int64_t)rtt_us - (int64_t)c->srtt_us) / 8);
	}
	/* §5.8: no growth while the window is not being used. */
	if (acked == 0 || !rts_tcp_cc_validated(cc, acked, in_flight))
		return;
	cubic_grow(cc, acked, now_ns);
}

/* §4.6 multiplicative decrease with β_cubic applied to cwnd, which is safe
 * because cwnd only grows while validated (see tcp_cc.h). */
static uint32_t cubic_ssthresh(const struct rts_tcp_cc *cc)
{
	return (uint32_t)RTS_MAX((uint64_t)cc->cwnd * 7 / 10,
				 2 * (uint64_t)cc->mss);
}

static void cubic_on_loss(struct rts_tcp_cc *cc, uint32_t in_flight,
			  uint64_t now_ns)
{
	struct rts_tcp_cc_cubic *c = &cc->u.cubic;

	(void)in_flight;
	(void)now_ns;
	c->cwnd_prior = cc->cwnd;
	/* §4.7 fast convergence: a loss below the previous plateau means a
	 * new flow is taking its share; release more. */
	if (cc->cwnd < c->w_max)
		c->w_max = (uint32_t)((uint64_t)cc->cwnd * 17 / 20);
	else
		c->w_max = cc->cwnd;
	cc->ssthresh = cubic_ssthresh(cc);
	cc->cwnd = cc->ssthresh + 3 * cc->mss; /* RFC 6582 §3.2 step 2 */
	cc->bytes_acked = 0;
	cc->flags &= (uint8_t)~RTS_CC_F_EPOCH;
}

static void cubic_on_recovery_end(struct rts_tcp_cc *cc, uint64_t now_ns)
{
	(void)now_ns;
	if (cc->ssthresh != RTS_CC_SSTHRESH_INF) /* no loss: nothing to end */
		cc->cwnd = cc->ssthresh;
	cc->bytes_acked = 0;
	cc->flags &= (uint8_t)~RTS_CC_F_EPOCH; /* the next ACK starts one */
}

static void cubic_on_timeout(struct rts_tcp_cc *cc, uint32_t in_flight,
			     uint64_t now_ns)
{
	(void)in_flight;
	(void)now_ns;
	/* §4.8: ssthresh as on loss, cwnd to the loss window; RFC 5681
	 * §3.1: held on a repeated timeout. */
	if (!(cc->flags & RTS_CC_F_RTO)) {
		cc->u.cubic.cwnd_prior = cc->cwnd;
		cc->ssthresh = cubic_ssthresh(cc);
	}
	cc->cwnd = cc->mss;
	cc->bytes_acked = 0;
	cc->flags = (uint8_t)((cc->flags & ~RTS_CC_F_EPOCH) | RTS_CC_F_RTO |
			      RTS_CC_F_AFTER_RTO);
}

static void cubic_on_idle(struct rts_tcp_cc *cc, uint32_t rto_us,
			  uint64_t now_ns)
{
	(void)rto_us;
	(void)now_ns;
	cc->cwnd = RTS_MIN(cc->init_cwnd, cc->cwnd); /* RFC 5681 §4.1 */
	cc->bytes_acked = 0;
	/* The idle time must not count as time since the last reduction. */
	cc->flags &= (uint8_t)~RTS_CC_F_EPOCH;
}

const struct rts_tcp_cc_ops rts_tcp_cc_cubic = {
	.name = "cubic",
	.init = cubic_init,
	.on_ack = cubic_on_ack,
	.on_loss = cubic_on_loss,
	.on_recovery_end = cubic_on_recovery_end,
	.on_timeout = cubic_on_timeout,
	.on_idle = cubic_on_idle,
};

_Static_assert(sizeof(struct rts_tcp_cc_cubic) <= 40,
	       "CUBIC state must fit the 40-byte private area");
