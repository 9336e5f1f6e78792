/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — stable, semantically opaque interface identifiers (RFC 7217)
 * for the link-local and SLAAC addresses, instead of the EUI-64 of the MAC
 * (which lets every network the host visits recognise it, RFC 7721).
 *
 * §5: RID = F(Prefix, Net_Iface, Network_ID, DAD_Counter, secret_key),
 * with F = SipHash-2-4 keyed by cfg.ip6.stable_secret over the 64-bit
 * prefix, the MAC as Net_Iface, cfg.ip6.network_id and the counter. The
 * same secret, link and prefix give the same address after a restart;
 * another prefix gives an unrelated one. §6: a DAD conflict increments
 * DAD_Counter and the next identifier is tried after IDGEN_DELAY, at most
 * IDGEN_RETRIES times; an identifier in the IANA registry of reserved ones
 * (RFC 5453) counts as a conflict.
 */
#include "ip6.h"

#include "core/siphash.h"

/* RFC 5453 / the IANA "Reserved IPv6 Interface Identifiers" registry. */
bool rts_ip6_iid_reserved(const struct rts_ip *a)
{
	static const uint8_t anycast[7] = { 0xfd, 0xff, 0xff, 0xff,
					    0xff, 0xff, 0xff };
	const uint8_t *iid = &a->u8[8];

	if (a->u64[1] == 0)
		return true; /* subnet-router anycast (RFC 4291 §2.6.1) */
	if (rts_memcmp(iid, anycast, 7) == 0 && iid[7] >= 0x80)
		return true; /* reserved subnet anycast (RFC 2526) */
	/* the IANA Ethernet block's IID range (RFC 4291 app. A, RFC 5453) */
	return iid[0] == 0x02 && iid[1] == 0x00 && iid[2] == 0x5e &&
	       iid[3] == 0xfe;
}

struct rts_ip rts_ip6_stable_addr(const struct rts_ctx *ctx,
				  const struct rts_ip *prefix,
				  uint8_t dad_counter)
{
	const struct rts_ip6_config *c = &ctx->cfg.ip6;
	uint8_t msg[8 + RTS_ETH_ALEN + 8 + 1];
	struct rts_ip a = *prefix;
	uint64_t rid;

	rts_memcpy(msg, prefix->u8, 8);
	rts_memcpy(msg + 8, ctx->cfg.mac.b, RTS_ETH_ALEN);
	for (unsigned i = 0; i < 8; i++)
		msg[8 + RTS_ETH_ALEN + i] = (uint8_t)(c->network_id >> (8 * i));
	msg[sizeof(msg) - 1] = dad_counter;
	rid = rts_siphash24(c->stable_secret, msg, sizeof(msg));
	rts_put_be32(&a.u8[8], (uint32_t)(rid >> 32));
	rts_put_be32(&a.u8[12], (uint32_t)rid);
	return a;
}

struct rts_ip rts_ip6_iid_addr(const struct rts_ctx *ctx,
			       const struct rts_ip *prefix,
			       uint8_t *dad_counter)
{
	struct rts_ip a;

	if (!ctx->cfg.ip6.stable_iid)
		return rts_ip6_eui64_addr(prefix, &ctx->cfg.mac);
	a = rts_ip6_stable_addr(ctx, prefix, *dad_counter);
	while (rts_ip6_iid_reserved(&a) && *dad_counter < RTS_IP6_IDGEN_RETRIES) {
		(*dad_counter)++; /* §5: as if DAD had failed */
		a = rts_ip6_stable_addr(ctx, prefix, *dad_counter);
	}
	return a;
}
