/* SPDX-License-Identifier: BSD-3-Clause */
/* rtestack — TCP options: parse and emit (RFC 9293 §3.2, RFC 7323, RFC 2018). */
#include "tcp.h"

static void parse_one(uint8_t kind, const uint8_t *v, uint8_t optlen, bool syn,
		      struct rts_tcp_opts *o)
{
	switch (kind) {
	case RTS_TCPOPT_MSS:
		if (optlen == 4 && syn) {
			o->has_mss = true;
			o->mss = rts_get_be16(v);
		}
		break;
	case RTS_TCPOPT_WSCALE:
		if (optlen == 3 && syn) {
			o->has_ws = true;
			/* RFC 7323 §2.3: values above 14 are treated as 14. */
			o->ws = v[0] > 14 ? 14 : v[0];
		}
		break;
	case RTS_TCPOPT_SACK_PERM:
		if (optlen == 2 && syn)
			o->has_sack_perm = true;
		break;
	case RTS_TCPOPT_TS:
		if (optlen == 10) {
			o->has_ts = true;
			o->ts_val = rts_get_be32(v);
			o->ts_ecr = rts_get_be32(v + 4);
		}
		break;
	case RTS_TCPOPT_SACK:
		if (optlen >= 10 && (optlen - 2) % 8 == 0) {
			uint8_t n = (uint8_t)((optlen - 2) / 8);

			if (n > RTS_TCP_MAX_SACK_BLOCKS)
				n = RTS_TCP_MAX_SACK_BLOCKS;
			for (uint8_t i = 0; i < n; i++) {
				o->sack[i].start = rts_get_be32(v + 8 * i);
				o->sack[i].end = rts_get_be32(v + 8 * i + 4);
			}
			o->n_sack = n;
		}
		break;
	default:
		break; /* unknown options are ignored (RFC 9293 MUST-6) */
	}
}

int rts_tcp_parse_opts(const uint8_t *b, uint32_t len, bool syn,
		       struct rts_tcp_opts *o)
{
	uint32_t i = 0;

	o->has_mss = o->has_ws = o->has_sack_perm = o->has_ts = false;
	o->n_sack = 0;
	/* The layout nearly every segment has (RFC 7323 Appendix A). */
	if (len == 12 && b[0] == RTS_TCPOPT_NOP && b[1] == RTS_TCPOPT_NOP &&
	    b[2] == RTS_TCPOPT_TS && b[3] == 10) {
		o->has_ts = true;
		o->ts_val = rts_get_be32(b + 4);
		o->ts_ecr = rts_get_be32(b + 8);
		return 0;
	}
	while (i < len) {
		uint8_t kind = b[i];
		uint8_t optlen;

		if (kind == RTS_TCPOPT_EOL)
			break;
		if (kind == RTS_TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len)
			return RTS_TCP_ERR_OPTS;
		optlen = b[i + 1];
		if (optlen < 2 || i + optlen > len)
			return RTS_TCP_ERR_OPTS;
		parse_one(kind, b + i + 2, optlen, syn, o);
		i += optlen;
	}
	return 0;
}

uint32_t rts_tcp_opts_len(const struct rts_tcp_opts *o)
{
	uint32_t n = 0;

	if (o->has_mss)
		n += 4;
	if (o->has_ws)
		n += 4; /* NOP + 3 */
	if (o->has_ts)
		n += 12; /* 2 NOPs (or SACK-permitted) + 10 */
	else if (o->has_sack_perm)
		n += 4;  /* 2 NOPs + 2 */
	if (o->n_sack)
		n += 4 + 8u * o->n_sack; /* 2 NOPs + 2 + blocks */
	return n;
}

uint32_t rts_tcp_emit_opts(const struct rts_tcp_opts *o, uint8_t *b)
{
	uint8_t *p = b;

	if (o->has_mss) {
		p[0] = RTS_TCPOPT_MSS;
		p[1] = 4;
		rts_put_be16(p + 2, o->mss);
		p += 4;
	}
	if (o->has_ts) {
		/* SACK-permitted rides in the two bytes NOPs would pad. */
		if (o->has_sack_perm) {
			p[0] = RTS_TCPOPT_SACK_PERM;
			p[1] = 2;
		} else {
			p[0] = p[1] = RTS_TCPOPT_NOP;
		}
		p[2] = RTS_TCPOPT_TS;
		p[3] = 10;
		rts_put_be32(p + 4, o->ts_val);
		rts_put_be32(p + 8, o->ts_ecr);
		p += 12;
	} else if (o->has_sack_perm) {
		p[0] = p[1] = RTS_TCPOPT_NOP;
		p[2] = RTS_TCPOPT_SACK_PERM;
		p[3] = 2;
		p += 4;
	}
	if (o->has_ws) {
		p[0] = RTS_TCPOPT_NOP;
		p[1] = RTS_TCPOPT_WSCALE;
		p[2] = 3;
		p[3] = o->ws;
		p += 4;
	}
	if (o->n_sack) {
		p[0] = p[1] = RTS_TCPOPT_NOP;
		p[2] = RTS_TCPOPT_SACK;
		p[3] = (uint8_t)(2 + 8 * o->n_sack);
		p += 4;
		for (uint8_t i = 0; i < o->n_sack; i++) {
			rts_put_be32(p, o->sack[i].start);
			rts_put_be32(p + 4, o->sack[i].end);
			p += 8;
		}
	}
	return (uint32_t)(p - b);
}
