/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — congestion control behind a small table of functions.
 *
 * The window is counted in bytes (so a 64 KB TSO send is just bytes), with
 * appropriate byte counting (RFC 3465, L = 2 * SMSS). The TCP core calls:
 *   init        when the connection is set up (MSS known)
 *   on_ack      for each ACK that advances snd_una outside loss recovery
 *   on_loss     on entering fast recovery (3 dupacks or SACK loss detection)
 *   on_recovery_end  when recovery completes (cwnd deflates to ssthresh)
 *   on_timeout  on an RTO
 *   on_idle     when sending resumes after an idle period > RTO (RFC 5681
 *               §4.1: restart window)
 * Algorithms never see packets or the connection, only these numbers, so
 * they are unit-testable alone and the core stays free of their details.
 * No floating point: the core is freestanding.
 *
 * The exact contract (what the core passes and when):
 *   init(mss, init_cwnd, now): @init_cwnd in BYTES (use
 *       rts_tcp_cc_initial_window(mss, cfg.init_cwnd_segs)); 0 picks the
 *       RFC 6928 value. ssthresh starts "arbitrarily high" (RFC 5681 §3.1).
 *   on_ack(acked, rtt_us, in_flight, now): once per ACK that advances
 *       snd_una, NOT during fast recovery. @in_flight = bytes still
 *       outstanding after this ACK (snd_nxt - snd_una, or the RFC 6675 pipe),
 *       before sending anything new. The window only grows while it is
 *       validated: 2 * (in_flight + acked) >= cwnd (RFC 7661 §4.3's
 *       "pipeACK >= cwnd/2"), so an application-limited sender does not
 *       inflate cwnd without bound (RFC 9438 §5.8 asks the same of CUBIC).
 *   on_loss(in_flight, now): once on entering fast recovery, @in_flight =
 *       FlightSize. Sets ssthresh and cwnd = ssthresh + 3*SMSS, the RFC 6582
 *       §3.2 step 2 entry. During NewReno recovery the core then calls
 *       rts_tcp_cc_recovery_dupack() per further duplicate ACK and
 *       rts_tcp_cc_recovery_partial_ack() per partial ACK. A SACK sender
 *       (RFC 6675 §5 step 4.2) instead sets cwnd = ssthresh right after
 *       on_loss and sends while pipe < cwnd.
 *   on_recovery_end(now): on the full ACK that ends recovery: cwnd =
 *       ssthresh (RFC 6582 §3.2 step 3, second option; the core may clamp
 *       to FlightSize + SMSS as in the first option to avoid a burst).
 *   on_timeout(in_flight, now): on each RTO expiry. cwnd = 1 SMSS (the loss
 *       window); ssthresh from @in_flight (RFC 5681 §3.1 eqn 4; CUBIC:
 *       RFC 9438 §4.8) but held constant when no ACK advanced snd_una since
 *       the previous timeout (RFC 5681 §3.1, repeated RTO).
 *   on_idle(rto_us, now): before sending after an idle period > RTO:
 *       cwnd = min(IW, cwnd) (RFC 5681 §4.1).
 */
#ifndef RTS_TCP_CC_H
#define RTS_TCP_CC_H

#include <stdbool.h>
#include <stdint.h>

#include <rtestack/ctx.h>

struct rts_tcp_cc {
	uint32_t cwnd;        /* bytes */
	uint32_t ssthresh;    /* bytes */
	uint32_t mss;         /* sender MSS (bytes of payload per segment) */
	uint32_t bytes_acked; /* RFC 3465 accumulator for congestion avoidance */
	uint8_t algo;         /* enum rts_cc_algo */
	uint8_t flags;        /* RTS_CC_F_* */
	uint8_t pad[2];
	uint32_t init_cwnd;   /* IW in bytes, for the restart window */
	/* Algorithm-private state; at most 40 bytes. */
	union {
		struct rts_tcp_cc_cubic {
			uint64_t epoch_ns;    /* start of this CA stage */
			uint32_t w_max;       /* bytes: plateau of W_cubic */
			uint32_t k;           /* time to reach w_max, 2^-10 s */
			uint32_t w_est;       /* Reno-friendly estimate, bytes */
			uint32_t cwnd_prior;  /* cwnd before the last reduction */
			uint32_t srtt_us;     /* smoothed RTT for W_cubic(t+RTT) */
			uint32_t cwnd_rem;    /* remainder of the cwnd increase */
			uint64_t w_est_rem;   /* remainder of the W_est increase */
		} cubic;
		uint8_t raw[40];
	} u;
};

