/* SPDX-License-Identifier: BSD-3-Clause */
/* rtestack — the IPv6 header and address classes. */
#include "ipv6.h"

enum rts_ip6_parse_err rts_ip6_parse(const uint8_t *b, uint32_t len,
				     struct rts_ip6_hdr *h)
{
	uint32_t vtf;

	if (len < RTS_IP6_HDR_LEN)
		return RTS_IP6_TOO_SHORT;
	vtf = rts_get_be32(b);
	if ((vtf >> 28) != 6)
		return RTS_IP6_BAD_VERSION;
	h->tclass = (uint8_t)(vtf >> 20);
	h->flow = vtf & 0xfffff;
	h->payload_len = rts_get_be16(b + 4);
	h->next_hdr = b[6];
	h->hop_limit = b[7];
	if ((uint32_t)h->payload_len + RTS_IP6_HDR_LEN > len)
		return RTS_IP6_BAD_LEN;
	h->src = rts_ip6_load(b + 8);
	h->dst = rts_ip6_load(b + 24);
	return RTS_IP6_OK;
}

void rts_ip6_emit(const struct rts_ip6_hdr *h, uint8_t *b)
{
	rts_put_be32(b, 6u << 28 | (uint32_t)h->tclass << 20 |
				(h->flow & 0xfffff));
	rts_put_be16(b + 4, h->payload_len);
	b[6] = h->next_hdr;
	b[7] = h->hop_limit;
	rts_memcpy(b + 8, h->src.u8, 16);
	rts_memcpy(b + 24, h->dst.u8, 16);
}

uint8_t rts_ip6_scope(const struct rts_ip *a)
{
	if (rts_ip6_is_multicast(a))
		return rts_ip6_mcast_scope(a);
	if (rts_ip6_is_link_local(a))
		return 2;
	if (rts_ip6_is_loopback(a))
		return 1;
	return 14;
}

static struct rts_ip ip6_ff02(uint8_t last)
{
	struct rts_ip a = { .u32 = { 0, 0, 0, 0 } };

	a.u8[0] = 0xff;
	a.u8[1] = 0x02;
	a.u8[15] = last;
	return a;
}

struct rts_ip rts_ip6_all_nodes(void)
{
	return ip6_ff02(1);
}

struct rts_ip rts_ip6_all_routers(void)
{
	return ip6_ff02(2);
}

struct rts_ip rts_ip6_solicited_node(const struct rts_ip *a)
{
	struct rts_ip s = ip6_ff02(0);

	s.u8[11] = 0x01;
	s.u8[12] = 0xff;
	s.u8[13] = a->u8[13];
	s.u8[14] = a->u8[14];
	s.u8[15] = a->u8[15];
	return s;
}

bool rts_ip6_is_solicited_node(const struct rts_ip *a)
{
	static const uint8_t pfx[13] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0,
					 0,    0,    0, 1, 0xff };

	return rts_memcmp(a->u8, pfx, sizeof(pfx)) == 0;
}

struct rts_mac rts_ip6_mcast_mac(const struct rts_ip *group)
{
	struct rts_mac m = { { 0x33, 0x33, group->u8[12], group->u8[13],
			       group->u8[14], group->u8[15] } };

	return m;
}

static void put_eui64(uint8_t *id, const struct rts_mac *mac)
{
	id[0] = mac->b[0] ^ 0x02; /* invert the universal/local bit */
	id[1] = mac->b[1];
	id[2] = mac->b[2];
	id[3] = 0xff;
	id[4] = 0xfe;
	id[5] = mac->b[3];
	id[6] = mac->b[4];
	id[7] = mac->b[5];
}

struct rts_ip rts_ip6_link_local_from_mac(const struct rts_mac *mac)
{
	struct rts_ip a = { .u32 = { 0, 0, 0, 0 } };

	a.u8[0] = 0xfe;
	a.u8[1] = 0x80;
	put_eui64(&a.u8[8], mac);
	return a;
}

struct rts_ip rts_ip6_eui64_addr(const struct rts_ip *prefix,
				 const struct rts_mac *mac)
{
	struct rts_ip a = *prefix;

	put_eui64(&a.u8[8], mac);
	return a;
}

bool rts_ip6_prefix_match(const struct rts_ip *a, const struct rts_ip *b,
			  uint8_t plen)
{
	uint8_t whole = plen / 8, rest = plen % 8;

	if (plen > 128)
		return false;
	if (rts_memcmp(a->u8, b->u8, whole) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((a->u8[whole] ^ b->u8[whole]) & (uint8_t)(0xff << (8 - rest))) ==
	       0;
}

uint8_t rts_ip6_common_prefix_len(const struct rts_ip *a,
				  const struct rts_ip *b)
{
	for (unsigned i = 0; i < 16; i++) {
		uint8_t x = a->u8[i] ^ b->u8[i];

		if (x)
			return (uint8_t)(i * 8 + (unsigned)__builtin_clz(x) - 24);
	}
	return 128;
}
