/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack DPDK backend — port setup: probe what the device offers, enable
 * exactly that, tell the stack (struct rts_if_caps) so it does the rest in
 * software, choose the flow steering, create the pools and start.
 */
#include <errno.h>
#include <string.h>

#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_random.h>

#include "dpdk_internal.h"

#define DEFAULT_DESC 1024
#define DEFAULT_MBUFS 32767
#define MBUF_CACHE 256
#define INBOX_SIZE 4096
/* Largest TSO payload we hand a device: an IPv4 datagram's limit less
 * room for the largest headers. */
#define TSO_MAX_BYTES (65535u - 128u)

/* Symmetric Toeplitz key: a repeated 16-bit pattern makes the hash of
 * (a, b, pa, pb) equal to that of (b, a, pb, pa). */
static const uint8_t sym_key_pattern[2] = { 0x6d, 0x5a };

/* The RSS types we need hashed with ports for source-port steering. */
#define RSS_WANT                                                               \
	(RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_FRAG_IPV4 |                            \
	 RTE_ETH_RSS_NONFRAG_IPV4_TCP | RTE_ETH_RSS_NONFRAG_IPV4_UDP |         \
	 RTE_ETH_RSS_IPV6 | RTE_ETH_RSS_FRAG_IPV6 |                            \
	 RTE_ETH_RSS_NONFRAG_IPV6_TCP | RTE_ETH_RSS_NONFRAG_IPV6_UDP)
#define RSS_NEED (RTE_ETH_RSS_NONFRAG_IPV4_TCP | RTE_ETH_RSS_NONFRAG_IPV4_UDP)

void rts_dpdk_port_conf_default(struct rts_dpdk_port_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	conf->n_queues = 1;
	conf->offloads = RTS_CAP_RX_IP_CSUM | RTS_CAP_RX_L4_CSUM |
			 RTS_CAP_TX_IP_CSUM | RTS_CAP_TX_L4_CSUM |
			 RTS_CAP_TX_L4_CSUM6 | RTS_CAP_TSO4 | RTS_CAP_TSO6 |
			 RTS_CAP_MULTI_SEG;
	conf->rx_offloads = true;
	conf->impair_seed = 1;
}

#define LOG(p, ...) fprintf((p)->log, "rtestack: " __VA_ARGS__)
/* Failures go to stderr whatever the log stream. */
#define ERR(p, ...) fprintf(stderr, "rtestack: " __VA_ARGS__)

/* -------------------------------------------------------------- offloads */
static bool is_tap(const struct rts_dpdk_port *p)
{
	return strcmp(p->info.driver_name, "net_tap") == 0;
}

