/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — tables of the IPv6 side: our addresses (with their DAD state),
 * the default router and prefix lists learnt from router advertisements,
 * the path MTU cache, fragment reassembly and the router solicitation
 * state. Included by core/internal.h after struct rts_timer; everything is
 * sized at compile time and lives in the context. Functions in ip6/ip6.h.
 */
#ifndef RTS_IP6_TABLES_H
#define RTS_IP6_TABLES_H

/* Configured + link-local + SLAAC addresses. */
#define RTS_IP6_MAX_ADDRS (RTS_MAX_ADDRS + 4)
#define RTS_IP6_MAX_ROUTERS 4
#define RTS_IP6_MAX_PREFIXES 8
#define RTS_IP6_PMTU_SLOTS 32
#define RTS_IP6_REASS_SLOTS 16

/* Address states, RFC 4862 §2 (FREE: the slot is unused). */
enum rts_ip6_addr_state {
	RTS_IP6_ADDR_FREE = 0,
	RTS_IP6_ADDR_TENTATIVE,  /* DAD running: only NDP may use it */
	RTS_IP6_ADDR_PREFERRED,
	RTS_IP6_ADDR_DEPRECATED, /* SLAAC preferred lifetime over */
	RTS_IP6_ADDR_DUPLICATE,  /* DAD found another owner: never used */
};

enum rts_ip6_addr_origin {
	RTS_IP6_ORIGIN_CONFIG = 0,
	RTS_IP6_ORIGIN_LINK_LOCAL, /* derived from the MAC */
	RTS_IP6_ORIGIN_SLAAC,      /* from a router advertisement prefix */
};

struct rts_ip6_addr {
	struct rts_ip ip;
	uint8_t prefix_len;
	uint8_t state;          /* enum rts_ip6_addr_state */
	uint8_t origin;         /* enum rts_ip6_addr_origin */
	uint8_t dad_left;       /* DAD solicitations still to send */
	uint8_t dad_counter;    /* RFC 7217 DAD_Counter of a stable IID */
	uint8_t nonce[6];       /* RFC 7527: recognise our own looped NS */
	uint64_t preferred_until_ns; /* SLAAC only; UINT64_MAX: infinite */
	uint64_t valid_until_ns;
	struct rts_timer timer; /* DAD steps, then lifetimes */
};

struct rts_ip6_router {
	struct rts_ip ip;       /* link-local; unspecified: free slot */
	uint64_t expire_ns;     /* router lifetime from the RA */
};

struct rts_ip6_prefix {
	struct rts_ip prefix;
	uint8_t len;            /* 0 with an unspecified prefix: free slot */
	uint64_t expire_ns;     /* valid lifetime; UINT64_MAX: infinite */
};

/* Path MTU (RFC 8201), direct-mapped by destination. */
struct rts_ip6_pmtu {
	struct rts_ip dst;
	uint16_t mtu;           /* 0: free slot */
	uint64_t expire_ns;
};

/* One datagram being reassembled (RFC 8200 §4.5, RFC 5722). */
struct rts_ip6_reass {
	struct rts_ip src;
	struct rts_ip dst;
	uint32_t id;
	bool in_use;
	bool dead;              /* overlap seen: drop the rest until timeout */
	bool have_last;
	uint16_t n_frags;
	uint32_t total;         /* fragmentable bytes, known with the last */
	uint32_t received;
	uint32_t mem;           /* buffer bytes held */
	uint64_t started_ns;
	struct rts_pkt *frags;  /* sorted by offset, linked by q_next */
	struct rts_timer timer;
};

struct rts_ip6_tables {
	struct rts_ip6_addr addrs[RTS_IP6_MAX_ADDRS];
	struct rts_ip6_router routers[RTS_IP6_MAX_ROUTERS];
	struct rts_ip6_prefix prefixes[RTS_IP6_MAX_PREFIXES];
	struct rts_ip6_pmtu pmtu[RTS_IP6_PMTU_SLOTS];
	struct rts_ip6_reass reass[RTS_IP6_REASS_SLOTS];
	uint32_t reass_mem;

	uint16_t link_mtu;      /* cfg.mtu, or an RA's MTU option below it */
	uint8_t hop_limit;      /* cfg.ttl, or an RA's Cur Hop Limit */
	uint8_t rs_left;        /* router solicitations still to send */
	struct rts_timer rs_timer;
	uint32_t mcast_gen;     /* bumped when the address set changes */
	/*
	 * Bumped whenever a next hop, a path MTU or the hop limit may have
	 * changed (routers, prefixes, addresses, Packet Too Big, RA values):
	 * flow templates (flow6.h) and the send cache built before are stale.
	 */
	uint32_t route_gen;
	/* last destination sent without a template, and how (ip6_output.c) */
	struct rts_ip tx_src;
	struct rts_ip tx_dst;
	struct rts_ip tx_nexthop;
	uint64_t tx_until_ns;   /* the router or prefix it relies on expires */
	uint32_t tx_gen;        /* route_gen when cached; 0: empty */
	uint16_t tx_mtu;
	struct rts_neigh_ref tx_ref;
	uint8_t mld_unsolicited; /* unsolicited MLD reports still to send */
	struct rts_timer mld_timer;
	bool ready;             /* init done (not only sizing) */
};

#endif
