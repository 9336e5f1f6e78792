/* SPDX-License-Identifier: BSD-3-Clause */
/* rtestack — ICMP message format (RFC 792, RFC 1191). */
#include "icmp.h"

int rts_icmp_parse(const uint8_t *b, uint32_t len, struct rts_icmp *ic)
{
	if (len < RTS_ICMP_HLEN)
		return RTS_ICMP_ERR_TOO_SHORT;
	ic->type = b[0];
	ic->code = b[1];
	rts_memcpy(&ic->csum, b + 2, 2);
	rts_memcpy(&ic->rest_be, b + 4, 4);
	ic->id = rts_get_be16(b + 4);
	ic->seq = rts_get_be16(b + 6);
	ic->mtu = 0;
	ic->pointer = 0;
	if (ic->type == RTS_ICMP_DEST_UNREACH &&
	    ic->code == RTS_ICMP_FRAG_NEEDED)
		ic->mtu = rts_get_be16(b + 6); /* RFC 1191 §4 */
	else if (ic->type == RTS_ICMP_PARAM_PROBLEM)
		ic->pointer = b[4];
	return 0;
}

void rts_icmp_emit(const struct rts_icmp *ic, uint8_t *b)
{
	b[0] = ic->type;
	b[1] = ic->code;
	rts_memcpy(b + 2, &ic->csum, 2);
	switch (ic->type) {
	case RTS_ICMP_ECHO:
	case RTS_ICMP_ECHO_REPLY:
		rts_put_be16(b + 4, ic->id);
		rts_put_be16(b + 6, ic->seq);
		break;
	case RTS_ICMP_DEST_UNREACH:
		rts_put_be16(b + 4, 0);
		rts_put_be16(b + 6, ic->code == RTS_ICMP_FRAG_NEEDED ? ic->mtu
								     : 0);
		break;
	case RTS_ICMP_PARAM_PROBLEM:
		b[4] = ic->pointer;
		b[5] = b[6] = b[7] = 0;
		break;
	default:
		rts_memcpy(b + 4, &ic->rest_be, 4);
		break;
	}
}

int rts_icmp_quoted_ip4(const uint8_t *body, uint32_t len,
			struct rts_ipv4 *inner, const uint8_t **l4,
			uint32_t *l4_len)
{
	uint16_t frag;

	if (len < RTS_IP4_HLEN + 8 || (body[0] >> 4) != 4)
		return RTS_ICMP_ERR_QUOTE;
	inner->hlen = (uint8_t)((body[0] & 0x0f) * 4);
	if (inner->hlen < RTS_IP4_HLEN || len < (uint32_t)inner->hlen + 8)
		return RTS_ICMP_ERR_QUOTE;
	inner->tos = body[1];
	inner->total_len = rts_get_be16(body + 2);
	inner->id = rts_get_be16(body + 4);
	frag = rts_get_be16(body + 6);
	inner->df = (frag & RTS_IP4_FLAG_DF) != 0;
	inner->mf = (frag & RTS_IP4_FLAG_MF) != 0;
	inner->frag_off = (uint16_t)((frag & RTS_IP4_OFF_MASK) << 3);
	inner->ttl = body[8];
	inner->proto = body[9];
	rts_memcpy(&inner->csum, body + 10, 2);
	rts_memcpy(&inner->src_be, body + 12, 4);
	rts_memcpy(&inner->dst_be, body + 16, 4);
	*l4 = body + inner->hlen;
	*l4_len = len - inner->hlen;
	return 0;
}
