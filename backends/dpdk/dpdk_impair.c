/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack DPDK backend — seeded link impairment in both directions, so
 * tests against a real peer (the Linux kernel) exercise loss recovery.
 *
 *   loss=P     drop the packet
 *   dup=P      deliver it twice
 *   reorder=P  hold it back until the next packet has passed (at most 1 ms)
 *   corrupt=P  flip one bit after the Ethernet header
 *   seed=N     the generator's seed (each queue and direction derives its own)
 *
 * P is a percentage ("2%", "0.1%") or a fraction ("0.02").
 */
#include <stdlib.h>
#include <string.h>

#include "dpdk_internal.h"

#define HOLD_MAX_NS 1000000u

static uint64_t rng_next(uint64_t s[2])
{
	uint64_t s1 = s[0];
	const uint64_t s0 = s[1];

	s[0] = s0;
	s1 ^= s1 << 23;
	s[1] = s1 ^ s0 ^ (s1 >> 17) ^ (s0 >> 26);
	return s[1] + s0;
}

static bool chance(struct rts_dpdk_impair *im, uint32_t p)
{
	return p != 0 && (uint32_t)(rng_next(im->rng) >> 32) < p;
}

/* "2%", "0.5%", "0.02" -> fraction of 2^32; -1 when malformed or > 100%. */
static int64_t parse_prob(const char *s, size_t len)
{
	char buf[32], *end;
	double v;

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	v = strtod(buf, &end);
	if (end == buf)
		return -1;
	if (*end == '%') {
		v /= 100.0;
		end++;
	}
	if (*end != '\0' || v < 0.0 || v > 1.0)
		return -1;
	return v >= 1.0 ? (int64_t)UINT32_MAX : (int64_t)(v * 4294967296.0);
}

int rts_dpdk_impair_parse(const char *spec, struct rts_dpdk_impair_conf *c,
			  char *why, size_t why_len)
{
	const char *p = spec;

	memset(c, 0, sizeof(*c));
	c->seed = 1;
	while (p != NULL && *p != '\0') {
		const char *end = strchr(p, ',');
		const char *eq = strchr(p, '=');
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
		size_t klen;
		int64_t v;

		if (eq == NULL || eq > p + len) {
			snprintf(why, why_len, "'%.*s': expected key=value",
				 (int)len, p);
			return -EINVAL;
		}
		klen = (size_t)(eq - p);
		if (klen == 4 && strncmp(p, "seed", 4) == 0) {
			c->seed = strtoull(eq + 1, NULL, 0);
		} else {
			v = parse_prob(eq + 1, len - klen - 1);
			if (v < 0) {
				snprintf(why, why_len,
					 "'%.*s': want a percentage (2%%) or a fraction (0.02)",
					 (int)len, p);
				return -EINVAL;
			}
			if (klen == 4 && strncmp(p, "loss", 4) == 0)
				c->loss = (uint32_t)v;
			else if (klen == 7 && strncmp(p, "reorder", 7) == 0)
				c->reorder = (uint32_t)v;
			else if (klen == 3 && strncmp(p, "dup", 3) == 0)
				c->dup = (uint32_t)v;
			else if (klen == 7 && strncmp(p, "corrupt", 7) == 0)
				c->corrupt = (uint32_t)v;
			else {
				snprintf(why, why_len,
					 "unknown impairment '%.*s' (loss, reorder, dup, corrupt, seed)",
					 (int)klen, p);
				return -EINVAL;
			}
		}
		p = end != NULL ? end + 1 : NULL;
	}
	c->on = c->loss || c->reorder || c->dup || c->corrupt;
	return 0;
}

void rts_dpdk_impair_init(struct rts_dpdk_impair *im,
			  const struct rts_dpdk_impair_conf *c, uint64_t salt)
{
	memset(im, 0, sizeof(*im));
	im->conf = c;
	im->rng[0] = c->seed ^ 0x9e3779b97f4a7c15ull ^ (salt * 0xbf58476d1ce4e5b9ull);
	im->rng[1] = (c->seed << 1) ^ 0x94d049bb133111ebull ^ salt;
	if ((im->rng[0] | im->rng[1]) == 0)
		im->rng[1] = 1;
	for (int i = 0; i < 16; i++)
		(void)rng_next(im->rng);
}

