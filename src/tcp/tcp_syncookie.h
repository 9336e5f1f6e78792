/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — SYN cookies (RFC 4987 §3.6): when a listener's SYN-RECEIVED
 * queue is full, answer the SYN statelessly with an ISN that encodes what
 * the connection needs, and rebuild the connection from the ACK.
 *
 * The cookie (our ISN, 32 bits):
 *   31..27  T mod 32: a coarse counter, one tick = 2^33 ns (~8.6 s)
 *   26..24  index into rts_syncookie_mss_table (largest entry <= peer MSS)
 *   23..0   24 bits of SipHash-2-4 over the 4-tuple, the peer's ISN, the
 *           full counter T, the MSS index and the option bits below.
 * A cookie is accepted for RTS_SYNCOOKIE_MAX_AGE ticks after the tick it
 * was made in (60..69 s). A blind forger succeeds with probability 2^-24
 * per guess; the core should count and rate-limit failures.
 *
 * Options: the ISN has no room for them, so window scale and SACK-permitted
 * ride in the low 6 bits of the TSval of our SYN-ACK (bits 0..3 the peer's
 * window scale, 15 = none; bit 4 SACK-permitted), which the peer echoes in
 * the TSecr of its ACK. They are covered by the MAC, so a tampered echo is
 * rejected. Trade-off: a peer that does not use timestamps gets a
 * connection without window scaling and SACK, so the SYN-ACK sent with a
 * cookie must then not carry the WS and SACK-permitted options either
 * (a peer that saw our WS would scale, and we would not know).
 */
#ifndef RTS_TCP_SYNCOOKIE_H
#define RTS_TCP_SYNCOOKIE_H

#include <stdbool.h>
#include <stdint.h>

#include "tcp_isn.h"

#define RTS_SYNCOOKIE_TICK_SHIFT 33 /* counter tick: 2^33 ns, ~8.6 s */
#define RTS_SYNCOOKIE_MAX_AGE 7     /* ticks */
#define RTS_SYNCOOKIE_NO_WSCALE 0xf /* the peer sent no window scale */
#define RTS_SYNCOOKIE_MSS_ENTRIES 8

/* The MSS values a cookie can carry, ascending. */
extern const uint16_t rts_syncookie_mss_table[RTS_SYNCOOKIE_MSS_ENTRIES];

struct rts_syncookie_opts {
	uint16_t mss;    /* make: the SYN's MSS option (0: none, 536 is used);
			  * check: the table entry (<= what the peer sent) */
	uint8_t wscale;  /* peer's window shift 0..14, or RTS_SYNCOOKIE_NO_WSCALE */
	bool sack_ok;    /* peer sent SACK-permitted */
	bool ts_ok;      /* make: the SYN had a timestamp; check: the ACK had */
};

enum rts_syncookie_result {
	RTS_SYNCOOKIE_OK = 0,
	RTS_SYNCOOKIE_EXPIRED = -1,  /* older than MAX_AGE (or from the future) */
	RTS_SYNCOOKIE_BAD_HASH = -2, /* forged, tampered, or another tuple */
};

/*
 * The cookie to use as the ISN of the SYN-ACK answering a SYN with
 * sequence number @peer_isn. With @o->ts_ok, *@tsval (in: our TSval as it
 * would be sent; out: the TSval to send) gets the options in its low 6
 * bits, never moving it forward in time. Without ts_ok, WS and SACK are not
 * encoded (see above) and *@tsval is left alone.
 */
uint32_t rts_syncookie_make(const uint64_t key[2],
			    const struct rts_tcp_tuple *t, uint32_t peer_isn,
			    const struct rts_syncookie_opts *o,
			    uint64_t now_ns, uint32_t *tsval);

/*
 * Validate the ACK that completes a cookie handshake: @seg_seq and @seg_ack
 * are the ACK's SEQ and ACK fields (peer ISN + 1, cookie + 1); @has_ts and
 * @tsecr its timestamp option. On RTS_SYNCOOKIE_OK @out holds the decoded
 * options (mss from the table; wscale/sack only when @has_ts); else a
 * negative enum rts_syncookie_result.
 */
int rts_syncookie_check(const uint64_t key[2], const struct rts_tcp_tuple *t,
			uint32_t seg_seq, uint32_t seg_ack, bool has_ts,
			uint32_t tsecr, uint64_t now_ns,
			struct rts_syncookie_opts *out);

#endif