static void choose_offloads(struct rts_dpdk_port *p,
			    const struct rts_dpdk_port_conf *conf)
{
	const uint64_t tx = p->info.tx_offload_capa, rx = p->info.rx_offload_capa;
	const uint32_t allow = conf->offloads;
	const uint64_t l4 = RTE_ETH_TX_OFFLOAD_TCP_CKSUM |
			    RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
	struct rts_if_caps *c = &p->caps;

	memset(c, 0, sizeof(*c));
	if ((allow & RTS_CAP_TX_IP_CSUM) && (tx & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM)) {
		p->tx_offloads |= RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
		c->flags |= RTS_CAP_TX_IP_CSUM;
	}
	/*
	 * net_tap (22.11) sums a chain segment by segment without carrying
	 * odd lengths over, so TCP/UDP checksums of chained packets come out
	 * wrong; it computes them in software anyway, so the stack does it.
	 */
	if ((allow & (RTS_CAP_TX_L4_CSUM | RTS_CAP_TX_L4_CSUM6)) &&
	    (tx & l4) == l4 && !is_tap(p)) {
		p->tx_offloads |= l4;
		c->flags |= allow & (RTS_CAP_TX_L4_CSUM | RTS_CAP_TX_L4_CSUM6);
	}
	/* TSO needs the device to finish the checksums it splits. */
	if ((tx & RTE_ETH_TX_OFFLOAD_TCP_TSO) && (c->flags & RTS_CAP_TX_L4_CSUM)) {
		if (allow & RTS_CAP_TSO4)
			c->flags |= RTS_CAP_TSO4;
		/* net_tap segments through librte_gso: TCP over IPv4 only. */
		if ((allow & RTS_CAP_TSO6) && !is_tap(p) &&
		    (c->flags & RTS_CAP_TX_L4_CSUM6))
			c->flags |= RTS_CAP_TSO6;
		if (c->flags & (RTS_CAP_TSO4 | RTS_CAP_TSO6)) {
			p->tx_offloads |= RTE_ETH_TX_OFFLOAD_TCP_TSO;
			c->tso_max_bytes = TSO_MAX_BYTES;
		}
	}
	if ((allow & RTS_CAP_MULTI_SEG) && (tx & RTE_ETH_TX_OFFLOAD_MULTI_SEGS)) {
		const struct rte_eth_desc_lim *l = &p->info.tx_desc_lim;
		uint16_t segs = RTE_MIN(l->nb_seg_max, l->nb_mtu_seg_max);

		p->tx_offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
		c->flags |= RTS_CAP_MULTI_SEG;
		c->max_tx_segs = (segs == 0 || segs == UINT16_MAX) ? 0 : segs;
	}
	if (conf->rx_offloads && (allow & RTS_CAP_RX_IP_CSUM) &&
	    (rx & RTE_ETH_RX_OFFLOAD_IPV4_CKSUM)) {
		p->rx_offloads |= RTE_ETH_RX_OFFLOAD_IPV4_CKSUM;
		c->flags |= RTS_CAP_RX_IP_CSUM;
	}
	if (conf->rx_offloads && (allow & RTS_CAP_RX_L4_CSUM) &&
	    (rx & (RTE_ETH_RX_OFFLOAD_TCP_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM)) ==
		    (RTE_ETH_RX_OFFLOAD_TCP_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM)) {
		p->rx_offloads |= RTE_ETH_RX_OFFLOAD_TCP_CKSUM |
				  RTE_ETH_RX_OFFLOAD_UDP_CKSUM;
		c->flags |= RTS_CAP_RX_L4_CSUM;
	}
	if (conf->lro && (rx & RTE_ETH_RX_OFFLOAD_TCP_LRO))
		p->rx_offloads |= RTE_ETH_RX_OFFLOAD_TCP_LRO;
}

/* Frames longer than one mbuf need RX scatter; without it, cap the MTU. */
static int choose_mtu(struct rts_dpdk_port *p,
		      const struct rts_dpdk_port_conf *conf, uint32_t *data_room)
{
	uint32_t want = conf->mtu != 0 ? conf->mtu : RTE_ETHER_MTU;
	uint32_t lowest = RTE_MAX((uint32_t)p->info.min_mtu, 576u);
	uint32_t highest = p->info.max_mtu, frame;

	/* The largest frame it receives bounds the MTU too. */
	if (p->info.max_rx_pktlen > RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN)
		highest = RTE_MIN(highest, p->info.max_rx_pktlen -
					   RTE_ETHER_HDR_LEN - RTE_ETHER_CRC_LEN);
	if (want > highest || want < lowest) {
		ERR(p, "port %u (%s): MTU %u outside what it allows (%u..%u)\n",
		    p->port_id, p->info.driver_name, want, lowest, highest);
		return -EINVAL;
	}
	p->mtu = (uint16_t)want;
	frame = want + RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN;
	*data_room = RTE_MBUF_DEFAULT_BUF_SIZE;
	if (frame > RTE_MBUF_DEFAULT_DATAROOM) {
		if (p->info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_SCATTER)
			p->rx_offloads |= RTE_ETH_RX_OFFLOAD_SCATTER;
		else
			*data_room = RTE_PKTMBUF_HEADROOM + frame;
	}
	return 0;
}

