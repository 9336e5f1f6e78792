/* SPDX-License-Identifier: BSD-3-Clause */
/* Internet checksum: known vectors, odd lengths and alignments, chains. */
#include "rts_test.h"
#include "testbe.h"
#include "wire/csum.h"

/* The stored (memory-order) 16-bit value as a big-endian number. */
static unsigned be_of(uint16_t stored)
{
	uint8_t b[2];

	memcpy(b, &stored, 2);
	return (unsigned)(b[0] << 8 | b[1]);
}

RTS_TEST(rfc1071_vector)
{
	/* RFC 1071 §3: these bytes sum to ddf2 (folded, before complement) */
	const uint8_t v[8] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };

	RTS_CHECK_EQ(be_of(rts_csum_fold16(rts_csum_add(0, v, 8))), 0xddf2);
	RTS_CHECK_EQ(be_of(rts_csum_finish(rts_csum_add(0, v, 8))), 0x220d);
}

RTS_TEST(ipv4_header_vector)
{
	uint8_t h[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00,
			  0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01,
			  0xc0, 0xa8, 0x00, 0xc7 };

	RTS_CHECK_EQ(rts_csum_fold16(rts_csum_add(0, h, 20)), 0xffff);
	h[10] = h[11] = 0;
	RTS_CHECK_EQ(be_of(rts_csum_finish(rts_csum_add(0, h, 20))), 0xb861);
}

RTS_TEST(odd_lengths_and_alignment)
{
	uint8_t buf[300];
	int bad = 0;

	srand(7);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)rand();
	for (size_t align = 0; align < 8; align++)
		for (size_t len = 0; len <= 257; len++) {
			uint16_t ours = rts_csum_finish(rts_csum_add(0, buf + align, (uint32_t)len));

			if (be_of(ours) != tb_csum(buf + align, len, 0))
				bad++;
		}
	RTS_CHECK_EQ(bad, 0);
	/* the all-zero and all-ones corner cases */
	memset(buf, 0, 64);
	RTS_CHECK_EQ(rts_csum_finish(rts_csum_add(0, buf, 64)), 0xffff);
	memset(buf, 0xff, 64);
	RTS_CHECK_EQ(rts_csum_fold16(rts_csum_add(0, buf, 64)), 0xffff);
}

RTS_TEST(chains_with_odd_segment_boundaries)
{
	struct testbe *be = testbe_new();
	uint8_t data[1000];
	int bad = 0;
	const size_t segs[] = { 1, 2, 3, 7, 8, 13, 64, 333 };

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 37 + 11);
	for (size_t s = 0; s < RTS_ARRAY_SIZE(segs); s++) {
		struct rts_pkt *p = testbe_pkt_segs(be, data, sizeof(data), segs[s]);
		const uint32_t offs[] = { 0, 1, 5, 100, 999 };

		for (size_t o = 0; o < RTS_ARRAY_SIZE(offs); o++) {
			uint32_t off = offs[o], len = (uint32_t)sizeof(data) - off;
			uint32_t sum = rts_csum_pkt(p, off, len, 0);

			if (be_of(rts_csum_finish(sum)) != tb_csum(data + off, len, 0))
				bad++;
			/* a shorter span ending mid-chain */
			len = len / 2;
			sum = rts_csum_pkt(p, off, len, 0);
			if (be_of(rts_csum_finish(sum)) != tb_csum(data + off, len, 0))
				bad++;
		}
		testbe_free_pkt(p);
	}
	RTS_CHECK_EQ(bad, 0);
	testbe_delete(be);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(incremental_update_rfc1624)
{
	uint8_t h[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00,
			  0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01,
			  0xc0, 0xa8, 0x00, 0xc7 };
	uint16_t c = rts_csum_finish(rts_csum_add(0, h, 20));
	int bad = 0;

	memcpy(h + 10, &c, 2);
	/* decrement the TTL all the way down; each step checked in full */
	for (int ttl = 0x40; ttl > 0; ttl--) {
		uint16_t old, new_, full;

		memcpy(&old, h + 8, 2);
		h[8] = (uint8_t)(ttl - 1);
		memcpy(&new_, h + 8, 2);
		memcpy(&c, h + 10, 2);
		c = rts_csum_update16(c, old, new_);
		memcpy(h + 10, &c, 2);
		if (rts_csum_fold16(rts_csum_add(0, h, 20)) != 0xffff)
			bad++;
		h[10] = h[11] = 0;
		full = rts_csum_finish(rts_csum_add(0, h, 20));
		memcpy(h + 10, &c, 2);
		if (be_of(full) != be_of(c) && !(full == 0 && c == 0xffff))
			bad++;
	}
	RTS_CHECK_EQ(bad, 0);
}

RTS_TEST(pseudo_header_and_copy)
{
	struct rts_ip a = rts_ip4(198, 18, 0, 1), b = rts_ip4(198, 18, 0, 2);
	uint8_t seg[30], copy[30];
	uint32_t sum;

	for (int i = 0; i < 30; i++)
		seg[i] = (uint8_t)(200 - i);
	sum = rts_csum_pseudo(&a, &b, 17, 30);
	/* reference: 0xc612 + 0x0001 + 0xc612 + 0x0002 + 17 + 30 */
	RTS_CHECK_EQ(be_of(rts_csum_fold16(sum)),
		     (0xc612 + 1 + 0xc612 + 2 + 17 + 30) % 0xffff);
	RTS_CHECK_EQ(rts_csum_copy(copy, seg, 30, 0), rts_csum_add(0, seg, 30));
	RTS_CHECK(memcmp(copy, seg, 30) == 0);
}

int main(void)
{
	return rts_test_main();
}
