/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack DPDK backend — rte_mbuf <-> struct rts_pkt, with no copies.
 *
 * The stack reads and writes the descriptor in the mbuf's private area;
 * the mbuf fields are filled from it on receive and synchronised back just
 * before transmission (data_off, data_len, next, nb_segs, pkt_len,
 * ol_flags, l2/l3/l4_len, tso_segsz). Clones are indirect mbufs sharing
 * the direct buffer through its reference count.
 */
#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_tcp.h>

#include "dpdk_internal.h"

/* --------------------------------------------------------------- receive */
static uint32_t rx_flags(const struct rts_dpdk_queue *q, uint64_t ol)
{
	uint32_t f = 0;

	if (!q->rx_csum)
		return 0;
	/*
	 * NONE: the field in the packet is not filled in (a virtio peer
	 * offloaded it) but the data is known intact: as good as GOOD.
	 */
	switch (ol & RTE_MBUF_F_RX_IP_CKSUM_MASK) {
	case RTE_MBUF_F_RX_IP_CKSUM_GOOD:
	case RTE_MBUF_F_RX_IP_CKSUM_NONE:
		f |= RTS_PKT_RX_IP_CSUM_GOOD;
		break;
	case RTE_MBUF_F_RX_IP_CKSUM_BAD:
		f |= RTS_PKT_RX_IP_CSUM_BAD;
		break;
	default:
		break;
	}
	switch (ol & RTE_MBUF_F_RX_L4_CKSUM_MASK) {
	case RTE_MBUF_F_RX_L4_CKSUM_GOOD:
	case RTE_MBUF_F_RX_L4_CKSUM_NONE:
		f |= RTS_PKT_RX_L4_CSUM_GOOD;
		break;
	case RTE_MBUF_F_RX_L4_CKSUM_BAD:
		f |= RTS_PKT_RX_L4_CSUM_BAD;
		break;
	default:
		break;
	}
	return f;
}

static inline void seg_to_pkt(struct rte_mbuf *seg)
{
	struct rts_pkt *p = rts_dpdk_pkt(seg);

	p->data = rte_pktmbuf_mtod(seg, uint8_t *);
	p->len = seg->data_len;
	p->pkt_len = seg->data_len;
	p->buf = seg->buf_addr;
	p->buf_len = seg->buf_len;
	p->next = seg->next != NULL ? rts_dpdk_pkt(seg->next) : NULL;
	p->ol_flags = 0;
	p->l2_len = p->l3_len = p->l4_len = p->tso_segsz = 0;
}

struct rts_pkt *rts_dpdk_rx_to_pkt(struct rts_dpdk_queue *q,
				   struct rte_mbuf *m)
{
	struct rts_pkt *head = rts_dpdk_pkt(m);

	seg_to_pkt(m);
	for (struct rte_mbuf *s = m->next; s != NULL; s = s->next)
		seg_to_pkt(s);
	head->pkt_len = m->pkt_len;
	head->ol_flags = rx_flags(q, m->ol_flags);
	return head;
}

/* ------------------------------------------------------------- allocation */
static struct rts_pkt *be_alloc(void *be)
{
	struct rts_dpdk_queue *q = be;
	struct rte_mbuf *m = rte_pktmbuf_alloc(q->pool);

	if (unlikely(m == NULL)) {
		q->st.alloc_fail++;
		return NULL;
	}
	seg_to_pkt(m);
	return rts_dpdk_pkt(m);
}

/*
 * Free segment by segment along the descriptors' links: the stack may have
 * rearranged a chain since it was received, so mbuf->next is not trusted.
 */
static void be_free(void *be, struct rts_pkt *p)
{
	(void)be;
	while (p != NULL) {
		struct rts_pkt *next = p->next;
		struct rte_mbuf *m = rts_dpdk_mbuf(p);

		m->next = NULL;
		rte_pktmbuf_free_seg(m);
		p = next;
	}
}

static struct rts_pkt *be_clone(void *be, struct rts_pkt *p)
{
	struct rts_dpdk_queue *q = be;
	struct rte_mbuf *m = rts_dpdk_mbuf(p);
	struct rte_mbuf *mi = rte_pktmbuf_alloc(q->ipool);
	struct rts_pkt *c;

