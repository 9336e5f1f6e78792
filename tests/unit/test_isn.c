/* SPDX-License-Identifier: BSD-3-Clause */
/* SipHash-2-4 against the published vectors; RFC 6528 ISNs on top. */
#include "rts_test.h"
#include "core/siphash.h"
#include "tcp/tcp_isn.h"

/* The paper's key: bytes 00..0f, i.e. k0 and k1 read little-endian. */
static const uint64_t paper_key[2] = { 0x0706050403020100ull,
				       0x0f0e0d0c0b0a0908ull };
static const uint64_t key_a[2] = { 0x0123456789abcdefull, 0xfedcba9876543210ull };
static const uint64_t key_b[2] = { 0x0123456789abcdefull, 0xfedcba9876543211ull };

RTS_TEST(siphash_paper_vectors)
{
	/* Messages 00 01 02 ... of length i, from the reference vectors;
	 * length 15 is the worked example in the paper's appendix. */
	static const struct { size_t len; uint64_t out; } v[] = {
		{ 0, 0x726fdb47dd0e0e31ull }, { 1, 0x74f839c593dc67fdull },
		{ 2, 0x0d6c8009d9a94f5aull }, { 3, 0x85676696d7fb7e2dull },
		{ 4, 0xcf2794e0277187b7ull }, { 5, 0x18765564cd99a68dull },
		{ 6, 0xcbc9466e58fee3ceull }, { 7, 0xab0200f58b01d137ull },
		{ 8, 0x93f5f5799a932462ull }, { 9, 0x9e0082df0ba9e4b0ull },
		{ 15, 0xa129ca6149be45e5ull },
	};
	uint8_t msg[64];

	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)i;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint64_t h = rts_siphash24(paper_key, msg, v[i].len);

		if (h != v[i].out)
			RTS_NOTE("len %zu: %016" PRIx64, v[i].len, h);
		RTS_CHECK(h == v[i].out);
	}
}

RTS_TEST(siphash_key_and_message_sensitivity)
{
	uint8_t msg[37] = { 0 };
	uint64_t base = rts_siphash24(key_a, msg, sizeof(msg));

	RTS_CHECK(base != rts_siphash24(key_b, msg, sizeof(msg)));
	RTS_CHECK(base != rts_siphash24(key_a, msg, sizeof(msg) - 1));
	for (size_t i = 0; i < sizeof(msg); i++) {
		msg[i] ^= 0x80;
		RTS_CHECK(base != rts_siphash24(key_a, msg, sizeof(msg)));
		msg[i] ^= 0x80;
	}
	RTS_CHECK(base == rts_siphash24(key_a, msg, sizeof(msg)));
}

static struct rts_tcp_tuple tuple(uint8_t last, uint16_t lport,
				  uint16_t rport)
{
	struct rts_tcp_tuple t;

	memset(&t, 0, sizeof(t));
	t.laddr = rts_ip4(198, 18, 0, 1);
	t.raddr = rts_ip4(198, 19, 0, last);
	t.lport = lport;
	t.rport = rport;
	return t;
}

RTS_TEST(isn_deterministic_with_a_key)
{
	struct rts_tcp_tuple t = tuple(2, 80, 40000);
	uint64_t now = 123456789012ull;

	RTS_CHECK_EQ(rts_tcp_isn(key_a, &t, now), rts_tcp_isn(key_a, &t, now));
	RTS_CHECK(rts_tcp_isn(key_a, &t, now) != rts_tcp_isn(key_b, &t, now));
}

