/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — ICMP for IPv4 (RFC 792, RFC 1122 §3.2.2): echo in both
 * directions, errors received (to TCP and the path MTU cache) and errors
 * sent (port and protocol unreachable, rate-limited).
 */
#include "net.h"

#include "wire/icmp.h"

#define NS_PER_S 1000000000ull
#define ICMP_BURST_MAX 50
#define ICMP_ERR_MAX 576 /* RFC 1812 §4.3.2.3: quote up to this much */

/* ----------------------------------------------------------- rate limit */
static uint32_t icmp_burst(const struct rts_ctx *ctx)
{
	return RTS_MIN(ctx->cfg.icmp_rate_per_s, (uint32_t)ICMP_BURST_MAX);
}

void rts_icmp_init(struct rts_ctx *ctx)
{
	ctx->net.icmp_tokens = icmp_burst(ctx);
	ctx->net.icmp_refill_ns = ctx->now_ns;
}

/* A token bucket: icmp_rate_per_s tokens a second, burst up to 50. */
bool rts_icmp_rate_ok(struct rts_ctx *ctx)
{
	struct rts_net_tables *t = &ctx->net;
	uint32_t rate = ctx->cfg.icmp_rate_per_s, burst = icmp_burst(ctx);

	if (rate == 0)
		return false;
	if (ctx->now_ns > t->icmp_refill_ns) {
		uint64_t el = RTS_MIN(ctx->now_ns - t->icmp_refill_ns,
				      10 * NS_PER_S);
		uint64_t add = el * rate / NS_PER_S;

		if (add) {
			t->icmp_tokens = (uint32_t)RTS_MIN(t->icmp_tokens + add,
							   (uint64_t)burst);
			if (t->icmp_tokens == burst)
				t->icmp_refill_ns = ctx->now_ns;
			else
				t->icmp_refill_ns += add * NS_PER_S / rate;
		}
	}
	if (t->icmp_tokens == 0)
		return false;
	t->icmp_tokens--;
	return true;
}

/* ----------------------------------------------------------- send errors */
void rts_icmp_send_error(struct rts_ctx *ctx, const struct rts_pkt *p,
			 const struct rts_l3_info *l3, uint8_t type,
			 uint8_t code)
{
	uint32_t src_be = rts_ip_v4_be(&l3->src), hl = p->l3_len, l4n, len;
	struct rts_icmp ic = { .type = type, .code = code };
	struct rts_pkt *q;
	uint16_t c;

	/* RFC 1122 §3.2.2: never about broadcasts, non-unicast sources or
	 * ICMP errors */
	if (l3->v6 || l3->dst_mcast || src_be == 0)
		return;
	if (l3->proto == RTS_IPPROTO_ICMP &&
	    (p->len == 0 || rts_icmp_is_error(p->data[0]) ||
	     p->data[0] > RTS_ICMP_PARAM_PROBLEM))
		return;
	if (hl < RTS_IP4_HLEN || rts_pkt_headroom(p) < hl)
		return;
	if (!rts_icmp_rate_ok(ctx)) {
		ctx->cnt.icmp_tx_rate_limited++;
		return;
	}
	l4n = RTS_MIN(p->pkt_len, ICMP_ERR_MAX - RTS_IP4_HLEN - RTS_ICMP_HLEN - hl);
	len = RTS_ICMP_HLEN + hl + l4n;
	q = rts_pkt_alloc_len(ctx, len, len);
	if (q == NULL)
		return;
	rts_icmp_emit(&ic, q->data);
	rts_memcpy(q->data + RTS_ICMP_HLEN, p->data - hl, hl);
	rts_pkt_copy_out(p, 0, l4n, q->data + RTS_ICMP_HLEN + hl);
	c = rts_csum_finish(rts_csum_add(0, q->data, len));
	rts_memcpy(q->data + 2, &c, 2);
	if (type == RTS_ICMP_DEST_UNREACH)
		ctx->cnt.icmp_tx_unreach++;
	rts_ip_output(ctx, q, &l3->dst, &l3->src, RTS_IPPROTO_ICMP, false);
}

