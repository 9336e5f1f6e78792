/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — the DPDK backend (library rtestack_dpdk).
 *
 * One ethdev port driven by N lcores: lcore i owns RX/TX queue pair i and
 * its own rtestack context, and runs to completion (receive a burst, run the
 * stack, transmit, run the application, repeat). Packets are never copied
 * on the way in or out: each rte_mbuf carries the stack's struct rts_pkt in
 * its private area.
 *
 *     rts_dpdk_claim_rt_signals();           // before rte_eal_init (net_tap)
 *     rte_eal_init(argc, argv);
 *     struct rts_dpdk_port_conf pc;
 *     rts_dpdk_port_conf_default(&pc);
 *     pc.n_queues = rte_lcore_count();
 *     struct rts_dpdk_port *port = rts_dpdk_port_create(&pc, &err);
 *
 *     // on the lcore that drives queue q:
 *     struct rts_dpdk_queue *dq = rts_dpdk_port_queue(port, q);
 *     struct rts_config cfg;
 *     rts_config_default(&cfg);
 *     rts_dpdk_queue_config(dq, &cfg);       // mac, mtu, caps, seed
 *     rts_config_add_addr(&cfg, &ip, 24);
 *     ctx = rts_ctx_init(mem, size, &cfg, &rts_dpdk_ops, dq, now);
 *     rts_dpdk_queue_attach(dq, ctx);
 *     while (running) {
 *         rts_dpdk_queue_poll(dq, rts_dpdk_now_ns());
 *         ... application work (rts_tcp_send ...) ...
 *         rts_flush(ctx);
 *     }
 *     rts_ctx_fini(ctx, rts_dpdk_now_ns());
 *     rts_dpdk_queue_detach(dq);
 *
 *     // on the main lcore, once every lcore is done:
 *     rts_dpdk_port_destroy(port);
 *
 * Flow steering. A flow must always reach the lcore whose context owns it.
 * Where the device offers RSS with a readable key and redirection table,
 * the port uses them (symmetric key, explicit RETA, read back and checked)
 * and active opens choose a source port whose replies hash to the local
 * queue. Where it does not (net_tap, memif, af_packet), every lcore hashes
 * each received flow in software and hands packets of other lcores' flows
 * over through rte_rings; active opens choose source ports by the same
 * hash. ARP and NDP answers are processed where they arrive and their
 * sender is learned by every other lcore (rts_neigh_learn).
 *
 * Errors are negative errno values (as rts_err); nothing here exits.
 */
#ifndef RTESTACK_DPDK_H
#define RTESTACK_DPDK_H

#include <stdio.h>

#include "rtestack.h"

