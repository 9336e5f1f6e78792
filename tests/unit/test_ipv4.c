/* SPDX-License-Identifier: BSD-3-Clause */
/* IPv4: receive validation (a counter per reason), address filtering,
 * output format and offload marks, fragmentation and reassembly. */
#include "nettest.h"

static int rx_count;
static uint32_t rx_len;
static uint8_t rx_data[70000];
static struct rts_endpoint rx_to;

static void on_udp(struct rts_ctx *ctx, void *user,
		   const struct rts_endpoint *from,
		   const struct rts_endpoint *to, struct rts_pkt *p,
		   uint32_t off, uint32_t len)
{
	uint8_t *tmp = malloc(p->pkt_len);

	(void)user, (void)from;
	rx_count++;
	rx_len = len;
	rx_to = *to;
	testbe_flatten(p, tmp, p->pkt_len);
	memcpy(rx_data, tmp + off, len);
	free(tmp);
	rts_pkt_free(ctx, p);
}

struct fixture {
	struct testbe *be;
	struct rts_ctx *ctx;
	struct rts_udp_bind *b;
};

static void setup_cfg(struct fixture *fx, struct rts_config *cfg)
{
	struct rts_endpoint ep = { .ip = rts_ip4(0, 0, 0, 0), .port = 7 };

	fx->be = testbe_new();
	fx->ctx = testbe_ctx_cfg(fx->be, cfg, 0);
	testbe_drain(fx->be);
	fx->b = rts_udp_bind(fx->ctx, &ep, on_udp, NULL, NULL);
	rx_count = 0;
	rx_len = 0;
}

static void setup(struct fixture *fx)
{
	struct rts_config cfg;

	testbe_config(&cfg, "198.18.0.1/24", 1, 0);
	setup_cfg(fx, &cfg);
}

