/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack DPDK backend — the per-lcore loop: receive, impair, steer each
 * packet to the lcore that owns its flow, run the stack.
 *
 * Steering without device RSS: the owner of a TCP/UDP flow is a symmetric
 * hash of its addresses and ports modulo the number of queues (addresses
 * only for fragments and other protocols). Packets that arrive on another
 * lcore's queue travel to the owner through its inbox, an rte_ring with
 * many producers and one consumer. Active opens pick source ports whose
 * replies hash to the local lcore, so in steady state little is redirected.
 *
 * Neighbour news: an ARP reply (or a request for one of our addresses) and
 * an IPv6 neighbour advertisement are processed where they arrive; every
 * other lcore learns the sender through rts_neigh_learn(). The news travels
 * as a small mbuf whose inbox pointer carries a tag in its low bit.
 */
#include <rte_arp.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_thash.h>

#include "dpdk_internal.h"

#define RX_BURST 32
/* Run the stack's timers at least this often even without traffic. */
#define POLL_INTERVAL_NS 100000u
#define NEWS_TAG ((uintptr_t)1)
#define EPHEMERAL_FIRST 49152u
#define EPHEMERAL_COUNT 16384u

struct neigh_news {
	struct rts_ip ip;
	struct rts_mac mac;
};

/* ------------------------------------------------------------ flow hash */
static inline uint32_t fold_ip(const struct rts_ip *ip)
{
	return ip->u32[0] ^ ip->u32[1] ^ ip->u32[2] ^ ip->u32[3];
}

/* A 32-bit finaliser (xor-shift-multiply) so nearby ports spread. */
static inline uint32_t mix32(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	x ^= x >> 16;
	return x;
}

/* Symmetric: (a, pa, b, pb) and (b, pb, a, pa) have the same owner. */
uint16_t rts_dpdk_owner_of(uint16_t n_queues, const struct rts_ip *a,
			   const struct rts_ip *b, uint16_t pa, uint16_t pb)
{
	uint32_t h = mix32(fold_ip(a) ^ fold_ip(b) ^
			   ((uint32_t)(pa ^ pb) * 0x9e3779b1u));

	return (uint16_t)(((uint64_t)h * n_queues) >> 32);
}

/* --------------------------------------------------------- classification */
struct rx_class {
	int owner;            /* queue that processes the packet; -1: here */
	bool news;            /* share a neighbour with the other lcores */
	bool copy_all;        /* give every other lcore its own copy */
	struct neigh_news nn;
};

static bool is_our_addr(const struct rts_ctx *ctx, const struct rts_ip *ip)
{
	const struct rts_config *cfg;

	if (ctx == NULL)
		return false;
	cfg = rts_ctx_config(ctx);
	for (unsigned i = 0; i < cfg->n_addrs; i++)
		if (rts_ip_eq(&cfg->addrs[i].ip, ip))
			return true;
	return false;
}

static void classify_arp(const struct rts_dpdk_queue *q, const uint8_t *l3,
			 uint32_t len, struct rx_class *c)
{
	const struct rte_arp_hdr *a = (const void *)l3;
	uint16_t op;
	struct rts_ip tip;

	if (len < sizeof(*a) || a->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
	    a->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
	    a->arp_data.arp_sip == 0)
		return;
	op = rte_be_to_cpu_16(a->arp_opcode);
	tip = rts_ip4_from_be(a->arp_data.arp_tip);
	if (op != RTE_ARP_OP_REPLY &&
	    !(op == RTE_ARP_OP_REQUEST && is_our_addr(q->ctx, &tip)))
		return;
	c->news = true;
	c->nn.ip = rts_ip4_from_be(a->arp_data.arp_sip);
	memcpy(c->nn.mac.b, a->arp_data.arp_sha.addr_bytes, 6);
}

static void classify_ip4(const struct rts_dpdk_queue *q, const uint8_t *l3,
			 uint32_t len, struct rx_class *c)
{
	const struct rte_ipv4_hdr *ip = (const void *)l3;
	uint32_t ihl;
	uint16_t sport = 0, dport = 0;
	struct rts_ip src, dst;

	if (len < sizeof(*ip))
		return;
	ihl = (uint32_t)(ip->version_ihl & 0x0f) * 4;
	if (ihl < 20 || len < ihl)
		return;
	src = rts_ip4_from_be(ip->src_addr);
	dst = rts_ip4_from_be(ip->dst_addr);
	/* Fragments hash on addresses only: later ones carry no ports. */
	if ((ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_MF_FLAG |
					    RTE_IPV4_HDR_OFFSET_MASK)) == 0 &&
	    (ip->next_proto_id == IPPROTO_TCP ||
	     ip->next_proto_id == IPPROTO_UDP) && len >= ihl + 4) {
		sport = (uint16_t)(l3[ihl] << 8 | l3[ihl + 1]);
		dport = (uint16_t)(l3[ihl + 2] << 8 | l3[ihl + 3]);
	}
	c->owner = rts_dpdk_owner_of(q->n_queues, &src, &dst, sport, dport);
}

/* ICMPv6 type 136 with a target link-layer address option (RFC 4861 §4.4). */
static void classify_na(const uint8_t *icmp, uint32_t len, struct rx_class *c)
{
	uint32_t off = 24;

	if (len < 24)
		return;
	while (off + 8 <= len) {
		uint32_t olen = (uint32_t)icmp[off + 1] * 8;

		if (olen == 0 || off + olen > len)
			return;
		if (icmp[off] == 2) {
			c->news = true;
			memcpy(c->nn.ip.u8, icmp + 8, 16);
			memcpy(c->nn.mac.b, icmp + off + 2, 6);
			return;
		}
		off += olen;
	}
}

static void classify_ip6(const struct rts_dpdk_queue *q, const uint8_t *l3,
			 uint32_t len, struct rx_class *c)
{
	const struct rte_ipv6_hdr *ip = (const void *)l3;
	const uint8_t *l4 = l3 + sizeof(*ip);
	uint32_t l4_len;
	uint16_t sport = 0, dport = 0;
	struct rts_ip src, dst;

	if (len < sizeof(*ip))
		return;
	l4_len = RTE_MIN(len - (uint32_t)sizeof(*ip),
			 (uint32_t)rte_be_to_cpu_16(ip->payload_len));
	memcpy(src.u8, ip->src_addr, 16);
	memcpy(dst.u8, ip->dst_addr, 16);
	if (ip->proto == IPPROTO_ICMPV6 && l4_len >= 4) {
		if (l4[0] == 136) {          /* neighbour advertisement */
			classify_na(l4, l4_len, c);
			return;
		}
		if (l4[0] == 134) {          /* router advertisement */
			c->copy_all = true;
			return;
		}
		if (l4[0] == 133 || l4[0] == 135)
			return;              /* RS / NS: answer where it came */
	}
	if ((ip->proto == IPPROTO_TCP || ip->proto == IPPROTO_UDP) &&
	    l4_len >= 4) {
		sport = (uint16_t)(l4[0] << 8 | l4[1]);
		dport = (uint16_t)(l4[2] << 8 | l4[3]);
	}
	c->owner = rts_dpdk_owner_of(q->n_queues, &src, &dst, sport, dport);
}

static void classify(const struct rts_dpdk_queue *q, struct rte_mbuf *m,
		     struct rx_class *c)
{
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = m->data_len;
	uint16_t type;

	c->owner = -1;
	c->news = false;
	c->copy_all = false;
	if (len < RTE_ETHER_HDR_LEN)
		return;
	type = (uint16_t)(d[12] << 8 | d[13]);
	len -= RTE_ETHER_HDR_LEN;
	switch (type) {
	case RTE_ETHER_TYPE_ARP:
		classify_arp(q, d + RTE_ETHER_HDR_LEN, len, c);
		break;
	case RTE_ETHER_TYPE_IPV4:
		if (q->steer == RTS_DPDK_STEER_REDIRECT)
			classify_ip4(q, d + RTE_ETHER_HDR_LEN, len, c);
		break;
	case RTE_ETHER_TYPE_IPV6:
		classify_ip6(q, d + RTE_ETHER_HDR_LEN, len, c);
		if (q->steer != RTS_DPDK_STEER_REDIRECT)
			c->owner = -1;
		break;
	default:
		break;
	}
	if (c->owner == q->qid)
		c->owner = -1;
}

/* ------------------------------------------------------------------ inbox */
static void share_news(struct rts_dpdk_queue *q, const struct neigh_news *nn)
{
	struct rts_dpdk_queue *all = q->port->queues;
	struct rte_mbuf *m = rte_pktmbuf_alloc(q->pool);

	if (m == NULL) {
		q->st.neigh_share_drop++;
		return;
	}
	memcpy(rte_pktmbuf_mtod(m, void *), nn, sizeof(*nn));
	/* One buffer, one reference per receiving lcore. */
	rte_mbuf_refcnt_set(m, (uint16_t)(q->n_queues - 1));
	for (uint16_t i = 0; i < q->n_queues; i++) {
		if (i == q->qid)
			continue;
		if (rte_ring_mp_enqueue(all[i].inbox,
					(void *)((uintptr_t)m | NEWS_TAG)) != 0) {
			q->st.neigh_share_drop++;
			rte_pktmbuf_free(m);
		} else {
			q->st.neigh_share_out++;
		}
	}
}

static void copy_to_all(struct rts_dpdk_queue *q, struct rte_mbuf *m)
{
	struct rts_dpdk_queue *all = q->port->queues;

	for (uint16_t i = 0; i < q->n_queues; i++) {
		struct rte_mbuf *c;

		if (i == q->qid)
			continue;
		c = rte_pktmbuf_copy(m, q->pool, 0, UINT32_MAX);
		if (c == NULL || rte_ring_mp_enqueue(all[i].inbox, c) != 0) {
			q->st.redirect_drop++;
			rte_pktmbuf_free(c);
			continue;
		}
		q->st.redirect_out++;
	}
}

/* Hand packets to their owners, batching per destination inbox. */
static void redirect(struct rts_dpdk_queue *q, struct rte_mbuf **m,
		     const uint16_t *owner, unsigned n)
{
	struct rte_mbuf *batch[RX_BURST * 2];
	bool done[RX_BURST * 2] = { false };

	for (unsigned i = 0; i < n; i++) {
		unsigned k = 0, sent;
		struct rte_ring *r;

		if (done[i])
			continue;
		for (unsigned j = i; j < n; j++) {
			if (!done[j] && owner[j] == owner[i]) {
				batch[k++] = m[j];
				done[j] = true;
			}
		}
		r = q->port->queues[owner[i]].inbox;
		sent = rte_ring_mp_enqueue_burst(r, (void **)batch, k, NULL);
		q->st.redirect_out += sent;
		if (sent < k) {
			q->st.redirect_drop += k - sent;
			rte_pktmbuf_free_bulk(batch + sent, k - sent);
		}
	}
}

/*
 * Take what other lcores sent: packets join @local (up to @cap), neighbour
 * news is learned at once.
 */
static unsigned drain_inbox(struct rts_dpdk_queue *q, struct rte_mbuf **local,
			    unsigned n_local, unsigned cap)
{
	void *in[RX_BURST];
	unsigned n;

	if (n_local >= cap)
		return n_local;
	n = rte_ring_sc_dequeue_burst(q->inbox, in,
				      RTE_MIN((unsigned)RX_BURST, cap - n_local),
				      NULL);
	for (unsigned i = 0; i < n; i++) {
		uintptr_t v = (uintptr_t)in[i];

		if (v & NEWS_TAG) {
			struct rte_mbuf *m = (void *)(v & ~NEWS_TAG);
			const struct neigh_news *nn =
				rte_pktmbuf_mtod(m, const struct neigh_news *);

			if (q->ctx != NULL)
				rts_neigh_learn(q->ctx, &nn->ip, &nn->mac,
						q->now_ns);
			q->st.neigh_share_in++;
			rte_pktmbuf_free(m);
			continue;
		}
		local[n_local++] = in[i];
		q->st.redirect_in++;
	}
	return n_local;
}

/* ------------------------------------------------------------------- loop */
static unsigned steer(struct rts_dpdk_queue *q, struct rte_mbuf **m,
		      unsigned n)
{
	struct rte_mbuf *away[RX_BURST * 2];
	uint16_t owner[RX_BURST * 2];
	unsigned n_local = 0, n_away = 0;
	struct rx_class c;

	for (unsigned i = 0; i < n; i++) {
		classify(q, m[i], &c);
		if (c.news)
			share_news(q, &c.nn);
		if (c.copy_all)
			copy_to_all(q, m[i]);
		if (c.owner < 0) {
			m[n_local++] = m[i];
		} else {
			owner[n_away] = (uint16_t)c.owner;
			away[n_away++] = m[i];
		}
	}
	if (n_away > 0)
		redirect(q, away, owner, n_away);
	return n_local;
}

unsigned rts_dpdk_queue_poll(struct rts_dpdk_queue *q, uint64_t now_ns)
{
	struct rte_mbuf *m[RX_BURST * 2 + RTS_DPDK_REORDER_HOLD];
	struct rts_pkt *pk[RTE_DIM(m)];
	unsigned n;
	uint64_t next;

	q->now_ns = now_ns;
	if (q->bl_n > 0)
		rts_dpdk_tx_backlog_flush(q);
	n = rte_eth_rx_burst(q->port_id, q->qid, m, RX_BURST);
	q->st.rx_pkts += n;
	for (unsigned i = 0; i < n; i++)
		q->st.rx_bytes += m[i]->pkt_len;
	if (unlikely(q->impair)) {
		struct rte_mbuf *held[RTS_DPDK_REORDER_HOLD];
		unsigned h;

		n = rts_dpdk_impair_burst(&q->im_rx, &q->st, m, n, RX_BURST * 2,
					  true, now_ns);
		h = rts_dpdk_impair_release(&q->im_tx, held, RTE_DIM(held),
					    now_ns, false);
		if (h > 0)
			rts_dpdk_tx_mbufs(q, held, h);
		n += rts_dpdk_impair_release(&q->im_rx, m + n,
					     RTE_DIM(m) - n, now_ns, false);
	}
	if (q->n_queues > 1) {
		if (n > 0)
			n = steer(q, m, n);
		n = drain_inbox(q, m, n, RTE_DIM(m));
	}
	if (q->ctx == NULL) {
		rte_pktmbuf_free_bulk(m, n);
		return 0;
	}
	if (n == 0 && now_ns < q->next_poll_ns)
		return 0;
	for (unsigned i = 0; i < n; i++)
		pk[i] = rts_dpdk_rx_to_pkt(q, m[i]);
	next = rts_input(q->ctx, pk, n, now_ns);
	q->next_poll_ns = RTE_MIN(next, now_ns + POLL_INTERVAL_NS);
	rts_dpdk_queue_mcast_check(q);
	return n;
}

/* ------------------------------------------------------ source-port choice */
static uint32_t rss_hash(const struct rts_dpdk_port *p,
			 const struct rts_endpoint *src,
			 const struct rts_endpoint *dst, uint8_t proto)
{
	uint32_t t[RTE_THASH_V6_L4_LEN];
	unsigned len;
	bool ports;

	if (rts_ip_is_v4(&src->ip)) {
		ports = proto == IPPROTO_TCP ?
			(p->rss_hf & RTE_ETH_RSS_NONFRAG_IPV4_TCP) != 0 :
			(p->rss_hf & RTE_ETH_RSS_NONFRAG_IPV4_UDP) != 0;
		t[0] = rte_be_to_cpu_32(rts_ip_v4_be(&src->ip));
		t[1] = rte_be_to_cpu_32(rts_ip_v4_be(&dst->ip));
		len = 2;
	} else {
		ports = proto == IPPROTO_TCP ?
			(p->rss_hf & RTE_ETH_RSS_NONFRAG_IPV6_TCP) != 0 :
			(p->rss_hf & RTE_ETH_RSS_NONFRAG_IPV6_UDP) != 0;
		for (unsigned i = 0; i < 4; i++) {
			t[i] = rte_be_to_cpu_32(src->ip.u32[i]);
			t[4 + i] = rte_be_to_cpu_32(dst->ip.u32[i]);
		}
		len = 8;
	}
	/* The tuple's port word: source port in the high half. */
	if (ports)
		t[len++] = (uint32_t)src->port << 16 | dst->port;
	return rte_softrss(t, len, p->rss_key);
}

