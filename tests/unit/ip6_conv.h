/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared bits of the IPv6 conversation tests: a context on the capture
 * backend, frame builders written independently of the stack's emitters,
 * and a decoder for the frames the stack sends.
 *
 * Us: MAC 02:00:00:00:00:01, 2001:2::1/64 and fe80::ff:fe00:1 (EUI-64).
 * The peer: MAC ..:02, 2001:2::2 and fe80::2. A router: MAC ..:09, fe80::9.
 */
#ifndef RTS_IP6_CONV_H
#define RTS_IP6_CONV_H

#include <arpa/inet.h>

#include "core/internal.h"
#include "net/neigh.h"
#include "rts_test.h"
#include "testbe.h"

#define MS 1000000ull
#define SEC 1000000000ull

static inline struct rts_ip c6_ip(const char *s)
{
	struct rts_ip ip;

	if (inet_pton(AF_INET6, s, ip.u8) != 1) {
		printf("# bad test address %s\n", s);
		abort();
	}
	return ip;
}

#define IP_US c6_ip("2001:2::1")
#define IP_PEER c6_ip("2001:2::2")
#define LL_US c6_ip("fe80::ff:fe00:1")
#define LL_PEER c6_ip("fe80::2")
#define LL_ROUTER c6_ip("fe80::9")
#define MAC_US testbe_mac(1)
#define MAC_PEER testbe_mac(2)
#define MAC_ROUTER testbe_mac(9)

static inline const struct rts_counters *cnt(struct rts_ctx *ctx)
{
	return rts_ctx_counters(ctx);
}

/* The config of "us": 2001:2::1/64 only, DAD and RS as asked. */
static inline void c6_config(struct rts_config *cfg, uint8_t dad, uint8_t rs)
{
	struct rts_ip ip = IP_US;

	testbe_config(cfg, "198.18.0.1/24", 1, 0);
	cfg->n_addrs = 0;
	rts_config_add_addr(cfg, &ip, 64);
	cfg->ip6.dad_transmits = dad;
	cfg->ip6.router_solicits = rs;
}

/* A context whose addresses are usable: no DAD, no RS, nothing queued. */
static inline struct rts_ctx *c6_ctx(struct testbe *be)
{
	struct rts_config cfg;
	struct rts_ctx *ctx;

	c6_config(&cfg, 0, 0);
	ctx = testbe_ctx_cfg(be, &cfg, 0);
	testbe_drain(be);
	return ctx;
}

/* Make the peer (global and link-local) known, so output needs no NDP. */
static inline void c6_learn_peer(struct rts_ctx *ctx)
{
	struct rts_ip a = IP_PEER, b = LL_PEER;
	struct rts_mac m = MAC_PEER;

	rts_neigh_learn(ctx, &a, &m, ctx->now_ns);
	rts_neigh_learn(ctx, &b, &m, ctx->now_ns);
}

