/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The connection hash (tcp_tuple_hash) is keyed per context: tuples a peer
 * chose so that an unkeyed fold of address and port would be equal (an
 * IPv6 host owns its /64: interface identifier XOR source port kept
 * constant) still spread over the buckets, and two contexts place the
 * same tuple differently.
 */
#include "rts_test.h"
#include "tcp/tcp_conn.h"

#define N 4096u
#define BUCKETS 4096u

static void keys(struct rts_tcp_tables *t, uint64_t seed)
{
	for (unsigned i = 0; i < 5; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		t->hash_key[i] = seed | 1;
	}
}

/* 2001:2::<iid> port p, with iid ^ p fixed: one value under a fold. */
static void crafted(uint32_t i, struct rts_ip *r, uint16_t *rport)
{
	rts_memset(r, 0, sizeof(*r));
	r->u8[0] = 0x20;
	r->u8[1] = 0x01;
	r->u8[3] = 0x02;
	*rport = (uint16_t)(1024 + i);
	r->u64[1] = 0x1234567800000000ull ^ ((uint64_t)*rport << 16 | 80);
}

static unsigned max_load(const struct rts_tcp_tables *t)
{
	static uint16_t load[BUCKETS];
	struct rts_ip l = { .u8 = { 0x20, 0x01, 0, 0x02, [15] = 1 } };
	unsigned worst = 0;

	rts_memset(load, 0, sizeof(load));
	for (uint32_t i = 0; i < N; i++) {
		struct rts_ip r;
		uint16_t rport;
		uint32_t b;

		crafted(i, &r, &rport);
		b = tcp_tuple_hash(t, &r, rport, 80, &l) & (BUCKETS - 1);
		if (++load[b] > worst)
			worst = load[b];
	}
	return worst;
}

RTS_TEST(crafted_tuples_spread_over_the_buckets)
{
	struct rts_tcp_tables t;

	for (uint64_t seed = 1; seed <= 4; seed++) {
		unsigned worst;

		rts_memset(&t, 0, sizeof(t));
		keys(&t, seed);
		worst = max_load(&t);
		RTS_NOTE("key set %llu: longest chain %u for %u tuples in %u "
			 "buckets", (unsigned long long)seed, worst, N, BUCKETS);
		/* balls into bins: about ln n / ln ln n, far from N */
		RTS_CHECK(worst <= 12);
	}
}

RTS_TEST(contexts_place_a_tuple_differently)
{
	struct rts_tcp_tables a, b;
	struct rts_ip r, l = { .u8 = { 0x20, 0x01, 0, 0x02, [15] = 1 } };
	uint16_t rport;
	unsigned same = 0;

	rts_memset(&a, 0, sizeof(a));
	rts_memset(&b, 0, sizeof(b));
	keys(&a, 11);
	keys(&b, 12);
	for (uint32_t i = 0; i < 256; i++) {
		crafted(i, &r, &rport);
		same += tcp_tuple_hash(&a, &r, rport, 80, &l) ==
			tcp_tuple_hash(&b, &r, rport, 80, &l);
	}
	RTS_CHECK(same < 4);
}

int main(void)
{
	return rts_test_main();
}