	if (unlikely(mi == NULL)) {
		q->st.clone_fail++;
		return NULL;
	}
	rte_pktmbuf_attach(mi, m);
	/* The descriptor is the truth: the mbuf's own offsets may be stale. */
	mi->data_off = (uint16_t)(p->data - (uint8_t *)m->buf_addr);
	mi->data_len = (uint16_t)p->len;
	mi->pkt_len = p->len;
	mi->ol_flags &= RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL;
	seg_to_pkt(mi);
	c = rts_dpdk_pkt(mi);
	return c;
}

/* -------------------------------------------------------------- transmit */
static uint64_t tx_flags(uint32_t f)
{
	uint64_t ol = 0;

	if (f & RTS_PKT_TX_IPV4)
		ol |= RTE_MBUF_F_TX_IPV4;
	if (f & RTS_PKT_TX_IPV6)
		ol |= RTE_MBUF_F_TX_IPV6;
	if (f & RTS_PKT_TX_IP_CSUM)
		ol |= RTE_MBUF_F_TX_IP_CKSUM;
	if (f & RTS_PKT_TX_TCP_CSUM)
		ol |= RTE_MBUF_F_TX_TCP_CKSUM;
	if (f & RTS_PKT_TX_UDP_CSUM)
		ol |= RTE_MBUF_F_TX_UDP_CKSUM;
	if (f & RTS_PKT_TX_TSO)
		ol |= RTE_MBUF_F_TX_TCP_SEG;
	return ol;
}

/*
 * Header lengths for offloads when the stack left them out: Ethernet, then
 * IPv4 (IHL) or IPv6 (fixed header), then TCP (data offset) or UDP.
 */
static void fill_hdr_lens(struct rts_pkt *p)
{
	const uint8_t *d = p->data;
	uint16_t type;

	if (p->len < 14 + 20)
		return;
	type = (uint16_t)(d[12] << 8 | d[13]);
	p->l2_len = 14;
	if (type == RTE_ETHER_TYPE_IPV4)
		p->l3_len = (uint16_t)((d[14] & 0x0f) * 4);
	else if (type == RTE_ETHER_TYPE_IPV6)
		p->l3_len = 40;
	else
		return;
	if (p->ol_flags & (RTS_PKT_TX_TCP_CSUM | RTS_PKT_TX_TSO)) {
		uint32_t off = p->l2_len + p->l3_len + 12u;

		if (off < p->len)
			p->l4_len = (uint16_t)((d[off] >> 4) * 4);
	} else if (p->ol_flags & RTS_PKT_TX_UDP_CSUM) {
		p->l4_len = 8;
	}
}

/* Write the descriptor chain back into the mbufs; returns the head mbuf. */
static struct rte_mbuf *pkt_to_tx(struct rts_dpdk_queue *q, struct rts_pkt *head)
{
	struct rte_mbuf *m = rts_dpdk_mbuf(head);
	uint16_t nb = 0;

	for (struct rts_pkt *p = head; p != NULL; p = p->next) {
		struct rte_mbuf *s = rts_dpdk_mbuf(p);

		s->data_off = (uint16_t)(p->data - (uint8_t *)s->buf_addr);
		s->data_len = (uint16_t)p->len;
		s->next = p->next != NULL ? rts_dpdk_mbuf(p->next) : NULL;
		nb++;
	}
	m->nb_segs = nb;
	m->pkt_len = head->pkt_len;
	m->ol_flags = (m->ol_flags & (RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL)) |
		      tx_flags(head->ol_flags);
	if (head->ol_flags & (RTS_PKT_TX_IP_CSUM | RTS_PKT_TX_TCP_CSUM |
			      RTS_PKT_TX_UDP_CSUM | RTS_PKT_TX_TSO)) {
		if (head->l2_len == 0 || head->l3_len == 0)
			fill_hdr_lens(head);
		m->l2_len = head->l2_len;
		m->l3_len = head->l3_len;
		m->l4_len = head->l4_len;
	} else {
		m->tx_offload = 0;
	}
	if (head->ol_flags & RTS_PKT_TX_TSO) {
		/* Segments must fit the MTU; net_tap also counts L2 there. */
		uint32_t hdrs = (uint32_t)m->l3_len + m->l4_len +
				(q->tso_l2_counts ? m->l2_len : 0);
		uint32_t seg = head->tso_segsz;

		if (seg + hdrs > q->tso_seg_limit && q->tso_seg_limit > hdrs) {
			seg = q->tso_seg_limit - hdrs;
			q->st.tx_tso_clamped++;
		}
		m->tso_segsz = (uint16_t)seg;
	}
	return m;
}