/* ------------------------------------------------------------------- RSS */
static void make_rss_key(struct rts_dpdk_port *p)
{
	p->rss_key_len = p->info.hash_key_size != 0 ? p->info.hash_key_size : 40;
	if (p->rss_key_len > RTS_DPDK_RSS_KEY_MAX)
		p->rss_key_len = RTS_DPDK_RSS_KEY_MAX;
	for (unsigned i = 0; i < p->rss_key_len; i++)
		p->rss_key[i] = sym_key_pattern[i & 1];
}

static bool rss_possible(const struct rts_dpdk_port *p,
			 const struct rts_dpdk_port_conf *conf)
{
	return p->n_queues > 1 && !conf->force_redirect &&
	       (p->info.flow_type_rss_offloads & RSS_NEED) == RSS_NEED &&
	       p->info.reta_size > 0 && p->info.reta_size <= RTS_DPDK_RETA_MAX &&
	       p->info.hash_key_size <= RTS_DPDK_RSS_KEY_MAX;
}

/*
 * Install the explicit RETA (entry i -> queue i mod n) and read key, hash
 * types and table back: steering by source port is only sound when the
 * device hashes exactly as we compute.
 */
static bool rss_program_and_verify(struct rts_dpdk_port *p)
{
	struct rte_eth_rss_reta_entry64 reta[RTS_DPDK_RETA_MAX /
					     RTE_ETH_RETA_GROUP_SIZE];
	struct rte_eth_rss_conf rc;
	uint8_t key[RTS_DPDK_RSS_KEY_MAX];
	unsigned i, groups;

	p->reta_size = p->info.reta_size;
	groups = (p->reta_size + RTE_ETH_RETA_GROUP_SIZE - 1) /
		 RTE_ETH_RETA_GROUP_SIZE;
	memset(reta, 0, sizeof(reta));
	for (i = 0; i < p->reta_size; i++) {
		reta[i / RTE_ETH_RETA_GROUP_SIZE].mask |=
			1ull << (i % RTE_ETH_RETA_GROUP_SIZE);
		reta[i / RTE_ETH_RETA_GROUP_SIZE].reta[i % RTE_ETH_RETA_GROUP_SIZE] =
			(uint16_t)(i % p->n_queues);
		p->reta[i] = (uint16_t)(i % p->n_queues);
	}
	if (rte_eth_dev_rss_reta_update(p->port_id, reta, p->reta_size) != 0)
		return false;
	memset(reta, 0, sizeof(reta));
	for (i = 0; i < groups; i++)
		reta[i].mask = ~0ull;
	if (rte_eth_dev_rss_reta_query(p->port_id, reta, p->reta_size) != 0)
		return false;
	for (i = 0; i < p->reta_size; i++)
		if (reta[i / RTE_ETH_RETA_GROUP_SIZE]
			    .reta[i % RTE_ETH_RETA_GROUP_SIZE] != p->reta[i])
			return false;
	memset(&rc, 0, sizeof(rc));
	rc.rss_key = key;
	rc.rss_key_len = sizeof(key);
	if (rte_eth_dev_rss_hash_conf_get(p->port_id, &rc) != 0)
		return false;
	if ((rc.rss_hf & RSS_NEED) != RSS_NEED ||
	    memcmp(key, p->rss_key, p->rss_key_len) != 0)
		return false;
	p->rss_hf = rc.rss_hf;
	return true;
}

/* ----------------------------------------------------------------- pools */
static unsigned queue_socket(uint16_t q)
{
	unsigned lc, i = 0;

	RTE_LCORE_FOREACH(lc) {
		if (i++ == q) {
			int s = (int)rte_lcore_to_socket_id(lc);

			return s < 0 || s >= RTE_MAX_NUMA_NODES ? 0 : (unsigned)s;
		}
	}
	return 0;
}

