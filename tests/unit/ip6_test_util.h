/* SPDX-License-Identifier: BSD-3-Clause */
/* rtestack — helpers shared by the IPv6 unit tests: build packets by hand. */
#ifndef RTS_IP6_TEST_UTIL_H
#define RTS_IP6_TEST_UTIL_H

#include <arpa/inet.h>

#include "rts_test.h"

#include "wire/ipv6.h"

static inline struct rts_ip t_ip6(const char *s)
{
	struct rts_ip ip;

	if (inet_pton(AF_INET6, s, ip.u8) != 1) {
		printf("# bad test address %s\n", s);
		abort();
	}
	return ip;
}

/* A packet under construction: the IPv6 header then whatever is appended. */
struct t_pkt {
	uint8_t b[4096];
	uint32_t len;
};

static inline void t_begin(struct t_pkt *t, uint8_t nh, const char *src,
			   const char *dst, uint8_t hop_limit)
{
	struct rts_ip6_hdr h = { 0 };

	h.next_hdr = nh;
	h.hop_limit = hop_limit;
	h.src = t_ip6(src);
	h.dst = t_ip6(dst);
	memset(t->b, 0, sizeof(t->b));
	rts_ip6_emit(&h, t->b);
	t->len = RTS_IP6_HDR_LEN;
}

static inline uint8_t *t_put(struct t_pkt *t, const void *data, uint32_t n)
{
	uint8_t *at = t->b + t->len;

	if (data)
		memcpy(at, data, n);
	else
		memset(at, 0, n);
	t->len += n;
	return at;
}

/* Set the payload length from what has been appended. */
static inline void t_end(struct t_pkt *t)
{
	rts_put_be16(t->b + 4, (uint16_t)(t->len - RTS_IP6_HDR_LEN));
}

/* An options header (hop-by-hop or destination) with raw option bytes. */
static inline void t_opts_hdr(struct t_pkt *t, uint8_t nh, const uint8_t *opts,
			      uint32_t opts_len)
{
	uint32_t total = (2 + opts_len + 7) / 8 * 8;
	uint8_t *h = t_put(t, NULL, total);

	h[0] = nh;
	h[1] = (uint8_t)(total / 8 - 1);
	memcpy(h + 2, opts, opts_len);
	/* what is left stays zero: Pad1 bytes */
}

#endif
