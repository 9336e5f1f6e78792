/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — initial sequence numbers (RFC 6528) and per-connection
 * timestamp offsets, from a keyed hash of the connection's 4-tuple.
 *
 * The key is the context's secret (rts_tcp_tables.isn_key), drawn from the
 * application's entropy (cfg.seed) at init. Nothing here reads a clock:
 * the caller passes ctx->now_ns.
 */
#ifndef RTS_TCP_ISN_H
#define RTS_TCP_ISN_H

#include <rtestack/types.h>

/* A connection's identity as the hashes see it. Ports in host order. */
struct rts_tcp_tuple {
	struct rts_ip laddr;
	struct rts_ip raddr;
	uint16_t lport;
	uint16_t rport;
};

/* Bytes of a tuple in its canonical (hashed) form. */
#define RTS_TCP_TUPLE_BYTES 36

/* Write @t in canonical form (addresses, then ports big-endian) to @buf;
 * no padding bytes ever reach a hash. Returns RTS_TCP_TUPLE_BYTES. */
size_t rts_tcp_tuple_serialize(const struct rts_tcp_tuple *t, uint8_t *buf);

/*
 * RFC 6528 §3: ISN = M + F(localip, localport, remoteip, remoteport,
 * secretkey), M a timer ticking every 4 µs (from @now_ns), F SipHash-2-4.
 * Successive connections of one 4-tuple get increasing ISNs (the timer
 * moves faster than data can), different 4-tuples unrelated ones.
 */
uint32_t rts_tcp_isn(const uint64_t key[2], const struct rts_tcp_tuple *t,
		     uint64_t now_ns);

/*
 * A per-connection offset for our TSval (RFC 7323 §7.1: a random offset per
 * connection keeps the timestamp clock from leaking across connections).
 * Same key, a different domain of the hash than the ISN.
 */
uint32_t rts_tcp_ts_offset(const uint64_t key[2],
			   const struct rts_tcp_tuple *t);

#endif