/* Flip one bit past the Ethernet header, in whichever segment holds it. */
static void flip_bit(struct rts_dpdk_impair *im, struct rte_mbuf *m)
{
	uint32_t off, bit;
	struct rte_mbuf *s = m;

	if (m->pkt_len <= RTE_ETHER_HDR_LEN)
		return;
	bit = (uint32_t)rng_next(im->rng);
	off = RTE_ETHER_HDR_LEN + (bit >> 3) % (m->pkt_len - RTE_ETHER_HDR_LEN);
	while (s != NULL && off >= s->data_len) {
		off -= s->data_len;
		s = s->next;
	}
	if (s != NULL)
		rte_pktmbuf_mtod(s, uint8_t *)[off] ^= (uint8_t)(1u << (bit & 7));
}

static bool tx_csum_by_device(const struct rte_mbuf *m)
{
	return (m->ol_flags & (RTE_MBUF_F_TX_L4_MASK | RTE_MBUF_F_TX_IP_CKSUM |
			       RTE_MBUF_F_TX_TCP_SEG)) != 0;
}

/*
 * Decide the fate of one packet: returns 0 (dropped), 1 (pass) or 2 (pass
 * and a duplicate placed in *dup).
 */
static int judge(struct rts_dpdk_impair *im, struct rts_dpdk_queue_stats *st,
		 struct rte_mbuf *m, bool rx, struct rte_mbuf **dup)
{
	const struct rts_dpdk_impair_conf *c = im->conf;

	if (chance(im, c->loss)) {
		st->impair_loss++;
		rte_pktmbuf_free(m);
		return 0;
	}
	if (chance(im, c->corrupt)) {
		st->impair_corrupt++;
		if (!rx && tx_csum_by_device(m)) {
			/* The device would checksum the damage: the peer could
			 * not notice, so model what it would do: drop. */
			rte_pktmbuf_free(m);
			return 0;
		}
		flip_bit(im, m);
		if (rx)
			m->ol_flags &= ~(RTE_MBUF_F_RX_IP_CKSUM_MASK |
					 RTE_MBUF_F_RX_L4_CKSUM_MASK);
	}
	if (chance(im, c->dup)) {
		*dup = rte_pktmbuf_copy(m, m->pool, 0, UINT32_MAX);
		if (*dup != NULL) {
			st->impair_dup++;
			return 2;
		}
	}
	return 1;
}

unsigned rts_dpdk_impair_burst(struct rts_dpdk_impair *im,
			       struct rts_dpdk_queue_stats *st,
			       struct rte_mbuf **m, unsigned n, unsigned cap,
			       bool rx, uint64_t now_ns)
{
	struct rte_mbuf *in[RTS_TX_BURST * 2];
	unsigned out = 0;

	n = RTE_MIN(n, (unsigned)RTE_DIM(in));
	memcpy(in, m, n * sizeof(m[0]));
	for (unsigned i = 0; i < n; i++) {
		struct rte_mbuf *dup = NULL;
		int v = judge(im, st, in[i], rx, &dup);

		if (v == 0)
			continue;
		if (chance(im, im->conf->reorder) &&
		    im->n_held < RTS_DPDK_REORDER_HOLD) {
			/* Hold it: the packets after it overtake it. */
			if (im->n_held == 0)
				im->held_since_ns = now_ns;
			im->held[im->n_held++] = in[i];
			st->impair_reorder++;
		} else if (out < cap) {
			m[out++] = in[i];
			/* A packet passed: what was held goes out behind it. */
			while (im->n_held > 0 && out < cap)
				m[out++] = im->held[--im->n_held];
		} else {
			rte_pktmbuf_free(in[i]);
		}
		if (dup != NULL) {
			if (out < cap)
				m[out++] = dup;
			else
				rte_pktmbuf_free(dup);
		}
	}
	return out;
}

unsigned rts_dpdk_impair_release(struct rts_dpdk_impair *im,
				 struct rte_mbuf **m, unsigned cap,
				 uint64_t now_ns, bool all)
{
	unsigned out = 0;

	if (im->n_held == 0 ||
	    (!all && now_ns - im->held_since_ns < HOLD_MAX_NS))
		return 0;
	while (im->n_held > 0 && out < cap)
		m[out++] = im->held[--im->n_held];
	return out;
}