/*
 * Drop what rte_eth_tx_prepare refuses (counted); returns the packets
 * left, in order.
 */
static unsigned prepare(struct rts_dpdk_queue *q, struct rte_mbuf **m,
			unsigned n)
{
	unsigned done = 0;

	while (done < n) {
		uint16_t ok = rte_eth_tx_prepare(q->port_id, q->qid, m + done,
						 (uint16_t)(n - done));

		done += ok;
		if (done == n)
			break;
		RTS_DPDK_LOG(DEBUG, "tx_prepare rejected a packet: %s",
			     rte_strerror(rte_errno));
		q->st.tx_drop_prepare++;
		rte_pktmbuf_free(m[done]);
		memmove(&m[done], &m[done + 1], (n - done - 1) * sizeof(m[0]));
		n--;
	}
	return n;
}

static unsigned burst(struct rts_dpdk_queue *q, struct rte_mbuf **m,
		      unsigned n)
{
	uint16_t sent = rte_eth_tx_burst(q->port_id, q->qid, m, (uint16_t)n);

	for (unsigned i = 0; i < sent; i++)
		q->st.tx_bytes += m[i]->pkt_len;
	q->st.tx_pkts += sent;
	return sent;
}

/* Send what waits in the backlog, oldest first; true when it is empty. */
bool rts_dpdk_tx_backlog_flush(struct rts_dpdk_queue *q)
{
	while (q->bl_n > 0) {
		unsigned chunk = RTE_MIN(q->bl_n, RTS_DPDK_TX_BACKLOG - q->bl_head);
		unsigned sent = burst(q, &q->backlog[q->bl_head], chunk);

		q->bl_head = (q->bl_head + sent) & (RTS_DPDK_TX_BACKLOG - 1);
		q->bl_n -= sent;
		if (sent < chunk)
			return false;
	}
	return true;
}

/*
 * What the device does not take now waits in a bounded backlog, sent
 * before anything newer at the next transmission or poll; only when the
 * backlog is full are packets freed (and counted).
 */
void rts_dpdk_tx_mbufs(struct rts_dpdk_queue *q, struct rte_mbuf **m,
		       unsigned n)
{
	unsigned sent = 0;

	n = prepare(q, m, n);
	if (rts_dpdk_tx_backlog_flush(q))
		sent = burst(q, m, n);
	if (sent == n)
		return;
	q->st.tx_retries++;
	for (unsigned i = sent; i < n; i++) {
		if (q->bl_n == RTS_DPDK_TX_BACKLOG) {
			q->st.tx_drop_full += n - i;
			rte_pktmbuf_free_bulk(m + i, n - i);
			return;
		}
		q->backlog[(q->bl_head + q->bl_n) & (RTS_DPDK_TX_BACKLOG - 1)] = m[i];
		q->bl_n++;
	}
}

/* At stop: a last chance for the backlog, then free what is left. */
void rts_dpdk_tx_backlog_drop(struct rts_dpdk_queue *q)
{
	for (int i = 0; i < 100 && !rts_dpdk_tx_backlog_flush(q); i++)
		rte_delay_us_block(100);
	while (q->bl_n > 0) {
		rte_pktmbuf_free(q->backlog[q->bl_head]);
		q->bl_head = (q->bl_head + 1) & (RTS_DPDK_TX_BACKLOG - 1);
		q->bl_n--;
		q->st.tx_drop_full++;
	}
}

static void be_tx(void *be, struct rts_pkt **pkts, unsigned n)
{
	struct rts_dpdk_queue *q = be;
	struct rte_mbuf *m[RTS_TX_BURST * 2 + RTS_DPDK_REORDER_HOLD];
	unsigned i, k = 0;

	while (n > 0) {
		unsigned chunk = RTE_MIN(n, (unsigned)RTS_TX_BURST);

		for (i = 0; i < chunk; i++)
			m[i] = pkt_to_tx(q, pkts[i]);
		k = chunk;
		if (unlikely(q->impair))
			k = rts_dpdk_impair_burst(&q->im_tx, &q->st, m, k,
						  RTE_DIM(m), false,
						  q->now_ns);
		if (k > 0)
			rts_dpdk_tx_mbufs(q, m, k);
		pkts += chunk;
		n -= chunk;
	}
}

const struct rts_backend_ops rts_dpdk_ops = {
	.alloc = be_alloc,
	.free = be_free,
	.clone = be_clone,
	.tx = be_tx,
};
