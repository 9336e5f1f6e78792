/* SPDX-License-Identifier: BSD-3-Clause */
/* rtestack — the UDP header (RFC 768). Hot path: inline. */
#ifndef RTS_WIRE_UDP_H
#define RTS_WIRE_UDP_H

#include <rtestack/types.h>

#include "core/util.h"

#define RTS_UDP_HLEN 8

enum rts_udp_err {
	RTS_UDP_ERR_TOO_SHORT = -1, /* fewer than 8 bytes */
	RTS_UDP_ERR_LEN = -2,       /* length field < 8 or past the datagram */
};

struct rts_udp {
	uint16_t sport; /* host order */
	uint16_t dport;
	uint16_t len;   /* header + payload */
	uint16_t csum;  /* as stored; 0: none (IPv4 only) */
};

/*
 * @contig: bytes readable at @b; @total: L4 bytes the IP layer delivered.
 * Bytes past u->len are padding the caller trims.
 */
static inline int rts_udp_parse(const uint8_t *b, uint32_t contig,
				uint32_t total, struct rts_udp *u)
{
	if (rts_unlikely(contig < RTS_UDP_HLEN || total < RTS_UDP_HLEN))
		return RTS_UDP_ERR_TOO_SHORT;
	u->sport = rts_get_be16(b);
	u->dport = rts_get_be16(b + 2);
	u->len = rts_get_be16(b + 4);
	rts_memcpy(&u->csum, b + 6, 2);
	if (rts_unlikely(u->len < RTS_UDP_HLEN || u->len > total))
		return RTS_UDP_ERR_LEN;
	return 0;
}

static inline void rts_udp_emit(const struct rts_udp *u, uint8_t *b)
{
	rts_put_be16(b, u->sport);
	rts_put_be16(b + 2, u->dport);
	rts_put_be16(b + 4, u->len);
	rts_memcpy(b + 6, &u->csum, 2);
}

#endif
