/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — ICMPv6 messages (RFC 4443): the common header, echo, the four
 * error messages, and the checksum over the IPv6 pseudo-header (RFC 8200
 * §8.1). NDP messages are in ndp.h.
 */
#ifndef RTS_WIRE_ICMPV6_H
#define RTS_WIRE_ICMPV6_H

#include "csum.h"
#include "ipv6.h"

enum rts_icmp6_type {
	RTS_ICMP6_DEST_UNREACH = 1,
	RTS_ICMP6_PKT_TOO_BIG = 2,
	RTS_ICMP6_TIME_EXCEEDED = 3,
	RTS_ICMP6_PARAM_PROBLEM = 4,
	RTS_ICMP6_ECHO_REQUEST = 128,
	RTS_ICMP6_ECHO_REPLY = 129,
	RTS_ICMP6_MLD_QUERY = 130,
	RTS_ICMP6_MLD_REPORT = 131,
	RTS_ICMP6_MLD_DONE = 132,
	RTS_ICMP6_ROUTER_SOLICIT = 133,
	RTS_ICMP6_ROUTER_ADVERT = 134,
	RTS_ICMP6_NEIGH_SOLICIT = 135,
	RTS_ICMP6_NEIGH_ADVERT = 136,
	RTS_ICMP6_REDIRECT = 137,
	RTS_ICMP6_MLD2_REPORT = 143,
};

/* Destination Unreachable codes (RFC 4443 §3.1). */
enum rts_icmp6_unreach_code {
	RTS_ICMP6_UNREACH_NO_ROUTE = 0,
	RTS_ICMP6_UNREACH_ADMIN = 1,
	RTS_ICMP6_UNREACH_BEYOND_SCOPE = 2,
	RTS_ICMP6_UNREACH_ADDR = 3,
	RTS_ICMP6_UNREACH_PORT = 4,
};

/* Time Exceeded codes (RFC 4443 §3.3). */
enum {
	RTS_ICMP6_TIME_HOP_LIMIT = 0,
	RTS_ICMP6_TIME_REASSEMBLY = 1,
};

/* Parameter Problem codes (RFC 4443 §3.4, RFC 7112 §5). */
enum {
	RTS_ICMP6_PARAM_FIELD = 0,
	RTS_ICMP6_PARAM_NEXT_HDR = 1,
	RTS_ICMP6_PARAM_OPTION = 2,
	RTS_ICMP6_PARAM_CHAIN = 3,
};

#define RTS_ICMP6_HDR_LEN 8 /* type, code, checksum, 4 bytes of body */

/*
 * The 8-byte header. The last four bytes depend on the type: echo id and
 * seq, the MTU of packet too big, the pointer of parameter problem.
 */
struct rts_icmp6_hdr {
	uint8_t type;
	uint8_t code;
	uint16_t csum;          /* as stored (network order) */
	uint16_t echo_id;       /* echo */
	uint16_t echo_seq;
	uint32_t param;         /* MTU (2) or pointer (4); 0 for others */
};

enum rts_icmp6_parse_err {
	RTS_ICMP6_OK = 0,
	RTS_ICMP6_TOO_SHORT,    /* shorter than its type's fixed part */
};

static inline bool rts_icmp6_is_error(uint8_t type)
{
	return type < 128; /* RFC 4443 §2.1 */
}

/*
 * Parse the header of @len bytes at @b. Errors and echo need 8 bytes, other
 * types 4 (their own parsers check the rest). The checksum is not checked
 * here: see rts_icmp6_csum_ok().
 */
enum rts_icmp6_parse_err rts_icmp6_parse(const uint8_t *b, uint32_t len,
					 struct rts_icmp6_hdr *h);

/* Write the 8-byte header for @h (checksum field as in @h). */
void rts_icmp6_emit(const struct rts_icmp6_hdr *h, uint8_t *b);

/*
 * The checksum over @len bytes of message at @b (whose checksum field is
 * zero) between @src and @dst: the value to store.
 */
uint16_t rts_icmp6_csum(const struct rts_ip *src, const struct rts_ip *dst,
			const uint8_t *b, uint32_t len);

/* Store the checksum of the message at @b. */
void rts_icmp6_fill_csum(const struct rts_ip *src, const struct rts_ip *dst,
			 uint8_t *b, uint32_t len);

/* Does the message of @len bytes at @off in @p carry a correct checksum? */
bool rts_icmp6_csum_ok(const struct rts_ip *src, const struct rts_ip *dst,
		       const struct rts_pkt *p, uint32_t off, uint32_t len);

/*
 * The part of an invoking packet an error may quote: the error must fit in
 * the minimum MTU (RFC 4443 §2.4 (c)).
 */
#define RTS_ICMP6_ERR_QUOTE_MAX                                                \
	(RTS_IP6_MIN_MTU - RTS_IP6_HDR_LEN - RTS_ICMP6_HDR_LEN)

#endif
