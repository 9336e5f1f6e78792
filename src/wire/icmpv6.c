/* SPDX-License-Identifier: BSD-3-Clause */
/* rtestack — ICMPv6 header, checksum (RFC 4443). */
#include "icmpv6.h"

enum rts_icmp6_parse_err rts_icmp6_parse(const uint8_t *b, uint32_t len,
					 struct rts_icmp6_hdr *h)
{
	if (len < 4)
		return RTS_ICMP6_TOO_SHORT;
	h->type = b[0];
	h->code = b[1];
	rts_memcpy(&h->csum, b + 2, 2);
	h->echo_id = 0;
	h->echo_seq = 0;
	h->param = 0;
	switch (h->type) {
	case RTS_ICMP6_ECHO_REQUEST:
	case RTS_ICMP6_ECHO_REPLY:
		if (len < RTS_ICMP6_HDR_LEN)
			return RTS_ICMP6_TOO_SHORT;
		h->echo_id = rts_get_be16(b + 4);
		h->echo_seq = rts_get_be16(b + 6);
		break;
	default:
		if (!rts_icmp6_is_error(h->type))
			break;
		if (len < RTS_ICMP6_HDR_LEN)
			return RTS_ICMP6_TOO_SHORT;
		h->param = rts_get_be32(b + 4);
		break;
	}
	return RTS_ICMP6_OK;
}

void rts_icmp6_emit(const struct rts_icmp6_hdr *h, uint8_t *b)
{
	b[0] = h->type;
	b[1] = h->code;
	rts_memcpy(b + 2, &h->csum, 2);
	if (h->type == RTS_ICMP6_ECHO_REQUEST || h->type == RTS_ICMP6_ECHO_REPLY) {
		rts_put_be16(b + 4, h->echo_id);
		rts_put_be16(b + 6, h->echo_seq);
	} else {
		rts_put_be32(b + 4, h->param);
	}
}

uint16_t rts_icmp6_csum(const struct rts_ip *src, const struct rts_ip *dst,
			const uint8_t *b, uint32_t len)
{
	uint32_t sum = rts_csum_pseudo(src, dst, RTS_NH_ICMPV6, len);

	return rts_csum_finish(rts_csum_add(sum, b, len));
}

void rts_icmp6_fill_csum(const struct rts_ip *src, const struct rts_ip *dst,
			 uint8_t *b, uint32_t len)
{
	uint16_t c;

	b[2] = 0;
	b[3] = 0;
	c = rts_icmp6_csum(src, dst, b, len);
	rts_memcpy(b + 2, &c, 2);
}

bool rts_icmp6_csum_ok(const struct rts_ip *src, const struct rts_ip *dst,
		       const struct rts_pkt *p, uint32_t off, uint32_t len)
{
	uint32_t sum = rts_csum_pseudo(src, dst, RTS_NH_ICMPV6, len);

	/* Summing the stored checksum too gives 0xffff when it is right. */
	return rts_csum_fold16(rts_csum_pkt(p, off, len, sum)) == 0xffff;
}
