/* SPDX-License-Identifier: BSD-3-Clause */
/* rtestack — the IPv6 extension-header walker (RFC 8200 §4). */
#include "ip6ext.h"

bool rts_ip6ext_is_ext(uint8_t nh)
{
	return nh == RTS_NH_HOPOPTS || nh == RTS_NH_ROUTING ||
	       nh == RTS_NH_FRAGMENT || nh == RTS_NH_DSTOPTS;
}

static enum rts_ip6ext_err fail_icmp(struct rts_ip6ext_info *out,
				     enum rts_ip6ext_err err, uint8_t code,
				     uint32_t ptr)
{
	out->icmp = true;
	out->icmp_code = code;
	out->icmp_ptr = ptr;
	return err;
}

/*
 * The action for an unrecognised option is in its two high bits (§4.2):
 * 00 skip, 01 discard, 10 discard and report, 11 discard and report
 * unless the destination is multicast.
 */
static enum rts_ip6ext_err unknown_option(uint8_t type, uint32_t pos,
					  unsigned flags,
					  struct rts_ip6ext_info *out)
{
	switch (type >> 6) {
	case 0:
		return RTS_IP6EXT_OK;
	case 1:
		return RTS_IP6EXT_OPT_UNKNOWN;
	case 2:
		return fail_icmp(out, RTS_IP6EXT_OPT_UNKNOWN, 2, pos);
	default:
		if (flags & RTS_IP6EXT_DST_MCAST)
			return RTS_IP6EXT_OPT_UNKNOWN;
		return fail_icmp(out, RTS_IP6EXT_OPT_UNKNOWN, 2, pos);
	}
}

/* The TLV-encoded options of a hop-by-hop or destination header (§4.2). */
static enum rts_ip6ext_err walk_options(const uint8_t *pkt, uint32_t pos,
					uint32_t end, unsigned flags,
					struct rts_ip6ext_info *out)
{
	uint32_t pad = 0;

	while (pos < end) {
		uint8_t type = pkt[pos];
		uint32_t olen;
		enum rts_ip6ext_err err;

		if (type == 0) { /* Pad1 */
			if (++pad > RTS_IP6_MAX_PAD)
				return RTS_IP6EXT_OPT_BAD;
			pos++;
			continue;
		}
		if (end - pos < 2)
			return RTS_IP6EXT_OPT_BAD;
		olen = 2u + pkt[pos + 1];
		if (olen > end - pos)
			return RTS_IP6EXT_OPT_BAD;
		if (type == 1) { /* PadN */
			pad += olen;
			if (pad > RTS_IP6_MAX_PAD)
				return RTS_IP6EXT_OPT_BAD;
			pos += olen;
			continue;
		}
		pad = 0;
		/* No option is acted on; each follows its unknown-type rule. */
		err = unknown_option(type, pos, flags, out);
		if (err != RTS_IP6EXT_OK)
			return err;
		pos += olen;
	}
	return RTS_IP6EXT_OK;
}

/* §4.4: with segments left a host cannot process any routing type. */
static enum rts_ip6ext_err routing_header(const uint8_t *pkt, uint32_t off,
					  struct rts_ip6ext_info *out)
{
	uint8_t type = pkt[off + 2];
	uint8_t segments_left = pkt[off + 3];

	if (segments_left == 0)
		return RTS_IP6EXT_OK;
	return fail_icmp(out, type == 0 ? RTS_IP6EXT_RH0 : RTS_IP6EXT_RH_UNKNOWN,
			 0, off + 2);
}

/* A fragment header at @off (8 bytes, in bounds). true: stop the walk. */
static enum rts_ip6ext_err fragment_header(const uint8_t *pkt, uint32_t len,
					   uint32_t off, unsigned flags,
					   struct rts_ip6ext_info *out,
					   bool *stop)
{
	uint16_t offm = rts_get_be16(pkt + off + 2);
	/* The datagram may go on past the bytes given (a later segment):
	 * its length is the header's. */
	uint32_t total = RTS_MAX(len, RTS_IP6_HDR_LEN + (uint32_t)rts_get_be16(pkt + 4));
	uint32_t data_len = total - (off + RTS_IP6_FRAG_HDR_LEN);

	out->frag_nh = pkt[off];
	out->frag_off = (uint16_t)(offm & 0xfff8);
	out->frag_more = (offm & 1) != 0;
	out->frag_id = rts_get_be32(pkt + off + 4);
	out->frag_hdr_off = off;
	*stop = false;
	if (out->frag_off == 0 && !out->frag_more) {
		/* RFC 6946: an atomic fragment is a whole packet. */
		out->atomic_frag = true;
		return RTS_IP6EXT_OK;
	}
	*stop = true;
	out->frag = true;
	if (flags & RTS_IP6EXT_QUOTE)
		return RTS_IP6EXT_OK;
	if (out->frag_more && (data_len & 7) != 0)
		return fail_icmp(out, RTS_IP6EXT_FRAG_BAD_LEN, 0, 4);
	if ((uint32_t)out->frag_off + data_len > 65535)
		return fail_icmp(out, RTS_IP6EXT_FRAG_TOO_BIG, 0, off + 2);
	return RTS_IP6EXT_OK;
}