static int make_pools(struct rts_dpdk_port *p, unsigned socket, uint32_t n,
		      uint32_t data_room)
{
	char name[RTE_MEMPOOL_NAMESIZE];

	if (p->pools[socket] != NULL)
		return 0;
	snprintf(name, sizeof(name), "rts_mb_p%u_s%u", p->port_id, socket);
	p->pools[socket] = rte_pktmbuf_pool_create(name, n, MBUF_CACHE,
						   RTS_DPDK_PRIV_SIZE,
						   (uint16_t)data_room,
						   (int)socket);
	snprintf(name, sizeof(name), "rts_ind_p%u_s%u", p->port_id, socket);
	if (p->pools[socket] != NULL)
		p->ipools[socket] = rte_pktmbuf_pool_create(name, n, MBUF_CACHE,
							    RTS_DPDK_PRIV_SIZE,
							    0, (int)socket);
	if (p->pools[socket] == NULL || p->ipools[socket] == NULL) {
		int e = rte_errno;

		ERR(p, "cannot create %u mbufs of %u bytes on socket %u: %s\n"
		    "rtestack:   give EAL more memory (--no-huge -m 1024, or "
		    "reserve more hugepages) or ask for fewer mbufs\n",
		    n, data_room, socket, rte_strerror(e));
		return -(e != 0 ? e : ENOMEM);
	}
	return 0;
}

/* --------------------------------------------------------- configuration */
static int configure(struct rts_dpdk_port *p, bool rss)
{
	struct rte_eth_conf ec;

	memset(&ec, 0, sizeof(ec));
	ec.rxmode.offloads = p->rx_offloads;
	ec.txmode.offloads = p->tx_offloads;
	ec.rxmode.mtu = p->mtu;
	if (p->rx_offloads & RTE_ETH_RX_OFFLOAD_TCP_LRO)
		ec.rxmode.max_lro_pkt_size = p->info.max_lro_pkt_size;
	if (rss) {
		ec.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		ec.rx_adv_conf.rss_conf.rss_key = p->rss_key;
		ec.rx_adv_conf.rss_conf.rss_key_len = p->rss_key_len;
		ec.rx_adv_conf.rss_conf.rss_hf =
			RSS_WANT & p->info.flow_type_rss_offloads;
	}
	return rte_eth_dev_configure(p->port_id, p->n_queues, p->n_queues, &ec);
}

static int setup_queues(struct rts_dpdk_port *p,
			const struct rts_dpdk_port_conf *conf)
{
	uint16_t nrx = conf->rx_desc != 0 ? conf->rx_desc : DEFAULT_DESC;
	uint16_t ntx = conf->tx_desc != 0 ? conf->tx_desc : DEFAULT_DESC;
	int rc;

	rc = rte_eth_dev_adjust_nb_rx_tx_desc(p->port_id, &nrx, &ntx);
	if (rc != 0)
		return rc;
	for (uint16_t q = 0; q < p->n_queues; q++) {
		unsigned s = queue_socket(q);
		struct rte_eth_rxconf rxc = p->info.default_rxconf;
		struct rte_eth_txconf txc = p->info.default_txconf;

		rxc.offloads = p->rx_offloads;
		txc.offloads = p->tx_offloads;
		rc = rte_eth_rx_queue_setup(p->port_id, q, nrx, s, &rxc,
					    p->pools[s]);
		if (rc == 0)
			rc = rte_eth_tx_queue_setup(p->port_id, q, ntx, s, &txc);
		if (rc != 0) {
			ERR(p, "port %u: queue %u setup failed: %s\n",
			    p->port_id, q, rte_strerror(-rc));
			return rc;
		}
	}
	return 0;
}

