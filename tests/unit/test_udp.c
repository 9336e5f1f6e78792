/* SPDX-License-Identifier: BSD-3-Clause */
/* UDP: binding rules, receive and checksums, send (copy and zero-copy,
 * software and offload), echo between contexts, port unreachable. */
#include "nettest.h"

#include <stdlib.h>

static int rx_count;
static uint32_t rx_len;
static uint8_t rx_data[70000];
static struct rts_endpoint rx_from, rx_to;
static void *rx_user;

static void on_rx(struct rts_ctx *ctx, void *user,
		  const struct rts_endpoint *from,
		  const struct rts_endpoint *to, struct rts_pkt *p,
		  uint32_t off, uint32_t len)
{
	uint8_t *tmp = malloc(p->pkt_len);

	rx_count++;
	rx_len = len;
	rx_from = *from;
	rx_to = *to;
	rx_user = user;
	testbe_flatten(p, tmp, p->pkt_len);
	memcpy(rx_data, tmp + off, len);
	free(tmp);
	rts_pkt_free(ctx, p);
}

/* Echo with zero copy: the received buffer goes back out. */
static void on_echo(struct rts_ctx *ctx, void *user,
		    const struct rts_endpoint *from,
		    const struct rts_endpoint *to, struct rts_pkt *p,
		    uint32_t off, uint32_t len)
{
	(void)user, (void)len;
	rts_pkt_adj(p, off);
	if (rts_udp_sendto_pkt(ctx, to->port, from, p) < 0)
		rts_pkt_free(ctx, p);
}

static struct rts_endpoint ep(struct rts_ip ip, uint16_t port)
{
	struct rts_endpoint e = { .ip = ip, .port = port };
	return e;
}

static const struct rts_ip ANY4 = { .u8 = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff } };
static const struct rts_ip ANY = { .u8 = { 0 } };

