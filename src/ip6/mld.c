/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — Multicast Listener Discovery v2 reports (RFC 3810), for
 * switches that snoop MLD and would otherwise not forward solicited-node
 * multicast to us. Opt-in (cfg.ip6.mld). We report the solicited-node
 * group of each address: unsolicited when the set grows (sent twice, the
 * Robustness Variable, §6.1), and as current state after a random delay
 * when a querier asks (§6.2). All-nodes is never reported (§6). Leaves are
 * not sent: routers time the groups out. MLDv1 compatibility mode (§8) is
 * not implemented; v1 queriers get v2 reports.
 */
#include "ip6.h"

#define MLD_REPORT_TYPE 143
#define MLD_CHANGE_TO_EXCLUDE 4 /* record types, §5.2.12 */
#define MLD_MODE_IS_EXCLUDE 2
#define MLD_UNSOLICITED_INTERVAL_NS RTS_NS_PER_S /* §9.11 */
#define MLD_MAX_RECORDS RTS_IP6_MAX_ADDRS

/* ff02::16, all MLDv2-capable routers (§5.2.14) */
static struct rts_ip mld_routers(void)
{
	struct rts_ip a = rts_ip6_all_routers();

	a.u8[15] = 0x16;
	return a;
}

/* The distinct solicited-node groups of our addresses into @groups. */
static unsigned our_groups(const struct rts_ctx *ctx, struct rts_ip *groups)
{
	unsigned n = 0;

	for (unsigned i = 0; i < RTS_IP6_MAX_ADDRS; i++) {
		const struct rts_ip6_addr *a = &ctx->ip6.addrs[i];
		struct rts_ip g = rts_ip6_solicited_node(&a->ip);
		bool dup = false;

		if (a->state == RTS_IP6_ADDR_FREE ||
		    a->state == RTS_IP6_ADDR_DUPLICATE)
			continue;
		for (unsigned j = 0; j < n && !dup; j++)
			dup = rts_ip_eq(&groups[j], &g);
		if (!dup)
			groups[n++] = g;
	}
	return n;
}

/* The link-local source, or :: while it is still tentative (RFC 3590). */
static struct rts_ip report_src(const struct rts_ctx *ctx)
{
	struct rts_ip src = { .u64 = { 0, 0 } };

	for (unsigned i = 0; i < RTS_IP6_MAX_ADDRS; i++) {
		const struct rts_ip6_addr *a = &ctx->ip6.addrs[i];

		if (a->state == RTS_IP6_ADDR_PREFERRED &&
		    rts_ip6_is_link_local(&a->ip))
			return a->ip;
	}
	return src;
}

static void send_report(struct rts_ctx *ctx, uint8_t record_type)
{
	/* hop-by-hop with a Router Alert (RFC 2711, value 0: MLD) */
	static const uint8_t hbh[8] = { RTS_NH_ICMPV6, 0, 5, 2, 0, 0, 1, 0 };
	struct rts_ip groups[MLD_MAX_RECORDS];
	unsigned n = our_groups(ctx, groups);
	uint32_t mlen = 8 + 20 * n;
	struct rts_ip src = report_src(ctx), dst = mld_routers();
	struct rts_pkt *p;
	uint8_t *m;
	uint16_t c;

	if (n == 0)
		return;
	p = rts_icmp6_alloc(ctx, sizeof(hbh) + mlen);
	if (p == NULL)
		return;
	rts_memcpy(p->data, hbh, sizeof(hbh));
	m = p->data + sizeof(hbh);
	rts_memset(m, 0, mlen);
	m[0] = MLD_REPORT_TYPE;
	rts_put_be16(m + 6, (uint16_t)n);
	for (unsigned i = 0; i < n; i++) {
		m[8 + 20 * i] = record_type;
		rts_memcpy(m + 8 + 20 * i + 4, groups[i].u8, 16);
	}
	c = rts_icmp6_csum(&src, &dst, m, mlen);
	rts_memcpy(m + 2, &c, 2);
	ctx->cnt.mld_tx_reports++;
	rts_ip6_send_link(ctx, p, &src, &dst, RTS_NH_HOPOPTS, 1, NULL);
}

static void mld_timer(struct rts_ctx *ctx, struct rts_timer *t,
		      uint64_t now_ns)
{
	struct rts_ip6_tables *ip6 = &ctx->ip6;

	(void)t;
	if (ip6->mld_unsolicited > 0) {
		ip6->mld_unsolicited--;
		send_report(ctx, MLD_CHANGE_TO_EXCLUDE);
		if (ip6->mld_unsolicited > 0)
			rts_timer_arm(ctx, &ip6->mld_timer,
				      now_ns + rts_random(ctx) %
						       MLD_UNSOLICITED_INTERVAL_NS);
		return;
	}
	send_report(ctx, MLD_MODE_IS_EXCLUDE); /* a query's answer */
}

void rts_mld_init(struct rts_ctx *ctx)
{
	rts_timer_init(&ctx->ip6.mld_timer, mld_timer);
}

void rts_mld_groups_changed(struct rts_ctx *ctx)
{
	if (!ctx->cfg.ip6.mld)
		return;
	/* §6.1: now, and once more (Robustness Variable 2) */
	ctx->ip6.mld_unsolicited = 2;
	rts_timer_arm(ctx, &ctx->ip6.mld_timer, ctx->now_ns);
}

void rts_mld_query(struct rts_ctx *ctx, const uint8_t *b, uint32_t len,
		   const struct rts_ip6_hdr *ip)
{
	uint32_t max_resp_ms;
	uint16_t code;

	ctx->cnt.mld_rx_queries++;
	if (!ctx->cfg.ip6.mld || len < 24 || !rts_ip6_is_link_local(&ip->src))
		return; /* §6.2: queries come from link-local sources */
	code = rts_get_be16(b + 4);
	/* §5.1.3: codes from 32768 on are a floating-point value */
	if (code < 32768 || len < 28)
		max_resp_ms = code;
	else
		max_resp_ms = ((code & 0x0fffu) | 0x1000u)
			      << (((code >> 12) & 0x7) + 3);
	if (max_resp_ms == 0)
		max_resp_ms = 1;
	if (ctx->ip6.mld_unsolicited > 0 || rts_timer_armed(&ctx->ip6.mld_timer))
		return; /* a report is on its way already */
	rts_timer_arm(ctx, &ctx->ip6.mld_timer,
		      ctx->now_ns + rts_random(ctx) % (max_resp_ms *
						       RTS_NS_PER_MS));
}

void rts_mld_fini(struct rts_ctx *ctx)
{
	if (ctx->ip6.mld_timer.fn != NULL)
		rts_timer_cancel(ctx, &ctx->ip6.mld_timer);
}
