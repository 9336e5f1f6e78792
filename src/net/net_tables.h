/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — tables of the IPv4 side: the neighbour cache (shared with
 * NDP), IPv4 reassembly, the path MTU cache, UDP bindings and ICMP state.
 * Included by core/internal.h after struct rts_timer; the functions that
 * use them are declared in net/neigh.h and net/net.h.
 */
#ifndef RTS_NET_TABLES_H
#define RTS_NET_TABLES_H

/* Neighbour states, RFC 4861 §7.3.2, plus STATIC (never expires). */
enum rts_neigh_state {
	RTS_NEIGH_FREE = 0,
	RTS_NEIGH_INCOMPLETE,
	RTS_NEIGH_REACHABLE,
	RTS_NEIGH_STALE,
	RTS_NEIGH_DELAY,
	RTS_NEIGH_PROBE,
	RTS_NEIGH_STATIC,
};

/* One neighbour cache entry, either family. */
struct rts_neigh {
	struct rts_ip ip;
	struct rts_mac mac;
	uint8_t state;              /* enum rts_neigh_state */
	uint8_t probes;             /* solicitations sent in this state */
	uint16_t n_pending;
	uint32_t gen;               /* bumped on reuse and MAC change */
	uint64_t changed_ns;        /* last state change (for tools: age) */
	struct rts_neigh *hnext;    /* hash chain */
	struct rts_neigh *lnext;    /* stale list (LRU) or free list */
	struct rts_neigh *lprev;
	struct rts_pkt *pend_head;  /* L3 packets waiting, linked by q_next */
	struct rts_pkt *pend_tail;
	struct rts_timer timer;
};

/*
 * A per-flow cache of the next hop (see net/neigh.h): valid while the
 * entry's generation is unchanged and it is REACHABLE or STATIC.
 */
struct rts_neigh_ref {
	struct rts_neigh *n;
	uint32_t gen;
};

struct rts_ctx;
/* Send a solicitation for @n: ARP request (IPv4) or NS (IPv6). @unicast:
 * a PROBE to the cached MAC rather than a broadcast/multicast one. */
typedef void (*rts_neigh_solicit_fn)(struct rts_ctx *ctx, struct rts_neigh *n,
				     bool unicast);

struct rts_neigh_table {
	struct rts_neigh *entries;
	struct rts_neigh **hash;
	uint32_t hash_mask;
	uint32_t n_entries;
	uint32_t used;
	struct rts_neigh *free_list;
	struct rts_neigh *stale_head; /* oldest STALE entry: evicted first */
	struct rts_neigh *stale_tail;
	rts_neigh_solicit_fn solicit4;
	rts_neigh_solicit_fn solicit6;
};

/* One datagram being reassembled (RFC 791 §3.2, RFC 815). */
struct rts_reass {
	struct rts_reass *next;     /* active list */
	uint32_t src_be, dst_be;
	uint16_t id;
	uint8_t proto;
	bool in_use;
	bool have_last;             /* the MF=0 fragment arrived */
	uint32_t total;             /* payload bytes, known with the last */
	uint32_t received;          /* payload bytes held */
	uint32_t mem;               /* buffer bytes held */
	struct rts_pkt *frags;      /* sorted by offset, linked by q_next */
	struct rts_timer timer;
};

/* Path MTU cache entry (RFC 1191), direct-mapped by destination. */
struct rts_pmtu {
	uint32_t dst_be;
	uint16_t mtu;
	uint64_t expire_ns;
};
#define RTS_PMTU_SLOTS 32

/* Our IPv4 addresses, precomputed from the config. */
struct rts_if4 {
	uint32_t addr_be;
	uint32_t mask_be;
	uint32_t bcast_be; /* subnet-directed broadcast */
};

struct rts_udp_bind {
	struct rts_ctx *ctx;
	struct rts_udp_bind *hnext; /* chain of the port's hash bucket */
	struct rts_ip ip;           /* all-zero: both families */
	uint16_t port;
	bool in_use;
	rts_udp_rx_fn rx;
	void *user;
};

/* The hooks the IPv6 layer installs in rts_ip6_init(). */
struct rts_ip6_hooks {
	int (*route)(struct rts_ctx *ctx, const struct rts_ip *dst,
		     const struct rts_ip *src_hint, struct rts_route *rt);
	int (*ping)(struct rts_ctx *ctx, const struct rts_ip *dst,
		    uint16_t id, uint16_t seq, uint32_t len);
	/* ICMPv6 port unreachable for a UDP datagram nobody bound. */
	void (*port_unreach)(struct rts_ctx *ctx, struct rts_pkt *p,
			     const struct rts_l3_info *l3);
	/* Is @ip one of our IPv6 addresses (link-local and SLAAC included)? */
	bool (*is_local)(const struct rts_ctx *ctx, const struct rts_ip *ip);
};

struct rts_net_tables {
	struct rts_neigh_table neigh;

	struct rts_if4 if4[RTS_MAX_ADDRS];
	uint8_t n_if4;
	uint16_t ip_id;
	/* last IPv4 destination sent without a ref, and its next hop */
	uint32_t tx4_dst_be;
	struct rts_neigh_ref tx4_ref;

	struct rts_pmtu pmtu[RTS_PMTU_SLOTS];
	uint32_t n_pmtu;

	struct rts_reass *reass;     /* slots */
	struct rts_reass *reass_active;
	uint32_t n_reass;
	uint32_t reass_mem;

	struct rts_udp_bind *udp;    /* max_udp_binds slots */
	struct rts_udp_bind **udp_hash;
	uint32_t udp_hash_mask;

	/* token bucket for ICMP errors (RFC 1812 §4.3.2.8) */
	uint32_t icmp_tokens;
	uint64_t icmp_refill_ns;

	struct rts_ip6_hooks ip6;
};

#endif
