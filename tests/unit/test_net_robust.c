/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Robustness: mutated frames of every kind the net layer parses, fed to a
 * context (run it under the sanitizers). Nothing may crash, leak or be
 * delivered as anything but what the checksums allow.
 */
#include "nettest.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static void on_rx(struct rts_ctx *ctx, void *user,
		  const struct rts_endpoint *from,
		  const struct rts_endpoint *to, struct rts_pkt *p,
		  uint32_t off, uint32_t len)
{
	(void)user, (void)from, (void)to;
	if (off + len > p->pkt_len)
		abort(); /* the callback contract */
	rts_pkt_free(ctx, p);
}

/* A valid frame of kind @k into @f; returns its length. */
static size_t template(uint8_t *f, unsigned k)
{
	struct rts_mac us = mac_us(), peer = mac_peer(), bc = rts_mac_broadcast(),
		       zero = { { 0 } };
	struct rts_ip a = ip_us(), b = ip_peer();
	uint8_t data[1200], m[64] = { 3, 4, 0, 0, 0, 0, 0x05, 0x00 };

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)rnd();
	switch (k % 6) {
	case 0:
		return tb_frame_arp(f, &bc, 1, &peer, &b, &zero, &a);
	case 1:
		return tb_frame_udp(f, &us, &peer, &b, &a, 1, 7, data, rnd() % 1200);
	case 2:
		return tb_frame_icmp_echo(f, &us, &peer, &b, &a, 8, 1, 1, data,
					  rnd() % 1200);
	case 3: /* a fragment */
		return tb_frame_ip(f, &us, &peer, &b, &a, 17, data,
				   8 * (1 + rnd() % 100), (uint16_t)(rnd() % 4),
				   (uint16_t)((rnd() & 0x2000) | (rnd() % 64)));
	case 4: /* an ICMP error quoting us */
		tb_ipv4(m + 8, &a, &b, (rnd() & 1) ? 6 : 17, 1480, 1, 0x4000, 64);
		memcpy(m + 28, data, 8);
		return tb_frame_ip(f, &us, &peer, &b, &a, 1, m, 36, 1, 0);
	default:
		return tb_frame_ip(f, &us, &peer, &b, &a, 6, data, 20 + rnd() % 100,
				   1, 0x4000);
	}
}

RTS_TEST(mutated_frames)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = ctx_us(be, 0);
	struct rts_endpoint e = { .ip = rts_ip4(0, 0, 0, 0), .port = 7 };
	uint8_t f[1600];
	uint64_t now = 0;

	struct rts_udp_bind *b = rts_udp_bind(ctx, &e, on_rx, NULL, NULL);

	RTS_REQUIRE(b != NULL);
	learn_peer(ctx);
	for (int i = 0; i < 30000; i++) {
		size_t n = template(f, rnd());
		unsigned flips = rnd() % 4;

		for (unsigned j = 0; j < flips; j++)
			f[rnd() % n] ^= (uint8_t)(1u << (rnd() % 8));
		if (rnd() % 8 == 0)
			n = rnd() % (n + 1); /* truncated */
		if (rnd() % 4 == 0) { /* fixed checksums, broken fields */
			testbe_set_rx_flags(be, RTS_PKT_RX_IP_CSUM_GOOD |
							RTS_PKT_RX_L4_CSUM_GOOD);
		} else {
			testbe_set_rx_flags(be, 0);
		}
		if (rnd() % 3 == 0) {
			struct rts_pkt *p = testbe_pkt_segs(be, f, n ? n : 1,
							    1 + rnd() % 200);

			p->pkt_len = (uint32_t)(n ? n : 1);
			testbe_inject_pkt(be, ctx, p, now);
		} else {
			testbe_inject(be, ctx, f, n, now);
		}
		now += rnd() % (50 * MS);
		testbe_drain(be);
	}
	RTS_NOTE("rx %llu ip4 %llu udp %llu reass_ok %llu overlap %llu",
		 (unsigned long long)cnt(ctx)->eth_rx_frames,
		 (unsigned long long)cnt(ctx)->ip4_rx,
		 (unsigned long long)cnt(ctx)->udp_rx,
		 (unsigned long long)cnt(ctx)->ip4_reass_ok,
		 (unsigned long long)cnt(ctx)->ip4_reass_overlap);
	RTS_CHECK(cnt(ctx)->eth_rx_frames == 30000);
	RTS_CHECK(cnt(ctx)->udp_rx > 0);
	testbe_ctx_free(ctx, now);
	testbe_delete(be);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

int main(void)
{
	return rts_test_main();
}
