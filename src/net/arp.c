/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — ARP (RFC 826) on top of the shared neighbour cache, with
 * gratuitous announcements at start (RFC 5227 §3).
 */
#include "net.h"

#include "wire/arp.h"

/* Our address to speak from when asking about @target_be. */
static uint32_t arp_source(const struct rts_ctx *ctx, uint32_t target_be)
{
	int i = rts_ip4_onlink(ctx, target_be);

	if (i < 0)
		i = 0;
	return ctx->net.if4[i].addr_be;
}

static void arp_send(struct rts_ctx *ctx, const struct rts_arp *a,
		     const struct rts_mac *dst)
{
	struct rts_pkt *p = rts_alloc(ctx);
	uint8_t *b;

	if (p == NULL)
		return;
	b = rts_pkt_append(p, RTS_ARP_LEN);
	if (b == NULL) {
		ctx->cnt.pkt_alloc_fail++;
		rts_free(ctx, p);
		return;
	}
	rts_arp_emit(a, b);
	rts_eth_output(ctx, p, dst, RTS_ETHERTYPE_ARP);
}

void rts_arp_solicit(struct rts_ctx *ctx, struct rts_neigh *n, bool unicast)
{
	struct rts_arp a;
	struct rts_mac bcast = rts_mac_broadcast();

	if (ctx->net.n_if4 == 0)
		return;
	a.op = RTS_ARP_REQUEST;
	a.sha = ctx->cfg.mac;
	a.tpa_be = rts_ip_v4_be(&n->ip);
	a.spa_be = arp_source(ctx, a.tpa_be);
	rts_memset(&a.tha, 0, sizeof(a.tha));
	ctx->cnt.arp_tx_requests++;
	arp_send(ctx, &a, unicast ? &n->mac : &bcast);
}

/* RFC 5227 §3 announcement: a request with sender = target = our address. */
void rts_arp_announce(struct rts_ctx *ctx)
{
	struct rts_mac bcast = rts_mac_broadcast();
	struct rts_arp a;

	for (uint32_t i = 0; i < ctx->net.n_if4; i++) {
		a.op = RTS_ARP_REQUEST;
		a.sha = ctx->cfg.mac;
		a.spa_be = a.tpa_be = ctx->net.if4[i].addr_be;
		rts_memset(&a.tha, 0, sizeof(a.tha));
		ctx->cnt.arp_tx_gratuitous++;
		arp_send(ctx, &a, &bcast);
	}
}

/* Answer a request in the received buffer itself. */
static void arp_reply(struct rts_ctx *ctx, struct rts_pkt *p,
		      const struct rts_arp *req)
{
	struct rts_arp a;

	a.op = RTS_ARP_REPLY;
	a.sha = ctx->cfg.mac;
	a.spa_be = req->tpa_be;
	a.tha = req->sha;
	a.tpa_be = req->spa_be;
	if (p->next) {
		rts_free(ctx, p->next);
		p->next = NULL;
	}
	p->len = p->pkt_len = RTS_ARP_LEN; /* drop the Ethernet padding */
	p->ol_flags = 0;
	rts_arp_emit(&a, p->data);
	ctx->cnt.arp_tx_replies++;
	rts_eth_output(ctx, p, &req->sha, RTS_ETHERTYPE_ARP);
}

/* RFC 826 "Packet Reception", with the neighbour cache as the table. */
void rts_arp_input(struct rts_ctx *ctx, struct rts_pkt *p,
		   const struct rts_eth *eh)
{
	struct rts_arp a;
	bool for_us;

	ctx->cnt.arp_rx++;
	if (rts_arp_parse(p->data, p->len, &a) != 0 ||
	    rts_mac_is_group(&a.sha) || rts_mac_is_zero(&a.sha)) {
		ctx->cnt.arp_rx_malformed++;
		goto drop;
	}
	if (a.op == RTS_ARP_REQUEST)
		ctx->cnt.arp_rx_requests++;
	else
		ctx->cnt.arp_rx_replies++;
	if (rts_mac_eq(&a.sha, &ctx->cfg.mac)) {
		ctx->cnt.arp_rx_not_for_us++; /* our own frame, looped */
		goto drop;
	}
	for_us = rts_ip4_is_local(ctx, a.tpa_be);
	if (rts_ip4_is_local(ctx, a.spa_be)) {
		ctx->cnt.arp_rx_conflict++; /* someone claims our address */
	} else if (a.spa_be != 0) { /* 0: an RFC 5227 probe, nothing to learn */
		struct rts_ip spa = rts_ip4_from_be(a.spa_be);
		unsigned flags = RTS_NEIGH_F_OVERRIDE;

		if (for_us)
			flags |= RTS_NEIGH_F_CREATE;
		if (for_us && a.op == RTS_ARP_REPLY &&
		    rts_mac_eq(&eh->dst, &ctx->cfg.mac))
			flags |= RTS_NEIGH_F_SOLICITED;
		rts_neigh_update(ctx, &spa, &a.sha, flags);
	}
	if (!for_us) {
		ctx->cnt.arp_rx_not_for_us++;
		goto drop;
	}
	if (a.op == RTS_ARP_REQUEST) {
		arp_reply(ctx, p, &a);
		return;
	}
drop:
	rts_free(ctx, p);
}
