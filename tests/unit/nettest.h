/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared bits of the net layer's conversation tests. */
#ifndef RTS_NETTEST_H
#define RTS_NETTEST_H

#include "core/internal.h"
#include "net/net.h"
#include "rts_test.h"
#include "testbe.h"

#define MS 1000000ull
#define SEC 1000000000ull

/* Us (ctx) 198.18.0.1, MAC ..:01; the peer 198.18.0.2, MAC ..:02. */
static inline struct rts_ip ip_us(void) { return rts_ip4(198, 18, 0, 1); }
static inline struct rts_ip ip_peer(void) { return rts_ip4(198, 18, 0, 2); }
static inline struct rts_mac mac_us(void) { return testbe_mac(1); }
static inline struct rts_mac mac_peer(void) { return testbe_mac(2); }

static inline const struct rts_counters *cnt(struct rts_ctx *ctx)
{
	return rts_ctx_counters(ctx);
}

/* Big-endian reads of captured frames. */
static inline unsigned be16(const uint8_t *b)
{
	return (unsigned)(b[0] << 8 | b[1]);
}

/* Make the peer known (REACHABLE) so output needs no ARP. */
static inline void learn_peer(struct rts_ctx *ctx)
{
	struct rts_ip ip = ip_peer();
	struct rts_mac mac = mac_peer();

	rts_neigh_learn(ctx, &ip, &mac, ctx->now_ns);
}

/* A context for 198.18.0.1/24 with the gratuitous ARP already drained. */
static inline struct rts_ctx *ctx_us(struct testbe *be, uint32_t caps)
{
	struct rts_ctx *ctx = testbe_ctx(be, "198.18.0.1/24", 1, caps, 0);

	testbe_drain(be);
	return ctx;
}

/* Inject an ARP reply from the peer addressed to us. */
static inline void inject_arp_reply(struct testbe *be, struct rts_ctx *ctx,
				    const struct rts_mac *mac, uint64_t now)
{
	uint8_t f[64];
	struct rts_mac us = mac_us();
	struct rts_ip a = ip_peer(), b = ip_us();
	size_t n = tb_frame_arp(f, &us, 2, mac, &a, &us, &b);

	testbe_inject(be, ctx, f, n, now);
}

/* A packet with @len payload bytes (value @mark) ready for rts_ip_output. */
static inline struct rts_pkt *l4_pkt(struct rts_ctx *ctx, uint32_t len,
				     uint8_t mark)
{
	struct rts_pkt *p = rts_pkt_alloc(ctx);
	uint8_t *d = rts_pkt_append(p, len);

	memset(d, mark, len);
	return p;
}

/* Two contexts wired back to back: pass frames both ways until quiet. */
struct pair {
	struct testbe *ba, *bb;
	struct rts_ctx *a, *b;
};

static inline void pair_open(struct pair *pr, uint32_t caps_a, uint32_t caps_b)
{
	pr->ba = testbe_new();
	pr->bb = testbe_new();
	pr->a = testbe_ctx(pr->ba, "198.18.0.1/24", 1, caps_a, 0);
	pr->b = testbe_ctx(pr->bb, "198.18.0.2/24", 2, caps_b, 0);
	testbe_drain(pr->ba);
	testbe_drain(pr->bb);
}

static inline size_t pair_pump(struct pair *pr, uint64_t now)
{
	size_t total = 0, n;

	rts_flush(pr->a);
	rts_flush(pr->b);
	for (int i = 0; i < 1000; i++) {
		n = testbe_forward(pr->ba, pr->bb, pr->b, now);
		n += testbe_forward(pr->bb, pr->ba, pr->a, now);
		total += n;
		if (n == 0)
			break;
	}
	return total;
}

static inline void pair_close(struct pair *pr)
{
	testbe_ctx_free(pr->a, 0);
	testbe_ctx_free(pr->b, 0);
	testbe_delete(pr->ba);
	testbe_delete(pr->bb);
}

#endif