RTS_TEST(bind_rules)
{
	struct testbe *be = testbe_new();
	struct rts_config cfg;
	struct rts_ctx *ctx;
	struct rts_endpoint e;
	struct rts_udp_bind *b1, *b2, *b3;
	int err = 0;

	testbe_config(&cfg, "198.18.0.1/24", 1, 0);
	cfg.max_udp_binds = 3;
	ctx = testbe_ctx_cfg(be, &cfg, 0);
	e = ep(ANY4, 0);
	RTS_CHECK(rts_udp_bind(ctx, &e, on_rx, NULL, &err) == NULL);
	RTS_CHECK_EQ(err, RTS_EINVAL);
	e = ep(rts_ip4(198, 18, 0, 9), 53);
	RTS_CHECK(rts_udp_bind(ctx, &e, on_rx, NULL, &err) == NULL);
	RTS_CHECK_EQ(err, RTS_EADDRNOTAVAIL);
	e = ep(ANY4, 53);
	b1 = rts_udp_bind(ctx, &e, on_rx, NULL, &err);
	RTS_CHECK(b1 != NULL && err == 0);
	RTS_CHECK(rts_udp_bind(ctx, &e, on_rx, NULL, &err) == NULL);
	RTS_CHECK_EQ(err, RTS_EADDRINUSE);
	e = ep(ANY, 53); /* dual-stack wildcard overlaps the IPv4 one */
	RTS_CHECK(rts_udp_bind(ctx, &e, on_rx, NULL, &err) == NULL);
	RTS_CHECK_EQ(err, RTS_EADDRINUSE);
	e = ep(ip_us(), 53); /* a specific address beside the wildcard */
	b2 = rts_udp_bind(ctx, &e, on_rx, NULL, &err);
	RTS_CHECK(b2 != NULL);
	RTS_CHECK(rts_udp_bind(ctx, &e, on_rx, NULL, &err) == NULL);
	RTS_CHECK_EQ(err, RTS_EADDRINUSE);
	e = ep(ANY, 54);
	b3 = rts_udp_bind(ctx, &e, on_rx, NULL, &err);
	RTS_CHECK(b3 != NULL);
	e = ep(ANY, 55);
	RTS_CHECK(rts_udp_bind(ctx, &e, on_rx, NULL, &err) == NULL);
	RTS_CHECK_EQ(err, RTS_ENOSPC);
	rts_udp_unbind(b3);
	RTS_CHECK(rts_udp_bind(ctx, &e, on_rx, NULL, &err) != NULL);
	rts_udp_unbind(b1);
	e = ep(ANY4, 53);
	RTS_CHECK(rts_udp_bind(ctx, &e, on_rx, NULL, &err) != NULL);
	e = ep(ANY4, 56);
	RTS_CHECK(rts_udp_bind(ctx, &e, on_rx, NULL, &err) == NULL); /* full */
	RTS_CHECK_EQ(err, RTS_ENOSPC);
	rts_udp_unbind(b2);
	rts_udp_unbind(b2); /* twice is harmless */
	RTS_CHECK(rts_udp_bind(ctx, &e, on_rx, NULL, &err) != NULL);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

static size_t frame_to(uint8_t *f, uint16_t dport, const void *d, size_t n)
{
	struct rts_mac us = mac_us(), peer = mac_peer();
	struct rts_ip a = ip_us(), b = ip_peer();

	return tb_frame_udp(f, &us, &peer, &b, &a, 4444, dport, d, n);
}

RTS_TEST(receive_checksums_and_demux)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = ctx_us(be, 0);
	struct rts_endpoint e;
	uint8_t f[256];
	size_t n;
	int spec = 1, wild = 2;

	e = ep(ANY, 9);
	rts_udp_bind(ctx, &e, on_rx, &wild, NULL);
	e = ep(ip_us(), 9);
	rts_udp_bind(ctx, &e, on_rx, &spec, NULL);
	n = frame_to(f, 9, "datagram", 8);
	testbe_inject(be, ctx, f, n, 0);
	RTS_REQUIRE(rx_count == 1);
	RTS_CHECK_EQ(rx_len, 8);
	RTS_CHECK(memcmp(rx_data, "datagram", 8) == 0);
	RTS_CHECK(rx_user == &spec); /* the specific binding wins */
	RTS_CHECK_EQ(rx_from.port, 4444);
	RTS_CHECK(rts_ip_eq(&rx_from.ip, &(struct rts_ip){ .u8 = { [10] = 0xff, [11] = 0xff, 198, 18, 0, 2 } }));
	RTS_CHECK_EQ(rx_to.port, 9);
	/* broadcast goes to the wildcard */
	{
		struct rts_mac bc = rts_mac_broadcast(), peer = mac_peer();
		struct rts_ip src = ip_peer(), dst = rts_ip4(198, 18, 0, 255);

		n = tb_frame_udp(f, &bc, &peer, &src, &dst, 4444, 9, "b", 1);
		testbe_inject(be, ctx, f, n, 0);
		RTS_CHECK_EQ(rx_count, 2);
		RTS_CHECK(rx_user == &wild);
	}
	/* a corrupted payload */
	n = frame_to(f, 9, "datagram", 8);
	f[n - 1] ^= 1;
	testbe_inject(be, ctx, f, n, 0);
	RTS_CHECK_EQ(cnt(ctx)->udp_rx_bad_csum, 1);
	RTS_CHECK_EQ(rx_count, 2);
	/* ... accepted when the device vouches for it (it's lying here) */
	testbe_set_rx_flags(be, RTS_PKT_RX_L4_CSUM_GOOD);
	testbe_inject(be, ctx, f, n, 0);
	RTS_CHECK_EQ(rx_count, 3);
	testbe_set_rx_flags(be, 0);
	/* zero: no checksum, allowed over IPv4 */
	n = frame_to(f, 9, "datagram", 8);
	f[n - 8 - 2] = f[n - 8 - 1] = 0;
	f[n - 1] ^= 1;
	testbe_inject(be, ctx, f, n, 0);
	RTS_CHECK_EQ(rx_count, 4);
	/* UDP length beyond the IP payload */
	n = frame_to(f, 9, "datagram", 8);
	f[14 + 20 + 5] = 17;
	testbe_inject(be, ctx, f, n, 0);
	RTS_CHECK_EQ(cnt(ctx)->udp_rx_malformed, 1);
	RTS_CHECK_EQ(cnt(ctx)->udp_rx, 6);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(port_unreachable_rate_limited)
{
	struct testbe *be = testbe_new();
	struct rts_config cfg;
	struct rts_ctx *ctx;
	uint8_t f[256], got[256];
	size_t n, gn;

	testbe_config(&cfg, "198.18.0.1/24", 1, 0);
	cfg.icmp_rate_per_s = 5;
	ctx = testbe_ctx_cfg(be, &cfg, 0);
	testbe_drain(be);
	learn_peer(ctx);
	n = frame_to(f, 999, "closed port", 11);
	testbe_inject(be, ctx, f, n, 1 * MS);
	RTS_CHECK_EQ(cnt(ctx)->udp_rx_no_port, 1);
	RTS_REQUIRE(testbe_tx_count(be) == 1);
	gn = testbe_pop_bytes(be, got, sizeof(got));
	RTS_CHECK_EQ(gn, 14 + 20 + 8 + (n - 14));
	RTS_CHECK(memcmp(got, f + 6, 6) == 0);       /* back to the peer */
	RTS_CHECK_EQ(got[23], 1);
	RTS_CHECK(memcmp(got + 26, f + 30, 4) == 0); /* from the address hit */
	RTS_CHECK_EQ(got[34], 3);
	RTS_CHECK_EQ(got[35], 3);
	RTS_CHECK_EQ(tb_csum(got + 34, gn - 34, 0), 0);
	RTS_CHECK(memcmp(got + 42, f + 14, n - 14) == 0); /* the quote */
	RTS_CHECK_EQ(cnt(ctx)->icmp_tx_unreach, 1);
	/* the bucket holds 5: four more, then silence */
	for (int i = 0; i < 9; i++)
		testbe_inject(be, ctx, f, n, 2 * MS);
	RTS_CHECK_EQ(testbe_drain(be), 4);
	RTS_CHECK_EQ(cnt(ctx)->icmp_tx_rate_limited, 5);
	/* 5 per second come back */
	for (int i = 0; i < 10; i++)
		testbe_inject(be, ctx, f, n, 1002 * MS + 1 * MS);
	RTS_CHECK_EQ(testbe_drain(be), 5);
	/* never about broadcasts */
	{
		struct rts_mac bc = rts_mac_broadcast(), peer = mac_peer();
		struct rts_ip src = ip_peer(), dst = rts_ip4(255, 255, 255, 255);

		n = tb_frame_udp(f, &bc, &peer, &src, &dst, 4444, 999, "b", 1);
		testbe_inject(be, ctx, f, n, 10 * SEC);
		RTS_CHECK_EQ(testbe_drain(be), 0);
	}
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(sendto_exact_frame)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = ctx_us(be, 0);
	struct rts_endpoint dst = ep(ip_peer(), 7);
	struct rts_ip a = ip_us(), b = ip_peer();
	uint8_t got[256], want[64];
	size_t n, wn;

	learn_peer(ctx);
	RTS_CHECK_EQ(rts_udp_sendto(ctx, 4000, &dst, "hello", 5), 5);
	rts_flush(ctx);
	n = testbe_pop_bytes(be, got, sizeof(got));
	RTS_REQUIRE(n == 14 + 20 + 13);
	RTS_CHECK_EQ(got[5], 2);
	RTS_CHECK_EQ(be16(got + 16), 33);
	RTS_CHECK_EQ(be16(got + 20), 0); /* DF clear: may be fragmented */
	RTS_CHECK_EQ(got[23], 17);
	RTS_CHECK_EQ(tb_csum(got + 14, 20, 0), 0);
	wn = tb_udp(want, &a, &b, 4000, 7, "hello", 5);
	RTS_CHECK_EQ(wn, 13);
	RTS_CHECK(memcmp(got + 34, want, wn) == 0);
	RTS_CHECK_EQ(cnt(ctx)->udp_tx, 1);
	/* errors leave nothing behind */
	dst.port = 0;
	RTS_CHECK_EQ(rts_udp_sendto(ctx, 4000, &dst, "x", 1), RTS_EINVAL);
	dst = ep(rts_ip4(203, 0, 113, 1), 7);
	RTS_CHECK_EQ(rts_udp_sendto(ctx, 4000, &dst, "x", 1), RTS_ENETUNREACH);
	dst = ep(ip_peer(), 7);
	RTS_CHECK_EQ(rts_udp_sendto(ctx, 4000, &dst, got, 65508), RTS_EMSGSIZE);
	RTS_CHECK_EQ(cnt(ctx)->udp_tx_too_big, 1);
	testbe_fail_alloc_after(be, 0);
	RTS_CHECK_EQ(rts_udp_sendto(ctx, 4000, &dst, "x", 1), RTS_ENOBUFS);
	testbe_fail_alloc_after(be, -1);
	RTS_CHECK_EQ(testbe_tx_count(be), 0);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(sendto_with_offload_marks)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = ctx_us(be, RTS_CAP_TX_L4_CSUM | RTS_CAP_TX_IP_CSUM);
	struct rts_endpoint dst = ep(ip_peer(), 7);
	struct rts_pkt *p;
	uint32_t pseudo;

	learn_peer(ctx);
	rts_udp_sendto(ctx, 4000, &dst, "hello", 5);
	rts_flush(ctx);
	p = testbe_pop(be);
	RTS_REQUIRE(p != NULL);
	RTS_CHECK(p->ol_flags & RTS_PKT_TX_UDP_CSUM);
	RTS_CHECK(p->ol_flags & RTS_PKT_TX_IPV4);
	RTS_CHECK(p->ol_flags & RTS_PKT_TX_IP_CSUM);
	RTS_CHECK_EQ(p->l2_len, 14);
	RTS_CHECK_EQ(p->l3_len, 20);
	RTS_CHECK_EQ(p->l4_len, 8);
	/* DPDK's convention: the pseudo-header sum, not complemented */
	pseudo = 0xc612 + 0x0001 + 0xc612 + 0x0002 + 17 + 13;
	while (pseudo >> 16)
		pseudo = (pseudo & 0xffff) + (pseudo >> 16);
	RTS_CHECK_EQ(be16(p->data + 34 + 6), pseudo);
	testbe_free_pkt(p);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(sendto_pkt_headroom_and_chained_header)
{
	struct testbe *be = testbe_new();
	struct rts_ctx *ctx = ctx_us(be, 0);
	struct rts_endpoint dst = ep(ip_peer(), 7);
	struct rts_pkt *p;
	uint8_t got[256];
	size_t n;

	learn_peer(ctx);
	/* payload with room in front: headers go in place */
	p = rts_pkt_alloc(ctx);
	memcpy(rts_pkt_append(p, 4), "abcd", 4);
	RTS_CHECK_EQ(rts_udp_sendto_pkt(ctx, 4000, &dst, p), 4);
	rts_flush(ctx);
	p = testbe_pop(be);
	RTS_REQUIRE(p != NULL);
	RTS_CHECK(p->next == NULL);
	n = testbe_flatten(p, got, sizeof(got));
	testbe_free_pkt(p);
	RTS_CHECK_EQ(n, 14 + 20 + 12);
	RTS_CHECK_EQ(tb_csum(got + 34, 12, 0xc612 + 1 + 0xc612 + 2 + 17 + 12), 0);
	/* no headroom, no multi-segment TX: copied into one buffer */
	p = rts_pkt_alloc(ctx);
	p->data = p->buf;
	memcpy(rts_pkt_append(p, 4), "klmn", 4);
	RTS_CHECK_EQ(rts_udp_sendto_pkt(ctx, 4000, &dst, p), 4);
	rts_flush(ctx);
	p = testbe_pop(be);
	RTS_REQUIRE(p != NULL);
	RTS_CHECK(p->next == NULL);
	n = testbe_flatten(p, got, sizeof(got));
	testbe_free_pkt(p);
	RTS_CHECK_EQ(n, 14 + 20 + 12);
	RTS_CHECK(memcmp(got + 42, "klmn", 4) == 0);
	RTS_CHECK_EQ(tb_csum(got + 34, 12, 0xc612 + 1 + 0xc612 + 2 + 17 + 12), 0);
	testbe_ctx_free(ctx, 0);
	/* with multi-segment TX: a header buffer is chained in front */
	ctx = ctx_us(be, RTS_CAP_MULTI_SEG);
	learn_peer(ctx);
	p = rts_pkt_alloc(ctx);
	p->data = p->buf;
	memcpy(rts_pkt_append(p, 4), "wxyz", 4);
	RTS_CHECK_EQ(rts_udp_sendto_pkt(ctx, 4000, &dst, p), 4);
	rts_flush(ctx);
	p = testbe_pop(be);
	RTS_REQUIRE(p != NULL);
	RTS_CHECK(p->next != NULL);
	RTS_CHECK_EQ(p->pkt_len, 14 + 20 + 12);
	n = testbe_flatten(p, got, sizeof(got));
	testbe_free_pkt(p);
	RTS_CHECK(memcmp(got + 42, "wxyz", 4) == 0);
	RTS_CHECK_EQ(tb_csum(got + 14, 20, 0), 0);
	RTS_CHECK_EQ(tb_csum(got + 34, 12, 0xc612 + 1 + 0xc612 + 2 + 17 + 12), 0);
	testbe_ctx_free(ctx, 0);
	testbe_delete(be);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

static void echo_between(uint32_t caps, uint32_t len)
{
	struct pair pr;
	struct rts_endpoint e7 = ep(ANY, 7), e4000 = ep(ANY4, 4000), dst;
	uint8_t *data = malloc(len);

	pair_open(&pr, caps, caps);
	/* (RTS_REQUIRE evaluates its condition twice: no side effects in it) */
	struct rts_udp_bind *b7 = rts_udp_bind(pr.b, &e7, on_echo, NULL, NULL);
	struct rts_udp_bind *b4000 = rts_udp_bind(pr.a, &e4000, on_rx, NULL, NULL);

	RTS_REQUIRE(b7 != NULL && b4000 != NULL);
	for (uint32_t i = 0; i < len; i++)
		data[i] = (uint8_t)(i * 13 + 1);
	rx_count = 0;
	dst = ep(ip_peer(), 7);
	RTS_CHECK_EQ(rts_udp_sendto(pr.a, 4000, &dst, data, len), (int)len);
	pair_pump(&pr, 1 * MS);
	RTS_CHECK_EQ(rx_count, 1);
	RTS_CHECK_EQ(rx_len, len);
	RTS_CHECK(memcmp(rx_data, data, len) == 0);
	RTS_CHECK_EQ(rx_from.port, 7);
	RTS_CHECK_EQ(cnt(pr.b)->udp_rx_bad_csum + cnt(pr.a)->udp_rx_bad_csum, 0);
	RTS_NOTE("frags a %llu b %llu pending drops %llu", (unsigned long long)cnt(pr.a)->ip4_tx_frags, (unsigned long long)cnt(pr.b)->ip4_tx_frags, (unsigned long long)cnt(pr.a)->neigh_pending_drop);
	free(data);
	pair_close(&pr);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(echo_between_contexts)
{
	echo_between(0, 100);
}

RTS_TEST(echo_large_datagram_fragmented_both_ways)
{
	echo_between(0, 20000);
}

RTS_TEST(echo_with_checksum_offload)
{
	echo_between(RTS_CAP_TX_L4_CSUM | RTS_CAP_TX_IP_CSUM, 300);
}

RTS_TEST(echo_large_with_offload_caps_falls_back_to_software)
{
	echo_between(RTS_CAP_TX_L4_CSUM | RTS_CAP_TX_IP_CSUM, 5000);
}

int main(void)
{
	return rts_test_main();
}