static int init_queues(struct rts_dpdk_port *p)
{
	p->queues = rte_zmalloc("rts_dpdk_queues",
				sizeof(p->queues[0]) * p->n_queues,
				RTE_CACHE_LINE_SIZE);
	if (p->queues == NULL)
		return -ENOMEM;
	for (uint16_t i = 0; i < p->n_queues; i++) {
		struct rts_dpdk_queue *q = &p->queues[i];
		unsigned s = queue_socket(i);
		char name[RTE_RING_NAMESIZE];

		q->port = p;
		q->port_id = p->port_id;
		q->qid = i;
		q->n_queues = p->n_queues;
		q->steer = p->steer;
		q->pool = p->pools[s];
		q->ipool = p->ipools[s];
		q->rx_csum = (p->rx_offloads & (RTE_ETH_RX_OFFLOAD_IPV4_CKSUM |
						RTE_ETH_RX_OFFLOAD_TCP_CKSUM)) != 0;
		q->tso_seg_limit = p->mtu;
		q->tso_l2_counts = is_tap(p);
		q->impair = p->impair.on;
		if (q->impair) {
			rts_dpdk_impair_init(&q->im_rx, &p->impair, 2u * i);
			rts_dpdk_impair_init(&q->im_tx, &p->impair, 2u * i + 1);
		}
		if (p->n_queues > 1) {
			snprintf(name, sizeof(name), "rts_in_p%u_q%u",
				 p->port_id, i);
			q->inbox = rte_ring_create(name, INBOX_SIZE, (int)s,
						   RING_F_SC_DEQ);
			if (q->inbox == NULL)
				return -rte_errno;
		}
	}
	return 0;
}

/* ----------------------------------------------------------- feature lines */
static const char *onoff(bool on, bool emulated)
{
	return on ? "on" : emulated ? "emulated" : "off";
}

static void print_features(const struct rts_dpdk_port *p)
{
	const uint32_t f = p->caps.flags;

	LOG(p, "port %u (%s) " RTE_ETHER_ADDR_PRT_FMT ": %u queue%s, MTU %u\n",
	    p->port_id, p->info.driver_name, RTE_ETHER_ADDR_BYTES(&p->mac),
	    p->n_queues, p->n_queues == 1 ? "" : "s", p->mtu);
	if (!rte_is_same_ether_addr(&p->mac, &p->stack_mac))
		LOG(p, "  stack mac         " RTE_ETHER_ADDR_PRT_FMT
		    " (the kernel's tap interface has the port's own)\n",
		    RTE_ETHER_ADDR_BYTES(&p->stack_mac));
	LOG(p, "  rx ip checksum    %s\n",
	    onoff(f & RTS_CAP_RX_IP_CSUM, true));
	LOG(p, "  rx l4 checksum    %s\n",
	    onoff(f & RTS_CAP_RX_L4_CSUM, true));
	LOG(p, "  tx ip checksum    %s\n",
	    onoff(f & RTS_CAP_TX_IP_CSUM, true));
	LOG(p, "  tx l4 checksum    %s%s\n",
	    onoff(f & RTS_CAP_TX_L4_CSUM, true),
	    is_tap(p) ? " (net_tap miscomputes it for chained packets)" : "");
	LOG(p, "  tx l4 checksum v6 %s\n",
	    onoff(f & RTS_CAP_TX_L4_CSUM6, true));
	LOG(p, "  tso               %s%s\n", onoff(f & RTS_CAP_TSO4, true),
	    (p->info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_TCP_TSO) &&
		    !(f & RTS_CAP_TSO4) ? " (needs the tx l4 checksum)" : "");
	LOG(p, "  tso v6            %s\n", onoff(f & RTS_CAP_TSO6, true));
	LOG(p, "  multi-seg tx      %s\n",
	    onoff(f & RTS_CAP_MULTI_SEG, true));
	LOG(p, "  rx scatter        %s\n",
	    onoff(p->rx_offloads & RTE_ETH_RX_OFFLOAD_SCATTER, false));
	LOG(p, "  lro               %s\n",
	    onoff(p->rx_offloads & RTE_ETH_RX_OFFLOAD_TCP_LRO, false));
	switch (p->steer) {
	case RTS_DPDK_STEER_SINGLE:
		LOG(p, "  rss               off (one queue)\n");
		break;
	case RTS_DPDK_STEER_RSS:
		LOG(p, "  rss               on (symmetric %u-byte key, %u-entry RETA verified)\n",
		    p->rss_key_len, p->reta_size);
		break;
	case RTS_DPDK_STEER_REDIRECT:
		LOG(p, "  rss               emulated (software flow hash, rings between %u lcores)\n",
		    p->n_queues);
		break;
	}
	if (p->impair.on)
		LOG(p, "  impairment        loss %.3f%% reorder %.3f%% dup %.3f%% corrupt %.3f%% (seed %llu)\n",
		    p->impair.loss / 42949672.96, p->impair.reorder / 42949672.96,
		    p->impair.dup / 42949672.96, p->impair.corrupt / 42949672.96,
		    (unsigned long long)p->impair.seed);
}

