/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the IPv6 receive path — the fixed header, extension
 * header chains, fragments and reassembly, ICMPv6 and Neighbor Discovery
 * (with DAD, SLAAC and MLD running) — on the capture backend (tests/lib).
 *
 * Each input builds a fresh context (2001:2::1/64 plus the EUI-64
 * link-local address, DAD on, SLAAC on, a UDP port bound, the peer known)
 * and runs the input as a program of records, one opcode byte each:
 *
 *   RAW    an IPv6 packet: chosen source and destination, hop limit,
 *          Next Header and up to 1500 payload bytes (Payload Length right,
 *          or fuzzed with bit 7 of the opcode)
 *   ICMP   an ICMPv6 message with a valid checksum (ND types favoured)
 *   FRAG   a fragment of one of four datagrams: offset, M, Next Header
 *          and data bytes; the datagrams sometimes complete
 *   EXT    extension headers built from (type, length) pairs with fuzzed
 *          contents, then an ICMPv6 echo or UDP datagram
 *   TIME   advance the clock (up to ~70 s) and run the timers
 *   APP    ping or a UDP send (up to 9000 bytes: fragmentation)
 *
 * At the end the context is torn down: every packet buffer must be back
 * and reassembly memory must have stayed within its bound.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rtestack/rtestack.h>

#include "core/internal.h"
#include "fuzz_input.h"
#include "testbe.h"

#define MAX_RECORDS 128
#define UDP_PORT 7

enum { OP_RAW, OP_ICMP, OP_FRAG, OP_EXT, OP_TIME, OP_APP, OP_COUNT };

struct world {
	struct testbe *be;
	struct rts_ctx *ctx;
	struct rts_config cfg;
	uint64_t now;
	struct rts_mac us_mac, peer_mac;
	struct rts_udp_bind *udp;
	uint32_t reass_max_seen;
	uint8_t frame[4096];
	uint8_t pl[4096];
};

static struct world W;

static struct rts_ip ip6(const char *s)
{
	struct rts_ip ip;

	inet_pton(AF_INET6, s, ip.u8);
	return ip;
}

/* Addresses worth hitting: ours, our groups, the peer, routers, junk. */
static struct rts_ip pick_addr(struct input *in, bool as_src)
{
	static const char *const dsts[] = {
		"2001:2::1", "fe80::ff:fe00:1", "ff02::1", "ff02::1:ff00:1",
		"2001:2:0:5:0:ff:fe00:1", "ff02::1:ff00:2", "2001:2::99",
		"ff02::2",
	};
	static const char *const srcs[] = {
		"2001:2::2", "fe80::2", "::", "fe80::9", "2001:2::1",
		"ff02::1", "::ffff:198.18.0.2", "::1",
	};
	uint8_t sel = (uint8_t)take(in, 1);
	struct rts_ip a;

	if (sel >= 0xf0) { /* anything */
		take_bytes(in, a.u8, 16);
		return a;
	}
	return ip6(as_src ? srcs[sel % 8] : dsts[sel % 8]);
}

