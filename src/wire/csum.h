/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — the Internet checksum (RFC 1071), for every format.
 *
 * Sums are kept unfolded in a uint32_t "partial" and folded once at the end.
 * The one's complement sum does not depend on byte order (RFC 1071 §2(B)),
 * so words are added as they lie in memory and the folded result is stored
 * as is.
 */
#ifndef RTS_WIRE_CSUM_H
#define RTS_WIRE_CSUM_H

#include <rtestack/pkt.h>

#include "core/util.h"

/* Add @len bytes at @data to @sum. Any alignment, any length. */
uint32_t rts_csum_add(uint32_t sum, const void *data, uint32_t len);

/* Fold to 16 bits (no complement). */
static inline uint16_t rts_csum_fold16(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* The value to store in a checksum field: the complemented fold. */
static inline uint16_t rts_csum_finish(uint32_t sum)
{
	return (uint16_t)~rts_csum_fold16(sum);
}

/* Add two partial sums. */
static inline uint32_t rts_csum_combine(uint32_t a, uint32_t b)
{
	uint32_t s = a + b;

	return s + (s < a); /* end-around carry */
}

/*
 * The pseudo-header sum for TCP/UDP/ICMPv6 (RFC 9293 §3.1, RFC 768,
 * RFC 8200 §8.1): IPv4 when both addresses are IPv4-mapped, else IPv6.
 */
uint32_t rts_csum_pseudo(const struct rts_ip *src, const struct rts_ip *dst,
			 uint8_t proto, uint32_t l4_len);

/*
 * Sum @len bytes starting @off bytes into the chain @p (across segments,
 * odd segment lengths handled). The caller guarantees @off + @len <=
 * pkt_len.
 */
uint32_t rts_csum_pkt(const struct rts_pkt *p, uint32_t off, uint32_t len,
		      uint32_t sum);

/* Copy @len bytes and sum them in one pass (TX of copied payload). */
uint32_t rts_csum_copy(void *dst, const void *src, uint32_t len, uint32_t sum);

/*
 * Incremental update (RFC 1624 eqn. 3) of a stored checksum when a 16-bit
 * word changes from @old to @new (both as stored in memory).
 */
static inline uint16_t rts_csum_update16(uint16_t csum, uint16_t old,
					 uint16_t new_)
{
	uint32_t s = (uint16_t)~csum + (uint32_t)(uint16_t)~old + new_;

	return (uint16_t)~rts_csum_fold16(s);
}

#endif
