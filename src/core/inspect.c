/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — read-only walks over the context's tables for tools
 * (include/rtestack/inspect.h). Nothing here changes any state.
 */
#include "internal.h"

#include "ip6/ip6.h"
#include "net/neigh.h"
#include "tcp/tcp_conn.h"

static uint64_t remaining(uint64_t until, uint64_t now)
{
	if (until == UINT64_MAX)
		return UINT64_MAX;
	return until > now ? until - now : 0;
}

/* ------------------------------------------------------------ neighbours */
unsigned rts_neigh_foreach(struct rts_ctx *ctx, rts_neigh_info_fn fn,
			   void *user)
{
	const struct rts_neigh_table *t = &ctx->net.neigh;
	unsigned n = 0;

	for (uint32_t i = 0; i < t->n_entries; i++) {
		const struct rts_neigh *e = &t->entries[i];
		struct rts_neigh_info info;

		if (e->state == RTS_NEIGH_FREE)
			continue;
		rts_memset(&info, 0, sizeof(info));
		info.ip = e->ip;
		if (e->state != RTS_NEIGH_INCOMPLETE)
			info.mac = e->mac;
		info.state = e->state; /* the same numbering as the public enum */
		info.probes = e->probes;
		info.n_pending = e->n_pending;
		info.age_ns = ctx->now_ns > e->changed_ns ?
				      ctx->now_ns - e->changed_ns : 0;
		n++;
		if (fn(user, &info) != 0)
			break;
	}
	return n;
}

const char *rts_neigh_state_name(int state)
{
	static const char *const names[] = {
		"FREE", "INCOMPLETE", "REACHABLE", "STALE", "DELAY", "PROBE",
		"STATIC",
	};

	if (state < 1 || state >= (int)(sizeof(names) / sizeof(names[0])))
		return "?";
	return names[state];
}

/* ------------------------------------------------------------- addresses */
static int v4_addrs(struct rts_ctx *ctx, rts_addr_info_fn fn, void *user,
		    unsigned *n)
{
	const struct rts_config *cfg = &ctx->cfg;

	for (unsigned i = 0; i < cfg->n_addrs; i++) {
		struct rts_addr_info a;

		if (!rts_ip_is_v4(&cfg->addrs[i].ip))
			continue;
		rts_memset(&a, 0, sizeof(a));
		a.ip = cfg->addrs[i].ip;
		a.prefix_len = cfg->addrs[i].prefix;
		a.state = RTS_ADDR_INFO_PREFERRED;
		a.origin = RTS_ADDR_INFO_CONFIG;
		a.preferred_ns = a.valid_ns = UINT64_MAX;
		++*n;
		if (fn(user, &a) != 0)
			return 1;
	}
	return 0;
}

unsigned rts_addr_foreach(struct rts_ctx *ctx, rts_addr_info_fn fn, void *user)
{
	unsigned n = 0;

	if (v4_addrs(ctx, fn, user, &n) != 0)
		return n;
	for (unsigned i = 0; i < RTS_IP6_MAX_ADDRS; i++) {
		const struct rts_ip6_addr *s = &ctx->ip6.addrs[i];
		struct rts_addr_info a;

		if (s->state == RTS_IP6_ADDR_FREE)
			continue;
		rts_memset(&a, 0, sizeof(a));
		a.ip = s->ip;
		a.prefix_len = s->prefix_len;
		a.state = s->state; /* the same numbering as the public enum */
		a.origin = s->origin;
		if (s->origin == RTS_IP6_ORIGIN_SLAAC) {
			a.preferred_ns = remaining(s->preferred_until_ns, ctx->now_ns);
			a.valid_ns = remaining(s->valid_until_ns, ctx->now_ns);
		} else {
			a.preferred_ns = a.valid_ns = UINT64_MAX;
		}
		n++;
		if (fn(user, &a) != 0)
			break;
	}
	return n;
}

const char *rts_addr_state_name(int state)
{
	switch (state) {
	case RTS_ADDR_INFO_TENTATIVE: return "TENTATIVE";
	case RTS_ADDR_INFO_PREFERRED: return "PREFERRED";
	case RTS_ADDR_INFO_DEPRECATED: return "DEPRECATED";
	case RTS_ADDR_INFO_DUPLICATE: return "DUPLICATE";
	default: return "?";
	}
}

const char *rts_addr_origin_name(int origin)
{
	switch (origin) {
	case RTS_ADDR_INFO_CONFIG: return "config";
	case RTS_ADDR_INFO_LINK_LOCAL: return "link-local";
	case RTS_ADDR_INFO_SLAAC: return "slaac";
	default: return "?";
	}
}