/* ---------------------------------------------------------------- echo */
static void echo_request(struct rts_ctx *ctx, struct rts_pkt *p,
			 const struct rts_l3_info *l3)
{
	struct rts_ip src = l3->dst, dst = l3->src;
	uint16_t old, new_, c;

	ctx->cnt.icmp_rx_echo_req++;
	if (l3->dst_mcast) { /* RFC 1122 §3.2.2.6 lets us stay silent */
		ctx->cnt.icmp_rx_echo_ignored++;
		rts_free(ctx, p);
		return;
	}
	/* turn the request into the reply in place: type 8 -> 0 */
	rts_memcpy(&old, p->data, 2);
	p->data[0] = RTS_ICMP_ECHO_REPLY;
	rts_memcpy(&new_, p->data, 2);
	rts_memcpy(&c, p->data + 2, 2);
	c = rts_csum_update16(c, old, new_);
	rts_memcpy(p->data + 2, &c, 2);
	p->ol_flags = 0;
	ctx->cnt.icmp_tx_echo_reply++;
	rts_ip_output(ctx, p, &src, &dst, RTS_IPPROTO_ICMP, false);
}

static void echo_reply(struct rts_ctx *ctx, struct rts_pkt *p,
		       const struct rts_l3_info *l3, const struct rts_icmp *ic)
{
	const struct rts_ctx_handlers *h = ctx->cfg.handlers;
	uint32_t len = p->pkt_len - RTS_ICMP_HLEN;
	uint64_t sent = 0, rtt = 0;

	ctx->cnt.icmp_rx_echo_reply++;
	if (len >= sizeof(sent)) {
		rts_pkt_copy_out(p, RTS_ICMP_HLEN, sizeof(sent), &sent);
		if (sent <= ctx->now_ns)
			rtt = ctx->now_ns - sent;
	}
	rts_free(ctx, p);
	if (h && h->echo_reply)
		h->echo_reply(ctx, ctx->cfg.user, &l3->src, ic->id, ic->seq,
			      len, rtt);
}

/* RFC 1191 §7: without a next-hop MTU, guess the plateau below the size. */
static uint32_t plateau_below(uint32_t size)
{
	static const uint16_t plateaus[] = { 32000, 17914, 8166, 4352, 2002,
					     1492,  1006,  508,  296,  68 };

	for (uint32_t i = 0; i < RTS_ARRAY_SIZE(plateaus); i++)
		if (plateaus[i] < size)
			return plateaus[i];
	return 68;
}

static void error_message(struct rts_ctx *ctx, const struct rts_pkt *p,
			  const struct rts_icmp *ic)
{
	struct rts_ipv4 in;
	const uint8_t *l4;
	uint32_t l4_len, mtu = 0;
	bool hard = false;
	struct rts_ip src, dst;

	if (rts_icmp_quoted_ip4(p->data + RTS_ICMP_HLEN, p->len - RTS_ICMP_HLEN,
				&in, &l4, &l4_len) != 0 ||
	    !rts_ip4_is_local(ctx, in.src_be)) {
		ctx->cnt.icmp_rx_malformed++; /* not about anything we sent */
		return;
	}
	if (ic->type == RTS_ICMP_DEST_UNREACH) {
		if (ic->code == RTS_ICMP_FRAG_NEEDED) {
			ctx->cnt.icmp_rx_frag_needed++;
			mtu = ic->mtu ? ic->mtu : plateau_below(in.total_len);
			mtu = rts_pmtu_update(ctx, in.dst_be, mtu);
		} else {
			/* RFC 1122 §4.2.3.9: protocol and port unreachable
			 * are hard; RFC 5461 lets TCP soften them when
			 * synchronised, which is the TCP layer's call */
			hard = ic->code == RTS_ICMP_PROTO_UNREACH ||
			       ic->code == RTS_ICMP_PORT_UNREACH;
		}
	}
	if (in.proto != RTS_IPPROTO_TCP)
		return; /* UDP and others: counted above, no socket errors */
	src = rts_ip4_from_be(in.src_be);
	dst = rts_ip4_from_be(in.dst_be);
	rts_tcp_icmp_error(ctx, &src, &dst, l4, l4_len, mtu, hard);
}

