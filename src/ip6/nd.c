/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — Neighbor Discovery for a host (RFC 4861): neighbour
 * solicitation and advertisement driving the shared neighbour cache (whose
 * states follow §7.3.2), duplicate address detection messages (RFC 4862
 * §5.4, with the RFC 7527 nonce), router solicitation at start (§6.3.7),
 * router advertisements (§6.3.4: default routers, on-link prefixes, MTU,
 * hop limit) and SLAAC from their prefixes (RFC 4862 §5.5.3).
 */
#include "ip6.h"

/* RFC 4862 §5.5.3 (e): the two-hour rule against lifetime shortening. */
#define TWO_HOURS_S 7200u

static uint64_t lifetime_end(const struct rts_ctx *ctx, uint32_t s)
{
	return s == 0xffffffffu ? UINT64_MAX : ctx->now_ns + s * RTS_NS_PER_S;
}

/* ------------------------------------------------------------- sending */
/* Build an ND message with @emit's bytes and send it with hop limit 255. */
static void nd_send(struct rts_ctx *ctx, const uint8_t *msg, uint32_t len,
		    const struct rts_ip *src, const struct rts_ip *dst,
		    const struct rts_mac *mac)
{
	struct rts_pkt *p = rts_icmp6_alloc(ctx, len);

	if (p == NULL)
		return;
	rts_memcpy(p->data, msg, len);
	rts_icmp6_finish(p, src, dst);
	rts_ip6_send_link(ctx, p, src, dst, RTS_NH_ICMPV6, RTS_ND_HOP_LIMIT,
			  mac);
}

void rts_nd_send_dad(struct rts_ctx *ctx, struct rts_ip6_addr *a)
{
	uint8_t b[RTS_ND_MAX_EMIT + 8];
	struct rts_ip any = { .u64 = { 0, 0 } };
	struct rts_ip group = rts_ip6_solicited_node(&a->ip);
	uint32_t n = rts_nd_emit_ns(b, &a->ip, NULL);

	/* RFC 7527 §4.1: a nonce tells our own looped-back NS apart */
	b[n] = RTS_ND_OPT_NONCE;
	b[n + 1] = 1;
	rts_memcpy(b + n + 2, a->nonce, 6);
	ctx->cnt.nd_tx_ns++;
	nd_send(ctx, b, n + 8, &any, &group, NULL);
}

/*
 * The neighbour cache's solicitation (§7.2.2): to the solicited-node group,
 * or a unicast probe to the cached MAC. The source is the one of the packet
 * that prompted it when that is ours, else the best one for the target.
 */
void rts_nd_solicit(struct rts_ctx *ctx, struct rts_neigh *n, bool unicast)
{
	uint8_t b[RTS_ND_MAX_EMIT];
	struct rts_ip src, dst;
	const struct rts_pkt *pend = n->pend_head;
	bool have = false;
	uint32_t len;

	if (pend != NULL && pend->len >= RTS_IP6_HDR_LEN &&
	    (pend->data[0] >> 4) == 6) {
		src = rts_ip6_load(pend->data + 8);
		have = rts_ip6_addr_usable(ctx, &src);
	}
	if (!have && !rts_ip6_select_src(ctx, &n->ip, &src)) {
		ctx->cnt.nd_tx_no_src++; /* every address still tentative */
		return;
	}
	dst = unicast ? n->ip : rts_ip6_solicited_node(&n->ip);
	len = rts_nd_emit_ns(b, &n->ip, &ctx->cfg.mac);
	ctx->cnt.nd_tx_ns++;
	nd_send(ctx, b, len, &src, &dst, unicast ? &n->mac : NULL);
}

static void send_na(struct rts_ctx *ctx, const struct rts_ip6_addr *a,
		    const struct rts_ip *dst, uint8_t flags,
		    const struct rts_mac *mac)
{
	uint8_t b[RTS_ND_MAX_EMIT];
	uint32_t len = rts_nd_emit_na(b, &a->ip, flags, &ctx->cfg.mac);

	ctx->cnt.nd_tx_na++;
	nd_send(ctx, b, len, &a->ip, dst, mac);
}

static void send_rs(struct rts_ctx *ctx)
{
	uint8_t b[RTS_ND_MAX_EMIT];
	struct rts_ip src, dst = rts_ip6_all_routers();
	bool have = false;
	uint32_t len;

	/* a link-local source if we have one yet, else :: and no option */
	for (unsigned i = 0; i < RTS_IP6_MAX_ADDRS && !have; i++) {
		const struct rts_ip6_addr *a = &ctx->ip6.addrs[i];

		if (a->state == RTS_IP6_ADDR_PREFERRED &&
		    rts_ip6_is_link_local(&a->ip)) {
			src = a->ip;
			have = true;
		}
	}
	if (!have)
		rts_memset(&src, 0, sizeof(src));
	len = rts_nd_emit_rs(b, have ? &ctx->cfg.mac : NULL);
	ctx->cnt.nd_tx_rs++;
	nd_send(ctx, b, len, &src, &dst, NULL);
}

