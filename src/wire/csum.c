/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — Internet checksum. The inner loop adds 64-bit words with carry
 * (add + adc), four per iteration: about a quarter of an instruction per
 * byte, which keeps software checksums cheap where a device offers none.
 */
#include "csum.h"

static inline uint64_t load64(const uint8_t *p)
{
	uint64_t v;

	rts_memcpy(&v, p, 8);
	return v;
}

static inline uint64_t add64(uint64_t a, uint64_t b)
{
	uint64_t s;

	if (__builtin_add_overflow(a, b, &s))
		s++; /* end-around carry */
	return s;
}

static uint32_t fold64(uint64_t s)
{
	uint32_t lo = (uint32_t)s, hi = (uint32_t)(s >> 32);
	uint32_t r = lo + hi;

	return r + (r < lo);
}

uint32_t rts_csum_add(uint32_t sum, const void *data, uint32_t len)
{
	const uint8_t *p = data;
	uint64_t acc = sum;

	while (len >= 32) {
		acc = add64(acc, load64(p));
		acc = add64(acc, load64(p + 8));
		acc = add64(acc, load64(p + 16));
		acc = add64(acc, load64(p + 24));
		p += 32;
		len -= 32;
	}
	while (len >= 8) {
		acc = add64(acc, load64(p));
		p += 8;
		len -= 8;
	}
	if (len) {
		uint64_t tail = 0;

		rts_memcpy(&tail, p, len); /* zero padding, as RFC 1071 wants */
		acc = add64(acc, tail);
	}
	return fold64(acc);
}

uint32_t rts_csum_copy(void *dst, const void *src, uint32_t len, uint32_t sum)
{
	rts_memcpy(dst, src, len);
	return rts_csum_add(sum, dst, len);
}

uint32_t rts_csum_pseudo(const struct rts_ip *src, const struct rts_ip *dst,
			 uint8_t proto, uint32_t l4_len)
{
	uint64_t acc;

	if (rts_ip_is_v4(src) && rts_ip_is_v4(dst)) {
		acc = (uint64_t)src->u32[3] + dst->u32[3];
		acc += rts_htons(proto);
		acc += rts_htons((uint16_t)l4_len);
	} else {
		acc = 0;
		for (int i = 0; i < 4; i++)
			acc += (uint64_t)src->u32[i] + dst->u32[i];
		acc += rts_htonl(l4_len);
		acc += rts_htonl((uint32_t)proto);
	}
	return fold64(acc);
}

uint32_t rts_csum_pkt(const struct rts_pkt *p, uint32_t off, uint32_t len,
		      uint32_t sum)
{
	bool odd = false; /* bytes summed so far are odd in number */

	for (; p && len; p = p->next) {
		uint32_t n;
		uint32_t part;

		if (off >= p->len) {
			off -= p->len;
			continue;
		}
		n = RTS_MIN(p->len - off, len);
		part = rts_csum_fold16(rts_csum_add(0, p->data + off, n));
		if (odd) /* this segment's bytes sit in the other half-word */
			part = (uint16_t)((part >> 8) | (part << 8));
		sum = rts_csum_combine(sum, part);
		odd ^= (n & 1);
		len -= n;
		off = 0;
	}
	return sum;
}
