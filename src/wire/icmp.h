/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — ICMP for IPv4 (RFC 792; RFC 1191 for the next-hop MTU).
 *
 * The checksum covers the whole message, which may span a packet chain, so
 * it is verified by the caller (rts_csum_pkt) rather than by the parser.
 */
#ifndef RTS_WIRE_ICMP_H
#define RTS_WIRE_ICMP_H

#include <rtestack/types.h>

#include "core/util.h"
#include "ipv4.h"

#define RTS_ICMP_HLEN 8

enum rts_icmp_type {
	RTS_ICMP_ECHO_REPLY = 0,
	RTS_ICMP_DEST_UNREACH = 3,
	RTS_ICMP_SOURCE_QUENCH = 4,
	RTS_ICMP_REDIRECT = 5,
	RTS_ICMP_ECHO = 8,
	RTS_ICMP_TIME_EXCEEDED = 11,
	RTS_ICMP_PARAM_PROBLEM = 12,
};

/* Destination unreachable codes (RFC 792, RFC 1122 §3.2.2.1, RFC 1812). */
enum rts_icmp_unreach_code {
	RTS_ICMP_NET_UNREACH = 0,
	RTS_ICMP_HOST_UNREACH = 1,
	RTS_ICMP_PROTO_UNREACH = 2,
	RTS_ICMP_PORT_UNREACH = 3,
	RTS_ICMP_FRAG_NEEDED = 4,
	RTS_ICMP_SRC_ROUTE_FAILED = 5,
	RTS_ICMP_ADMIN_PROHIBITED = 13,
};

enum rts_icmp_err {
	RTS_ICMP_ERR_TOO_SHORT = -1, /* fewer than 8 bytes */
	RTS_ICMP_ERR_QUOTE = -2,     /* quoted datagram missing or malformed */
};

struct rts_icmp {
	uint8_t type;
	uint8_t code;
	uint16_t csum;       /* as stored */
	uint32_t rest_be;    /* the second word, raw (wire order) */
	/* views of the second word, by type */
	uint16_t id, seq;    /* echo request / reply */
	uint16_t mtu;        /* dest unreachable / frag needed (RFC 1191) */
	uint8_t pointer;     /* parameter problem */
};

static inline bool rts_icmp_is_error(uint8_t type)
{
	return type == RTS_ICMP_DEST_UNREACH || type == RTS_ICMP_SOURCE_QUENCH ||
	       type == RTS_ICMP_REDIRECT || type == RTS_ICMP_TIME_EXCEEDED ||
	       type == RTS_ICMP_PARAM_PROBLEM;
}

/* Parse the 8-byte header at @b (@len: bytes readable there). */
int rts_icmp_parse(const uint8_t *b, uint32_t len, struct rts_icmp *ic);

/*
 * Write the 8-byte header from type, code, csum and (by type) id/seq, mtu,
 * pointer or rest_be. The checksum is the caller's to compute over the
 * whole message and store at offset 2.
 */
void rts_icmp_emit(const struct rts_icmp *ic, uint8_t *b);

/*
 * The datagram quoted by an error message: @body/@len are the bytes after
 * the 8-byte ICMP header. Fills @inner and points @l4 at the quoted
 * transport header, of which @l4_len (>= 8) bytes are present. The quoted
 * header's checksum and total length are not checked: routers may have
 * truncated the quote (RFC 792 requires only 64 bits of data).
 */
int rts_icmp_quoted_ip4(const uint8_t *body, uint32_t len,
			struct rts_ipv4 *inner, const uint8_t **l4,
			uint32_t *l4_len);

#endif
