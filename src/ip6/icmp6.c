/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — ICMPv6 (RFC 4443): echo and ping, errors received (packet too
 * big lowers the path MTU and reaches TCP; destination unreachable reaches
 * TCP), errors sent (with the §2.4 (e) restrictions and a shared rate
 * limit), and the hand-off of Neighbor Discovery messages to nd.c.
 */
#include "ip6.h"

/* Bytes of a quoted packet looked at: IPv6 + extension headers + L4. */
#define QUOTE_PEEK 256
/* Bytes of echo payload holding our send time (rts_icmp6_ping). */
#define PING_STAMP_LEN 8

struct rts_pkt *rts_icmp6_alloc(struct rts_ctx *ctx, uint32_t len)
{
	struct rts_pkt *p = rts_alloc(ctx);

	if (p == NULL)
		return NULL;
	if (rts_pkt_append(p, len) == NULL) {
		ctx->cnt.pkt_alloc_fail++;
		rts_free(ctx, p);
		return NULL;
	}
	return p;
}

void rts_icmp6_finish(struct rts_pkt *p, const struct rts_ip *src,
		      const struct rts_ip *dst)
{
	uint32_t sum = rts_csum_pseudo(src, dst, RTS_NH_ICMPV6, p->pkt_len);
	uint16_t c;

	p->data[2] = 0;
	p->data[3] = 0;
	c = rts_csum_finish(rts_csum_pkt(p, 0, p->pkt_len, sum));
	rts_memcpy(p->data + 2, &c, 2);
}

int rts_icmp6_output(struct rts_ctx *ctx, struct rts_pkt *p,
		     const struct rts_ip *src, const struct rts_ip *dst,
		     uint8_t hop_limit)
{
	rts_icmp6_finish(p, src, dst);
	return rts_ip6_send(ctx, p, src, dst, RTS_NH_ICMPV6, hop_limit);
}

/* ------------------------------------------------------------ errors out */
/* The upper-layer protocol and the first ICMPv6 type of a packet. */
static bool is_icmp6_error_or_redirect(const uint8_t *h, uint32_t len)
{
	struct rts_ip6ext_info e;

	if (rts_ip6ext_walk(h, len, RTS_IP6EXT_QUOTE, &e) != RTS_IP6EXT_OK ||
	    e.proto != RTS_NH_ICMPV6 || e.l4_off >= len)
		return false;
	return rts_icmp6_is_error(h[e.l4_off]) ||
	       h[e.l4_off] == RTS_ICMP6_REDIRECT;
}

/* RFC 4443 §2.4 (e): may this packet be answered with an error? */
static bool error_allowed(const struct rts_pkt *p, const uint8_t *h,
			  uint8_t type, uint8_t code)
{
	struct rts_ip src = rts_ip6_load(h + 8), dst = rts_ip6_load(h + 24);
	bool exempt = type == RTS_ICMP6_PKT_TOO_BIG ||
		      (type == RTS_ICMP6_PARAM_PROBLEM &&
		       code == RTS_ICMP6_PARAM_OPTION);
	uint32_t avail = (uint32_t)(p->data + p->len - h);

	if (rts_ip6_is_unspecified(&src) || rts_ip6_is_multicast(&src))
		return false;
	if (rts_ip6_is_multicast(&dst) && !exempt)
		return false;
	/* a link-layer multicast or broadcast frame (its header still there) */
	if (!exempt && (uint32_t)(h - p->buf) >= p->l2_len && p->l2_len >= 14 &&
	    (h[-(int)p->l2_len] & 1))
		return false;
	return !is_icmp6_error_or_redirect(h, avail);
}

