/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — congestion control: the pieces every algorithm shares
 * (initial window, slow start, Reno increase, NewReno recovery inflation,
 * an integer cube root). The algorithm table is rts_tcp_cc_get() in
 * tcp_cc.h.
 */
#include "tcp_cc.h"

#include <rtestack/ctx.h>

#include "../core/util.h"

uint32_t rts_tcp_cc_initial_window(uint32_t mss, uint32_t segs)
{
	if (segs != 0)
		return (uint32_t)RTS_MIN((uint64_t)segs * mss, RTS_CC_CWND_MAX);
	/* RFC 6928 §2 */
	return RTS_MIN(10 * mss, RTS_MAX(2 * mss, 14600u));
}

void rts_tcp_cc_init_common(struct rts_tcp_cc *cc, uint8_t algo,
			    uint32_t mss, uint32_t init_cwnd)
{
	rts_memset(cc, 0, sizeof(*cc));
	if (mss == 0)
		mss = 536; /* RFC 9293 §3.7.1 default send MSS */
	if (init_cwnd == 0)
		init_cwnd = rts_tcp_cc_initial_window(mss, 0);
	cc->algo = algo;
	cc->mss = mss;
	cc->init_cwnd = RTS_MIN(init_cwnd, RTS_CC_CWND_MAX);
	cc->cwnd = cc->init_cwnd;
	cc->ssthresh = RTS_CC_SSTHRESH_INF; /* RFC 5681 §3.1 */
}

uint32_t rts_tcp_cc_slow_start(struct rts_tcp_cc *cc, uint32_t acked)
{
	/* RFC 3465 §2.2: at most L = 2*SMSS per ACK, so a stretch or TSO
	 * ACK cannot produce a line-rate burst. */
	uint32_t incr = RTS_MIN(acked, 2 * cc->mss);
	uint32_t room = cc->ssthresh - cc->cwnd; /* cwnd < ssthresh here */

	if (incr >= room) {
		cc->cwnd = cc->ssthresh;
		return acked - room; /* the rest counts toward CA */
	}
	cc->cwnd += incr;
	if (cc->cwnd > RTS_CC_CWND_MAX)
		cc->cwnd = RTS_CC_CWND_MAX;
	return 0;
}

void rts_tcp_cc_reno_avoid(struct rts_tcp_cc *cc, uint32_t acked)
{
	/* RFC 3465 §2.1: count bytes; one SMSS per cwnd bytes acknowledged,
	 * at most one SMSS per ACK however large the ACK. */
	uint64_t sum = (uint64_t)cc->bytes_acked + acked;

	if (sum >= cc->cwnd) {
		sum -= cc->cwnd;
		if (cc->cwnd + cc->mss <= RTS_CC_CWND_MAX)
			cc->cwnd += cc->mss;
	}
	/* Carry at most one more increase into the next ACK. */
	cc->bytes_acked = (uint32_t)RTS_MIN(sum, (uint64_t)cc->cwnd);
}

void rts_tcp_cc_recovery_dupack(struct rts_tcp_cc *cc)
{
	if (cc->cwnd + cc->mss <= RTS_CC_CWND_MAX)
		cc->cwnd += cc->mss;
}

void rts_tcp_cc_recovery_partial_ack(struct rts_tcp_cc *cc, uint32_t acked)
{
	uint32_t w = cc->cwnd > acked ? cc->cwnd - acked : 0;

	if (acked >= cc->mss)
		w += cc->mss;
	cc->cwnd = RTS_MAX(w, cc->mss);
}

uint32_t rts_tcp_cc_cbrt(uint64_t x)
{
	/* Digit-by-digit in base 8: three bits of x give one bit of the
	 * root; b = 3y(y+1) + 1 is (y+1)^3 - y^3 at the current scale. */
	uint64_t y = 0;

	for (int s = 63; s >= 0; s -= 3) {
		uint64_t b;

		y <<= 1;
		b = 3 * y * (y + 1) + 1;
		if ((x >> s) >= b) {
			x -= b << s;
			y++;
		}
	}
	return (uint32_t)y;
}
