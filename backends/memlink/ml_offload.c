/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * memlink — checksum offload emulation: what a NIC does with the TX
 * checksum requests and which RX marks it sets.
 *
 * TX convention (as DPDK's): for RTS_PKT_TX_IP_CSUM the device computes the
 * IPv4 header checksum over l3_len bytes at l2_len; for RTS_PKT_TX_TCP_CSUM
 * / UDP_CSUM the checksum field already holds the folded pseudo-header sum
 * and the device adds the L4 bytes (RFC 1071 sums are associative).
 */
#include "ml_internal.h"

#include <string.h>

#define ETH_HLEN 14
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define IP_PROTO_TCP 6
#define IP_PROTO_UDP 17
#define HDR_PEEK (ETH_HLEN + 40) /* every field parse_l3 reads */
#define rts_likely_ml(x) __builtin_expect(!!(x), 1)

/* Sum of big-endian 16-bit words over a chain range (odd bytes padded). */
static uint64_t chain_sum(const struct rts_pkt *p, uint32_t off, uint32_t len)
{
	uint64_t sum = 0;
	uint32_t pos = 0; /* bytes summed so far: their parity aligns words */

	for (; p != NULL && len > 0; p = p->next) {
		const uint8_t *d;
		uint32_t n;

		if (off >= p->len) {
			off -= p->len;
			continue;
		}
		d = p->data + off;
		n = p->len - off;
		if (n > len)
			n = len;
		for (uint32_t i = 0; i < n; i++, pos++)
			sum += (pos & 1) ? d[i] : (uint64_t)d[i] << 8;
		len -= n;
		off = 0;
	}
	return sum;
}

static uint16_t fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* The byte at @off of a chain (NULL past the end). */
static uint8_t *chain_byte(struct rts_pkt *p, uint32_t off)
{
	for (; p != NULL; p = p->next) {
		if (off < p->len)
			return p->data + off;
		off -= p->len;
	}
	return NULL;
}

/* Write a big-endian 16-bit value at @off of a chain. */
static void chain_put16(struct rts_pkt *p, uint32_t off, uint16_t v)
{
	uint8_t *hi = chain_byte(p, off), *lo = chain_byte(p, off + 1);

	if (hi != NULL && lo != NULL) {
		*hi = (uint8_t)(v >> 8);
		*lo = (uint8_t)v;
	}
}

static uint16_t chain_get16(const struct rts_pkt *p, uint32_t off)
{
	uint8_t b[2] = { 0, 0 };

	ml_pkt_read(p, off, b, 2);
	return (uint16_t)(b[0] << 8 | b[1]);
}

/* Contiguous view of the first @n bytes (copied when the head is short). */
static const uint8_t *peek(const struct rts_pkt *p, uint8_t *tmp, uint32_t n)
{
	if (rts_likely_ml(p->len >= n))
		return p->data;
	memset(tmp, 0, n);
	ml_pkt_read(p, 0, tmp, n);
	return tmp;
}

struct l3_view {
	uint32_t l2, l3;    /* header lengths */
	uint32_t l4_len;    /* L4 header + payload as the IP header says */
	uint8_t proto;
	bool v4, v6, frag;  /* frag: not a whole datagram (L4 not checkable) */
	bool ok;            /* lengths consistent with the frame */
};

static struct l3_view parse_l3(const struct rts_pkt *p)
{
	uint8_t tmp[HDR_PEEK];
	const uint8_t *h = peek(p, tmp, HDR_PEEK);
	struct l3_view v;
	uint16_t type = (uint16_t)(h[12] << 8 | h[13]);

	memset(&v, 0, sizeof(v));
	v.l2 = ETH_HLEN;
	if (p->pkt_len < ETH_HLEN + 20)
		return v;
	if (type == ETHERTYPE_IPV4 && (h[14] >> 4) == 4) {
		uint32_t tot = (uint32_t)(h[16] << 8 | h[17]);

		v.v4 = true;
		v.l3 = (uint32_t)(h[14] & 0xf) * 4;
		v.proto = h[23];
		v.frag = ((h[20] << 8 | h[21]) & 0x3fff) != 0;
		v.ok = v.l3 >= 20 && tot >= v.l3 &&
		       ETH_HLEN + tot <= p->pkt_len;
		v.l4_len = v.ok ? tot - v.l3 : 0;
	} else if (type == ETHERTYPE_IPV6 && (h[14] >> 4) == 6 &&
		   p->pkt_len >= ETH_HLEN + 40) {
		uint32_t plen = (uint32_t)(h[18] << 8 | h[19]);

		v.v6 = true;
		v.l3 = 40;
		v.proto = h[20]; /* extension headers: not checked, like many NICs */
		v.ok = ETH_HLEN + 40 + plen <= p->pkt_len;
		v.l4_len = v.ok ? plen : 0;
	}
	return v;
}

static uint32_t l4_csum_field(uint8_t proto)
{
	return proto == IP_PROTO_TCP ? 16 : 6;
}

/* The L4 sum including the pseudo-header (RFC 9293 §3.1, RFC 8200 §8.1). */
static uint64_t l4_sum_with_pseudo(const struct rts_pkt *p,
				   const struct l3_view *v)
{
	uint64_t sum = chain_sum(p, v->l2 + v->l3, v->l4_len);

	if (v->v4)
		sum += chain_sum(p, v->l2 + 12, 8);
	else
		sum += chain_sum(p, v->l2 + 8, 32);
	return sum + v->proto + v->l4_len;
}

void ml_offload_fill_tx(struct rts_pkt *p, struct ml_dir_stats *st)
{
	const uint32_t want = RTS_PKT_TX_IP_CSUM | RTS_PKT_TX_TCP_CSUM |
			      RTS_PKT_TX_UDP_CSUM;
	struct l3_view v;
	uint32_t l2, l3;

	if ((p->ol_flags & want) == 0)
		return;
	v = parse_l3(p);
	l2 = p->l2_len;
	l3 = p->l3_len;
	if (l2 == 0 || l3 == 0) {
		st->offload_meta_bad++;
		l2 = v.l2;
		l3 = v.l3;
	}
	if ((p->ol_flags & RTS_PKT_TX_IP_CSUM) && v.v4) {
		chain_put16(p, l2 + 10, 0);
		chain_put16(p, l2 + 10, (uint16_t)~fold(chain_sum(p, l2, l3)));
		st->csum_filled++;
	}
	if ((p->ol_flags & (RTS_PKT_TX_TCP_CSUM | RTS_PKT_TX_UDP_CSUM)) &&
	    v.ok) {
		uint8_t proto = (p->ol_flags & RTS_PKT_TX_TCP_CSUM)
					? IP_PROTO_TCP
					: IP_PROTO_UDP;
		uint32_t l4_len = v.l2 + v.l3 + v.l4_len - (l2 + l3);
		uint16_t c = (uint16_t)~fold(chain_sum(p, l2 + l3, l4_len));

		if (proto == IP_PROTO_UDP && c == 0)
			c = 0xffff; /* RFC 768: zero means "no checksum" */
		chain_put16(p, l2 + l3 + l4_csum_field(proto), c);
		st->csum_filled++;
	}
}

/* Marks from the truth: recompute every checksum. */
static uint32_t verify_marks(const struct rts_pkt *p, const struct l3_view *v)
{
	uint32_t m = 0;

	if (v->v4) {
		if (fold(chain_sum(p, v->l2, v->l3)) != 0xffff)
			return RTS_PKT_RX_IP_CSUM_BAD;
		m |= RTS_PKT_RX_IP_CSUM_GOOD;
	}
	if (!v->ok || v->frag ||
	    (v->proto != IP_PROTO_TCP && v->proto != IP_PROTO_UDP))
		return m;
	if (v->proto == IP_PROTO_UDP && v->v4 &&
	    chain_get16(p, v->l2 + v->l3 + 6) == 0)
		return m; /* no checksum: nothing to verify */
	if (fold(l4_sum_with_pseudo(p, v)) == 0xffff)
		m |= RTS_PKT_RX_L4_CSUM_GOOD;
	else
		m |= RTS_PKT_RX_L4_CSUM_BAD;
	return m;
}

/* Marks by trust: GOOD unless the link damaged that part. */
static uint32_t trust_marks(const struct l3_view *v, int64_t corrupt_off)
{
	bool damaged = corrupt_off >= ETH_HLEN;
	uint32_t m = 0;

	if (v->v4) {
		if (damaged && corrupt_off < (int64_t)(v->l2 + v->l3))
			return RTS_PKT_RX_IP_CSUM_BAD;
		m |= RTS_PKT_RX_IP_CSUM_GOOD;
	}
	if (!v->ok || v->frag ||
	    (v->proto != IP_PROTO_TCP && v->proto != IP_PROTO_UDP))
		return m;
	/* The L4 sum covers the pseudo-header: any damage past L2 shows. */
	return m | (damaged ? RTS_PKT_RX_L4_CSUM_BAD : RTS_PKT_RX_L4_CSUM_GOOD);
}

uint32_t ml_offload_rx_marks(const struct rts_pkt *p, enum ml_csum_mode mode,
			     int64_t corrupt_off)
{
	struct l3_view v;
	uint32_t m;

	if (mode == ML_CSUM_SW)
		return 0;
	if (mode == ML_CSUM_OFFLOAD && ml_trust_marks_v4(p, corrupt_off, &m))
		return m;
	v = parse_l3(p);
	if (!v.v4 && !v.v6)
		return 0;
	if (mode == ML_CSUM_OFFLOAD_VERIFY)
		return verify_marks(p, &v);
	return trust_marks(&v, corrupt_off);
}
