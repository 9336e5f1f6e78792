/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — read-only views of a context's tables, for tools such as
 * rtestack-cli ("show neigh", "show addr", "show routes", "show tcp",
 * "show udp") and for tests.
 *
 * Every walk calls @fn once per entry, in table order, with a snapshot
 * valid only during the call, and stops early when @fn returns non-zero.
 * It returns the number of entries @fn was called for. @fn must not
 * change the table it is walking (no send, close, bind or unbind from
 * inside it). Call from the thread that drives the context, between
 * rts_input() / rts_poll() calls; ages and lifetimes are relative to the
 * time of the last of those.
 */
#ifndef RTESTACK_INSPECT_H
#define RTESTACK_INSPECT_H

#include "ctx.h"
#include "tcp.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------- neighbour cache */
/* Neighbour states, RFC 4861 §7.3.2 (ARP entries use them too). */
enum rts_neigh_info_state {
	RTS_NEIGH_INFO_INCOMPLETE = 1, /* solicited, no answer yet */
	RTS_NEIGH_INFO_REACHABLE = 2,
	RTS_NEIGH_INFO_STALE = 3,
	RTS_NEIGH_INFO_DELAY = 4,
	RTS_NEIGH_INFO_PROBE = 5,
	RTS_NEIGH_INFO_STATIC = 6,     /* configured, never expires */
};

struct rts_neigh_info {
	struct rts_ip ip;
	struct rts_mac mac;       /* all zero while INCOMPLETE */
	uint8_t state;            /* enum rts_neigh_info_state */
	uint8_t probes;           /* solicitations sent in this state */
	uint16_t n_pending;       /* packets waiting for the resolution */
	uint64_t age_ns;          /* since the state last changed (or was
				   * confirmed by an upper layer) */
};

typedef int (*rts_neigh_info_fn)(void *user, const struct rts_neigh_info *n);
/* Every ARP and NDP cache entry. */
unsigned rts_neigh_foreach(struct rts_ctx *ctx, rts_neigh_info_fn fn,
			   void *user);
/* "INCOMPLETE", "REACHABLE", ... ("?" for anything else). */
const char *rts_neigh_state_name(int state);

/* ------------------------------------------------------ addresses */
/* Address states, RFC 4862 §2; IPv4 addresses are always PREFERRED. */
enum rts_addr_info_state {
	RTS_ADDR_INFO_TENTATIVE = 1,  /* duplicate address detection running */
	RTS_ADDR_INFO_PREFERRED = 2,
	RTS_ADDR_INFO_DEPRECATED = 3, /* SLAAC preferred lifetime over */
	RTS_ADDR_INFO_DUPLICATE = 4,  /* DAD found another owner: unused */
};

enum rts_addr_info_origin {
	RTS_ADDR_INFO_CONFIG = 0,     /* rts_config addrs */
	RTS_ADDR_INFO_LINK_LOCAL = 1, /* fe80::/64 derived from the MAC */
	RTS_ADDR_INFO_SLAAC = 2,      /* from a router advertisement */
};

struct rts_addr_info {
	struct rts_ip ip;
	uint8_t prefix_len;
	uint8_t state;            /* enum rts_addr_info_state */
	uint8_t origin;           /* enum rts_addr_info_origin */
	uint64_t preferred_ns;    /* remaining; UINT64_MAX: infinite */
	uint64_t valid_ns;        /* remaining; UINT64_MAX: infinite */
};

typedef int (*rts_addr_info_fn)(void *user, const struct rts_addr_info *a);
/* IPv4 addresses first, then IPv6 ones (link-local and SLAAC included). */
unsigned rts_addr_foreach(struct rts_ctx *ctx, rts_addr_info_fn fn, void *user);
const char *rts_addr_state_name(int state);
const char *rts_addr_origin_name(int origin);

/* --------------------------------------------------------- routes */
enum rts_route_info_origin {
	RTS_ROUTE_INFO_CONNECTED = 0, /* the prefix of one of our addresses */
	RTS_ROUTE_INFO_CONFIG = 1,    /* rts_config gw4 / gw6 */
	RTS_ROUTE_INFO_RA = 2,        /* router advertisement: prefix or router */
};

struct rts_route_info {
	struct rts_ip dst;        /* prefix (host bits zero) */
	uint8_t prefix_len;       /* 0: a default route */
	uint8_t origin;           /* enum rts_route_info_origin */
	struct rts_ip gateway;    /* all zero: on-link */
	uint64_t expires_ns;      /* remaining; UINT64_MAX: never */
};

typedef int (*rts_route_info_fn)(void *user, const struct rts_route_info *r);
/*
 * On-link prefixes (from our addresses and router advertisements) and
 * default routes (configured gateways, then routers learnt from RAs).
 * IPv4 routes are IPv4-mapped like every rts_ip.
 */
unsigned rts_route_foreach(struct rts_ctx *ctx, rts_route_info_fn fn,
			   void *user);
const char *rts_route_origin_name(int origin);

/* ------------------------------------------------------------ TCP */
typedef int (*rts_tcp_conn_fn)(void *user, struct rts_tcp_conn *c);
/*
 * Every TCP connection (TIME_WAIT included; listeners are not
 * connections). @fn may read it with rts_tcp_endpoints(),
 * rts_tcp_get_info(), rts_tcp_state(), rts_tcp_user().
 */
unsigned rts_tcp_foreach(struct rts_ctx *ctx, rts_tcp_conn_fn fn, void *user);

typedef int (*rts_tcp_listener_fn)(void *user, const struct rts_endpoint *local,
				   uint16_t n_pending);
/* Every listener: its local endpoint and connections in SYN_RECEIVED. */
unsigned rts_tcp_listener_foreach(struct rts_ctx *ctx, rts_tcp_listener_fn fn,
				  void *user);

/* ------------------------------------------------------------ UDP */
typedef int (*rts_udp_bind_fn)(void *user, const struct rts_endpoint *local);
/* Every UDP binding (ip all zero: bound to every address). */
unsigned rts_udp_foreach(struct rts_ctx *ctx, rts_udp_bind_fn fn, void *user);

#ifdef __cplusplus
}
#endif

#endif