static void rs_timer(struct rts_ctx *ctx, struct rts_timer *t, uint64_t now_ns)
{
	(void)t;
	if (ctx->ip6.rs_left == 0)
		return;
	ctx->ip6.rs_left--;
	send_rs(ctx);
	if (ctx->ip6.rs_left > 0)
		rts_timer_arm(ctx, &ctx->ip6.rs_timer,
			      now_ns + RTS_ND_RTR_SOLICIT_INTERVAL_NS);
}

void rts_nd_start(struct rts_ctx *ctx)
{
	struct rts_ip6_tables *t = &ctx->ip6;

	rts_timer_init(&t->rs_timer, rs_timer);
	t->rs_left = ctx->cfg.ip6.router_solicits;
	if (t->rs_left > 0) /* §6.3.7: after a random delay of up to 1 s */
		rts_timer_arm(ctx, &t->rs_timer,
			      ctx->now_ns + rts_random(ctx) % RTS_NS_PER_S);
}

void rts_nd_fini(struct rts_ctx *ctx)
{
	if (ctx->ip6.rs_timer.fn != NULL)
		rts_timer_cancel(ctx, &ctx->ip6.rs_timer);
}

/* ------------------------------------------------------------- NS, NA */
static void ns_input(struct rts_ctx *ctx, const struct rts_nd_msg *m,
		     const struct rts_ip6_hdr *ip)
{
	struct rts_ip6_addr *a = rts_ip6_addr_find(ctx, &m->target);
	bool from_dad = rts_ip6_is_unspecified(&ip->src);

	ctx->cnt.nd_rx_ns++;
	if (a == NULL || a->state == RTS_IP6_ADDR_DUPLICATE)
		return; /* §7.2.3: not a target of ours */
	if (a->state == RTS_IP6_ADDR_TENTATIVE) {
		/* RFC 4862 §5.4.3: someone else's DAD for our address */
		if (from_dad && !(m->opts.has_nonce &&
				  rts_memcmp(m->opts.nonce, a->nonce, 6) == 0))
			rts_ip6_addr_dad_failed(ctx, a);
		return;
	}
	if (from_dad) { /* §7.2.4: defend with a multicast NA */
		struct rts_ip all = rts_ip6_all_nodes();

		send_na(ctx, a, &all, RTS_ND_NA_OVERRIDE, NULL);
		return;
	}
	if (m->opts.has_src_ll) /* §7.2.3: create or refresh, STALE */
		rts_neigh_update(ctx, &ip->src, &m->opts.src_ll,
				 RTS_NEIGH_F_CREATE | RTS_NEIGH_F_OVERRIDE);
	send_na(ctx, a, &ip->src, RTS_ND_NA_SOLICITED | RTS_ND_NA_OVERRIDE,
		m->opts.has_src_ll ? &m->opts.src_ll : NULL);
}

static void na_input(struct rts_ctx *ctx, const struct rts_nd_msg *m)
{
	struct rts_ip6_addr *a = rts_ip6_addr_find(ctx, &m->target);
	struct rts_neigh *n;
	unsigned flags = 0;

	ctx->cnt.nd_rx_na++;
	if (a != NULL) {
		/* RFC 4862 §5.4.4: our tentative address is taken */
		if (a->state == RTS_IP6_ADDR_TENTATIVE)
			rts_ip6_addr_dad_failed(ctx, a);
		return;
	}
	n = rts_neigh_find(ctx, &m->target);
	if (n == NULL)
		return; /* §7.2.5: no entry, nothing to update */
	if (m->flags & RTS_ND_NA_SOLICITED)
		flags |= RTS_NEIGH_F_SOLICITED;
	if (m->flags & RTS_ND_NA_OVERRIDE)
		flags |= RTS_NEIGH_F_OVERRIDE;
	if (m->opts.has_tgt_ll)
		rts_neigh_update(ctx, &m->target, &m->opts.tgt_ll, flags);
	else if (n->state != RTS_NEIGH_INCOMPLETE && n->state != RTS_NEIGH_STATIC)
		rts_neigh_update(ctx, &m->target, &n->mac,
				 flags & RTS_NEIGH_F_SOLICITED);
	/* §7.2.5: a router that says it no longer is one leaves the list */
	if (!(m->flags & RTS_ND_NA_ROUTER))
		rts_ip6_router_update(ctx, &m->target, 0);
}

/* -------------------------------------------------------------- RA, SLAAC */
static struct rts_ip6_addr *slaac_find(struct rts_ctx *ctx,
				       const struct rts_nd_prefix *pi)
{
	for (unsigned i = 0; i < RTS_IP6_MAX_ADDRS; i++) {
		struct rts_ip6_addr *a = &ctx->ip6.addrs[i];

		if (a->state != RTS_IP6_ADDR_FREE &&
		    a->origin == RTS_IP6_ORIGIN_SLAAC &&
		    rts_ip6_prefix_match(&a->ip, &pi->prefix, pi->len))
			return a;
	}
	return NULL;
}

