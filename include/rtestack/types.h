/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — basic types shared by every public header.
 *
 * Freestanding: only compiler-provided headers are used, so the core builds
 * with -ffreestanding -nostdlib.
 */
#ifndef RTESTACK_TYPES_H
#define RTESTACK_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Error codes. Functions return 0 or a positive count on success and one of
 * these negative values on failure. They equal Linux errno values negated so a
 * backend can pass -errno from the OS or DPDK through unchanged.
 */
enum rts_err {
	RTS_OK = 0,
	RTS_EPERM = -1,
	RTS_ENOENT = -2,
	RTS_EAGAIN = -11,
	RTS_ENOMEM = -12,
	RTS_EBUSY = -16,
	RTS_EEXIST = -17,
	RTS_EINVAL = -22,
	RTS_ENOSPC = -28,
	RTS_EMSGSIZE = -90,
	RTS_ENOPROTOOPT = -92,
	RTS_EAFNOSUPPORT = -97,
	RTS_EADDRINUSE = -98,
	RTS_EADDRNOTAVAIL = -99,
	RTS_ENETUNREACH = -101,
	RTS_ECONNABORTED = -103,
	RTS_ECONNRESET = -104,
	RTS_ENOBUFS = -105,
	RTS_EISCONN = -106,
	RTS_ENOTCONN = -107,
	RTS_ESHUTDOWN = -108,
	RTS_ETIMEDOUT = -110,
	RTS_ECONNREFUSED = -111,
	RTS_EHOSTUNREACH = -113,
	RTS_EALREADY = -114,
};

/* A short, static, human readable name for an rts_err value. */
const char *rts_strerror(int err);

/*
 * An IP address of either family. IPv4 addresses are stored IPv4-mapped
 * (::ffff:a.b.c.d, RFC 4291 §2.5.5.2) so tables, connection keys and hashes
 * have one shape for both families. Bytes are in network order.
 */
struct rts_ip {
	union {
		uint8_t u8[16];
		uint16_t u16[8];
		uint32_t u32[4];
		uint64_t u64[2];
	};
};

enum rts_family {
	RTS_AF_INET = 4,
	RTS_AF_INET6 = 6,
};

/* Make an IPv4-mapped address from its four octets. */
static inline struct rts_ip rts_ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	struct rts_ip ip = { .u32 = { 0, 0, 0, 0 } };
	ip.u8[10] = 0xff;
	ip.u8[11] = 0xff;
	ip.u8[12] = a;
	ip.u8[13] = b;
	ip.u8[14] = c;
	ip.u8[15] = d;
	return ip;
}

/* Make an IPv4-mapped address from a big-endian (wire order) uint32. */
static inline struct rts_ip rts_ip4_from_be(uint32_t addr_be)
{
	struct rts_ip ip = { .u32 = { 0, 0, 0, 0 } };
	ip.u8[10] = 0xff;
	ip.u8[11] = 0xff;
	ip.u32[3] = addr_be;
	return ip;
}

static inline bool rts_ip_is_v4(const struct rts_ip *ip)
{
	return ip->u64[0] == 0 && ip->u8[8] == 0 && ip->u8[9] == 0 &&
	       ip->u8[10] == 0xff && ip->u8[11] == 0xff;
}

static inline enum rts_family rts_ip_family(const struct rts_ip *ip)
{
	return rts_ip_is_v4(ip) ? RTS_AF_INET : RTS_AF_INET6;
}

/* The IPv4 address in wire order; only meaningful when rts_ip_is_v4(). */
static inline uint32_t rts_ip_v4_be(const struct rts_ip *ip)
{
	return ip->u32[3];
}

static inline bool rts_ip_eq(const struct rts_ip *a, const struct rts_ip *b)
{
	return a->u64[0] == b->u64[0] && a->u64[1] == b->u64[1];
}

/* The unspecified address of either family: all zero, or ::ffff:0.0.0.0. */
static inline bool rts_ip_is_any(const struct rts_ip *ip)
{
	return (ip->u64[0] == 0 && ip->u64[1] == 0) ||
	       (rts_ip_is_v4(ip) && ip->u32[3] == 0);
}

/* An address and a port (host order), e.g. the remote end of a flow. */
struct rts_endpoint {
	struct rts_ip ip;
	uint16_t port;
};

struct rts_mac {
	uint8_t b[6];
};

/*
 * Parse "198.18.0.2", "2001:2::1" or "fe80::1" into @out. Returns 0 or
 * RTS_EINVAL. A trailing "/N" is parsed into @prefix when @prefix is not NULL
 * (else rejected); without one, *prefix is set to 32 or 128.
 */
int rts_ip_parse(const char *s, struct rts_ip *out, uint8_t *prefix);

/*
 * Format @ip into @buf (at least RTS_IP_STRLEN bytes): dotted quad for IPv4,
 * RFC 5952 text for IPv6. Returns the string length.
 */
#define RTS_IP_STRLEN 46
int rts_ip_format(const struct rts_ip *ip, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif
