/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — NewReno congestion control: RFC 5681 slow start and congestion
 * avoidance with RFC 3465 byte counting, RFC 6582 fast recovery entry.
 */
#include <rtestack/ctx.h>

#include "../core/util.h"
#include "tcp_cc.h"

/* RFC 5681 §3.1 eqn (4): ssthresh = max(FlightSize / 2, 2*SMSS). */
static uint32_t half_flight(const struct rts_tcp_cc *cc, uint32_t in_flight)
{
	return RTS_MIN(RTS_MAX(in_flight / 2, 2 * cc->mss), RTS_CC_CWND_MAX);
}

static void newreno_init(struct rts_tcp_cc *cc, uint32_t mss,
			 uint32_t init_cwnd, uint64_t now_ns)
{
	(void)now_ns;
	rts_tcp_cc_init_common(cc, RTS_CC_NEWRENO, mss, init_cwnd);
}

static void newreno_on_ack(struct rts_tcp_cc *cc, uint32_t acked,
			   uint32_t rtt_us, uint32_t in_flight,
			   uint64_t now_ns)
{
	(void)rtt_us;
	(void)now_ns;
	cc->flags &= (uint8_t)~RTS_CC_F_RTO;
	if (acked == 0 || !rts_tcp_cc_validated(cc, acked, in_flight))
		return;
	if (rts_tcp_cc_in_slow_start(cc)) {
		acked = rts_tcp_cc_slow_start(cc, acked);
		if (acked == 0)
			return;
	}
	rts_tcp_cc_reno_avoid(cc, acked);
}

static void newreno_on_loss(struct rts_tcp_cc *cc, uint32_t in_flight,
			    uint64_t now_ns)
{
	(void)now_ns;
	cc->ssthresh = half_flight(cc, in_flight);
	cc->cwnd = cc->ssthresh + 3 * cc->mss; /* RFC 6582 §3.2 step 2 */
	cc->bytes_acked = 0;
}

static void newreno_on_recovery_end(struct rts_tcp_cc *cc, uint64_t now_ns)
{
	(void)now_ns;
	/* RFC 6582 §3.2 step 3 (deflate); nothing to do without a loss */
	if (cc->ssthresh != RTS_CC_SSTHRESH_INF)
		cc->cwnd = cc->ssthresh;
	cc->bytes_acked = 0;
}

static void newreno_on_timeout(struct rts_tcp_cc *cc, uint32_t in_flight,
			       uint64_t now_ns)
{
	(void)now_ns;
	/* RFC 5681 §3.1: a segment retransmitted by the timer that times
	 * out again keeps ssthresh where the first timeout put it. */
	if (!(cc->flags & RTS_CC_F_RTO))
		cc->ssthresh = half_flight(cc, in_flight);
	cc->cwnd = cc->mss; /* loss window */
	cc->bytes_acked = 0;
	cc->flags |= RTS_CC_F_RTO;
}

static void newreno_on_idle(struct rts_tcp_cc *cc, uint32_t rto_us,
			    uint64_t now_ns)
{
	(void)rto_us;
	(void)now_ns;
	cc->cwnd = RTS_MIN(cc->init_cwnd, cc->cwnd); /* RFC 5681 §4.1 */
	cc->bytes_acked = 0;
}

const struct rts_tcp_cc_ops rts_tcp_cc_newreno = {
	.name = "newreno",
	.init = newreno_init,
	.on_ack = newreno_on_ack,
	.on_loss = newreno_on_loss,
	.on_recovery_end = newreno_on_recovery_end,
	.on_timeout = newreno_on_timeout,
	.on_idle = newreno_on_idle,
};