struct rts_tcp_cc_ops {
	const char *name;
	void (*init)(struct rts_tcp_cc *cc, uint32_t mss, uint32_t init_cwnd,
		     uint64_t now_ns);
	/* @acked: bytes newly acknowledged; @rtt_us: a fresh sample or 0. */
	void (*on_ack)(struct rts_tcp_cc *cc, uint32_t acked, uint32_t rtt_us,
		       uint32_t in_flight, uint64_t now_ns);
	void (*on_loss)(struct rts_tcp_cc *cc, uint32_t in_flight,
			uint64_t now_ns);
	void (*on_recovery_end)(struct rts_tcp_cc *cc, uint64_t now_ns);
	void (*on_timeout)(struct rts_tcp_cc *cc, uint32_t in_flight,
			   uint64_t now_ns);
	void (*on_idle)(struct rts_tcp_cc *cc, uint32_t rto_us, uint64_t now_ns);
};

/* cc->flags */
#define RTS_CC_F_RTO 0x01       /* timed out; no ACK advanced since */
#define RTS_CC_F_AFTER_RTO 0x02 /* CUBIC: next CA stage starts with K = 0 */
#define RTS_CC_F_EPOCH 0x04     /* CUBIC: a CA stage (epoch) is running */

#define RTS_CC_SSTHRESH_INF UINT32_MAX
#define RTS_CC_CWND_MAX (1u << 30) /* bytes; keeps the arithmetic in range */

extern const struct rts_tcp_cc_ops rts_tcp_cc_newreno;
extern const struct rts_tcp_cc_ops rts_tcp_cc_cubic;

/* The ops for an enum rts_cc_algo value (NewReno for unknown values);
 * inline: called for every ACK. */
static inline const struct rts_tcp_cc_ops *rts_tcp_cc_get(uint8_t algo)
{
	return algo == RTS_CC_CUBIC ? &rts_tcp_cc_cubic : &rts_tcp_cc_newreno;
}

/* Initial window in bytes: @segs * @mss, or for @segs == 0 the RFC 6928
 * value min(10*MSS, max(2*MSS, 14600)). */
uint32_t rts_tcp_cc_initial_window(uint32_t mss, uint32_t segs);

static inline bool rts_tcp_cc_in_slow_start(const struct rts_tcp_cc *cc)
{
	return cc->cwnd < cc->ssthresh;
}

/* NewReno fast recovery (RFC 6582 §3.2), for a sender without SACK. */
/* Step 4: each further duplicate ACK inflates cwnd by SMSS. */
void rts_tcp_cc_recovery_dupack(struct rts_tcp_cc *cc);
/* Step 5: a partial ACK of @acked bytes deflates cwnd by @acked, then adds
 * back SMSS if @acked >= SMSS (never below SMSS). */
void rts_tcp_cc_recovery_partial_ack(struct rts_tcp_cc *cc, uint32_t acked);

/* Building blocks shared by the algorithms (tcp_cc.c). */
void rts_tcp_cc_init_common(struct rts_tcp_cc *cc, uint8_t algo,
			    uint32_t mss, uint32_t init_cwnd);
/* RFC 7661 §4.3: may the window grow on this ACK? */
static inline bool rts_tcp_cc_validated(const struct rts_tcp_cc *cc,
					uint32_t acked, uint32_t in_flight)
{
	return 2 * ((uint64_t)in_flight + acked) >= cc->cwnd;
}
/* Slow start with RFC 3465 §2.2 byte counting (L = 2*SMSS), stopping at
 * ssthresh; returns the part of @acked left for congestion avoidance. */
uint32_t rts_tcp_cc_slow_start(struct rts_tcp_cc *cc, uint32_t acked);
/* Reno congestion avoidance, RFC 3465 §2.1: +SMSS per cwnd bytes acked. */
void rts_tcp_cc_reno_avoid(struct rts_tcp_cc *cc, uint32_t acked);
/* floor(cbrt(x)), integers only. */
uint32_t rts_tcp_cc_cbrt(uint64_t x);

#endif