static void teardown(struct fixture *fx)
{
	testbe_drain(fx->be);
	testbe_ctx_free(fx->ctx, 0);
	testbe_delete(fx->be);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* A valid UDP frame from the peer to @dst port 7 with @len payload bytes. */
static size_t udp_frame(uint8_t *f, struct rts_ip dst, size_t len)
{
	struct rts_mac us = mac_us(), peer = mac_peer();
	struct rts_ip src = ip_peer();
	uint8_t data[2000];

	for (size_t i = 0; i < len; i++)
		data[i] = (uint8_t)i;
	return tb_frame_udp(f, &us, &peer, &src, &dst, 5555, 7, data, len);
}

/* Recompute the IPv4 header checksum after a test edited the header. */
static void fix_ip_csum(uint8_t *f)
{
	unsigned hl = (f[14] & 0xf) * 4;
	uint16_t c;

	f[24] = f[25] = 0;
	c = tb_csum(f + 14, hl, 0);
	f[24] = (uint8_t)(c >> 8);
	f[25] = (uint8_t)c;
}

RTS_TEST(valid_datagram_delivered_padding_trimmed)
{
	struct fixture fx;
	uint8_t f[128] = { 0 };

	setup(&fx);
	udp_frame(f, ip_us(), 4); /* 46 bytes: the NIC pads to 60 */
	testbe_inject(fx.be, fx.ctx, f, 60, 1 * MS);
	RTS_CHECK_EQ(rx_count, 1);
	RTS_CHECK_EQ(rx_len, 4);
	RTS_CHECK_EQ(cnt(fx.ctx)->ip4_rx, 1);
	RTS_CHECK_EQ(cnt(fx.ctx)->udp_rx, 1);
	teardown(&fx);
}

RTS_TEST(each_validation_failure_has_its_counter)
{
	struct fixture fx;
	uint8_t f[128], t[128];
	size_t n;

	setup(&fx);
	n = udp_frame(f, ip_us(), 10);
	testbe_inject(fx.be, fx.ctx, f, 14 + 19, 0);
	RTS_CHECK_EQ(cnt(fx.ctx)->ip4_rx_too_short, 1);
	memcpy(t, f, n), t[14] = 0x65, fix_ip_csum(t);
	testbe_inject(fx.be, fx.ctx, t, n, 0);
	RTS_CHECK_EQ(cnt(fx.ctx)->ip4_rx_bad_version, 1);
	memcpy(t, f, n), t[14] = 0x44;
	testbe_inject(fx.be, fx.ctx, t, n, 0);
	RTS_CHECK_EQ(cnt(fx.ctx)->ip4_rx_bad_ihl, 1);
	testbe_inject(fx.be, fx.ctx, f, n - 1, 0); /* total length > frame */
	RTS_CHECK_EQ(cnt(fx.ctx)->ip4_rx_bad_len, 1);
	memcpy(t, f, n), t[16] = 0, t[17] = 16, fix_ip_csum(t);
	testbe_inject(fx.be, fx.ctx, t, n, 0); /* total length < header */
	RTS_CHECK_EQ(cnt(fx.ctx)->ip4_rx_bad_len, 2);
	memcpy(t, f, n), t[22] ^= 0x10;
	testbe_inject(fx.be, fx.ctx, t, n, 0);
	RTS_CHECK_EQ(cnt(fx.ctx)->ip4_rx_bad_csum, 1);
	RTS_CHECK_EQ(rx_count, 0);
	/* the device's verdict is honoured both ways */
	testbe_set_rx_flags(fx.be, RTS_PKT_RX_IP_CSUM_GOOD);
	testbe_inject(fx.be, fx.ctx, t, n, 0);
	RTS_CHECK_EQ(rx_count, 1);
	testbe_set_rx_flags(fx.be, RTS_PKT_RX_IP_CSUM_BAD);
	testbe_inject(fx.be, fx.ctx, f, n, 0);
	RTS_CHECK_EQ(cnt(fx.ctx)->ip4_rx_bad_csum, 2);
	RTS_CHECK_EQ(rx_count, 1);
	testbe_set_rx_flags(fx.be, 0);
	/* frames shorter than an Ethernet header */
	testbe_inject(fx.be, fx.ctx, f, 10, 0);
	RTS_CHECK_EQ(cnt(fx.ctx)->eth_rx_too_short, 1);
	teardown(&fx);
}

RTS_TEST(address_filtering)
{
	struct fixture fx;
	uint8_t f[128];
	size_t n;

	setup(&fx);
	n = udp_frame(f, rts_ip4(198, 18, 0, 9), 4);
	testbe_inject(fx.be, fx.ctx, f, n, 0);
	RTS_CHECK_EQ(cnt(fx.ctx)->ip4_rx_not_for_us, 1);
	n = udp_frame(f, rts_ip4(224, 0, 0, 9), 4);
	testbe_inject(fx.be, fx.ctx, f, n, 0);
	RTS_CHECK_EQ(cnt(fx.ctx)->ip4_rx_not_for_us, 2);
	RTS_CHECK_EQ(rx_count, 0);
	/* limited and subnet-directed broadcast are ours */
	n = udp_frame(f, rts_ip4(255, 255, 255, 255), 4);
	testbe_inject(fx.be, fx.ctx, f, n, 0);
	n = udp_frame(f, rts_ip4(198, 18, 0, 255), 4);
	testbe_inject(fx.be, fx.ctx, f, n, 0);
	RTS_CHECK_EQ(rx_count, 2);
	/* martian sources */
	const uint8_t srcs[][4] = { { 255, 255, 255, 255 }, { 198, 18, 0, 255 },
				    { 224, 1, 1, 1 }, { 127, 0, 0, 1 } };
	for (size_t i = 0; i < 4; i++) {
		n = udp_frame(f, ip_us(), 4);
		memcpy(f + 26, srcs[i], 4);
		fix_ip_csum(f);
		testbe_inject(fx.be, fx.ctx, f, n, 0);
	}
	RTS_CHECK_EQ(cnt(fx.ctx)->ip4_rx_bad_src, 4);
	RTS_CHECK_EQ(rx_count, 2);
	/* MAC filter: unicast to another station; unknown multicast */
	n = udp_frame(f, ip_us(), 4);
	f[5] = 0x77;
	testbe_inject(fx.be, fx.ctx, f, n, 0);
	f[0] = 0x01, f[1] = 0x80, f[2] = 0xc2;
	testbe_inject(fx.be, fx.ctx, f, n, 0);
	RTS_CHECK_EQ(cnt(fx.ctx)->eth_rx_not_for_us, 2);
	teardown(&fx);
}

RTS_TEST(ethertype_demux)
{
	struct fixture fx;
	uint8_t f[128];
	size_t n;

	setup(&fx);
	n = udp_frame(f, ip_us(), 4);
	f[12] = 0x81, f[13] = 0x00;
	testbe_inject(fx.be, fx.ctx, f, n, 0);
	RTS_CHECK_EQ(cnt(fx.ctx)->eth_rx_vlan, 1);
	f[12] = 0x88, f[13] = 0xb5;
	testbe_inject(fx.be, fx.ctx, f, n, 0);
	RTS_CHECK_EQ(cnt(fx.ctx)->eth_rx_unknown_type, 1);
	f[12] = 0x86, f[13] = 0xdd;
	testbe_inject(fx.be, fx.ctx, f, n, 0);
	RTS_CHECK_EQ(cnt(fx.ctx)->ip6_rx, 1); /* handed to the IPv6 layer */
	RTS_CHECK_EQ(cnt(fx.ctx)->eth_rx_frames, 3);
	teardown(&fx);
}

RTS_TEST(options_tcp_unknown_protocol)
{
	struct fixture fx;
	uint8_t f[160], l4[40] = { 0 };
	struct rts_mac us = mac_us(), peer = mac_peer();
	struct rts_ip a = ip_us(), b = ip_peer();
	size_t n;

	setup(&fx);
	learn_peer(fx.ctx);
	/* TCP goes up to the TCP layer */
	n = tb_frame_ip(f, &us, &peer, &b, &a, 6, l4, 20, 1, 0x4000);
	testbe_inject(fx.be, fx.ctx, f, n, 0);
	RTS_CHECK_EQ(cnt(fx.ctx)->tcp_rx, 1);
	/* the device says its checksum is bad: dropped and counted here */
	testbe_set_rx_flags(fx.be, RTS_PKT_RX_L4_CSUM_BAD);
	testbe_inject(fx.be, fx.ctx, f, n, 0);
	RTS_CHECK_EQ(cnt(fx.ctx)->tcp_rx_bad_csum, 1);
	RTS_CHECK_EQ(cnt(fx.ctx)->tcp_rx, 1);
	testbe_set_rx_flags(fx.be, 0);
	/* an unknown protocol: counted, protocol unreachable sent */
	testbe_drain(fx.be);
	n = tb_frame_ip(f, &us, &peer, &b, &a, 200, l4, 12, 1, 0);
	testbe_inject(fx.be, fx.ctx, f, n, 0);
	RTS_CHECK_EQ(cnt(fx.ctx)->ip4_rx_unknown_proto, 1);
	RTS_REQUIRE(testbe_tx_count(fx.be) == 1);
	n = testbe_pop_bytes(fx.be, f, sizeof(f));
	RTS_CHECK_EQ(f[23], 1);         /* ICMP */
	RTS_CHECK_EQ(f[34], 3);         /* destination unreachable */
	RTS_CHECK_EQ(f[35], 2);         /* protocol */
	RTS_CHECK_EQ(n, 14 + 20 + 8 + 20 + 12);
	/* options are skipped and counted */
	n = udp_frame(f, ip_us(), 4);
	memmove(f + 38, f + 34, n - 34);
	memset(f + 34, 1, 4); /* four NOPs */
	f[14] = 0x46;
	f[17] = (uint8_t)(f[17] + 4);
	fix_ip_csum(f);
	testbe_inject(fx.be, fx.ctx, f, n + 4, 0);
	RTS_CHECK_EQ(cnt(fx.ctx)->ip4_rx_options, 1);
	RTS_CHECK_EQ(rx_count, 1);
	teardown(&fx);
}

RTS_TEST(output_header_and_checksum)
{
	struct fixture fx;
	struct rts_ip a = ip_us(), b = ip_peer();
	uint8_t f[128];
	size_t n;

	setup(&fx);
	learn_peer(fx.ctx);
	RTS_CHECK_EQ(rts_ip_output(fx.ctx, l4_pkt(fx.ctx, 30, 0xab), &a, &b, 253, true), 0);
	rts_flush(fx.ctx);
	n = testbe_pop_bytes(fx.be, f, sizeof(f));
	RTS_REQUIRE(n == 14 + 20 + 30);
	RTS_CHECK_EQ(f[5], 2);
	RTS_CHECK_EQ(f[11], 1);
	RTS_CHECK_EQ(be16(f + 12), 0x0800);
	RTS_CHECK_EQ(f[14], 0x45);
	RTS_CHECK_EQ(be16(f + 16), 50);
	RTS_CHECK_EQ(be16(f + 20), 0x4000); /* DF, no offset */
	RTS_CHECK_EQ(f[22], 64);
	RTS_CHECK_EQ(f[23], 253);
	RTS_CHECK_EQ(tb_csum(f + 14, 20, 0), 0);
	RTS_CHECK(memcmp(f + 26, a.u8 + 12, 4) == 0);
	RTS_CHECK(memcmp(f + 30, b.u8 + 12, 4) == 0);
	RTS_CHECK_EQ(f[34], 0xab);
	RTS_CHECK_EQ(cnt(fx.ctx)->ip4_tx, 1);
	/* DF and too big: refused */
	RTS_CHECK_EQ(rts_ip_output(fx.ctx, l4_pkt(fx.ctx, 1481, 0), &a, &b, 253, true),
		     RTS_EMSGSIZE);
	RTS_CHECK_EQ(cnt(fx.ctx)->ip4_tx_too_big, 1);
	teardown(&fx);
}

RTS_TEST(output_with_checksum_offload)
{
	struct fixture fx;
	struct rts_config cfg;
	struct rts_ip a = ip_us(), b = ip_peer();
	struct rts_pkt *p;

	testbe_config(&cfg, "198.18.0.1/24", 1, RTS_CAP_TX_IP_CSUM);
	setup_cfg(&fx, &cfg);
	learn_peer(fx.ctx);
	rts_ip_output(fx.ctx, l4_pkt(fx.ctx, 30, 0), &a, &b, 253, false);
	rts_flush(fx.ctx);
	p = testbe_pop(fx.be);
	RTS_REQUIRE(p != NULL);
	RTS_CHECK(p->ol_flags & RTS_PKT_TX_IPV4);
	RTS_CHECK(p->ol_flags & RTS_PKT_TX_IP_CSUM);
	RTS_CHECK_EQ(p->l2_len, 14);
	RTS_CHECK_EQ(p->l3_len, 20);
	RTS_CHECK(p->data[24] == 0 && p->data[25] == 0); /* left to the NIC */
	testbe_free_pkt(p);
	teardown(&fx);
}

/* --------------------------------------------------------- reassembly */
#define BIG 3000

/* Fragment @i of a BIG-byte UDP datagram (id 77), 1480 bytes each. */
static size_t frag(uint8_t *f, const uint8_t *dgram, size_t dlen, size_t off,
		   size_t len, bool mf, uint16_t id)
{
	struct rts_mac us = mac_us(), peer = mac_peer();
	struct rts_ip a = ip_us(), b = ip_peer();

	(void)dlen;
	return tb_frame_ip(f, &us, &peer, &b, &a, 17, dgram + off, len, id,
			   (uint16_t)((mf ? 0x2000 : 0) | (off / 8)));
}

static size_t big_dgram(uint8_t *d)
{
	struct rts_ip a = ip_us(), b = ip_peer();
	uint8_t data[BIG];

	for (int i = 0; i < BIG; i++)
		data[i] = (uint8_t)(i * 7);
	return tb_udp(d, &b, &a, 5555, 7, data, BIG);
}

static bool big_ok(void)
{
	if (rx_len != BIG)
		return false;
	for (int i = 0; i < BIG; i++)
		if (rx_data[i] != (uint8_t)(i * 7))
			return false;
	return true;
}

RTS_TEST(reassembly_in_order_and_out_of_order)
{
	struct fixture fx;
	uint8_t d[BIG + 8], f[1600];
	size_t dl, n;

	setup(&fx);
	dl = big_dgram(d);
	n = frag(f, d, dl, 0, 1480, true, 77);
	testbe_inject(fx.be, fx.ctx, f, n, 0);
	n = frag(f, d, dl, 1480, 1480, true, 77);
	testbe_inject(fx.be, fx.ctx, f, n, 0);
	RTS_CHECK_EQ(rx_count, 0);
	n = frag(f, d, dl, 2960, dl - 2960, false, 77);
	testbe_inject(fx.be, fx.ctx, f, n, 0);
	RTS_CHECK_EQ(rx_count, 1);
	RTS_CHECK(big_ok());
	RTS_CHECK_EQ(cnt(fx.ctx)->ip4_reass_ok, 1);
	RTS_CHECK_EQ(cnt(fx.ctx)->ip4_rx_frags, 3);
	/* last first, then the middle, then the first */
	n = frag(f, d, dl, 2960, dl - 2960, false, 78);
	testbe_inject(fx.be, fx.ctx, f, n, 0);
	n = frag(f, d, dl, 1480, 1480, true, 78);
	testbe_inject(fx.be, fx.ctx, f, n, 0);
	n = frag(f, d, dl, 0, 1480, true, 78);
	testbe_inject(fx.be, fx.ctx, f, n, 0);
	RTS_CHECK_EQ(rx_count, 2);
	RTS_CHECK(big_ok());
	RTS_CHECK_EQ(fx.ctx->net.reass_mem, 0);
	teardown(&fx);
}

RTS_TEST(reassembly_overlap_and_duplicate)
{
	struct fixture fx;
	uint8_t d[BIG + 8], f[1600];
	size_t dl, n;

	setup(&fx);
	dl = big_dgram(d);
	/* an exact duplicate is dropped alone */
	n = frag(f, d, dl, 0, 1480, true, 5);
	testbe_inject(fx.be, fx.ctx, f, n, 0);
	testbe_inject(fx.be, fx.ctx, f, n, 0);
	RTS_CHECK_EQ(cnt(fx.ctx)->ip4_reass_overlap, 1);
	n = frag(f, d, dl, 1480, 1480, true, 5);
	testbe_inject(fx.be, fx.ctx, f, n, 0);
	n = frag(f, d, dl, 2960, dl - 2960, false, 5);
	testbe_inject(fx.be, fx.ctx, f, n, 0);
	RTS_CHECK_EQ(rx_count, 1);
	RTS_CHECK(big_ok());
	/* a partial overlap kills the whole datagram */
	n = frag(f, d, dl, 0, 1480, true, 6);
	testbe_inject(fx.be, fx.ctx, f, n, 0);
	n = frag(f, d, dl, 1472, 1480, true, 6);
	testbe_inject(fx.be, fx.ctx, f, n, 0);
	RTS_CHECK_EQ(cnt(fx.ctx)->ip4_reass_overlap, 2);
	RTS_CHECK(fx.ctx->net.reass_active == NULL);
	n = frag(f, d, dl, 1480, 1480, true, 6);
	testbe_inject(fx.be, fx.ctx, f, n, 0);
	n = frag(f, d, dl, 2960, dl - 2960, false, 6);
	testbe_inject(fx.be, fx.ctx, f, n, 0);
	RTS_CHECK_EQ(rx_count, 1); /* never completes */
	/* a non-final fragment that is not a multiple of 8 */
	n = frag(f, d, dl, 0, 1001, true, 7);
	testbe_inject(fx.be, fx.ctx, f, n, 0);
	RTS_CHECK_EQ(cnt(fx.ctx)->ip4_rx_bad_len, 1);
	teardown(&fx);
}

RTS_TEST(reassembly_timeout)
{
	struct fixture fx;
	uint8_t d[BIG + 8], f[1600];
	size_t dl, n;

	setup(&fx);
	dl = big_dgram(d);
	n = frag(f, d, dl, 0, 1480, true, 9);
	testbe_inject(fx.be, fx.ctx, f, n, 0);
	RTS_CHECK(fx.ctx->net.reass_mem > 0);
	rts_poll(fx.ctx, 29 * SEC);
	RTS_CHECK_EQ(cnt(fx.ctx)->ip4_reass_timeout, 0);
	rts_poll(fx.ctx, 30 * SEC + 10 * MS);
	RTS_CHECK_EQ(cnt(fx.ctx)->ip4_reass_timeout, 1);
	RTS_CHECK_EQ(fx.ctx->net.reass_mem, 0);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
	/* the rest arriving late makes nothing */
	n = frag(f, d, dl, 1480, 1480, true, 9);
	testbe_inject(fx.be, fx.ctx, f, n, 31 * SEC);
	n = frag(f, d, dl, 2960, dl - 2960, false, 9);
	testbe_inject(fx.be, fx.ctx, f, n, 31 * SEC);
	RTS_CHECK_EQ(rx_count, 0);
	teardown(&fx);
}

RTS_TEST(reassembly_memory_bound_and_size_limit)
{
	struct fixture fx;
	struct rts_config cfg;
	uint8_t d[BIG + 8], f[1600];
	size_t dl, n;

	testbe_config(&cfg, "198.18.0.1/24", 1, 0);
	cfg.reass_max_bytes = 9000; /* two slots, four 2 KiB buffers */
	setup_cfg(&fx, &cfg);
	dl = big_dgram(d);
	for (uint16_t id = 1; id <= 2; id++) {
		n = frag(f, d, dl, 0, 1480, true, id);
		testbe_inject(fx.be, fx.ctx, f, n, 0);
		n = frag(f, d, dl, 1480, 1480, true, id);
		testbe_inject(fx.be, fx.ctx, f, n, 0);
	}
	RTS_CHECK_EQ(cnt(fx.ctx)->ip4_reass_no_mem, 0);
	RTS_CHECK_EQ(fx.ctx->net.reass_mem, 4 * 2048);
	for (uint16_t id = 1; id <= 2; id++) {
		n = frag(f, d, dl, 2960, dl - 2960, false, id);
		testbe_inject(fx.be, fx.ctx, f, n, 0);
	}
	RTS_CHECK_EQ(cnt(fx.ctx)->ip4_reass_no_mem, 2);
	RTS_CHECK_EQ(rx_count, 0);
	/* a third datagram finds no slot */
	n = frag(f, d, dl, 0, 8, true, 3);
	testbe_inject(fx.be, fx.ctx, f, n, 0);
	RTS_CHECK_EQ(cnt(fx.ctx)->ip4_reass_no_mem, 3);
	rts_poll(fx.ctx, 31 * SEC);
	RTS_CHECK_EQ(fx.ctx->net.reass_mem, 0);
	RTS_CHECK_EQ(cnt(fx.ctx)->ip4_reass_timeout, 2);
	/* a fragment that would end past 65535 */
	n = frag(f, d, dl, 0, 1480, true, 4);
	f[20] = 0x3f, f[21] = 0xff; /* offset 65528, MF clear */
	f[20] &= 0x1f;
	fix_ip_csum(f);
	testbe_inject(fx.be, fx.ctx, f, n, 32 * SEC);
	RTS_CHECK_EQ(cnt(fx.ctx)->ip4_reass_too_big, 1);
	teardown(&fx);
}

int main(void)
{
	return rts_test_main();
}
