/* SPDX-License-Identifier: BSD-3-Clause */
/* rtestack — small freestanding helpers: byte order, memory, branch hints. */
#ifndef RTS_CORE_UTIL_H
#define RTS_CORE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define rts_likely(x) __builtin_expect(!!(x), 1)
#define rts_unlikely(x) __builtin_expect(!!(x), 0)
#define rts_container_of(ptr, type, member)                                    \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))
#define RTS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define RTS_MIN(a, b) ((a) < (b) ? (a) : (b))
#define RTS_MAX(a, b) ((a) > (b) ? (a) : (b))

/*
 * Memory helpers. The compiler turns these into inline code or calls to
 * memcpy/memset/memmove/memcmp, which a freestanding environment must
 * provide (GCC and clang both require these four).
 */
#define rts_memcpy(d, s, n) __builtin_memcpy((d), (s), (n))
#define rts_memmove(d, s, n) __builtin_memmove((d), (s), (n))
#define rts_memset(d, c, n) __builtin_memset((d), (c), (n))
#define rts_memcmp(a, b, n) __builtin_memcmp((a), (b), (n))

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define rts_htons(x) ((uint16_t)__builtin_bswap16((uint16_t)(x)))
#define rts_htonl(x) ((uint32_t)__builtin_bswap32((uint32_t)(x)))
#else
#define rts_htons(x) ((uint16_t)(x))
#define rts_htonl(x) ((uint32_t)(x))
#endif
#define rts_ntohs(x) rts_htons(x)
#define rts_ntohl(x) rts_htonl(x)

/*
 * Unaligned big-endian loads and stores for wire formats: one load or
 * store plus a byte swap (memcpy of a constant size compiles to a move).
 */
static inline uint16_t rts_get_be16(const uint8_t *p)
{
	uint16_t v;

	rts_memcpy(&v, p, 2);
	return rts_ntohs(v);
}
static inline uint32_t rts_get_be32(const uint8_t *p)
{
	uint32_t v;

	rts_memcpy(&v, p, 4);
	return rts_ntohl(v);
}
static inline void rts_put_be16(uint8_t *p, uint16_t v)
{
	v = rts_htons(v);
	rts_memcpy(p, &v, 2);
}
static inline void rts_put_be32(uint8_t *p, uint32_t v)
{
	v = rts_htonl(v);
	rts_memcpy(p, &v, 4);
}

#endif