/* ------------------------------------------------------------- create */
static int check_port(struct rts_dpdk_port *p,
		      const struct rts_dpdk_port_conf *conf)
{
	uint16_t avail = rte_eth_dev_count_avail();
	int rc;

	if (!rte_eth_dev_is_valid_port(conf->port_id)) {
		if (avail == 0)
			ERR(p, "no DPDK port: add one with --vdev (e.g. --vdev "
			    "net_tap0,iface=rts0), or bind a NIC to vfio-pci "
			    "and drop --no-pci\n");
		else
			ERR(p, "port %u does not exist (%u port%s available)\n",
			    conf->port_id, avail, avail == 1 ? "" : "s");
		return -ENODEV;
	}
	rc = rte_eth_dev_info_get(conf->port_id, &p->info);
	if (rc != 0)
		return rc;
	if (conf->n_queues == 0 || conf->n_queues > p->info.max_rx_queues ||
	    conf->n_queues > p->info.max_tx_queues) {
		ERR(p, "port %u (%s) offers at most %u RX/TX queue pairs; %u "
		    "requested (one per lcore): use at most %u lcores\n",
		    conf->port_id, p->info.driver_name,
		    RTE_MIN(p->info.max_rx_queues, p->info.max_tx_queues),
		    conf->n_queues,
		    RTE_MIN(p->info.max_rx_queues, p->info.max_tx_queues));
		return -EINVAL;
	}
	return 0;
}

