/* SPDX-License-Identifier: BSD-3-Clause */
/* rtestack — Neighbor Discovery messages and options (RFC 4861 §4). */
#include "ndp.h"

/* Fixed part of each message, ICMPv6 header included (§4.1-4.5). */
static uint32_t nd_fixed_len(uint8_t type)
{
	switch (type) {
	case RTS_ICMP6_ROUTER_SOLICIT:
		return 8;
	case RTS_ICMP6_ROUTER_ADVERT:
		return 16;
	case RTS_ICMP6_NEIGH_SOLICIT:
	case RTS_ICMP6_NEIGH_ADVERT:
		return 24;
	case RTS_ICMP6_REDIRECT:
		return 40;
	default:
		return 0;
	}
}

static struct rts_mac load_mac(const uint8_t *b)
{
	struct rts_mac m;

	rts_memcpy(m.b, b, 6);
	return m;
}

/* Prefix Information (§4.6.2); malformed ones are ignored, not fatal. */
static void opt_prefix(const uint8_t *o, uint32_t olen, struct rts_nd_opts *opts)
{
	struct rts_nd_prefix *pi;
	uint8_t plen = o[2];

	if (olen != 32 || plen > 128 || opts->n_prefix >= RTS_ND_MAX_PREFIXES)
		return;
	pi = &opts->prefix[opts->n_prefix++];
	pi->len = plen;
	pi->on_link = (o[3] & 0x80) != 0;
	pi->autonomous = (o[3] & 0x40) != 0;
	pi->valid_s = rts_get_be32(o + 4);
	pi->preferred_s = rts_get_be32(o + 8);
	pi->prefix = rts_ip6_load(o + 16);
	/* Bits past the length are reserved and ignored by the receiver. */
	for (unsigned i = 0; i < 16; i++) {
		unsigned bits = plen > i * 8 ? plen - i * 8 : 0;

		if (bits < 8)
			pi->prefix.u8[i] &= (uint8_t)(0xff00u >> bits);
	}
}

/* Every option must have a non-zero length and fit the message (§6.1, §7.1). */
static enum rts_nd_parse_err parse_opts(const uint8_t *b, uint32_t pos,
					uint32_t len, struct rts_nd_opts *opts)
{
	while (pos < len) {
		const uint8_t *o = b + pos;
		uint32_t olen;

		if (len - pos < 2 || o[1] == 0)
			return RTS_ND_BAD_OPT_LEN;
		olen = (uint32_t)o[1] * 8;
		if (olen > len - pos)
			return RTS_ND_BAD_OPT_LEN;
		switch (o[0]) {
		case RTS_ND_OPT_SRC_LLADDR:
			if (!opts->has_src_ll)
				opts->src_ll = load_mac(o + 2);
			opts->has_src_ll = true;
			break;
		case RTS_ND_OPT_TGT_LLADDR:
			if (!opts->has_tgt_ll)
				opts->tgt_ll = load_mac(o + 2);
			opts->has_tgt_ll = true;
			break;
		case RTS_ND_OPT_PREFIX:
			opt_prefix(o, olen, opts);
			break;
		case RTS_ND_OPT_MTU:
			if (olen == 8) {
				opts->has_mtu = true;
				opts->mtu = rts_get_be32(o + 4);
			}
			break;
		case RTS_ND_OPT_NONCE:
			opts->has_nonce = true;
			rts_memcpy(opts->nonce, o + 2, 6);
			break;
		case RTS_ND_OPT_REDIRECTED:
			opts->redirected_off = pos + 8;
			opts->redirected_len = olen - 8;
			break;
		default: /* unknown options are ignored (§4.6) */
			break;
		}
		pos += olen;
	}
	return RTS_ND_OK;
}

/* The per-message checks of §6.1.1, §6.1.2, §7.1.1, §7.1.2 and §8.1. */
static enum rts_nd_parse_err check_msg(const struct rts_nd_msg *m,
				       const struct rts_ip6_hdr *ip)
{
	bool src_any = rts_ip6_is_unspecified(&ip->src);

	switch (m->type) {
	case RTS_ICMP6_ROUTER_SOLICIT:
		if (src_any && m->opts.has_src_ll)
			return RTS_ND_BAD_DAD;
		break;
	case RTS_ICMP6_ROUTER_ADVERT:
		if (!rts_ip6_is_link_local(&ip->src))
			return RTS_ND_BAD_SRC;
		break;
	case RTS_ICMP6_NEIGH_SOLICIT:
		if (rts_ip6_is_multicast(&m->target))
			return RTS_ND_BAD_TARGET;
		if (src_any && (!rts_ip6_is_solicited_node(&ip->dst) ||
				m->opts.has_src_ll))
			return RTS_ND_BAD_DAD;
		break;
	case RTS_ICMP6_NEIGH_ADVERT:
		if (rts_ip6_is_multicast(&m->target))
			return RTS_ND_BAD_TARGET;
		if (rts_ip6_is_multicast(&ip->dst) &&
		    (m->flags & RTS_ND_NA_SOLICITED))
			return RTS_ND_BAD_FLAGS;
		break;
	case RTS_ICMP6_REDIRECT:
		if (!rts_ip6_is_link_local(&ip->src))
			return RTS_ND_BAD_SRC;
		if (rts_ip6_is_multicast(&m->dest) ||
		    (!rts_ip6_is_link_local(&m->target) &&
		     !rts_ip_eq(&m->target, &m->dest)))
			return RTS_ND_BAD_TARGET;
		break;
	}
	return RTS_ND_OK;
}

