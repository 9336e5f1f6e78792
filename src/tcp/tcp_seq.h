/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — sequence number arithmetic modulo 2^32 (RFC 9293 §3.4):
 * a < b when b is less than 2^31 ahead of a, so comparisons stay right
 * across the wrap as long as the values compared lie within half the space
 * of each other (every TCP window does).
 */
#ifndef RTS_TCP_SEQ_H
#define RTS_TCP_SEQ_H

#include <stdbool.h>
#include <stdint.h>

static inline bool seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static inline bool seq_leq(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }
static inline bool seq_gt(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }
static inline bool seq_geq(uint32_t a, uint32_t b) { return (int32_t)(a - b) >= 0; }
static inline uint32_t seq_max(uint32_t a, uint32_t b) { return seq_gt(a, b) ? a : b; }
static inline uint32_t seq_min(uint32_t a, uint32_t b) { return seq_lt(a, b) ? a : b; }
/* lo <= s < hi */
static inline bool seq_in(uint32_t s, uint32_t lo, uint32_t hi)
{
	return seq_leq(lo, s) && seq_lt(s, hi);
}

#endif
