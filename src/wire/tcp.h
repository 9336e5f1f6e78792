/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — the TCP header and its options (RFC 9293 §3.1, RFC 7323,
 * RFC 2018). Parse into a struct, emit from one; no connection state.
 */
#ifndef RTS_WIRE_TCP_H
#define RTS_WIRE_TCP_H

#include <rtestack/pkt.h>

#include "core/util.h"

#define RTS_TCP_HLEN 20
#define RTS_TCP_MAX_HLEN 60

enum rts_tcp_flag {
	RTS_TH_FIN = 0x01,
	RTS_TH_SYN = 0x02,
	RTS_TH_RST = 0x04,
	RTS_TH_PSH = 0x08,
	RTS_TH_ACK = 0x10,
	RTS_TH_URG = 0x20,
	RTS_TH_ECE = 0x40,
	RTS_TH_CWR = 0x80,
};

enum rts_tcp_opt_kind {
	RTS_TCPOPT_EOL = 0,
	RTS_TCPOPT_NOP = 1,
	RTS_TCPOPT_MSS = 2,
	RTS_TCPOPT_WSCALE = 3,
	RTS_TCPOPT_SACK_PERM = 4,
	RTS_TCPOPT_SACK = 5,
	RTS_TCPOPT_TS = 8,
};

#define RTS_TCP_MAX_SACK_BLOCKS 4

struct rts_tcp_sack_block {
	uint32_t start, end; /* [start, end) in sequence space */
};

/* Options seen in a segment; has_* says which were present and valid. */
struct rts_tcp_opts {
	bool has_mss, has_ws, has_sack_perm, has_ts;
	uint8_t ws;
	uint8_t n_sack;
	uint16_t mss;
	uint32_t ts_val, ts_ecr;
	struct rts_tcp_sack_block sack[RTS_TCP_MAX_SACK_BLOCKS];
};

/* A parsed TCP header (host order). */
struct rts_tcp_hdr {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t hlen;   /* bytes, 20..60 */
	uint8_t flags;  /* enum rts_tcp_flag */
	uint16_t win;   /* unscaled */
	uint16_t csum;  /* as stored */
	uint16_t urp;
};

enum rts_tcp_parse_err {
	RTS_TCP_ERR_SHORT = -1,   /* fewer bytes than a header */
	RTS_TCP_ERR_DOFF = -2,    /* data offset < 5 or past the segment */
	RTS_TCP_ERR_OPTS = -3,    /* an option runs past the header */
};

/*
 * Parse the fixed header of a segment of @len bytes at @b. Returns 0 or a
 * negative rts_tcp_parse_err. Every field read is within @len on success.
 */
static inline int rts_tcp_parse(const uint8_t *b, uint32_t len,
				struct rts_tcp_hdr *h)
{
	if (rts_unlikely(len < RTS_TCP_HLEN))
		return RTS_TCP_ERR_SHORT;
	h->hlen = (uint8_t)((b[12] >> 4) * 4);
	if (rts_unlikely(h->hlen < RTS_TCP_HLEN || h->hlen > len))
		return RTS_TCP_ERR_DOFF;
	h->sport = rts_get_be16(b);
	h->dport = rts_get_be16(b + 2);
	h->seq = rts_get_be32(b + 4);
	h->ack = rts_get_be32(b + 8);
	h->flags = b[13];
	h->win = rts_get_be16(b + 14);
	rts_memcpy(&h->csum, b + 16, 2);
	h->urp = rts_get_be16(b + 18);
	return 0;
}

/*
 * Parse the options area (@len bytes at @b, i.e. hlen - 20). Unknown kinds
 * are skipped by their length; a length that runs past the area or is < 2
 * fails the parse (RFC 9293 §3.1 MUST-7: robust to illegal lengths). @syn:
 * MSS, window scale and SACK-permitted only count on SYN segments.
 */
int rts_tcp_parse_opts(const uint8_t *b, uint32_t len, bool syn,
		       struct rts_tcp_opts *o);

/* NOP, NOP, timestamp: the options area nearly every segment carries. */
#define RTS_TCP_TS_OPTLEN 12

/*
 * The options area of @b is exactly the RFC 7323 Appendix A layout (NOP,
 * NOP, TS with length 10; the caller checked it is 12 bytes long): fill
 * @o as rts_tcp_parse_opts() would and return true. False: parse it the
 * general way.
 */
static inline bool rts_tcp_parse_ts_only(const uint8_t *b,
					 struct rts_tcp_opts *o)
{
	if (rts_get_be32(b) != ((uint32_t)RTS_TCPOPT_NOP << 24 |
				(uint32_t)RTS_TCPOPT_NOP << 16 |
				(uint32_t)RTS_TCPOPT_TS << 8 | 10u))
		return false;
	o->has_mss = o->has_ws = o->has_sack_perm = false;
	o->has_ts = true;
	o->n_sack = 0;
	o->ts_val = rts_get_be32(b + 4);
	o->ts_ecr = rts_get_be32(b + 8);
	return true;
}

/* Write the fixed 20-byte header; the checksum field is set to @h->csum. */
static inline void rts_tcp_emit(const struct rts_tcp_hdr *h, uint8_t *b)
{
	rts_put_be16(b, h->sport);
	rts_put_be16(b + 2, h->dport);
	rts_put_be32(b + 4, h->seq);
	rts_put_be32(b + 8, h->ack);
	b[12] = (uint8_t)((h->hlen / 4) << 4);
	b[13] = h->flags;
	rts_put_be16(b + 14, h->win);
	rts_memcpy(b + 16, &h->csum, 2);
	rts_put_be16(b + 18, h->urp);
}

/*
 * Emit options into @b (at most 40 bytes), padded to a multiple of 4 with
 * NOPs as the common layouts do. Returns the length written.
 */
uint32_t rts_tcp_emit_opts(const struct rts_tcp_opts *o, uint8_t *b);

/* Bytes rts_tcp_emit_opts() will write for @o. */
uint32_t rts_tcp_opts_len(const struct rts_tcp_opts *o);

#endif