void rts_icmp6_send_error(struct rts_ctx *ctx, const struct rts_pkt *p,
			  uint8_t type, uint8_t code, uint32_t param)
{
	const uint8_t *h = p->data - p->l3_len;
	struct rts_ip inv_src = rts_ip6_load(h + 8), inv_dst = rts_ip6_load(h + 24);
	struct rts_ip src;
	struct rts_icmp6_hdr ih = { type, code, 0, 0, 0, param };
	uint32_t n = RTS_MIN(p->l3_len + p->pkt_len, RTS_ICMP6_ERR_QUOTE_MAX);
	struct rts_pkt *q;

	if (!error_allowed(p, h, type, code)) {
		ctx->cnt.icmp6_tx_err_suppressed++; /* RFC 4443 §2.4 (e) */
		return;
	}
	if (!rts_icmp_rate_ok(ctx)) {
		ctx->cnt.icmp6_tx_rate_limited++;
		return;
	}
	if (rts_ip6_addr_usable(ctx, &inv_dst)) {
		src = inv_dst;
	} else if (!rts_ip6_select_src(ctx, &inv_src, &src)) {
		ctx->cnt.ip6_tx_no_route++; /* no address to send it from */
		return;
	}
	q = rts_icmp6_alloc(ctx, RTS_ICMP6_HDR_LEN + n);
	if (q == NULL)
		return;
	rts_icmp6_emit(&ih, q->data);
	rts_memcpy(q->data + RTS_ICMP6_HDR_LEN, h, RTS_MIN(n, p->l3_len));
	if (n > p->l3_len)
		rts_pkt_copy_out(p, 0, n - p->l3_len,
				 q->data + RTS_ICMP6_HDR_LEN + p->l3_len);
	ctx->cnt.icmp6_tx_errors++;
	rts_icmp6_output(ctx, q, &src, &inv_src, ctx->ip6.hop_limit);
}

void rts_icmp6_port_unreach(struct rts_ctx *ctx, struct rts_pkt *p,
			    const struct rts_l3_info *l3)
{
	(void)l3;
	rts_icmp6_send_error(ctx, p, RTS_ICMP6_DEST_UNREACH,
			     RTS_ICMP6_UNREACH_PORT, 0);
}

/* ------------------------------------------------------------- errors in */
/*
 * An error quoting a packet we sent: find the flow in the quote and tell
 * TCP (PMTU or hard error); a packet too big also lowers the path MTU.
 */
static void error_input(struct rts_ctx *ctx, const struct rts_pkt *p,
			const struct rts_icmp6_hdr *ih, uint32_t len)
{
	uint8_t q[QUOTE_PEEK];
	uint32_t n = RTS_MIN(len - RTS_ICMP6_HDR_LEN, (uint32_t)QUOTE_PEEK);
	struct rts_ip6ext_info e;
	struct rts_ip qsrc, qdst;
	uint32_t mtu = 0;
	uint8_t proto;

	rts_pkt_copy_out(p, RTS_ICMP6_HDR_LEN, n, q);
	if (n < RTS_IP6_HDR_LEN || (q[0] >> 4) != 6) {
		ctx->cnt.icmp6_rx_malformed++;
		return;
	}
	qsrc = rts_ip6_load(q + 8);
	qdst = rts_ip6_load(q + 24);
	if (rts_ip6_addr_find(ctx, &qsrc) == NULL) {
		ctx->cnt.icmp6_rx_bad_quote++; /* not a packet of ours */
		return;
	}
	if (ih->type == RTS_ICMP6_PKT_TOO_BIG && !rts_ip6_is_multicast(&qdst))
		mtu = rts_ip6_pmtu_update(ctx, &qdst, ih->param);
	rts_ip6ext_walk(q, n, RTS_IP6EXT_QUOTE, &e);
	proto = e.proto;
	if (e.frag) /* only a first fragment quotes the upper layer */
		proto = e.frag_off == 0 ? e.frag_nh : RTS_NH_NONE;
	if (proto != RTS_NH_TCP || e.l4_off + 8 > n)
		return;
	if (ih->type == RTS_ICMP6_PKT_TOO_BIG)
		rts_tcp_icmp_error(ctx, &qsrc, &qdst, q + e.l4_off,
				   n - e.l4_off, mtu, false);
	else if (ih->type == RTS_ICMP6_DEST_UNREACH)
		rts_tcp_icmp_error(ctx, &qsrc, &qdst, q + e.l4_off,
				   n - e.l4_off, 0,
				   ih->code == RTS_ICMP6_UNREACH_ADMIN ||
					   ih->code == RTS_ICMP6_UNREACH_ADDR ||
					   ih->code == RTS_ICMP6_UNREACH_PORT);
}