void rts_icmp_input(struct rts_ctx *ctx, struct rts_pkt *p,
		    const struct rts_l3_info *l3)
{
	struct rts_icmp ic;

	ctx->cnt.icmp_rx++;
	if (rts_icmp_parse(p->data, p->len, &ic) != 0) {
		ctx->cnt.icmp_rx_malformed++;
		goto drop;
	}
	if (rts_csum_fold16(rts_csum_pkt(p, 0, p->pkt_len, 0)) != 0xffff) {
		ctx->cnt.icmp_rx_bad_csum++;
		goto drop;
	}
	switch (ic.type) {
	case RTS_ICMP_ECHO:
		echo_request(ctx, p, l3);
		return;
	case RTS_ICMP_ECHO_REPLY:
		echo_reply(ctx, p, l3, &ic);
		return;
	case RTS_ICMP_DEST_UNREACH:
		ctx->cnt.icmp_rx_unreach++;
		error_message(ctx, p, &ic);
		break;
	case RTS_ICMP_TIME_EXCEEDED:
	case RTS_ICMP_PARAM_PROBLEM:
		ctx->cnt.icmp_rx_other++;
		error_message(ctx, p, &ic);
		break;
	default: /* source quench (RFC 6633), redirect, ...: ignored */
		ctx->cnt.icmp_rx_other++;
		break;
	}
drop:
	rts_free(ctx, p);
}

/* ---------------------------------------------------------------- ping */
int rts_ping(struct rts_ctx *ctx, const struct rts_ip *dst, uint16_t id,
	     uint16_t seq, uint32_t len)
{
	struct rts_icmp ic = { .type = RTS_ICMP_ECHO, .id = id, .seq = seq };
	uint64_t now = ctx->now_ns;
	struct rts_route rt;
	struct rts_pkt *p, *s;
	uint32_t pos = 0;
	uint16_t c;
	int rc;

	if (!rts_ip_is_v4(dst))
		return ctx->net.ip6.ping ? ctx->net.ip6.ping(ctx, dst, id, seq, len)
					 : RTS_EAFNOSUPPORT;
	rc = rts_route_lookup(ctx, dst, NULL, &rt);
	if (rc)
		return rc;
	if (len > RTS_IP4_MAX_LEN - RTS_IP4_HLEN - RTS_ICMP_HLEN)
		return RTS_EMSGSIZE;
	p = rts_pkt_alloc_len(ctx, RTS_ICMP_HLEN + len, RTS_ICMP_HLEN + 8);
	if (p == NULL)
		return RTS_ENOBUFS;
	/* payload: the send time (for the rtt), then a counting pattern */
	for (s = p; s; s = s->next)
		for (uint32_t i = 0; i < s->len; i++, pos++)
			s->data[i] = (uint8_t)(pos - RTS_ICMP_HLEN);
	rts_icmp_emit(&ic, p->data);
	if (len >= sizeof(now))
		rts_memcpy(p->data + RTS_ICMP_HLEN, &now, sizeof(now));
	c = rts_csum_finish(rts_csum_pkt(p, 0, p->pkt_len, 0));
	rts_memcpy(p->data + 2, &c, 2);
	ctx->cnt.icmp_tx_echo_req++;
	return rts_ip_output(ctx, p, &rt.src, dst, RTS_IPPROTO_ICMP, false);
}