/* ---------------------------------------------------------------- routes */
/* Up to this many routes are remembered to leave duplicates out. */
#define ROUTES_MAX (RTS_MAX_ADDRS + RTS_IP6_MAX_ADDRS + RTS_IP6_MAX_PREFIXES + \
		    RTS_IP6_MAX_ROUTERS + 2)

struct route_walk {
	rts_route_info_fn fn;
	void *user;
	unsigned n;
	bool stopped;
	struct rts_route_info seen[ROUTES_MAX];
};

/* @ip with every bit past @len (counted over all 128) cleared. */
static struct rts_ip masked(const struct rts_ip *ip, unsigned len)
{
	struct rts_ip m = *ip;

	for (unsigned b = 0; b < 16; b++) {
		unsigned keep = len > b * 8 ? len - b * 8 : 0;

		if (keep < 8)
			m.u8[b] &= (uint8_t)(0xff00u >> keep);
	}
	return m;
}

static void emit(struct route_walk *w, const struct rts_route_info *r)
{
	for (unsigned i = 0; i < w->n && i < ROUTES_MAX; i++)
		if (rts_ip_eq(&w->seen[i].dst, &r->dst) &&
		    w->seen[i].prefix_len == r->prefix_len &&
		    rts_ip_eq(&w->seen[i].gateway, &r->gateway))
			return;
	if (w->stopped || w->n >= ROUTES_MAX)
		return;
	w->seen[w->n++] = *r;
	if (w->fn(w->user, r) != 0)
		w->stopped = true;
}

static void route(struct route_walk *w, const struct rts_ip *dst, uint8_t len,
		  uint8_t origin, const struct rts_ip *gw, uint64_t expires)
{
	struct rts_route_info r;
	unsigned bits = rts_ip_is_v4(dst) ? 96u + len : len;

	rts_memset(&r, 0, sizeof(r));
	r.dst = masked(dst, bits);
	r.prefix_len = len;
	r.origin = origin;
	if (gw != NULL)
		r.gateway = *gw;
	r.expires_ns = expires;
	emit(w, &r);
}

static void connected_routes(struct rts_ctx *ctx, struct route_walk *w)
{
	const struct rts_config *cfg = &ctx->cfg;

	for (unsigned i = 0; i < cfg->n_addrs; i++)
		if (rts_ip_is_v4(&cfg->addrs[i].ip) && cfg->addrs[i].prefix < 32)
			route(w, &cfg->addrs[i].ip, cfg->addrs[i].prefix,
			      RTS_ROUTE_INFO_CONNECTED, NULL, UINT64_MAX);
	for (unsigned i = 0; i < RTS_IP6_MAX_ADDRS; i++) {
		const struct rts_ip6_addr *a = &ctx->ip6.addrs[i];

		/* the same rule as rts_ip6_on_link() */
		if (a->state == RTS_IP6_ADDR_FREE ||
		    a->origin == RTS_IP6_ORIGIN_SLAAC || a->prefix_len >= 128)
			continue;
		route(w, &a->ip, a->prefix_len, RTS_ROUTE_INFO_CONNECTED, NULL,
		      UINT64_MAX);
	}
	for (unsigned i = 0; i < RTS_IP6_MAX_PREFIXES; i++) {
		const struct rts_ip6_prefix *p = &ctx->ip6.prefixes[i];

		if (p->len != 0 && p->expire_ns > ctx->now_ns)
			route(w, &p->prefix, p->len, RTS_ROUTE_INFO_RA, NULL,
			      remaining(p->expire_ns, ctx->now_ns));
	}
}

static void default_routes(struct rts_ctx *ctx, struct route_walk *w)
{
	const struct rts_config *cfg = &ctx->cfg;
	struct rts_ip any4 = rts_ip4(0, 0, 0, 0), any6;

	rts_memset(&any6, 0, sizeof(any6));
	if (!rts_ip_is_any(&cfg->gw4) && rts_ip_is_v4(&cfg->gw4))
		route(w, &any4, 0, RTS_ROUTE_INFO_CONFIG, &cfg->gw4, UINT64_MAX);
	if (!rts_ip_is_any(&cfg->gw6) && !rts_ip_is_v4(&cfg->gw6))
		route(w, &any6, 0, RTS_ROUTE_INFO_CONFIG, &cfg->gw6, UINT64_MAX);
	for (unsigned i = 0; i < RTS_IP6_MAX_ROUTERS; i++) {
		const struct rts_ip6_router *r = &ctx->ip6.routers[i];

		if (!rts_ip6_is_unspecified(&r->ip) && r->expire_ns > ctx->now_ns)
			route(w, &any6, 0, RTS_ROUTE_INFO_RA, &r->ip,
			      remaining(r->expire_ns, ctx->now_ns));
	}
}