/* ------------------------------------------------------------------ echo */
static void echo_request(struct rts_ctx *ctx, struct rts_pkt *p,
			 const struct rts_l3_info *l3)
{
	struct rts_ip src;
	struct rts_pkt *r = p;

	ctx->cnt.icmp6_rx_echo_req++;
	if (rts_ip6_is_unspecified(&l3->src)) {
		ctx->cnt.icmp6_rx_malformed++; /* nobody to answer */
		goto drop;
	}
	/* RFC 4443 §4.2: a multicast request is answered from a unicast one */
	if (l3->dst_mcast) {
		if (!rts_ip6_select_src(ctx, &l3->src, &src)) {
			ctx->cnt.ip6_tx_no_route++;
			goto drop;
		}
	} else {
		src = l3->dst;
	}
	if (p->next != NULL) { /* reassembled: copy into a fresh packet */
		r = rts_pkt_alloc_len(ctx, l3->l4_len, RTS_ICMP6_HDR_LEN);
		if (r == NULL)
			goto drop;
		uint32_t at = 0;

		for (struct rts_pkt *s = r; s; s = s->next) {
			rts_pkt_copy_out(p, at, s->len, s->data);
			at += s->len;
		}
		rts_free(ctx, p);
	}
	r->ol_flags = 0;
	r->data[0] = RTS_ICMP6_ECHO_REPLY;
	r->data[1] = 0;
	ctx->cnt.icmp6_tx_echo_reply++;
	rts_icmp6_output(ctx, r, &src, &l3->src, ctx->ip6.hop_limit);
	return;
drop:
	rts_free(ctx, p);
}

static void echo_reply(struct rts_ctx *ctx, const struct rts_pkt *p,
		       const struct rts_icmp6_hdr *ih,
		       const struct rts_l3_info *l3)
{
	const struct rts_ctx_handlers *h = ctx->cfg.handlers;
	uint32_t len = l3->l4_len - RTS_ICMP6_HDR_LEN;
	uint64_t sent = 0, rtt = 0;

	ctx->cnt.icmp6_rx_echo_reply++;
	if (h == NULL || h->echo_reply == NULL)
		return;
	if (len >= PING_STAMP_LEN) {
		rts_pkt_copy_out(p, RTS_ICMP6_HDR_LEN, PING_STAMP_LEN, &sent);
		if (sent <= ctx->now_ns)
			rtt = ctx->now_ns - sent;
	}
	h->echo_reply(ctx, ctx->cfg.user, &l3->src, ih->echo_id, ih->echo_seq,
		      len, rtt);
}

int rts_icmp6_ping(struct rts_ctx *ctx, const struct rts_ip *dst, uint16_t id,
		   uint16_t seq, uint32_t len)
{
	struct rts_icmp6_hdr ih = { RTS_ICMP6_ECHO_REQUEST, 0, 0, id, seq, 0 };
	struct rts_route rt;
	struct rts_pkt *p;
	uint8_t hdr[RTS_ICMP6_HDR_LEN];
	uint8_t fill[64];
	int rc;

	if (len > 65535 - RTS_ICMP6_HDR_LEN - RTS_IP6_FRAG_HDR_LEN)
		return RTS_EMSGSIZE;
	if (rts_ip6_is_multicast(dst))
		rc = rts_ip6_select_src(ctx, dst, &rt.src) ? 0
							   : RTS_EADDRNOTAVAIL;
	else
		rc = rts_ip6_route(ctx, dst, NULL, &rt);
	if (rc != 0)
		return rc;
	p = rts_pkt_alloc_len(ctx, RTS_ICMP6_HDR_LEN + len, RTS_ICMP6_HDR_LEN);
	if (p == NULL)
		return RTS_ENOBUFS;
	rts_icmp6_emit(&ih, hdr);
	rts_pkt_copy_in(p, 0, hdr, RTS_ICMP6_HDR_LEN);
	for (unsigned i = 0; i < sizeof(fill); i++)
		fill[i] = (uint8_t)i;
	for (uint32_t off = 0; off < len; off += sizeof(fill))
		rts_pkt_copy_in(p, RTS_ICMP6_HDR_LEN + off, fill,
				RTS_MIN((uint32_t)sizeof(fill), len - off));
	if (len >= PING_STAMP_LEN)
		rts_pkt_copy_in(p, RTS_ICMP6_HDR_LEN, &ctx->now_ns,
				PING_STAMP_LEN);
	ctx->cnt.icmp6_tx_echo_req++;
	return rts_icmp6_output(ctx, p, &rt.src, dst, ctx->ip6.hop_limit);
}