enum rts_nd_parse_err rts_nd_parse(const uint8_t *b, uint32_t len,
				   const struct rts_ip6_hdr *ip,
				   struct rts_nd_msg *m)
{
	uint32_t fixed;
	enum rts_nd_parse_err err;

	rts_memset(m, 0, sizeof(*m));
	if (len < 4)
		return RTS_ND_TOO_SHORT;
	m->type = b[0];
	fixed = nd_fixed_len(m->type);
	if (fixed == 0)
		return RTS_ND_NOT_ND;
	if (ip->hop_limit != RTS_ND_HOP_LIMIT)
		return RTS_ND_BAD_HOP_LIMIT;
	if (b[1] != 0)
		return RTS_ND_BAD_CODE;
	if (len < fixed)
		return RTS_ND_TOO_SHORT;
	switch (m->type) {
	case RTS_ICMP6_ROUTER_ADVERT:
		m->cur_hop_limit = b[4];
		m->flags = b[5] & (RTS_ND_RA_MANAGED | RTS_ND_RA_OTHER);
		m->router_lifetime_s = rts_get_be16(b + 6);
		m->reachable_ms = rts_get_be32(b + 8);
		m->retrans_ms = rts_get_be32(b + 12);
		break;
	case RTS_ICMP6_NEIGH_ADVERT:
		m->flags = b[4] & (RTS_ND_NA_ROUTER | RTS_ND_NA_SOLICITED |
				   RTS_ND_NA_OVERRIDE);
		m->target = rts_ip6_load(b + 8);
		break;
	case RTS_ICMP6_NEIGH_SOLICIT:
		m->target = rts_ip6_load(b + 8);
		break;
	case RTS_ICMP6_REDIRECT:
		m->target = rts_ip6_load(b + 8);
		m->dest = rts_ip6_load(b + 24);
		break;
	}
	err = parse_opts(b, fixed, len, &m->opts);
	if (err != RTS_ND_OK)
		return err;
	return check_msg(m, ip);
}

/* A link-layer address option at @b (8 bytes); returns its length. */
static uint32_t put_ll_opt(uint8_t *b, uint8_t type, const struct rts_mac *mac)
{
	b[0] = type;
	b[1] = 1;
	rts_memcpy(b + 2, mac->b, 6);
	return 8;
}

uint32_t rts_nd_emit_rs(uint8_t *b, const struct rts_mac *src_ll)
{
	rts_memset(b, 0, 8);
	b[0] = RTS_ICMP6_ROUTER_SOLICIT;
	if (src_ll == NULL)
		return 8;
	return 8 + put_ll_opt(b + 8, RTS_ND_OPT_SRC_LLADDR, src_ll);
}

uint32_t rts_nd_emit_ns(uint8_t *b, const struct rts_ip *target,
			const struct rts_mac *src_ll)
{
	rts_memset(b, 0, 8);
	b[0] = RTS_ICMP6_NEIGH_SOLICIT;
	rts_memcpy(b + 8, target->u8, 16);
	if (src_ll == NULL)
		return 24;
	return 24 + put_ll_opt(b + 24, RTS_ND_OPT_SRC_LLADDR, src_ll);
}

uint32_t rts_nd_emit_na(uint8_t *b, const struct rts_ip *target,
			uint8_t flags, const struct rts_mac *tgt_ll)
{
	rts_memset(b, 0, 8);
	b[0] = RTS_ICMP6_NEIGH_ADVERT;
	b[4] = flags;
	rts_memcpy(b + 8, target->u8, 16);
	if (tgt_ll == NULL)
		return 24;
	return 24 + put_ll_opt(b + 24, RTS_ND_OPT_TGT_LLADDR, tgt_ll);
}

static uint32_t put_prefix_opt(uint8_t *b, const struct rts_nd_prefix *pi)
{
	rts_memset(b, 0, 32);
	b[0] = RTS_ND_OPT_PREFIX;
	b[1] = 4;
	b[2] = pi->len;
	b[3] = (uint8_t)((pi->on_link ? 0x80 : 0) | (pi->autonomous ? 0x40 : 0));
	rts_put_be32(b + 4, pi->valid_s);
	rts_put_be32(b + 8, pi->preferred_s);
	rts_memcpy(b + 16, pi->prefix.u8, 16);
	return 32;
}

uint32_t rts_nd_emit_ra(uint8_t *b, const struct rts_nd_ra_emit *ra)
{
	uint32_t n = 16;

	rts_memset(b, 0, 16);
	b[0] = RTS_ICMP6_ROUTER_ADVERT;
	b[4] = ra->cur_hop_limit;
	b[5] = ra->flags;
	rts_put_be16(b + 6, ra->router_lifetime_s);
	rts_put_be32(b + 8, ra->reachable_ms);
	rts_put_be32(b + 12, ra->retrans_ms);
	if (ra->src_ll)
		n += put_ll_opt(b + n, RTS_ND_OPT_SRC_LLADDR, ra->src_ll);
	if (ra->mtu) {
		rts_memset(b + n, 0, 8);
		b[n] = RTS_ND_OPT_MTU;
		b[n + 1] = 1;
		rts_put_be32(b + n + 4, ra->mtu);
		n += 8;
	}
	for (uint8_t i = 0; i < ra->n_prefix; i++)
		n += put_prefix_opt(b + n, &ra->prefix[i]);
	return n;
}