/* One header at @off named by @nh: its length, after the per-type checks. */
static enum rts_ip6ext_err one_header(const uint8_t *pkt, uint32_t len,
				      uint8_t nh, uint32_t off, unsigned flags,
				      struct rts_ip6ext_info *out,
				      uint32_t *hlen, bool *stop)
{
	*stop = false;
	if (nh == RTS_NH_FRAGMENT) {
		if (len - off < RTS_IP6_FRAG_HDR_LEN)
			return RTS_IP6EXT_TRUNCATED;
		*hlen = RTS_IP6_FRAG_HDR_LEN;
		return fragment_header(pkt, len, off, flags, out, stop);
	}
	if (len - off < 8) /* every other header is at least 8 bytes */
		return RTS_IP6EXT_TRUNCATED;
	*hlen = ((uint32_t)pkt[off + 1] + 1) * 8;
	if (*hlen > len - off)
		return RTS_IP6EXT_TRUNCATED;
	if (flags & RTS_IP6EXT_QUOTE)
		return RTS_IP6EXT_OK;
	if (nh == RTS_NH_ROUTING)
		return routing_header(pkt, off, out);
	return walk_options(pkt, off + 2, off + *hlen, flags, out);
}

/* Bytes of an upper-layer header a first fragment must carry (RFC 7112). */
static uint32_t upper_header_min(uint8_t proto)
{
	switch (proto) {
	case RTS_NH_TCP:
		return 20;
	case RTS_NH_UDP:
		return 8;
	case RTS_NH_ICMPV6:
		return 4;
	default:
		return 0;
	}
}

static enum rts_ip6ext_err walk(const uint8_t *pkt, uint32_t len, uint8_t nh,
				uint32_t off, uint32_t nh_off, unsigned flags,
				struct rts_ip6ext_info *out);

/*
 * RFC 7112 §5: a first fragment must hold the whole header chain, through
 * the upper-layer header. The headers after the fragment header are only
 * skipped here; their rules apply after reassembly.
 */
static enum rts_ip6ext_err first_fragment_chain(const uint8_t *pkt,
						uint32_t len,
						struct rts_ip6ext_info *out)
{
	struct rts_ip6ext_info rest;
	enum rts_ip6ext_err err;

	err = walk(pkt, len, out->frag_nh, out->l4_off, out->frag_hdr_off,
		   RTS_IP6EXT_QUOTE, &rest);
	if (err == RTS_IP6EXT_TRUNCATED ||
	    (err == RTS_IP6EXT_OK && !rest.frag &&
	     len - rest.l4_off < upper_header_min(rest.proto)))
		return fail_icmp(out, RTS_IP6EXT_FRAG_CHAIN, 3, 0);
	return RTS_IP6EXT_OK;
}

static enum rts_ip6ext_err walk(const uint8_t *pkt, uint32_t len, uint8_t nh,
				uint32_t off, uint32_t nh_off, unsigned flags,
				struct rts_ip6ext_info *out)
{
	rts_memset(out, 0, sizeof(*out));
	if (off > len)
		return RTS_IP6EXT_TRUNCATED;
	while (rts_ip6ext_is_ext(nh)) {
		uint32_t hlen = 0;
		bool stop;
		enum rts_ip6ext_err err;

		out->proto = nh;
		out->l4_off = off;
		out->nh_off = nh_off;
		if (nh == RTS_NH_HOPOPTS && off != RTS_IP6_HDR_LEN &&
		    !(flags & RTS_IP6EXT_QUOTE))
			return fail_icmp(out, RTS_IP6EXT_HBH_NOT_FIRST, 1,
					 nh_off);
		if (out->n_ext >= RTS_IP6_MAX_EXT_HDRS)
			return RTS_IP6EXT_TOO_MANY;
		err = one_header(pkt, len, nh, off, flags, out, &hlen, &stop);
		if (err != RTS_IP6EXT_OK)
			return err;
		out->n_ext++;
		if (stop) {
			out->l4_off = off + hlen;
			if (out->frag_off == 0 && !(flags & RTS_IP6EXT_QUOTE))
				return first_fragment_chain(pkt, len, out);
			return RTS_IP6EXT_OK;
		}
		nh_off = off; /* every extension starts with its Next Header */
		nh = pkt[off];
		off += hlen;
	}
	out->proto = nh;
	out->l4_off = off;
	out->nh_off = nh_off;
	return RTS_IP6EXT_OK;
}

enum rts_ip6ext_err rts_ip6ext_walk(const uint8_t *pkt, uint32_t len,
				    unsigned flags,
				    struct rts_ip6ext_info *out)
{
	if (len < RTS_IP6_HDR_LEN) {
		rts_memset(out, 0, sizeof(*out));
		return RTS_IP6EXT_TRUNCATED;
	}
	return walk(pkt, len, pkt[6], RTS_IP6_HDR_LEN, 6, flags, out);
}

void rts_ip6_frag_emit(uint8_t *b, uint8_t nh, uint16_t off_bytes, bool more,
		       uint32_t id)
{
	b[0] = nh;
	b[1] = 0;
	rts_put_be16(b + 2, (uint16_t)((off_bytes & 0xfff8) | (more ? 1 : 0)));
	rts_put_be32(b + 4, id);
}