static int create(struct rts_dpdk_port *p, const struct rts_dpdk_port_conf *conf)
{
	uint32_t data_room, n_mbufs;
	char why[160];
	bool rss;
	int rc;

	rc = check_port(p, conf);
	if (rc != 0)
		return rc;
	p->n_queues = conf->n_queues;
	if (conf->impair != NULL && conf->impair[0] != '\0') {
		if (rts_dpdk_impair_parse(conf->impair, &p->impair, why,
					  sizeof(why)) != 0) {
			ERR(p, "--impair: %s\n", why);
			return -EINVAL;
		}
		if (!strstr(conf->impair, "seed="))
			p->impair.seed = conf->impair_seed;
	}
	choose_offloads(p, conf);
	rc = choose_mtu(p, conf, &data_room);
	if (rc != 0)
		return rc;
	n_mbufs = conf->n_mbufs != 0 ? conf->n_mbufs : DEFAULT_MBUFS;
	for (uint16_t q = 0; q < p->n_queues; q++) {
		rc = make_pools(p, queue_socket(q), n_mbufs, data_room);
		if (rc != 0)
			return rc;
	}
	make_rss_key(p);
	rss = rss_possible(p, conf);
	rc = configure(p, rss);
	if (rc != 0 && rss) {
		rss = false;
		rc = configure(p, false);
	}
	if (rc != 0) {
		ERR(p, "port %u (%s): configure failed: %s\n", p->port_id,
		    p->info.driver_name, rte_strerror(-rc));
		return rc;
	}
	rc = setup_queues(p, conf);
	if (rc != 0)
		return rc;
	rc = rte_eth_dev_start(p->port_id);
	if (rc != 0) {
		ERR(p, "port %u (%s): start failed: %s\n", p->port_id,
		    p->info.driver_name, rte_strerror(-rc));
		return rc;
	}
	p->started = true;
	if (p->n_queues == 1)
		p->steer = RTS_DPDK_STEER_SINGLE;
	else if (rss && rss_program_and_verify(p))
		p->steer = RTS_DPDK_STEER_RSS;
	else
		p->steer = RTS_DPDK_STEER_REDIRECT;
	rte_eth_macaddr_get(p->port_id, &p->mac);
	p->stack_mac = p->mac;
	/*
	 * net_tap gives the kernel's interface the port's own MAC, so the
	 * kernel's frames would look like our own echoed back. The tap hands
	 * every frame to us whatever its destination: use a MAC of our own.
	 */
	if (is_tap(p)) {
		p->stack_mac.addr_bytes[0] |= 0x02;
		p->stack_mac.addr_bytes[5] ^= 0x5a;
	}
	return init_queues(p);
}

struct rts_dpdk_port *rts_dpdk_port_create(const struct rts_dpdk_port_conf *conf,
					   int *err)
{
	struct rts_dpdk_port *p;
	int rc;

	p = rte_zmalloc("rts_dpdk_port", sizeof(*p), RTE_CACHE_LINE_SIZE);
	if (p == NULL) {
		*err = -ENOMEM;
		return NULL;
	}
	p->port_id = conf->port_id;
	(void)rts_dpdk_now_ns(); /* fix the time base while single-threaded */
	p->log = conf->log != NULL ? conf->log : stdout;
	rc = create(p, conf);
	if (rc != 0) {
		rts_dpdk_port_destroy(p);
		*err = rc;
		return NULL;
	}
	if (!conf->quiet)
		print_features(p);
	*err = 0;
	return p;
}

int rts_dpdk_port_destroy(struct rts_dpdk_port *p)
{
	unsigned in_use;

	if (p == NULL)
		return 0;
	/* Backlogs are sent (or freed) while the port still runs. */
	if (p->queues != NULL)
		for (uint16_t i = 0; i < p->n_queues; i++)
			rts_dpdk_queue_drain(&p->queues[i]);
	if (p->started) {
		rte_eth_dev_stop(p->port_id);
		rte_eth_dev_close(p->port_id);
	}
	if (p->queues != NULL)
		for (uint16_t i = 0; i < p->n_queues; i++)
			rte_ring_free(p->queues[i].inbox);
	in_use = rts_dpdk_port_mbufs_in_use(p);
	for (unsigned s = 0; s < RTE_MAX_NUMA_NODES; s++) {
		rte_mempool_free(p->pools[s]);
		rte_mempool_free(p->ipools[s]);
	}
	rte_free(p->queues);
	rte_free(p);
	return (int)in_use;
}

/* ------------------------------------------------------------- multicast */
int rts_dpdk_port_join_mcast(struct rts_dpdk_port *p, const struct rts_mac *macs,
			     unsigned n)
{
	struct rte_ether_addr list[RTS_DPDK_MCAST_MAX];
	struct rts_dpdk_queue_stats *st = &p->queues[0].st;
	int rc;

	if (n > RTE_DIM(list))
		n = 0; /* more than a filter holds: take everything */
	for (unsigned i = 0; i < n; i++)
		memcpy(list[i].addr_bytes, macs[i].b, 6);
	rc = n > 0 ? rte_eth_dev_set_mc_addr_list(p->port_id, list, n) : -ENOSPC;
	if (rc == 0) {
		st->mcast_filter++;
		LOG(p, "  multicast filter  %u groups\n", n);
		return 0;
	}
	rc = rte_eth_allmulticast_enable(p->port_id);
	if (rc == 0 || rte_eth_allmulticast_get(p->port_id) == 1) {
		st->mcast_allmulti++;
		LOG(p, "  multicast filter  off (all multicast received)\n");
		return 1;
	}
	st->mcast_fail++;
	ERR(p, "  multicast filter  cannot receive multicast: %s\n",
	    rte_strerror(-rc));
	return rc;
}

