/* SPDX-License-Identifier: BSD-3-Clause */
/* rtestack — RFC 6528 initial sequence numbers (see tcp_isn.h). */
#include "tcp_isn.h"

#include "../core/siphash.h"
#include "../core/util.h"

/* A last byte that keeps the ISN and timestamp hashes apart. */
enum { DOMAIN_ISN = 1, DOMAIN_TS = 2 };

size_t rts_tcp_tuple_serialize(const struct rts_tcp_tuple *t, uint8_t *buf)
{
	rts_memcpy(buf, t->laddr.u8, 16);
	rts_memcpy(buf + 16, t->raddr.u8, 16);
	rts_put_be16(buf + 32, t->lport);
	rts_put_be16(buf + 34, t->rport);
	return RTS_TCP_TUPLE_BYTES;
}

static uint64_t tuple_hash(const uint64_t key[2],
			   const struct rts_tcp_tuple *t, uint8_t domain)
{
	uint8_t buf[RTS_TCP_TUPLE_BYTES + 1];

	rts_tcp_tuple_serialize(t, buf);
	buf[RTS_TCP_TUPLE_BYTES] = domain;
	return rts_siphash24(key, buf, sizeof(buf));
}

uint32_t rts_tcp_isn(const uint64_t key[2], const struct rts_tcp_tuple *t,
		     uint64_t now_ns)
{
	uint32_t m = (uint32_t)(now_ns / 4000); /* 4 µs ticks, wraps */

	return m + (uint32_t)tuple_hash(key, t, DOMAIN_ISN);
}

uint32_t rts_tcp_ts_offset(const uint64_t key[2],
			   const struct rts_tcp_tuple *t)
{
	return (uint32_t)tuple_hash(key, t, DOMAIN_TS);
}
