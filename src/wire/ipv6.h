/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — the IPv6 header (RFC 8200 §3) and IPv6 address classes
 * (RFC 4291 §2). Parse into a struct with a reason, emit from one; no state.
 */
#ifndef RTS_WIRE_IPV6_H
#define RTS_WIRE_IPV6_H

#include <rtestack/types.h>

#include "core/util.h"

#define RTS_IP6_HDR_LEN 40
#define RTS_IP6_MIN_MTU 1280 /* RFC 8200 §5 */

/* Next Header values (IANA "Assigned Internet Protocol Numbers"). */
enum rts_ip6_nh {
	RTS_NH_HOPOPTS = 0,
	RTS_NH_TCP = 6,
	RTS_NH_UDP = 17,
	RTS_NH_ROUTING = 43,
	RTS_NH_FRAGMENT = 44,
	RTS_NH_ESP = 50,
	RTS_NH_AH = 51,
	RTS_NH_ICMPV6 = 58,
	RTS_NH_NONE = 59,
	RTS_NH_DSTOPTS = 60,
};

struct rts_ip6_hdr {
	uint8_t tclass;
	uint32_t flow;           /* 20 bits */
	uint16_t payload_len;    /* bytes after the fixed header */
	uint8_t next_hdr;
	uint8_t hop_limit;
	struct rts_ip src;
	struct rts_ip dst;
};

enum rts_ip6_parse_err {
	RTS_IP6_OK = 0,
	RTS_IP6_TOO_SHORT,       /* fewer than 40 bytes */
	RTS_IP6_BAD_VERSION,
	RTS_IP6_BAD_LEN,         /* payload length runs past the buffer */
};

/*
 * Parse the fixed header from @len bytes at @b. On RTS_IP6_OK the payload
 * is b[40 .. 40 + payload_len) and lies within @len; bytes past it (link
 * padding) are the caller's to trim. A zero payload length is taken at its
 * word: jumbograms (RFC 2675) are not supported.
 */
enum rts_ip6_parse_err rts_ip6_parse(const uint8_t *b, uint32_t len,
				     struct rts_ip6_hdr *h);

/* Write the 40-byte header for @h at @b. */
void rts_ip6_emit(const struct rts_ip6_hdr *h, uint8_t *b);

/* ------------------------------------------------------ address classes */
/* The IPv4-mapped form (::ffff:0:0/96) never appears on an IPv6 wire. */
static inline bool rts_ip6_is_multicast(const struct rts_ip *a)
{
	return a->u8[0] == 0xff;
}

static inline bool rts_ip6_is_link_local(const struct rts_ip *a)
{
	return a->u8[0] == 0xfe && (a->u8[1] & 0xc0) == 0x80;
}

static inline bool rts_ip6_is_unspecified(const struct rts_ip *a)
{
	return a->u64[0] == 0 && a->u64[1] == 0;
}

static inline bool rts_ip6_is_loopback(const struct rts_ip *a)
{
	return a->u64[0] == 0 && a->u32[2] == 0 && a->u8[12] == 0 &&
	       a->u8[13] == 0 && a->u8[14] == 0 && a->u8[15] == 1;
}

/* Multicast scope (RFC 4291 §2.7): 1 interface, 2 link, 5 site, 14 global. */
static inline uint8_t rts_ip6_mcast_scope(const struct rts_ip *a)
{
	return a->u8[1] & 0x0f;
}

/*
 * Scope of any address for source selection (RFC 6724 §3.1): link-local
 * unicast and link-scope multicast are 2, loopback 1, the rest global (14).
 */
uint8_t rts_ip6_scope(const struct rts_ip *a);

/* ff02::1, ff02::2 (RFC 4291 §2.7.1). */
struct rts_ip rts_ip6_all_nodes(void);
struct rts_ip rts_ip6_all_routers(void);

/* The solicited-node group of @a: ff02::1:ffXX:XXXX (RFC 4291 §2.7.1). */
struct rts_ip rts_ip6_solicited_node(const struct rts_ip *a);
bool rts_ip6_is_solicited_node(const struct rts_ip *a);

/* Ethernet group address of an IPv6 multicast group (RFC 2464 §7). */
struct rts_mac rts_ip6_mcast_mac(const struct rts_ip *group);

/* fe80::/64 with the modified EUI-64 interface id of @mac (RFC 4291 App. A). */
struct rts_ip rts_ip6_link_local_from_mac(const struct rts_mac *mac);

/* @prefix (first @plen bits) joined with the EUI-64 id of @mac (plen 64). */
struct rts_ip rts_ip6_eui64_addr(const struct rts_ip *prefix,
				 const struct rts_mac *mac);

/* Do @a and @b agree in their first @plen bits? */
bool rts_ip6_prefix_match(const struct rts_ip *a, const struct rts_ip *b,
			  uint8_t plen);

/* Number of leading bits @a and @b share (RFC 6724 §2.2 CommonPrefixLen). */
uint8_t rts_ip6_common_prefix_len(const struct rts_ip *a,
				  const struct rts_ip *b);

static inline struct rts_ip rts_ip6_load(const uint8_t *b)
{
	struct rts_ip a;

	rts_memcpy(a.u8, b, 16);
	return a;
}

#endif