#ifdef __cplusplus
extern "C" {
#endif

struct rts_dpdk_port;
struct rts_dpdk_queue;

/* How received flows reach their owning lcore. */
enum rts_dpdk_steering {
	RTS_DPDK_STEER_SINGLE = 0,   /* one queue: nothing to steer */
	RTS_DPDK_STEER_RSS = 1,      /* device RSS, source ports chosen to match */
	RTS_DPDK_STEER_REDIRECT = 2, /* software hash + rings between lcores */
};

/* Port configuration; rts_dpdk_port_conf_default() fills it. */
struct rts_dpdk_port_conf {
	uint16_t port_id;
	uint16_t n_queues;       /* RX/TX queue pairs = lcores driving the port */
	uint16_t mtu;            /* IP MTU; 0: 1500 (clamped to the device) */
	uint16_t rx_desc;        /* per queue; 0: 1024 (clamped to the device) */
	uint16_t tx_desc;
	uint32_t n_mbufs;        /* per-socket pool; 0: derived from the queues */
	uint32_t offloads;       /* RTS_CAP_* the user allows (default: all) */
	bool rx_offloads;        /* use RX checksum verification if offered */
	bool lro;                /* enable LRO when offered (default off) */
	bool force_redirect;     /* ignore device RSS, steer in software */
	bool quiet;              /* no feature lines at start */
	/*
	 * Impairment applied by the backend in both directions, e.g.
	 * "loss=2%,reorder=1%,dup=0.5%,corrupt=0.1%" (NULL: none).
	 */
	const char *impair;
	uint64_t impair_seed;
	FILE *log;               /* feature lines and warnings (NULL: stdout) */
};

void rts_dpdk_port_conf_default(struct rts_dpdk_port_conf *conf);

/*
 * Probe the device, enable the offloads it offers, set up RSS or the
 * software redirect, create the mempools, configure and start the port.
 * Prints one line per feature (on / emulated / off) unless conf->quiet.
 * NULL on failure with *err set and a message on conf->log explaining the
 * cause (no such port, too many queues, ...).
 */
struct rts_dpdk_port *rts_dpdk_port_create(const struct rts_dpdk_port_conf *conf,
					   int *err);

/*
 * Stop and close the port, drain the redirect rings and free the mempools.
 * Every lcore must have detached. Returns the number of mbufs still in use
 * when the pools were freed (0 unless something leaked).
 */
int rts_dpdk_port_destroy(struct rts_dpdk_port *port);

struct rts_dpdk_queue *rts_dpdk_port_queue(struct rts_dpdk_port *port,
					   uint16_t queue);
uint16_t rts_dpdk_port_n_queues(const struct rts_dpdk_port *port);
enum rts_dpdk_steering rts_dpdk_port_steering(const struct rts_dpdk_port *port);
const char *rts_dpdk_port_driver(const struct rts_dpdk_port *port);
/* Offload capabilities, MAC and MTU as configured. */
void rts_dpdk_port_caps(const struct rts_dpdk_port *port,
			struct rts_if_caps *caps);
void rts_dpdk_port_mac(const struct rts_dpdk_port *port, struct rts_mac *mac);
uint16_t rts_dpdk_port_mtu(const struct rts_dpdk_port *port);

/*
 * Receive these Ethernet multicast groups: the device's filter where it
 * has one, otherwise all multicast. Returns 0 (filter), 1 (all multicast)
 * or a negative errno.
 */
int rts_dpdk_port_join_mcast(struct rts_dpdk_port *port,
			     const struct rts_mac *macs, unsigned n);
/*
 * Join what IPv6 needs for @cfg's addresses (RFC 4861 §7.2.1, RFC 4291
 * §2.7.1): all-nodes and the solicited-node group of every IPv6 address,
 * the MAC-derived link-local one included. Same return as above.
 * Not needed with rts_dpdk_queue_poll(): queue 0 keeps the filter in step
 * with rts_mcast_macs() by itself (SLAAC and RFC 7217 addresses too);
 * this is for an application that drives the port some other way.
 */
int rts_dpdk_port_join_ipv6(struct rts_dpdk_port *port,
			    const struct rts_config *cfg);

/*
 * Fill the device-dependent fields of a context configuration: mac, mtu,
 * caps, and a seed from the TSC and the queue number.
 */
void rts_dpdk_queue_config(const struct rts_dpdk_queue *q,
			   struct rts_config *cfg);

/* The backend operations; the @be handle is the struct rts_dpdk_queue. */
extern const struct rts_backend_ops rts_dpdk_ops;

/*
 * Bind the context built on @q (be == q) to it: received packets go to
 * @ctx from now on, and with more than one queue active opens get their
 * source port from rts_dpdk_tcp_port_chooser (below). Call on the lcore
 * that drives @q.
 */
void rts_dpdk_queue_attach(struct rts_dpdk_queue *q, struct rts_ctx *ctx);
/* Unbind (before or after rts_ctx_fini); frees what waits in the inbox. */
void rts_dpdk_queue_detach(struct rts_dpdk_queue *q);

/*
 * One turn of the loop: receive a burst, apply impairment, steer, hand the
 * local packets to rts_input (or call rts_poll when a timer is due).
 * Returns the number of packets given to the stack.
 */
unsigned rts_dpdk_queue_poll(struct rts_dpdk_queue *q, uint64_t now_ns);

/*
 * A local port for a flow of @proto (6 or 17) from @local to @remote whose
 * replies reach queue @q (RSS or software hash), starting the search at a
 * per-queue cursor; 0 when none is found. rts_dpdk_queue_attach installs it
 * as the TCP port chooser; UDP clients call it themselves.
 */
uint16_t rts_dpdk_queue_pick_port(struct rts_dpdk_queue *q,
				  const struct rts_endpoint *local,
				  const struct rts_endpoint *remote,
				  uint8_t proto);
/*
 * The TCP port chooser for a queue (@arg: the struct rts_dpdk_queue), which
 * rts_dpdk_queue_attach() installs; an app with a chooser of its own can
 * call it from there.
 */
uint16_t rts_dpdk_tcp_port_chooser(void *arg, const struct rts_endpoint *local,
				   const struct rts_endpoint *remote,
				   uint32_t attempt);
/* Which queue a received packet of this flow is processed on. */
uint16_t rts_dpdk_port_flow_queue(const struct rts_dpdk_port *port,
				  const struct rts_endpoint *src,
				  const struct rts_endpoint *dst,
				  uint8_t proto);

/*
 * Packets waiting in the queue's transmit backlog because the device did
 * not take them yet: a sender that can choose its pace (a UDP blaster)
 * holds back while this is not zero.
 */
unsigned rts_dpdk_queue_tx_pending(const struct rts_dpdk_queue *q);

/* Per-queue backend counters (plain reads; exact once the lcore stopped). */
#define RTS_DPDK_QUEUE_COUNTERS(X)                                             \
	X(rx_pkts)                                                             \
	X(rx_bytes)                                                            \
	X(tx_pkts)                                                             \
	X(tx_bytes)                                                            \
	X(tx_retries)          /* tx_burst took fewer: the rest waits */       \
	X(tx_drop_full)        /* backlog full (or stopping): freed */         \
	X(tx_drop_prepare)     /* rte_eth_tx_prepare rejected the packet */    \
	X(tx_tso_clamped)      /* tso_segsz lowered to fit the device MTU */   \
	X(alloc_fail)                                                          \
	X(clone_fail)                                                          \
	X(redirect_out)        /* handed to the owning lcore */                \
	X(redirect_in)                                                         \
	X(redirect_drop)       /* owner's inbox full */                        \
	X(neigh_share_out)     /* ARP/NA senders shared with other lcores */   \
	X(neigh_share_in)                                                      \
	X(neigh_share_drop)                                                    \
	X(impair_loss)                                                         \
	X(impair_dup)                                                          \
	X(impair_reorder)                                                      \
	X(impair_corrupt)                                                      \
	X(mcast_filter)        /* device filter set to the stack's groups */  \
	X(mcast_allmulti)      /* no filter: all multicast received */        \
	X(mcast_fail)          /* neither worked: NDP will not be heard */

struct rts_dpdk_queue_stats {
#define RTS_DPDK_STAT_FIELD(n) uint64_t n;
	RTS_DPDK_QUEUE_COUNTERS(RTS_DPDK_STAT_FIELD)
#undef RTS_DPDK_STAT_FIELD
};

void rts_dpdk_queue_stats(const struct rts_dpdk_queue *q,
			  struct rts_dpdk_queue_stats *st);

/* Mbufs currently allocated from the port's pools (all sockets). */
unsigned rts_dpdk_port_mbufs_in_use(const struct rts_dpdk_port *port);

/*
 * Print every non-zero backend counter (summed over queues) and the
 * device's rte_eth_stats to @f, each line prefixed by @prefix.
 */
void rts_dpdk_port_print_stats(const struct rts_dpdk_port *port, FILE *f,
			       const char *prefix);

/* Monotonic time in ns from the TSC (rte_rdtsc / rte_get_tsc_hz). */
uint64_t rts_dpdk_now_ns(void);

/*
 * Give every real-time signal SIGRTMIN+1 .. SIGRTMAX-1 a no-op handler so
 * that net_tap polls its queues instead of taking one signal per received
 * packet (about 7x faster). Call before rte_eal_init(). Returns how many
 * handlers were installed.
 */
int rts_dpdk_claim_rt_signals(void);

/* Human-readable name of a steering mode. */
const char *rts_dpdk_steering_name(enum rts_dpdk_steering s);

#ifdef __cplusplus
}
#endif

#endif