/* RFC 4862 §5.5.3 (e): new lifetimes for an address we formed. */
static void slaac_refresh(struct rts_ctx *ctx, struct rts_ip6_addr *a,
			  const struct rts_nd_prefix *pi)
{
	uint64_t valid = a->valid_until_ns;
	uint64_t offered = lifetime_end(ctx, pi->valid_s);
	uint64_t two_hours = ctx->now_ns + TWO_HOURS_S * RTS_NS_PER_S;

	if (pi->valid_s > TWO_HOURS_S || offered > valid)
		valid = offered;
	else if (valid > two_hours)
		valid = two_hours;
	/* else: keep the remaining (at most two hours) lifetime */
	rts_ip6_addr_lifetimes(ctx, a, lifetime_end(ctx, pi->preferred_s),
			       valid);
}

static void slaac(struct rts_ctx *ctx, const struct rts_nd_prefix *pi)
{
	struct rts_ip6_addr *a;
	struct rts_ip ip;
	uint8_t counter = 0;

	/* (c) preferred beyond valid; our interface ids are 64 bits */
	if (pi->preferred_s > pi->valid_s || pi->len != 64) {
		ctx->cnt.nd_slaac_bad_prefix++;
		return;
	}
	a = slaac_find(ctx, pi);
	if (a != NULL) {
		if (a->state != RTS_IP6_ADDR_DUPLICATE)
			slaac_refresh(ctx, a, pi);
		return;
	}
	if (pi->valid_s == 0)
		return;
	ip = rts_ip6_iid_addr(ctx, &pi->prefix, &counter); /* EUI-64 or RFC 7217 */
	a = rts_ip6_addr_add(ctx, &ip, 64, RTS_IP6_ORIGIN_SLAAC);
	if (a == NULL) {
		ctx->cnt.nd_slaac_no_slot++;
		return;
	}
	a->dad_counter = counter;
	rts_ip6_addr_lifetimes(ctx, a, lifetime_end(ctx, pi->preferred_s),
			       lifetime_end(ctx, pi->valid_s));
}

static void ra_input(struct rts_ctx *ctx, const struct rts_nd_msg *m,
		     const struct rts_ip6_hdr *ip)
{
	struct rts_ip6_tables *t = &ctx->ip6;

	ctx->cnt.nd_rx_ra++;
	t->rs_left = 0; /* §6.3.7: a router answered */
	rts_timer_cancel(ctx, &t->rs_timer);
	if (m->cur_hop_limit != 0 && m->cur_hop_limit != t->hop_limit) {
		t->hop_limit = m->cur_hop_limit;
		t->route_gen++; /* flow templates carry the hop limit */
	}
	rts_ip6_router_update(ctx, &ip->src, m->router_lifetime_s);
	if (m->opts.has_src_ll)
		rts_neigh_update(ctx, &ip->src, &m->opts.src_ll,
				 RTS_NEIGH_F_CREATE | RTS_NEIGH_F_OVERRIDE);
	/* §6.3.4: an MTU option within what the link supports */
	if (m->opts.has_mtu && m->opts.mtu >= RTS_IP6_MIN_MTU &&
	    m->opts.mtu <= ctx->cfg.mtu && m->opts.mtu != t->link_mtu) {
		t->link_mtu = (uint16_t)m->opts.mtu;
		t->route_gen++;
	}
	for (unsigned i = 0; i < m->opts.n_prefix; i++) {
		const struct rts_nd_prefix *pi = &m->opts.prefix[i];

		if (rts_ip6_is_link_local(&pi->prefix))
			continue; /* §6.3.4, RFC 4862 §5.5.3 (b) */
		if (pi->on_link)
			rts_ip6_prefix_update(ctx, &pi->prefix, pi->len,
					      pi->valid_s);
		if (pi->autonomous && ctx->cfg.ip6.slaac)
			slaac(ctx, pi);
	}
}

void rts_nd_input(struct rts_ctx *ctx, const uint8_t *b, uint32_t len,
		  const struct rts_ip6_hdr *ip)
{
	struct rts_nd_msg m;
	enum rts_nd_parse_err err = rts_nd_parse(b, len, ip, &m);

	if (err != RTS_ND_OK) {
		if (err == RTS_ND_BAD_HOP_LIMIT)
			ctx->cnt.ip6_rx_hop_limit++;
		ctx->cnt.nd_rx_invalid++;
		return;
	}
	switch (m.type) {
	case RTS_ICMP6_NEIGH_SOLICIT:
		ns_input(ctx, &m, ip);
		break;
	case RTS_ICMP6_NEIGH_ADVERT:
		na_input(ctx, &m);
		break;
	case RTS_ICMP6_ROUTER_ADVERT:
		ra_input(ctx, &m, ip);
		break;
	case RTS_ICMP6_ROUTER_SOLICIT:
		ctx->cnt.nd_rx_rs++; /* §6.2.6: hosts ignore them */
		break;
	default:
		ctx->cnt.nd_rx_redirect++; /* parsed, not acted on */
		break;
	}
}
