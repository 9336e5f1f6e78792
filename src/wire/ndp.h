/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — Neighbor Discovery messages and options (RFC 4861 §4): router
 * solicitation and advertisement, neighbour solicitation and advertisement,
 * redirect (parsed only). Parsing applies the validity checks of §6.1 / §7.1
 * / §8.1 that depend on the message and its IPv6 header alone.
 */
#ifndef RTS_WIRE_NDP_H
#define RTS_WIRE_NDP_H

#include "icmpv6.h"
#include "ipv6.h"

/* Option types (RFC 4861 §4.6). */
enum rts_nd_opt_type {
	RTS_ND_OPT_SRC_LLADDR = 1,
	RTS_ND_OPT_TGT_LLADDR = 2,
	RTS_ND_OPT_PREFIX = 3,
	RTS_ND_OPT_REDIRECTED = 4,
	RTS_ND_OPT_MTU = 5,
	RTS_ND_OPT_NONCE = 14, /* RFC 3971 §5.3.2 */
};

#define RTS_ND_HOP_LIMIT 255
#define RTS_ND_MAX_PREFIXES 4 /* prefix options kept per RA; more are ignored */

/* NA flags (§4.4) and RA flags (§4.2), as they lie in the first body byte. */
enum {
	RTS_ND_NA_ROUTER = 0x80,
	RTS_ND_NA_SOLICITED = 0x40,
	RTS_ND_NA_OVERRIDE = 0x20,
	RTS_ND_RA_MANAGED = 0x80,
	RTS_ND_RA_OTHER = 0x40,
};

/* Prefix Information (§4.6.2). */
struct rts_nd_prefix {
	struct rts_ip prefix;
	uint8_t len;
	bool on_link;        /* L */
	bool autonomous;     /* A: usable for SLAAC (RFC 4862 §5.5.3) */
	uint32_t valid_s;    /* 0xffffffff: infinite */
	uint32_t preferred_s;
};

struct rts_nd_opts {
	bool has_src_ll;
	bool has_tgt_ll;
	bool has_mtu;
	bool has_nonce;
	struct rts_mac src_ll;
	struct rts_mac tgt_ll;
	uint32_t mtu;
	uint8_t nonce[6];
	uint8_t n_prefix;
	struct rts_nd_prefix prefix[RTS_ND_MAX_PREFIXES];
	uint32_t redirected_off; /* redirect: quoted packet, 0 when absent */
	uint32_t redirected_len;
};

/* Any of the five messages, by type. */
struct rts_nd_msg {
	uint8_t type;            /* RTS_ICMP6_ROUTER_SOLICIT .. REDIRECT */
	uint8_t flags;           /* NA R/S/O, RA M/O */
	/* RA (§4.2) */
	uint8_t cur_hop_limit;
	uint16_t router_lifetime_s;
	uint32_t reachable_ms;
	uint32_t retrans_ms;
	/* NS, NA, redirect (§4.3-4.5) */
	struct rts_ip target;
	struct rts_ip dest;      /* redirect only */
	struct rts_nd_opts opts;
};

enum rts_nd_parse_err {
	RTS_ND_OK = 0,
	RTS_ND_NOT_ND,           /* not one of the five types */
	RTS_ND_BAD_HOP_LIMIT,    /* not 255: came through a router */
	RTS_ND_BAD_CODE,
	RTS_ND_TOO_SHORT,
	RTS_ND_BAD_OPT_LEN,      /* an option with length 0 or past the end */
	RTS_ND_BAD_TARGET,       /* multicast target (NS/NA), bad redirect */
	RTS_ND_BAD_SRC,          /* RA/redirect not from link-local */
	RTS_ND_BAD_DAD,          /* unspecified source with the wrong form */
	RTS_ND_BAD_FLAGS,        /* solicited NA to a multicast destination */
};

/*
 * Parse and validate the ND message of @len bytes at @b (its ICMPv6 header
 * first) that arrived in the IPv6 packet described by @ip. The checksum is
 * the caller's (it covers the pseudo-header).
 */
enum rts_nd_parse_err rts_nd_parse(const uint8_t *b, uint32_t len,
				   const struct rts_ip6_hdr *ip,
				   struct rts_nd_msg *m);

/*
 * Emitters. Each writes the message (ICMPv6 header included, checksum
 * zero: fill it with rts_icmp6_fill_csum()) at @b and returns its length.
 * @b must have room for RTS_ND_MAX_EMIT bytes. A NULL @ll omits the
 * link-layer address option.
 */
#define RTS_ND_MAX_EMIT 32
uint32_t rts_nd_emit_rs(uint8_t *b, const struct rts_mac *src_ll);
uint32_t rts_nd_emit_ns(uint8_t *b, const struct rts_ip *target,
			const struct rts_mac *src_ll);
uint32_t rts_nd_emit_na(uint8_t *b, const struct rts_ip *target,
			uint8_t flags, const struct rts_mac *tgt_ll);

/* For tests and routers: an RA with an MTU option and prefixes. */
struct rts_nd_ra_emit {
	uint8_t cur_hop_limit;
	uint8_t flags;
	uint16_t router_lifetime_s;
	uint32_t reachable_ms;
	uint32_t retrans_ms;
	const struct rts_mac *src_ll; /* NULL: none */
	uint32_t mtu;                 /* 0: no MTU option */
	uint8_t n_prefix;
	const struct rts_nd_prefix *prefix;
};
/* Needs 16 + 8 + 8 + 32 * n_prefix bytes. */
uint32_t rts_nd_emit_ra(uint8_t *b, const struct rts_nd_ra_emit *ra);

#endif
