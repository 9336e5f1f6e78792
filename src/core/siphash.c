/* SPDX-License-Identifier: BSD-3-Clause */
/* rtestack — SipHash-2-4, written from the paper (see siphash.h). */
#include "siphash.h"

static inline uint64_t rotl64(uint64_t x, unsigned b)
{
	return (x << b) | (x >> (64 - b));
}

static inline uint64_t load_le64(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

struct sip_state {
	uint64_t v0, v1, v2, v3;
};

/* The paper's SipRound: three ARX half-rounds on (v0,v1) and (v2,v3). */
static inline void sip_round(struct sip_state *s)
{
	s->v0 += s->v1;
	s->v1 = rotl64(s->v1, 13);
	s->v1 ^= s->v0;
	s->v0 = rotl64(s->v0, 32);
	s->v2 += s->v3;
	s->v3 = rotl64(s->v3, 16);
	s->v3 ^= s->v2;
	s->v0 += s->v3;
	s->v3 = rotl64(s->v3, 21);
	s->v3 ^= s->v0;
	s->v2 += s->v1;
	s->v1 = rotl64(s->v1, 17);
	s->v1 ^= s->v2;
	s->v2 = rotl64(s->v2, 32);
}

/* c = 2 compression rounds per message word. */
static inline void sip_compress(struct sip_state *s, uint64_t m)
{
	s->v3 ^= m;
	sip_round(s);
	sip_round(s);
	s->v0 ^= m;
}

uint64_t rts_siphash24(const uint64_t key[2], const void *data, size_t len)
{
	const uint8_t *p = data;
	struct sip_state s = {
		/* "somepseudorandomlygeneratedbytes" */
		.v0 = key[0] ^ 0x736f6d6570736575ull,
		.v1 = key[1] ^ 0x646f72616e646f6dull,
		.v2 = key[0] ^ 0x6c7967656e657261ull,
		.v3 = key[1] ^ 0x7465646279746573ull,
	};
	size_t left = len;

	for (; left >= 8; left -= 8, p += 8)
		sip_compress(&s, load_le64(p, 8));
	/* Last word: the remaining bytes, and len mod 256 in the top byte. */
	sip_compress(&s, load_le64(p, left) | (uint64_t)(len & 0xff) << 56);

	/* d = 4 finalization rounds. */
	s.v2 ^= 0xff;
	sip_round(&s);
	sip_round(&s);
	sip_round(&s);
	sip_round(&s);
	return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}