/* ------------------------------------------------------------------ input */
void rts_icmp6_input(struct rts_ctx *ctx, struct rts_pkt *p,
		     const struct rts_ip6_hdr *ip, const struct rts_l3_info *l3,
		     bool reassembled)
{
	struct rts_icmp6_hdr ih;
	uint8_t hb[RTS_ICMP6_HDR_LEN] = { 0 };
	uint32_t len = l3->l4_len;
	bool for_tentative = !l3->dst_mcast &&
			     !rts_ip6_addr_usable(ctx, &l3->dst);

	ctx->cnt.icmp6_rx++;
	rts_pkt_copy_out(p, 0, RTS_MIN(len, (uint32_t)sizeof(hb)), hb);
	if (rts_icmp6_parse(hb, len, &ih) != RTS_ICMP6_OK) {
		ctx->cnt.icmp6_rx_malformed++;
		goto drop;
	}
	/* Always verified: ICMPv6 checksums are not offloaded. */
	if (!rts_icmp6_csum_ok(&l3->src, &l3->dst, p, 0, len)) {
		ctx->cnt.icmp6_rx_bad_csum++;
		goto drop;
	}
	if (ih.type >= RTS_ICMP6_ROUTER_SOLICIT &&
	    ih.type <= RTS_ICMP6_REDIRECT) {
		/* RFC 6980: ND in fragments is ignored; options need one run */
		if (reassembled || p->len < len)
			ctx->cnt.nd_rx_invalid++;
		else
			rts_nd_input(ctx, p->data, len, ip);
		goto drop;
	}
	if (for_tentative) { /* RFC 4862 §5.4: only DAD may use it */
		ctx->cnt.ip6_rx_not_for_us++;
		goto drop;
	}
	switch (ih.type) {
	case RTS_ICMP6_ECHO_REQUEST:
		echo_request(ctx, p, l3);
		return;
	case RTS_ICMP6_ECHO_REPLY:
		echo_reply(ctx, p, &ih, l3);
		break;
	case RTS_ICMP6_PKT_TOO_BIG:
		ctx->cnt.icmp6_rx_pkt_too_big++;
		error_input(ctx, p, &ih, len);
		break;
	case RTS_ICMP6_DEST_UNREACH:
		ctx->cnt.icmp6_rx_unreach++;
		error_input(ctx, p, &ih, len);
		break;
	case RTS_ICMP6_TIME_EXCEEDED:
		ctx->cnt.icmp6_rx_time_exceeded++;
		break;
	case RTS_ICMP6_PARAM_PROBLEM:
		ctx->cnt.icmp6_rx_param_problem++;
		break;
	case RTS_ICMP6_MLD_QUERY:
		if (p->len >= len)
			rts_mld_query(ctx, p->data, len, ip);
		else
			ctx->cnt.icmp6_rx_malformed++; /* not in one piece */
		break;
	default: /* other MLD messages and the rest: nothing to do */
		ctx->cnt.icmp6_rx_other++;
		break;
	}
drop:
	rts_free(ctx, p);
}