static uint16_t csum(const struct rts_ip *s, const struct rts_ip *d,
		     uint8_t nh, const uint8_t *b, size_t len)
{
	uint64_t sum = 0;

	for (int i = 0; i < 16; i += 2)
		sum += (unsigned)(s->u8[i] << 8 | s->u8[i + 1]) +
		       (unsigned)(d->u8[i] << 8 | d->u8[i + 1]);
	sum += (len >> 16) + (len & 0xffff) + nh;
	for (size_t i = 0; i < len; i += 2)
		sum += (unsigned)(b[i] << 8 | (i + 1 < len ? b[i + 1] : 0));
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put_csum(const struct rts_ip *s, const struct rts_ip *d,
		     uint8_t nh, uint8_t *b, size_t len, size_t at)
{
	uint16_t c;

	if (len < at + 2)
		return;
	b[at] = b[at + 1] = 0;
	c = csum(s, d, nh, b, len);
	b[at] = (uint8_t)(c >> 8);
	b[at + 1] = (uint8_t)c;
}

/* Send W.pl (@len bytes) as an IPv6 packet. */
static void inject(const struct rts_ip *src, const struct rts_ip *dst,
		   uint8_t nh, uint8_t hop, size_t len, int plen_override)
{
	uint8_t *b = W.frame;
	struct rts_mac dmac = W.us_mac;

	if (dst->u8[0] == 0xff) {
		dmac.b[0] = dmac.b[1] = 0x33;
		memcpy(dmac.b + 2, dst->u8 + 12, 4);
	}
	memcpy(b, dmac.b, 6);
	memcpy(b + 6, W.peer_mac.b, 6);
	b[12] = 0x86;
	b[13] = 0xdd;
	b[14] = 0x60;
	b[15] = b[16] = b[17] = 0;
	rts_put_be16(b + 18, (uint16_t)(plen_override >= 0 ? plen_override
							   : (int)len));
	b[20] = nh;
	b[21] = hop;
	memcpy(b + 22, src->u8, 16);
	memcpy(b + 38, dst->u8, 16);
	memcpy(b + 54, W.pl, len);
	testbe_inject(W.be, W.ctx, b, 54 + len, W.now);
	if (W.ctx->ip6.reass_mem > W.reass_max_seen)
		W.reass_max_seen = W.ctx->ip6.reass_mem;
}

static void op_raw(struct input *in, uint8_t op)
{
	struct rts_ip src = pick_addr(in, true), dst = pick_addr(in, false);
	uint8_t nh = (uint8_t)take(in, 1), hop = (uint8_t)take(in, 1);
	size_t len = take(in, 2) % 1500;
	int plen = (op & 0x80) ? (int)take(in, 2) : -1;

	take_bytes(in, W.pl, len);
	inject(&src, &dst, nh, hop, len, plen);
}

static void op_icmp(struct input *in)
{
	static const uint8_t types[] = { 133, 134, 135, 136, 137, 128, 129,
					 1,   2,   3,   4,   130 };
	struct rts_ip src = pick_addr(in, true), dst = pick_addr(in, false);
	uint8_t sel = (uint8_t)take(in, 1);
	size_t len = 4 + take(in, 1) * 2;

	take_bytes(in, W.pl, len);
	if (sel < 0xc0)
		W.pl[0] = types[sel % sizeof(types)];
	if (sel & 0x20)
		W.pl[1] = 0;
	put_csum(&src, &dst, 58, W.pl, len, 2);
	inject(&src, &dst, 58, (sel & 0x10) ? 64 : 255, len, -1);
}

static void op_frag(struct input *in)
{
	struct rts_ip src = ip6("2001:2::2"), dst = ip6("2001:2::1");
	uint8_t sel = (uint8_t)take(in, 1);
	uint16_t off = (uint16_t)((take(in, 1) % 16) * 256);
	size_t len = (take(in, 1) % 33) * 8 + ((sel & 0x40) ? sel % 8 : 0);

	W.pl[0] = (sel & 0x20) ? 58 : 17;
	W.pl[1] = 0;
	rts_put_be16(W.pl + 2, (uint16_t)(off | ((sel & 0x80) ? 1 : 0)));
	rts_put_be32(W.pl + 4, sel % 4);
	take_bytes(in, W.pl + 8, len);
	inject(&src, &dst, 44, 64, 8 + len, -1);
}

static void op_ext(struct input *in)
{
	static const uint8_t ext[] = { 0, 43, 44, 60 };
	struct rts_ip src = ip6("2001:2::2"), dst = pick_addr(in, false);
	uint8_t n = (uint8_t)(take(in, 1) % 10), first = 58;
	size_t pos = 0;
	uint8_t *prev_nh = &first;

	for (uint8_t i = 0; i < n && pos < 1024; i++) {
		uint8_t t = ext[take(in, 1) % 4];
		size_t hl = t == 44 ? 8 : (take(in, 1) % 4 + 1) * 8;

		*prev_nh = t;
		take_bytes(in, W.pl + pos, hl);
		if (t != 44)
			W.pl[pos + 1] = (uint8_t)(hl / 8 - 1);
		prev_nh = &W.pl[pos];
		pos += hl;
	}
	*prev_nh = (take(in, 1) & 1) ? 17 : 58;
	if (*prev_nh == 58) {
		memset(W.pl + pos, 0, 16);
		W.pl[pos] = 128;
		put_csum(&src, &dst, 58, W.pl + pos, 16, 2);
	} else {
		memset(W.pl + pos, 0, 16);
		rts_put_be16(W.pl + pos, 4000);
		rts_put_be16(W.pl + pos + 2, UDP_PORT);
		rts_put_be16(W.pl + pos + 4, 16);
		put_csum(&src, &dst, 17, W.pl + pos, 16, 6);
	}
	inject(&src, &dst, n ? first : *prev_nh, 64, pos + 16, -1);
}

static void op_time(struct input *in)
{
	W.now += (uint64_t)take(in, 2) * 1000000ull;
	rts_poll(W.ctx, W.now);
}

static void op_app(struct input *in)
{
	static uint8_t data[9000];
	uint8_t sel = (uint8_t)take(in, 1);
	uint32_t len = take(in, 2) % sizeof(data);
	struct rts_endpoint to = { .ip = pick_addr(in, false), .port = 9 };

	if (sel & 1)
		rts_ping(W.ctx, &to.ip, 1, (uint16_t)sel, len);
	else
		rts_udp_sendto(W.ctx, UDP_PORT, &to, data, len);
	rts_flush(W.ctx);
}

static void on_udp(struct rts_ctx *ctx, void *user,
		   const struct rts_endpoint *from,
		   const struct rts_endpoint *to, struct rts_pkt *p,
		   uint32_t off, uint32_t len)
{
	(void)user;
	(void)from;
	(void)to;
	(void)off;
	(void)len;
	rts_pkt_free(ctx, p);
}

static int world_init(void)
{
	struct rts_ip us = ip6("2001:2::1"), peer = ip6("2001:2::2");
	struct rts_ip peer_ll = ip6("fe80::2");
	struct rts_endpoint local = { .port = UDP_PORT };
	int err;

	W.be = testbe_new();
	testbe_config(&W.cfg, NULL, 1, 0);
	rts_config_add_addr(&W.cfg, &us, 64);
	W.cfg.ip6.slaac = true;
	W.cfg.ip6.mld = true;
	W.cfg.ip6.router_solicits = 1;
	W.cfg.reass_max_bytes = 64 * 2048;
	W.cfg.max_tcp_conns = 4; /* small tables: a fresh context per input */
	W.cfg.neigh_entries = 16;
	W.now = 0;
	W.reass_max_seen = 0;
	W.us_mac = testbe_mac(1);
	W.peer_mac = testbe_mac(2);
	W.ctx = testbe_ctx_cfg(W.be, &W.cfg, 0);
	if (W.ctx == NULL)
		return -1;
	W.udp = rts_udp_bind(W.ctx, &local, on_udp, NULL, &err);
	rts_neigh_learn(W.ctx, &peer, &W.peer_mac, 0);
	rts_neigh_learn(W.ctx, &peer_ll, &W.peer_mac, 0);
	return 0;
}

static void world_fini(void)
{
	if (W.udp)
		rts_udp_unbind(W.udp);
	testbe_ctx_free(W.ctx, W.now);
	testbe_delete(W.be);
	if (testbe_outstanding() != 0) {
		fprintf(stderr, "fuzz_ip6: %ld packet buffers leaked\n",
			testbe_outstanding());
		abort();
	}
	if (W.reass_max_seen > W.cfg.reass_max_bytes) {
		fprintf(stderr, "fuzz_ip6: reassembly held %u > %u bytes\n",
			W.reass_max_seen, W.cfg.reass_max_bytes);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };

	if (world_init() != 0) {
		fprintf(stderr, "fuzz_ip6: set-up failed\n");
		abort();
	}
	/* half the inputs start with DAD over, half with it running */
	if (take(&in, 1) & 1) {
		W.now = 1100000000ull;
		rts_poll(W.ctx, W.now);
	}
	for (int r = 0; in.left > 0 && r < MAX_RECORDS; r++) {
		uint8_t op = (uint8_t)take(&in, 1);

		switch ((op & 0x7f) % OP_COUNT) {
		case OP_RAW:
			op_raw(&in, op);
			break;
		case OP_ICMP:
			op_icmp(&in);
			break;
		case OP_FRAG:
			op_frag(&in);
			break;
		case OP_EXT:
			op_ext(&in);
			break;
		case OP_TIME:
			op_time(&in);
			break;
		default:
			op_app(&in);
			break;
		}
		testbe_drain(W.be);
	}
	world_fini();
	return 0;
}
