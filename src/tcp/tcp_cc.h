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
 */
#ifndef RTS_TCP_CC_H
#define RTS_TCP_CC_H

#include <stdbool.h>
#include <stdint.h>

struct rts_tcp_cc {
	uint32_t cwnd;        /* bytes */
	uint32_t ssthresh;    /* bytes */
	uint32_t mss;         /* sender MSS (bytes of payload per segment) */
	uint32_t bytes_acked; /* RFC 3465 accumulator for congestion avoidance */
	uint8_t algo;         /* enum rts_cc_algo */
	uint8_t pad[3];
	/* Algorithm-private state; at most 40 bytes. */
	union {
		struct {
			uint32_t w_max;       /* bytes, window before last loss */
			uint32_t w_last_max;  /* for fast convergence */
			uint32_t k_us;        /* time to reach w_max, µs */
			uint32_t origin;      /* bytes: W at the plateau */
			uint64_t epoch_ns;    /* start of this epoch; 0: none */
			uint32_t w_est;       /* Reno-friendly estimate, bytes */
			uint32_t min_rtt_us;
			uint32_t ack_cnt;
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

extern const struct rts_tcp_cc_ops rts_tcp_cc_newreno;
extern const struct rts_tcp_cc_ops rts_tcp_cc_cubic;

/* The ops for an enum rts_cc_algo value (NewReno for unknown values). */
const struct rts_tcp_cc_ops *rts_tcp_cc_get(uint8_t algo);

#endif