uint16_t rts_dpdk_port_flow_queue(const struct rts_dpdk_port *p,
				  const struct rts_endpoint *src,
				  const struct rts_endpoint *dst,
				  uint8_t proto)
{
	switch (p->steer) {
	case RTS_DPDK_STEER_RSS:
		return p->reta[rss_hash(p, src, dst, proto) % p->reta_size];
	case RTS_DPDK_STEER_REDIRECT:
		return rts_dpdk_owner_of(p->n_queues, &src->ip, &dst->ip,
					 src->port, dst->port);
	default:
		return 0;
	}
}

uint16_t rts_dpdk_queue_pick_port(struct rts_dpdk_queue *q,
				  const struct rts_endpoint *local,
				  const struct rts_endpoint *remote,
				  uint8_t proto)
{
	struct rts_endpoint me = *local;

	/* Without an explicit source address, use the first of its family. */
	if (rts_ip_is_any(&me.ip) && q->ctx != NULL) {
		const struct rts_config *cfg = rts_ctx_config(q->ctx);

		for (unsigned i = 0; i < cfg->n_addrs; i++) {
			if (rts_ip_is_v4(&cfg->addrs[i].ip) ==
			    rts_ip_is_v4(&remote->ip)) {
				me.ip = cfg->addrs[i].ip;
				break;
			}
		}
	}
	for (uint32_t i = 0; i < EPHEMERAL_COUNT; i++) {
		me.port = (uint16_t)(EPHEMERAL_FIRST +
				     q->port_cursor++ % EPHEMERAL_COUNT);
		/* The reply travels remote -> local: that is what is hashed. */
		if (q->n_queues == 1 ||
		    rts_dpdk_port_flow_queue(q->port, remote, &me, proto) ==
			    q->qid)
			return me.port;
	}
	return 0;
}

uint16_t rts_dpdk_tcp_port_chooser(void *arg, const struct rts_endpoint *local,
				   const struct rts_endpoint *remote,
				   uint32_t attempt)
{
	(void)attempt; /* the per-queue cursor moves on at every call */
	return rts_dpdk_queue_pick_port(arg, local, remote, IPPROTO_TCP);
}

/* ------------------------------------------------------------- lifecycle */
void rts_dpdk_queue_attach(struct rts_dpdk_queue *q, struct rts_ctx *ctx)
{
	q->ctx = ctx;
	q->next_poll_ns = 0;
	q->mcast_synced = false; /* the first poll programs the filter */
	q->port_cursor = (uint16_t)(rte_rdtsc() % EPHEMERAL_COUNT);
	/* Replies to our active opens must come back to this lcore. */
	if (q->n_queues > 1)
		rts_tcp_set_port_chooser(ctx, rts_dpdk_tcp_port_chooser, q);
}

static void drain_all(struct rts_dpdk_queue *q)
{
	void *in[RX_BURST];
	unsigned n;

	if (q->inbox == NULL)
		return;
	while ((n = rte_ring_sc_dequeue_burst(q->inbox, in, RX_BURST, NULL)) > 0)
		for (unsigned i = 0; i < n; i++)
			rte_pktmbuf_free((void *)((uintptr_t)in[i] & ~NEWS_TAG));
}

void rts_dpdk_queue_detach(struct rts_dpdk_queue *q)
{
	struct rte_mbuf *held[RTS_DPDK_REORDER_HOLD];
	unsigned h;

	q->ctx = NULL;
	if (q->impair) {
		h = rts_dpdk_impair_release(&q->im_tx, held, RTE_DIM(held), 0,
					    true);
		rts_dpdk_tx_mbufs(q, held, h);
		h = rts_dpdk_impair_release(&q->im_rx, held, RTE_DIM(held), 0,
					    true);
		rte_pktmbuf_free_bulk(held, h);
	}
	rts_dpdk_tx_backlog_drop(q);
	drain_all(q);
}

void rts_dpdk_queue_drain(struct rts_dpdk_queue *q)
{
	rts_dpdk_tx_backlog_drop(q);
	drain_all(q);
}

unsigned rts_dpdk_queue_tx_pending(const struct rts_dpdk_queue *q)
{
	return q->bl_n;
}

void rts_dpdk_queue_stats(const struct rts_dpdk_queue *q,
			  struct rts_dpdk_queue_stats *st)
{
	*st = q->st;
}
