/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack DPDK backend — internal structures shared by its files.
 *
 * Mbuf layout: [struct rte_mbuf][priv: struct rts_pkt, padded][headroom|data]
 * so the descriptor is found from the mbuf and back with no lookup.
 */
#ifndef RTS_DPDK_INTERNAL_H
#define RTS_DPDK_INTERNAL_H

#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include <rtestack/dpdk.h>

extern int rts_dpdk_logtype;
#define RTS_DPDK_LOG(level, fmt, ...)                                          \
	rte_log(RTE_LOG_##level, rts_dpdk_logtype, "rtestack: " fmt "\n",      \
		##__VA_ARGS__)

/* Private area per mbuf: the descriptor, rounded to a cache line so the
 * packet data that follows the headroom stays cache-line aligned. */
#define RTS_DPDK_PRIV_SIZE                                                     \
	RTE_ALIGN_CEIL(sizeof(struct rts_pkt), RTE_CACHE_LINE_SIZE)

static inline struct rts_pkt *rts_dpdk_pkt(struct rte_mbuf *m)
{
	return (struct rts_pkt *)(void *)(m + 1);
}

static inline struct rte_mbuf *rts_dpdk_mbuf(struct rts_pkt *p)
{
	return (struct rte_mbuf *)(void *)p - 1;
}

/* ------------------------------------------------------------ impairment */
struct rts_dpdk_impair_conf {
	uint32_t loss;    /* probabilities as fractions of 2^32 */
	uint32_t reorder;
	uint32_t dup;
	uint32_t corrupt;
	uint64_t seed;
	bool on;
};

/* Held packets for reordering: released after the next packet or 1 ms. */
#define RTS_DPDK_REORDER_HOLD 8
struct rts_dpdk_impair {
	const struct rts_dpdk_impair_conf *conf;
	uint64_t rng[2];
	unsigned n_held;
	struct rte_mbuf *held[RTS_DPDK_REORDER_HOLD];
	uint64_t held_since_ns;
};

int rts_dpdk_impair_parse(const char *spec, struct rts_dpdk_impair_conf *c,
			  char *why, size_t why_len);
void rts_dpdk_impair_init(struct rts_dpdk_impair *im,
			  const struct rts_dpdk_impair_conf *c, uint64_t salt);
/*
 * Apply impairment to a burst in place; returns the new count (at most
 * @cap). @rx: received packets (corruption clears the device's checksum
 * verdict); otherwise packets about to be sent (corrupting one whose
 * checksum the device would compute is a loss: the receiver's check
 * would fail either way).
 */
unsigned rts_dpdk_impair_burst(struct rts_dpdk_impair *im,
			       struct rts_dpdk_queue_stats *st,
			       struct rte_mbuf **m, unsigned n, unsigned cap,
			       bool rx, uint64_t now_ns);
/* Release held packets older than the hold time into @m (up to @cap). */
unsigned rts_dpdk_impair_release(struct rts_dpdk_impair *im,
				 struct rte_mbuf **m, unsigned cap,
				 uint64_t now_ns, bool all);

/* ------------------------------------------------------------------ queue */
#define RTS_DPDK_TX_BACKLOG 1024 /* a power of two */
#define RTS_DPDK_MCAST_MAX 32    /* groups put in a device filter */

struct rts_dpdk_queue {
	struct rts_dpdk_port *port;
	uint16_t port_id;
	uint16_t qid;
	uint16_t n_queues;
	uint16_t tso_seg_limit;   /* headers + tso_segsz may not exceed this */
	bool tso_l2_counts;       /* the device counts L2 in that limit (tap) */
	bool rx_csum;             /* map the device's RX checksum verdicts */
	enum rts_dpdk_steering steer;
	struct rte_mempool *pool;   /* direct buffers */
	struct rte_mempool *ipool;  /* indirect mbufs for clones */
	struct rts_ctx *ctx;
	struct rte_ring *inbox;     /* redirected packets and neighbour news */
	uint64_t now_ns;            /* time of the current poll */
	uint64_t next_poll_ns;
	uint16_t port_cursor;       /* where the next source-port search starts */
	struct rts_dpdk_impair im_rx, im_tx;
	bool impair;
	struct rts_dpdk_queue_stats st;
	/* queue 0 keeps the device's multicast filter in step with its
	 * context's groups (dpdk_mcast.c) */
	uint32_t mcast_gen;
	bool mcast_synced;
	/* Packets the device did not take yet (ring of RTS_DPDK_TX_BACKLOG). */
	uint32_t bl_head, bl_n;
	struct rte_mbuf *backlog[RTS_DPDK_TX_BACKLOG];
} __rte_cache_aligned;

/* ------------------------------------------------------------------- port */
#define RTS_DPDK_RSS_KEY_MAX 64
#define RTS_DPDK_RETA_MAX RTE_ETH_RSS_RETA_SIZE_512

struct rts_dpdk_port {
	uint16_t port_id;
	uint16_t n_queues;
	uint16_t mtu;
	enum rts_dpdk_steering steer;
	struct rte_eth_dev_info info;
	struct rte_ether_addr mac;       /* the device's */
	struct rte_ether_addr stack_mac; /* the stack's (differs on net_tap) */
	uint64_t rx_offloads;
	uint64_t tx_offloads;
	struct rts_if_caps caps;
	bool started;
	/* RSS as verified on the device (STEER_RSS only). */
	uint8_t rss_key[RTS_DPDK_RSS_KEY_MAX];
	uint8_t rss_key_len;
	uint16_t reta_size;
	uint16_t reta[RTS_DPDK_RETA_MAX];
	uint64_t rss_hf;
	/* Mempools per NUMA socket (index: socket id). */
	struct rte_mempool *pools[RTE_MAX_NUMA_NODES];
	struct rte_mempool *ipools[RTE_MAX_NUMA_NODES];
	struct rts_dpdk_impair_conf impair;
	struct rts_dpdk_queue *queues; /* n_queues, cache aligned */
	FILE *log;
};

/* Fill the descriptors of a received chain from its mbufs. */
struct rts_pkt *rts_dpdk_rx_to_pkt(struct rts_dpdk_queue *q,
				   struct rte_mbuf *m);
/* Send a burst of mbufs: prepare, burst, keep the rest in the backlog. */
void rts_dpdk_tx_mbufs(struct rts_dpdk_queue *q, struct rte_mbuf **m,
		       unsigned n);
bool rts_dpdk_tx_backlog_flush(struct rts_dpdk_queue *q);
void rts_dpdk_tx_backlog_drop(struct rts_dpdk_queue *q);

/*
 * Queue 0: program the device with rts_mcast_macs() of the attached context
 * when rts_mcast_gen() says the set changed (cheap otherwise).
 */
void rts_dpdk_queue_mcast_sync(struct rts_dpdk_queue *q);
static inline void rts_dpdk_queue_mcast_check(struct rts_dpdk_queue *q)
{
	if (unlikely(q->qid == 0 && q->ctx != NULL &&
		     (!q->mcast_synced || rts_mcast_gen(q->ctx) != q->mcast_gen)))
		rts_dpdk_queue_mcast_sync(q);
}

/* Free whatever waits in the queue's inbox. */
void rts_dpdk_queue_drain(struct rts_dpdk_queue *q);

/* Software flow hash shared by the RX redirect and the port chooser. */
uint16_t rts_dpdk_owner_of(uint16_t n_queues, const struct rts_ip *a,
			   const struct rts_ip *b, uint16_t pa, uint16_t pb);

#endif
