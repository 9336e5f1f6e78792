/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — the context: one stack instance, driven by one thread.
 *
 * All state of a stack instance lives in memory the application provides.
 * The application owns the loop: it hands received packets and the current
 * time to rts_input() (or just the time to rts_poll()), and learns when it
 * must call again. The stack never reads a clock and never blocks.
 *
 *     struct rts_config cfg;
 *     rts_config_default(&cfg);
 *     ... set cfg.mac, add addresses with rts_config_add_addr() ...
 *     size_t sz = rts_ctx_mem_size(&cfg);
 *     struct rts_ctx *ctx = rts_ctx_init(malloc(sz), sz, &cfg, &ops, be, now);
 *     for (;;) {
 *         n = receive(pkts);
 *         next = rts_input(ctx, pkts, n, now());
 *     }
 */
#ifndef RTESTACK_CTX_H
#define RTESTACK_CTX_H

#include "counters.h"
#include "pkt.h"
#include "types.h"

#ifdef __cplusplus
extern "C" {
#endif

struct rts_ctx;

#define RTS_MAX_ADDRS 8
#define RTS_MAX_STATIC_NEIGH 8

/* Congestion control algorithms. */
enum rts_cc_algo {
	RTS_CC_CUBIC = 0, /* RFC 9438, the default */
	RTS_CC_NEWRENO = 1, /* RFC 5681 + RFC 6582 */
};

/* TCP knobs; times in microseconds. rts_config_default() fills them. */
struct rts_tcp_config {
	uint16_t mss;              /* 0: derived from the MTU */
	uint16_t init_cwnd_segs;   /* RFC 6928: 10 */
	uint32_t rto_init_us;      /* RFC 6298: 1 s */
	uint32_t rto_min_us;       /* floor; 200 ms, down to 1 ms for DCs */
	uint32_t rto_max_us;       /* ceiling; 60 s */
	uint32_t delack_us;        /* delayed-ACK timer: 40 ms; 0 disables */
	uint32_t time_wait_us;     /* 2*MSL: 60 s */
	uint32_t fin_wait2_us;     /* orphaned FIN_WAIT_2 timeout: 60 s */
	uint32_t keepalive_idle_us;  /* 0: keepalive off by default */
	uint32_t keepalive_intvl_us;
	uint8_t keepalive_probes;
	uint8_t max_retries;       /* data retransmissions before giving up */
	uint8_t syn_retries;       /* SYN / SYN-ACK retransmissions */
	uint8_t rcv_wscale;        /* our window scale (RFC 7323), 0..14 */
	bool nagle;                /* true: Nagle on (default) */
	bool syncookies;           /* SYN cookies when a backlog is full (default) */
	bool timestamps;           /* offer RFC 7323 timestamps */
	bool sack;                 /* offer RFC 2018 SACK */
	bool window_scaling;       /* offer RFC 7323 window scaling */
	uint8_t cc;                /* enum rts_cc_algo */
	uint32_t rcv_buf;          /* bytes buffered for the app per conn */
	uint32_t snd_buf;          /* bytes queued for sending per conn */
	uint16_t ooo_max_segs;     /* out-of-order queue bound per conn */
	uint16_t listen_backlog;   /* default backlog for rts_tcp_listen */
	/*
	 * SACK scoreboards, shared: a connection takes one only while it
	 * needs it (loss recovery, out-of-order data) and gives it back, so
	 * idle connections cost nothing. When none is free a connection
	 * recovers without SACK information (NewReno-style) and
	 * tcp_sack_no_state counts it. 0: max_tcp_conns / 16 + 16.
	 */
	uint32_t sack_states;
};

struct rts_addr_config {
	struct rts_ip ip;
	uint8_t prefix;            /* on-link prefix length */
};

struct rts_static_neigh {
	struct rts_ip ip;
	struct rts_mac mac;
};

/* Callbacks of the context itself (TCP and UDP have their own handlers). */
struct rts_ctx_handlers {
	/* An ICMP or ICMPv6 echo reply to rts_ping(). rtt_ns is now - sent. */
	void (*echo_reply)(struct rts_ctx *ctx, void *user,
			   const struct rts_ip *from, uint16_t id, uint16_t seq,
			   uint32_t len, uint64_t rtt_ns);
	/* A neighbour (ARP or NDP) became reachable or failed to resolve. */
	void (*neigh_resolved)(struct rts_ctx *ctx, void *user,
			       const struct rts_ip *ip, const struct rts_mac *mac);
	void (*neigh_failed)(struct rts_ctx *ctx, void *user,
			     const struct rts_ip *ip);
};

/* IPv6 host behaviour; rts_config_default() fills it. */
struct rts_ip6_config {
	uint8_t dad_transmits;     /* RFC 4862 DupAddrDetectTransmits: 1; 0 off */
	uint8_t router_solicits;   /* RSs sent at start (RFC 4861 §6.3.7): 3 */
	bool link_local;           /* add fe80::/64 + EUI-64 of the MAC: on */
	bool slaac;                /* addresses from RA prefixes (RFC 4862 §5.5) */
	bool mld;                  /* MLDv2 reports for our groups (RFC 3810) */
	/*
	 * RFC 7217 stable opaque interface identifiers for the link-local and
	 * SLAAC addresses instead of the MAC's EUI-64: off. stable_secret is
	 * the secret_key (random, kept across restarts so the addresses stay
	 * the same); network_id the optional Network_ID (0: none).
	 */
	bool stable_iid;
	uint64_t stable_secret[2];
	uint64_t network_id;
};

struct rts_config {
	struct rts_mac mac;
	uint16_t mtu;              /* IP MTU: 1500 default, up to 9000 */
	uint8_t n_addrs;
	struct rts_addr_config addrs[RTS_MAX_ADDRS]; /* IPv4 and IPv6 */
	struct rts_ip gw4;         /* IPv4 default gateway (any: none) */
	struct rts_ip gw6;         /* IPv6 default router (any: none / RA) */
	uint8_t n_static_neigh;
	struct rts_static_neigh static_neigh[RTS_MAX_STATIC_NEIGH];
	uint8_t ttl;               /* IPv4 TTL and IPv6 hop limit: 64 */

	/* Limits: every table is sized once at init, nothing grows. */
	uint32_t max_tcp_conns;    /* connection slots (incl. TIME_WAIT) */
	uint16_t max_listeners;
	uint16_t max_udp_binds;
	uint16_t neigh_entries;    /* ARP + NDP cache size */
	uint16_t neigh_pending_max; /* packets queued per unresolved neighbour */
	uint32_t reass_max_bytes;  /* memory for IP reassembly, both families */
	uint32_t reass_timeout_us; /* 30 s (RFC 791 suggests 15 s lower bound) */
	uint32_t icmp_rate_per_s;  /* token rate for ICMP errors we generate */

	struct rts_if_caps caps;   /* what the device offloads */
	struct rts_tcp_config tcp;
	struct rts_ip6_config ip6;

	uint64_t seed[2];          /* entropy for ISNs (RFC 6528) and ports */
	const struct rts_ctx_handlers *handlers;
	void *user;                /* passed to handlers */
};

/* Fill @cfg with defaults: MTU 1500, TTL 64, sensible limits and TCP knobs. */
void rts_config_default(struct rts_config *cfg);

/* Add an address (either family) with its prefix; RTS_ENOSPC when full. */
int rts_config_add_addr(struct rts_config *cfg, const struct rts_ip *ip,
			uint8_t prefix);

/* Bytes of memory rts_ctx_init() needs for @cfg (all tables included). */
size_t rts_ctx_mem_size(const struct rts_config *cfg);

/*
 * Build a context in @mem (@mem_len >= rts_ctx_mem_size(cfg), 64-byte
 * aligned). The backend's @ops and handle @be are used for every packet.
 * Sends gratuitous ARP for IPv4 addresses. Returns NULL on invalid config
 * (and no memory is touched beyond @mem).
 */
struct rts_ctx *rts_ctx_init(void *mem, size_t mem_len,
			     const struct rts_config *cfg,
			     const struct rts_backend_ops *ops, void *be,
			     uint64_t now_ns);

/*
 * Close every connection with RST, drop every queued packet (returning it
 * to the backend) and flush transmissions. The memory may then be freed.
 */
void rts_ctx_fini(struct rts_ctx *ctx, uint64_t now_ns);

/*
 * The entry point. Processes @n received packets (ownership passes to the
 * stack), runs due timers at @now_ns, flushes transmissions, and returns the
 * time (ns) by which the stack wants to be called again (UINT64_MAX: only
 * when packets arrive).
 */
uint64_t rts_input(struct rts_ctx *ctx, struct rts_pkt **pkts, unsigned n,
		   uint64_t now_ns);

/* rts_input() with no packets: timers and pending transmissions only. */
uint64_t rts_poll(struct rts_ctx *ctx, uint64_t now_ns);

/* Send what the API calls since the last rts_input/poll have queued. */
void rts_flush(struct rts_ctx *ctx);

const struct rts_counters *rts_ctx_counters(const struct rts_ctx *ctx);
const struct rts_config *rts_ctx_config(const struct rts_ctx *ctx);
void *rts_ctx_user(const struct rts_ctx *ctx);

/* Give a packet back to the backend (e.g. data the app has finished with). */
void rts_pkt_free(struct rts_ctx *ctx, struct rts_pkt *p);
/* A fresh packet from the backend, for zero-copy sends. */
struct rts_pkt *rts_pkt_alloc(struct rts_ctx *ctx);

/* Neighbour cache: add or replace a static entry; remove one. */
int rts_neigh_add_static(struct rts_ctx *ctx, const struct rts_ip *ip,
			 const struct rts_mac *mac);
/*
 * Learn a neighbour seen by another context (multi-queue backends copy ARP
 * and NDP answers to every lcore this way).
 */
int rts_neigh_learn(struct rts_ctx *ctx, const struct rts_ip *ip,
		    const struct rts_mac *mac, uint64_t now_ns);
/* Look up a resolved neighbour: 0 and *mac, or RTS_ENOENT. */
int rts_neigh_lookup(struct rts_ctx *ctx, const struct rts_ip *ip,
		     struct rts_mac *mac);
/*
 * Resolve @ip now: 0 and *mac when the cache already knows it; otherwise
 * an ARP request or neighbour solicitation goes out (unless one already
 * is under way) and RTS_EAGAIN is returned: handlers->neigh_resolved or
 * neigh_failed tells the outcome (three tries, 1 s apart). RTS_EINVAL for
 * the unspecified address, one of ours, a multicast or broadcast one; the
 * route lookup's error when
 * there is no source address for it, RTS_ENOSPC when the cache is full.
 */
int rts_neigh_resolve(struct rts_ctx *ctx, const struct rts_ip *ip,
		      struct rts_mac *mac);

/*
 * The Ethernet multicast addresses the context listens on: IPv6 all-nodes
 * and the solicited-node group of each IPv6 address (none for an IPv4-only
 * context). A backend programs them into the device filter (DPDK:
 * rte_eth_dev_set_mc_addr_list) or turns allmulticast on. Fills at most
 * @max and returns how many there are. rts_mcast_gen() changes whenever the
 * set may have (SLAAC adds and expires addresses).
 */
unsigned rts_mcast_macs(const struct rts_ctx *ctx, struct rts_mac *macs,
			unsigned max);
uint32_t rts_mcast_gen(const struct rts_ctx *ctx);

/*
 * Send an ICMP (IPv4) or ICMPv6 echo request with @len bytes of payload.
 * The reply arrives through handlers->echo_reply.
 */
int rts_ping(struct rts_ctx *ctx, const struct rts_ip *dst, uint16_t id,
	     uint16_t seq, uint32_t len);

#ifdef __cplusplus
}
#endif

#endif