/* 33:33 followed by the group's last four bytes (RFC 2464 §7). */
static void mcast_mac(struct rts_mac *m, const uint8_t group_tail[4])
{
	m->b[0] = 0x33;
	m->b[1] = 0x33;
	memcpy(&m->b[2], group_tail, 4);
}

int rts_dpdk_port_join_ipv6(struct rts_dpdk_port *p, const struct rts_config *cfg)
{
	static const uint8_t all_nodes[4] = { 0, 0, 0, 1 };
	struct rts_mac macs[RTS_MAX_ADDRS + 2];
	uint8_t tail[4] = { 0xff, 0, 0, 0 };
	unsigned n = 0;

	mcast_mac(&macs[n++], all_nodes);
	/* Link-local from the MAC (EUI-64): its last three bytes are the MAC's. */
	memcpy(&tail[1], &cfg->mac.b[3], 3);
	mcast_mac(&macs[n++], tail);
	for (unsigned i = 0; i < cfg->n_addrs; i++) {
		if (rts_ip_is_v4(&cfg->addrs[i].ip))
			continue;
		memcpy(&tail[1], &cfg->addrs[i].ip.u8[13], 3);
		mcast_mac(&macs[n++], tail);
	}
	return rts_dpdk_port_join_mcast(p, macs, n);
}

/* ------------------------------------------------------------- accessors */
struct rts_dpdk_queue *rts_dpdk_port_queue(struct rts_dpdk_port *p,
					   uint16_t queue)
{
	return queue < p->n_queues ? &p->queues[queue] : NULL;
}

uint16_t rts_dpdk_port_n_queues(const struct rts_dpdk_port *p)
{
	return p->n_queues;
}

enum rts_dpdk_steering rts_dpdk_port_steering(const struct rts_dpdk_port *p)
{
	return p->steer;
}

const char *rts_dpdk_port_driver(const struct rts_dpdk_port *p)
{
	return p->info.driver_name;
}

void rts_dpdk_port_caps(const struct rts_dpdk_port *p, struct rts_if_caps *caps)
{
	*caps = p->caps;
}

void rts_dpdk_port_mac(const struct rts_dpdk_port *p, struct rts_mac *mac)
{
	memcpy(mac->b, p->stack_mac.addr_bytes, 6);
}

uint16_t rts_dpdk_port_mtu(const struct rts_dpdk_port *p)
{
	return p->mtu;
}

void rts_dpdk_queue_config(const struct rts_dpdk_queue *q,
			   struct rts_config *cfg)
{
	const struct rts_dpdk_port *p = q->port;

	rts_dpdk_port_mac(p, &cfg->mac);
	cfg->mtu = p->mtu;
	cfg->caps = p->caps;
	cfg->seed[0] = rte_rdtsc() ^ ((uint64_t)q->qid << 48);
	cfg->seed[1] = rte_rand();
}

unsigned rts_dpdk_port_mbufs_in_use(const struct rts_dpdk_port *p)
{
	unsigned n = 0;

	for (unsigned s = 0; s < RTE_MAX_NUMA_NODES; s++) {
		if (p->pools[s] != NULL)
			n += rte_mempool_in_use_count(p->pools[s]);
		if (p->ipools[s] != NULL)
			n += rte_mempool_in_use_count(p->ipools[s]);
	}
	return n;
}
