/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — the IPv4 header (RFC 791).
 *
 * rts_ip4_parse() is the one length check for the header: once it returns
 * 0, hlen bytes at the buffer are a valid header and total_len bytes of the
 * datagram are present. Options are not interpreted; hlen skips them.
 * Hot path: everything here is inline.
 */
#ifndef RTS_WIRE_IPV4_H
#define RTS_WIRE_IPV4_H

#include <rtestack/types.h>

#include "core/util.h"
#include "csum.h"

#define RTS_IP4_HLEN 20       /* header without options */
#define RTS_IP4_HLEN_MAX 60
#define RTS_IP4_MAX_LEN 65535 /* largest datagram */

enum rts_ipproto {
	RTS_IPPROTO_ICMP = 1,
	RTS_IPPROTO_TCP = 6,
	RTS_IPPROTO_UDP = 17,
	RTS_IPPROTO_ICMPV6 = 58,
};

/* Flags and fragment offset word (RFC 791 §3.1). */
#define RTS_IP4_FLAG_RF 0x8000 /* reserved, must be zero */
#define RTS_IP4_FLAG_DF 0x4000
#define RTS_IP4_FLAG_MF 0x2000
#define RTS_IP4_OFF_MASK 0x1fff /* in units of 8 bytes */

enum rts_ip4_err {
	RTS_IP4_ERR_TOO_SHORT = -1, /* fewer than 20 bytes */
	RTS_IP4_ERR_VERSION = -2,   /* version is not 4 */
	RTS_IP4_ERR_IHL = -3,       /* IHL < 5 or header past the buffer */
	RTS_IP4_ERR_LEN = -4,       /* total length < IHL or > buffer */
	RTS_IP4_ERR_CSUM = -5,      /* header checksum wrong */
};

struct rts_ipv4 {
	uint8_t hlen;       /* header bytes incl. options: 20..60 */
	uint8_t tos;        /* DSCP + ECN */
	uint16_t total_len; /* header + payload */
	uint16_t id;
	uint16_t frag_off;  /* payload offset in bytes (multiple of 8) */
	bool df;
	bool mf;
	uint8_t ttl;
	uint8_t proto;      /* enum rts_ipproto */
	uint16_t csum;      /* as stored in the header */
	uint32_t src_be;    /* wire order */
	uint32_t dst_be;
};

static inline bool rts_ip4_is_fragment(const struct rts_ipv4 *ip)
{
	return ip->mf || ip->frag_off != 0;
}

/* Folded (not complemented) one's complement sum of the header. */
static inline uint16_t rts_ip4_hdr_sum(const uint8_t *h, uint32_t hlen)
{
	uint64_t s;
	uint32_t w[5];

	if (rts_unlikely(hlen != RTS_IP4_HLEN))
		return rts_csum_fold16(rts_csum_add(0, h, hlen));
	rts_memcpy(w, h, sizeof(w));
	s = (uint64_t)w[0] + w[1] + w[2] + w[3] + w[4];
	s = (s & 0xffffffffu) + (s >> 32);
	return rts_csum_fold16((uint32_t)s + (uint32_t)(s >> 32));
}

/*
 * Parse the header at @b. @contig: bytes readable at @b; @total: bytes of
 * the whole packet from @b on (>= @contig for chained buffers). With
 * @verify_csum the header checksum is checked.
 */
static inline int rts_ip4_parse(const uint8_t *b, uint32_t contig,
				uint32_t total, bool verify_csum,
				struct rts_ipv4 *ip)
{
	uint16_t frag;

	if (rts_unlikely(contig < RTS_IP4_HLEN))
		return RTS_IP4_ERR_TOO_SHORT;
	if (rts_unlikely((b[0] >> 4) != 4))
		return RTS_IP4_ERR_VERSION;
	ip->hlen = (uint8_t)((b[0] & 0x0f) * 4);
	if (rts_unlikely(ip->hlen < RTS_IP4_HLEN || ip->hlen > contig))
		return RTS_IP4_ERR_IHL;
	ip->total_len = rts_get_be16(b + 2);
	if (rts_unlikely(ip->total_len < ip->hlen || ip->total_len > total))
		return RTS_IP4_ERR_LEN;
	if (verify_csum && rts_unlikely(rts_ip4_hdr_sum(b, ip->hlen) != 0xffff))
		return RTS_IP4_ERR_CSUM;
	ip->tos = b[1];
	ip->id = rts_get_be16(b + 4);
	frag = rts_get_be16(b + 6);
	ip->df = (frag & RTS_IP4_FLAG_DF) != 0;
	ip->mf = (frag & RTS_IP4_FLAG_MF) != 0;
	ip->frag_off = (uint16_t)((frag & RTS_IP4_OFF_MASK) << 3);
	ip->ttl = b[8];
	ip->proto = b[9];
	rts_memcpy(&ip->csum, b + 10, 2);
	rts_memcpy(&ip->src_be, b + 12, 4);
	rts_memcpy(&ip->dst_be, b + 16, 4);
	return 0;
}

/*
 * Write a 20-byte header (ip->hlen is ignored: options are never sent).
 * With @fill_csum the checksum is computed, else the field is zero (for
 * the device to fill).
 */
static inline void rts_ip4_emit(const struct rts_ipv4 *ip, uint8_t *b,
				bool fill_csum)
{
	uint16_t frag = (uint16_t)(ip->frag_off >> 3);
	uint16_t sum;

	if (ip->df)
		frag |= RTS_IP4_FLAG_DF;
	if (ip->mf)
		frag |= RTS_IP4_FLAG_MF;
	b[0] = 0x45;
	b[1] = ip->tos;
	rts_put_be16(b + 2, ip->total_len);
	rts_put_be16(b + 4, ip->id);
	rts_put_be16(b + 6, frag);
	b[8] = ip->ttl;
	b[9] = ip->proto;
	b[10] = 0;
	b[11] = 0;
	rts_memcpy(b + 12, &ip->src_be, 4);
	rts_memcpy(b + 16, &ip->dst_be, 4);
	if (fill_csum) {
		sum = (uint16_t)~rts_ip4_hdr_sum(b, RTS_IP4_HLEN);
		rts_memcpy(b + 10, &sum, 2);
	}
}

/* Address classes (RFC 1122 §3.2.1.3, RFC 5735), wire-order input. */
static inline bool rts_ip4_is_multicast(uint32_t a_be)
{
	return (((const uint8_t *)&a_be)[0] & 0xf0) == 0xe0;
}

static inline bool rts_ip4_is_loopback(uint32_t a_be)
{
	return ((const uint8_t *)&a_be)[0] == 127;
}

static inline bool rts_ip4_is_limited_bcast(uint32_t a_be)
{
	return a_be == 0xffffffffu;
}

/* Netmask in wire order for a prefix length 0..32. */
static inline uint32_t rts_ip4_mask_be(uint8_t prefix)
{
	return prefix == 0 ? 0 : rts_htonl(~0u << (32 - prefix));
}

#endif