unsigned rts_route_foreach(struct rts_ctx *ctx, rts_route_info_fn fn,
			   void *user)
{
	struct route_walk w;

	w.fn = fn;
	w.user = user;
	w.n = 0;
	w.stopped = false;
	connected_routes(ctx, &w);
	default_routes(ctx, &w);
	return w.n;
}

const char *rts_route_origin_name(int origin)
{
	switch (origin) {
	case RTS_ROUTE_INFO_CONNECTED: return "connected";
	case RTS_ROUTE_INFO_CONFIG: return "config";
	case RTS_ROUTE_INFO_RA: return "ra";
	default: return "?";
	}
}

/* ------------------------------------------------------------ TCP, UDP */
unsigned rts_tcp_foreach(struct rts_ctx *ctx, rts_tcp_conn_fn fn, void *user)
{
	unsigned n = 0;

	for (uint32_t i = 0; i < ctx->cfg.max_tcp_conns; i++) {
		struct rts_tcp_conn *c = &ctx->tcp.conns[i];

		if (c->state == RTS_TCP_CLOSED || (c->flags & TF_FREED))
			continue;
		n++;
		if (fn(user, c) != 0)
			break;
	}
	return n;
}

unsigned rts_tcp_listener_foreach(struct rts_ctx *ctx,
				  rts_tcp_listener_fn fn, void *user)
{
	unsigned n = 0;

	for (uint32_t i = 0; i < ctx->tcp.n_listeners_max; i++) {
		const struct rts_tcp_listener *l = &ctx->tcp.listeners[i];

		if (!l->in_use)
			continue;
		n++;
		if (fn(user, &l->local, l->n_pending) != 0)
			break;
	}
	return n;
}

unsigned rts_udp_foreach(struct rts_ctx *ctx, rts_udp_bind_fn fn, void *user)
{
	unsigned n = 0;

	for (uint32_t i = 0; i < ctx->cfg.max_udp_binds; i++) {
		const struct rts_udp_bind *b = &ctx->net.udp[i];
		struct rts_endpoint local;

		if (!b->in_use)
			continue;
		local.ip = b->ip;
		local.port = b->port;
		n++;
		if (fn(user, &local) != 0)
			break;
	}
	return n;
}

/*
 * The public enums mirror the internal ones so a snapshot is a plain
 * copy; these keep them from drifting apart.
 */
_Static_assert((int)RTS_NEIGH_INFO_INCOMPLETE == (int)RTS_NEIGH_INCOMPLETE &&
		       (int)RTS_NEIGH_INFO_REACHABLE == (int)RTS_NEIGH_REACHABLE &&
		       (int)RTS_NEIGH_INFO_STALE == (int)RTS_NEIGH_STALE &&
		       (int)RTS_NEIGH_INFO_DELAY == (int)RTS_NEIGH_DELAY &&
		       (int)RTS_NEIGH_INFO_PROBE == (int)RTS_NEIGH_PROBE &&
		       (int)RTS_NEIGH_INFO_STATIC == (int)RTS_NEIGH_STATIC,
	       "neighbour states");
_Static_assert((int)RTS_ADDR_INFO_TENTATIVE == (int)RTS_IP6_ADDR_TENTATIVE &&
		       (int)RTS_ADDR_INFO_PREFERRED == (int)RTS_IP6_ADDR_PREFERRED &&
		       (int)RTS_ADDR_INFO_DEPRECATED == (int)RTS_IP6_ADDR_DEPRECATED &&
		       (int)RTS_ADDR_INFO_DUPLICATE == (int)RTS_IP6_ADDR_DUPLICATE &&
		       (int)RTS_ADDR_INFO_CONFIG == (int)RTS_IP6_ORIGIN_CONFIG &&
		       (int)RTS_ADDR_INFO_LINK_LOCAL == (int)RTS_IP6_ORIGIN_LINK_LOCAL &&
		       (int)RTS_ADDR_INFO_SLAAC == (int)RTS_IP6_ORIGIN_SLAAC,
	       "address states and origins");
