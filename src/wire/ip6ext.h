/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — the IPv6 extension-header walker (RFC 8200 §4).
 *
 * Walks hop-by-hop options, routing, destination options and fragment
 * headers from a given Next Header value to the upper-layer header, with
 * every read bounds-checked and a limit on the number of headers. It stops
 * at a non-atomic fragment header (the rest is fragment data until the
 * datagram is reassembled) and at any Next Header value it does not know as
 * an extension (the caller decides whether that protocol is served).
 *
 * When the walk fails it says why and whether RFC 8200 asks for an ICMPv6
 * Parameter Problem, with its code and pointer (offset from the start of
 * the IPv6 header).
 */
#ifndef RTS_WIRE_IP6EXT_H
#define RTS_WIRE_IP6EXT_H

#include "ipv6.h"

/* Extension headers accepted in one packet (RFC 8504 §5.3 lets hosts cap). */
#define RTS_IP6_MAX_EXT_HDRS 8
/* Padding bytes in a row inside one options header: alignment never needs more. */
#define RTS_IP6_MAX_PAD 7

enum rts_ip6ext_err {
	RTS_IP6EXT_OK = 0,
	RTS_IP6EXT_TRUNCATED,     /* a header runs off the packet */
	RTS_IP6EXT_TOO_MANY,      /* more than RTS_IP6_MAX_EXT_HDRS headers */
	RTS_IP6EXT_HBH_NOT_FIRST, /* hop-by-hop not right after IPv6 (§4.1) */
	RTS_IP6EXT_RH0,           /* type 0 routing header, segments left (RFC 5095) */
	RTS_IP6EXT_RH_UNKNOWN,    /* other routing type with segments left (§4.4) */
	RTS_IP6EXT_OPT_UNKNOWN,   /* unrecognised option says discard (§4.2) */
	RTS_IP6EXT_OPT_BAD,       /* option overruns its header, or padding abuse */
	RTS_IP6EXT_FRAG_BAD_LEN,  /* M set, fragment not a multiple of 8 (§4.5) */
	RTS_IP6EXT_FRAG_TOO_BIG,  /* offset + length beyond 65535 (§4.5) */
	RTS_IP6EXT_FRAG_CHAIN,    /* first fragment lacks the chain (RFC 7112) */
};

/* Walk flags. */
enum {
	RTS_IP6EXT_DST_MCAST = 1u << 0, /* destination is multicast (§4.2 "11") */
	/*
	 * The packet is quoted in an ICMPv6 error: only skip headers to find
	 * the upper layer, apply no option or routing rules.
	 */
	RTS_IP6EXT_QUOTE = 1u << 1,
};

struct rts_ip6ext_info {
	uint8_t proto;          /* upper layer, NH_NONE, or NH_FRAGMENT */
	uint8_t n_ext;          /* extension headers walked */
	uint32_t l4_off;        /* offset of proto's header (or fragment data) */
	uint32_t nh_off;        /* offset of the Next Header byte naming proto */

	/* Set when the walk stopped at a non-atomic fragment header. */
	bool frag;
	bool frag_more;         /* M flag */
	uint8_t frag_nh;        /* Next Header inside the fragment header */
	uint16_t frag_off;      /* fragment offset in bytes */
	uint32_t frag_id;
	uint32_t frag_hdr_off;  /* offset of the fragment header */
	bool atomic_frag;       /* an offset 0, M 0 fragment header was skipped */

	/* On failure: ICMPv6 Parameter Problem to send, if any. */
	bool icmp;
	uint8_t icmp_code;      /* 0 field, 1 next header, 2 option, 3 chain */
	uint32_t icmp_ptr;
};

/*
 * Walk the @len bytes of @pkt, which starts with the IPv6 header, from its
 * Next Header field to the upper layer. @len may stop short of the
 * datagram (the first segment of a chain): the headers must lie within it,
 * fragment lengths come from the Payload Length field. Hop-by-hop is accepted only right
 * after the fixed header. Fills @out on success and failure alike. A
 * reassembled datagram is walked again from the start.
 */
enum rts_ip6ext_err rts_ip6ext_walk(const uint8_t *pkt, uint32_t len,
				    unsigned flags,
				    struct rts_ip6ext_info *out);

/* Is @nh an extension header the walker steps over (or stops at)? */
bool rts_ip6ext_is_ext(uint8_t nh);

/* A fragment header (RFC 8200 §4.5) for the sender side. */
void rts_ip6_frag_emit(uint8_t *b, uint8_t nh, uint16_t off_bytes, bool more,
		       uint32_t id);
#define RTS_IP6_FRAG_HDR_LEN 8

#endif