/* ------------------------------------------------------------ builders */
/* RFC 8200 §8.1 checksum, computed the slow and obvious way. */
static inline uint16_t c6_csum(const struct rts_ip *src,
			       const struct rts_ip *dst, uint8_t nh,
			       const uint8_t *l4, size_t len)
{
	uint64_t sum = 0;

	for (int i = 0; i < 16; i += 2)
		sum += (unsigned)(src->u8[i] << 8 | src->u8[i + 1]) +
		       (unsigned)(dst->u8[i] << 8 | dst->u8[i + 1]);
	sum += (len >> 16) + (len & 0xffff) + nh;
	for (size_t i = 0; i < len; i += 2)
		sum += (unsigned)(l4[i] << 8 | (i + 1 < len ? l4[i + 1] : 0));
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Ethernet + IPv6 header + @len bytes of payload. */
static inline size_t c6_frame(uint8_t *b, const struct rts_mac *dmac,
			      const struct rts_mac *smac,
			      const struct rts_ip *src, const struct rts_ip *dst,
			      uint8_t nh, uint8_t hop, const void *payload,
			      size_t len)
{
	memcpy(b, dmac->b, 6);
	memcpy(b + 6, smac->b, 6);
	b[12] = 0x86;
	b[13] = 0xdd;
	b[14] = 0x60;
	b[15] = b[16] = b[17] = 0;
	b[18] = (uint8_t)(len >> 8);
	b[19] = (uint8_t)len;
	b[20] = nh;
	b[21] = hop;
	memcpy(b + 22, src->u8, 16);
	memcpy(b + 38, dst->u8, 16);
	memcpy(b + 54, payload, len);
	return 54 + len;
}

/* Fill the checksum of an ICMPv6/UDP message at @l4 (field at @at). */
static inline void c6_fill_csum(const struct rts_ip *src,
				const struct rts_ip *dst, uint8_t nh,
				uint8_t *l4, size_t len, size_t at)
{
	uint16_t c;

	l4[at] = l4[at + 1] = 0;
	c = c6_csum(src, dst, nh, l4, len);
	if (nh == 17 && c == 0)
		c = 0xffff;
	l4[at] = (uint8_t)(c >> 8);
	l4[at + 1] = (uint8_t)c;
}

/* A whole ICMPv6 frame; @msg (type, code, ..., body) gets its checksum. */
static inline size_t c6_frame_icmp(uint8_t *b, const struct rts_mac *dmac,
				   const struct rts_mac *smac,
				   const struct rts_ip *src,
				   const struct rts_ip *dst, uint8_t hop,
				   uint8_t *msg, size_t len)
{
	c6_fill_csum(src, dst, 58, msg, len, 2);
	return c6_frame(b, dmac, smac, src, dst, 58, hop, msg, len);
}

/* Echo request/reply message with @len payload bytes of value i. */
static inline size_t c6_echo(uint8_t *m, uint8_t type, uint16_t id,
			     uint16_t seq, size_t len)
{
	m[0] = type;
	m[1] = 0;
	m[4] = (uint8_t)(id >> 8);
	m[5] = (uint8_t)id;
	m[6] = (uint8_t)(seq >> 8);
	m[7] = (uint8_t)seq;
	for (size_t i = 0; i < len; i++)
		m[8 + i] = (uint8_t)i;
	return 8 + len;
}

/* NS (135) or NA (136) for @target, with a link-layer option if @ll. */
static inline size_t c6_nsna(uint8_t *m, uint8_t type, uint8_t flags,
			     const struct rts_ip *target,
			     const struct rts_mac *ll)
{
	memset(m, 0, 32);
	m[0] = type;
	m[4] = flags;
	memcpy(m + 8, target->u8, 16);
	if (ll == NULL)
		return 24;
	m[24] = type == 135 ? 1 : 2;
	m[25] = 1;
	memcpy(m + 26, ll->b, 6);
	return 32;
}

/* UDP header + payload with its checksum. */
static inline size_t c6_udp(uint8_t *m, const struct rts_ip *src,
			    const struct rts_ip *dst, uint16_t sport,
			    uint16_t dport, const void *data, size_t len)
{
	m[0] = (uint8_t)(sport >> 8);
	m[1] = (uint8_t)sport;
	m[2] = (uint8_t)(dport >> 8);
	m[3] = (uint8_t)dport;
	m[4] = (uint8_t)((8 + len) >> 8);
	m[5] = (uint8_t)(8 + len);
	memcpy(m + 8, data, len);
	c6_fill_csum(src, dst, 17, m, 8 + len, 6);
	return 8 + len;
}

/* ------------------------------------------------------------- decoder */
/* A frame the stack sent, decoded. */
struct c6_out {
	uint8_t f[70000];
	size_t n;
	struct rts_mac dmac;
	uint16_t type;
	uint8_t nh, hop;
	uint16_t plen;
	struct rts_ip src, dst;
	uint8_t *l4;      /* after the fixed IPv6 header */
	size_t l4_len;
	bool csum_ok;     /* ICMPv6/UDP/TCP checksum right (if any) */
};

/* Pop the next frame; false if none. */
static inline bool c6_pop(struct testbe *be, struct c6_out *o)
{
	o->n = testbe_pop_bytes(be, o->f, sizeof(o->f));
	if (o->n == 0)
		return false;
	memcpy(o->dmac.b, o->f, 6);
	o->type = (uint16_t)(o->f[12] << 8 | o->f[13]);
	o->csum_ok = false;
	o->l4 = NULL;
	o->l4_len = 0;
	if (o->type != 0x86dd || o->n < 54)
		return true;
	o->plen = (uint16_t)(o->f[18] << 8 | o->f[19]);
	o->nh = o->f[20];
	o->hop = o->f[21];
	memcpy(o->src.u8, o->f + 22, 16);
	memcpy(o->dst.u8, o->f + 38, 16);
	o->l4 = o->f + 54;
	o->l4_len = o->n - 54 < o->plen ? o->n - 54 : o->plen;
	if (o->nh == 58 || o->nh == 17 || o->nh == 6)
		o->csum_ok = c6_csum(&o->src, &o->dst, o->nh, o->l4,
				     o->l4_len) == 0;
	return true;
}

/* Pop a frame or end the test (RTS_REQUIRE evaluates its argument twice). */
#define C6_POP(be, o)                                                          \
	do {                                                                   \
		bool got_ = c6_pop(be, o);                                     \
		RTS_REQUIRE(got_);                                             \
	} while (0)

/* Pop frames until an ICMPv6 message of @type; false if none. */
static inline bool c6_pop_icmp(struct testbe *be, struct c6_out *o,
			       uint8_t type)
{
	while (c6_pop(be, o))
		if (o->type == 0x86dd && o->nh == 58 && o->l4_len >= 4 &&
		    o->l4[0] == type)
			return true;
	return false;
}

static inline bool mac_is(const struct rts_mac *m, const struct rts_mac want)
{
	return memcmp(m->b, want.b, 6) == 0;
}

static inline bool ip_is(const struct rts_ip *a, const struct rts_ip want)
{
	return memcmp(a->u8, want.u8, 16) == 0;
}

#endif