RTS_TEST(isn_ignores_struct_padding)
{
	struct rts_tcp_tuple a, b;

	memset(&a, 0xaa, sizeof(a));
	memset(&b, 0x55, sizeof(b));
	a.laddr = b.laddr = rts_ip4(198, 18, 0, 1);
	a.raddr = b.raddr = rts_ip4(198, 18, 0, 2);
	a.lport = b.lport = 443;
	a.rport = b.rport = 50000;
	RTS_CHECK_EQ(rts_tcp_isn(key_a, &a, 0), rts_tcp_isn(key_a, &b, 0));
	RTS_CHECK_EQ(rts_tcp_ts_offset(key_a, &a), rts_tcp_ts_offset(key_a, &b));
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

RTS_TEST(isn_different_tuples_differ)
{
	static uint32_t isn[4096];
	struct rts_tcp_tuple t;
	size_t n = 0, dups = 0;
	uint32_t base;

	/* Vary each field alone, then many source ports. */
	t = tuple(2, 80, 40000);
	base = rts_tcp_isn(key_a, &t, 0);
	t.lport = 81;
	RTS_CHECK(rts_tcp_isn(key_a, &t, 0) != base);
	t = tuple(2, 80, 40001);
	RTS_CHECK(rts_tcp_isn(key_a, &t, 0) != base);
	t = tuple(3, 80, 40000);
	RTS_CHECK(rts_tcp_isn(key_a, &t, 0) != base);
	t = tuple(2, 80, 40000);
	t.laddr = rts_ip4(198, 18, 0, 9);
	RTS_CHECK(rts_tcp_isn(key_a, &t, 0) != base);
	/* swapping the ends is a different connection */
	t = tuple(2, 80, 40000);
	t.laddr = rts_ip4(198, 19, 0, 2);
	t.raddr = rts_ip4(198, 18, 0, 1);
	t.lport = 40000;
	t.rport = 80;
	RTS_CHECK(rts_tcp_isn(key_a, &t, 0) != base);
	/* IPv6 */
	t = tuple(2, 80, 40000);
	memset(&t.laddr, 0, sizeof(t.laddr)); /* 2001:2::1 */
	t.laddr.u8[0] = 0x20;
	t.laddr.u8[1] = 0x01;
	t.laddr.u8[3] = 0x02;
	t.laddr.u8[15] = 0x01;
	RTS_CHECK(rts_tcp_isn(key_a, &t, 0) != base);

	for (uint32_t p = 0; p < 4096; p++) {
		t = tuple((uint8_t)(p >> 8), 80, (uint16_t)(1024 + p));
		isn[n++] = rts_tcp_isn(key_a, &t, 0);
	}
	qsort(isn, n, sizeof(isn[0]), cmp_u32);
	for (size_t i = 1; i < n; i++)
		dups += isn[i] == isn[i - 1];
	RTS_CHECK_EQ(dups, 0);
	/* And the offset between two tuples depends on the key. */
	{
		struct rts_tcp_tuple x = tuple(2, 80, 1), y = tuple(2, 80, 2);

		RTS_CHECK(rts_tcp_isn(key_a, &x, 0) - rts_tcp_isn(key_a, &y, 0) !=
			  rts_tcp_isn(key_b, &x, 0) - rts_tcp_isn(key_b, &y, 0));
	}
}

RTS_TEST(isn_monotonic_with_time)
{
	struct rts_tcp_tuple t = tuple(2, 80, 40000);
	uint64_t t0 = 5000000000ull; /* 5 s */
	uint32_t i0 = rts_tcp_isn(key_a, &t, t0), prev = i0;

	/* M ticks every 4 µs (RFC 6528 §3) */
	RTS_CHECK_EQ(rts_tcp_isn(key_a, &t, t0 + 3999), i0);
	RTS_CHECK_EQ(rts_tcp_isn(key_a, &t, t0 + 4000), i0 + 1);
	RTS_CHECK_EQ(rts_tcp_isn(key_a, &t, t0 + 1000000000ull), i0 + 250000);
	/* Increasing in sequence space, across the 2^32 wrap (~4.8 h). */
	for (uint64_t dt = 997 * 1000000ull; dt < 6ull * 3600 * 1000000000ull;
	     dt += 997 * 1000000ull) {
		uint32_t isn = rts_tcp_isn(key_a, &t, t0 + dt);

		RTS_CHECK((int32_t)(isn - prev) > 0);
		prev = isn;
	}
	RTS_CHECK(rts_tcp_isn(key_a, &t, 0) != rts_tcp_isn(key_a, &t, 1ull << 40));
}

RTS_TEST(ts_offset_per_connection)
{
	struct rts_tcp_tuple a = tuple(2, 80, 40000), b = tuple(2, 80, 40001);

	RTS_CHECK(rts_tcp_ts_offset(key_a, &a) != rts_tcp_ts_offset(key_a, &b));
	RTS_CHECK(rts_tcp_ts_offset(key_a, &a) != rts_tcp_ts_offset(key_b, &a));
	/* a different hash domain than the ISN */
	RTS_CHECK(rts_tcp_ts_offset(key_a, &a) != rts_tcp_isn(key_a, &a, 0));
	RTS_CHECK_EQ(rts_tcp_ts_offset(key_a, &a), rts_tcp_ts_offset(key_a, &a));
}

int main(void)
{
	return rts_test_main();
}
