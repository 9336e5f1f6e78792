/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — UDP (RFC 768) for both families: the bind table, receive
 * with checksum verification and send (copying or zero-copy).
 *
 * Bindings hash on the port; a lookup prefers the binding on the exact
 * destination address over a wildcard one, so a port may be bound to a
 * specific address and to a wildcard at once. Wildcards: the all-zero
 * address takes both families, ::ffff:0.0.0.0 only IPv4.
 */
#include "net.h"

#include "wire/icmp.h"
#include "wire/udp.h"

int rts_udp_init(struct rts_ctx *ctx, struct rts_arena *a)
{
	struct rts_net_tables *t = &ctx->net;
	uint32_t n = ctx->cfg.max_udp_binds, buckets = 1;

	while (buckets < n)
		buckets <<= 1;
	t->udp = rts_arena_take(a, n * sizeof(struct rts_udp_bind));
	t->udp_hash = rts_arena_take(a, buckets * sizeof(struct rts_udp_bind *));
	if (a->p == NULL)
		return 0;
	if ((n && t->udp == NULL) || t->udp_hash == NULL)
		return RTS_ENOMEM;
	t->udp_hash_mask = buckets - 1;
	return 0;
}

static inline uint32_t port_bucket(const struct rts_net_tables *t, uint16_t port)
{
	return ((uint32_t)port * 0x9e3779b1u >> 16) & t->udp_hash_mask;
}

static bool is_v4_any(const struct rts_ip *ip)
{
	return rts_ip_is_v4(ip) && ip->u32[3] == 0;
}

static bool is_dual_any(const struct rts_ip *ip)
{
	return ip->u64[0] == 0 && ip->u64[1] == 0;
}

/* Does binding address @b receive datagrams sent to @dst? */
static bool addr_matches(const struct rts_ip *b, const struct rts_ip *dst)
{
	if (is_dual_any(b))
		return true;
	if (is_v4_any(b))
		return rts_ip_is_v4(dst);
	return rts_ip_eq(b, dst);
}

/*
 * Two bindings of one port conflict when they would claim the same
 * datagrams at the same preference: the same address, or two wildcards
 * covering a common family. A specific address beside a wildcard is
 * fine: the specific one wins its datagrams.
 */
static bool addrs_conflict(const struct rts_ip *a, const struct rts_ip *b)
{
	bool wa = is_dual_any(a) || is_v4_any(a);
	bool wb = is_dual_any(b) || is_v4_any(b);

	if (rts_ip_eq(a, b))
		return true;
	return wa && wb; /* dual-stack any vs IPv4 any */
}

struct rts_udp_bind *rts_udp_bind(struct rts_ctx *ctx,
				  const struct rts_endpoint *local,
				  rts_udp_rx_fn rx, void *user, int *err)
{
	struct rts_net_tables *t = &ctx->net;
	struct rts_udp_bind *b, *free_slot = NULL;
	uint32_t h;
	int rc = 0;

	if (local == NULL || local->port == 0 || rx == NULL) {
		rc = RTS_EINVAL;
		goto out;
	}
	if (!rts_ip_is_any(&local->ip) && !rts_addr_is_local(ctx, &local->ip)) {
		rc = RTS_EADDRNOTAVAIL;
		goto out;
	}
	h = port_bucket(t, local->port);
	for (b = t->udp_hash[h]; b; b = b->hnext)
		if (b->port == local->port && addrs_conflict(&b->ip, &local->ip)) {
			rc = RTS_EADDRINUSE;
			goto out;
		}
	for (uint32_t i = 0; i < ctx->cfg.max_udp_binds && !free_slot; i++)
		if (!t->udp[i].in_use)
			free_slot = &t->udp[i];
	if (free_slot == NULL) {
		rc = RTS_ENOSPC;
		goto out;
	}
	b = free_slot;
	b->ctx = ctx;
	b->ip = local->ip;
	b->port = local->port;
	b->rx = rx;
	b->user = user;
	b->in_use = true;
	b->hnext = t->udp_hash[h];
	t->udp_hash[h] = b;
out:
	if (err)
		*err = rc;
	return rc ? NULL : b;
}

void rts_udp_unbind(struct rts_udp_bind *b)
{
	struct rts_net_tables *t;
	struct rts_udp_bind **pp;

	if (b == NULL || !b->in_use)
		return;
	t = &b->ctx->net;
	pp = &t->udp_hash[port_bucket(t, b->port)];
	while (*pp != b)
		pp = &(*pp)->hnext;
	*pp = b->hnext;
	b->hnext = NULL;
	b->in_use = false;
}

static struct rts_udp_bind *lookup(struct rts_ctx *ctx, const struct rts_ip *dst,
				   uint16_t port)
{
	const struct rts_net_tables *t = &ctx->net;
	struct rts_udp_bind *b, *wild = NULL;

	for (b = t->udp_hash[port_bucket(t, port)]; b; b = b->hnext) {
		if (b->port != port)
			continue;
		if (rts_ip_eq(&b->ip, dst))
			return b;
		if (wild == NULL && addr_matches(&b->ip, dst))
			wild = b;
	}
	return wild;
}

static void port_unreachable(struct rts_ctx *ctx, struct rts_pkt *p,
			     const struct rts_l3_info *l3)
{
	if (l3->dst_mcast)
		return; /* RFC 1122 §3.2.2: never about broadcasts */
	if (!l3->v6)
		rts_icmp_send_error(ctx, p, l3, RTS_ICMP_DEST_UNREACH,
				    RTS_ICMP_PORT_UNREACH);
	else if (ctx->net.ip6.port_unreach)
		ctx->net.ip6.port_unreach(ctx, p, l3);
}

void rts_udp_input(struct rts_ctx *ctx, struct rts_pkt *p,
		   const struct rts_l3_info *l3)
{
	struct rts_endpoint from, to;
	struct rts_udp_bind *b;
	struct rts_udp u;

	ctx->cnt.udp_rx++;
	if (rts_udp_parse(p->data, p->len, RTS_MIN(p->pkt_len, l3->l4_len),
			  &u) != 0) {
		ctx->cnt.udp_rx_malformed++;
		goto drop;
	}
	if (p->pkt_len > u.len)
		rts_pkt_trim(ctx, p, u.len);
	if (u.csum == 0) {
		if (l3->v6) { /* RFC 8200 §8.1: mandatory over IPv6 */
			ctx->cnt.udp_rx_bad_csum++;
			goto drop;
		}
	} else if (!l3->l4_csum_ok) {
		uint32_t sum = rts_csum_pseudo(&l3->src, &l3->dst,
					       RTS_IPPROTO_UDP, u.len);

		if (rts_csum_fold16(rts_csum_pkt(p, 0, u.len, sum)) != 0xffff) {
			ctx->cnt.udp_rx_bad_csum++;
			goto drop;
		}
	}
	b = lookup(ctx, &l3->dst, u.dport);
	if (b == NULL) {
		ctx->cnt.udp_rx_no_port++;
		port_unreachable(ctx, p, l3);
		goto drop;
	}
	from.ip = l3->src;
	from.port = u.sport;
	to.ip = l3->dst;
	to.port = u.dport;
	b->rx(ctx, b->user, &from, &to, p, RTS_UDP_HLEN, u.len - RTS_UDP_HLEN);
	return;
drop:
	rts_free(ctx, p);
}

/* ------------------------------------------------------------------ send */
/*
 * Header and checksum on @p (data at the UDP header, @len bytes), then
 * IP output. Offload only when the datagram leaves in one piece.
 */
static int udp_send(struct rts_ctx *ctx, struct rts_pkt *p,
		    const struct rts_route *rt, uint16_t sport,
		    const struct rts_endpoint *dst)
{
	bool v4 = rts_ip_is_v4(&dst->ip);
	uint32_t len = p->pkt_len;
	uint32_t l3h = v4 ? RTS_IP4_HLEN : 40;
	uint32_t cap = v4 ? RTS_CAP_TX_L4_CSUM : RTS_CAP_TX_L4_CSUM6;
	struct rts_udp u = { sport, dst->port, (uint16_t)len, 0 };
	uint32_t sum = rts_csum_pseudo(&rt->src, &dst->ip, RTS_IPPROTO_UDP, len);

	rts_udp_emit(&u, p->data);
	if ((ctx->cfg.caps.flags & cap) && len + l3h <= rt->mtu &&
	    p->next == NULL) {
		u.csum = rts_csum_fold16(sum); /* the device adds the rest */
		p->ol_flags |= RTS_PKT_TX_UDP_CSUM |
			       (v4 ? RTS_PKT_TX_IPV4 : RTS_PKT_TX_IPV6);
		p->l4_len = RTS_UDP_HLEN;
	} else {
		u.csum = rts_csum_finish(rts_csum_pkt(p, 0, len, sum));
		if (u.csum == 0)
			u.csum = 0xffff; /* RFC 768 */
	}
	rts_memcpy(p->data + 6, &u.csum, 2);
	ctx->cnt.udp_tx++;
	return rts_ip_output(ctx, p, &rt->src, &dst->ip, RTS_IPPROTO_UDP, false);
}

/* Checks shared by both send calls; 0 or an error (nothing consumed). */
static int udp_prepare(struct rts_ctx *ctx, const struct rts_endpoint *dst,
		       uint32_t len, struct rts_route *rt)
{
	uint32_t max;
	int rc;

	if (dst == NULL || dst->port == 0)
		return RTS_EINVAL;
	max = RTS_IP4_MAX_LEN - RTS_UDP_HLEN -
	      (rts_ip_is_v4(&dst->ip) ? RTS_IP4_HLEN : 0);
	if (len > max) {
		ctx->cnt.udp_tx_too_big++;
		return RTS_EMSGSIZE;
	}
	rc = rts_route_lookup(ctx, &dst->ip, NULL, rt);
	if (rc && rts_ip_is_v4(&dst->ip))
		ctx->cnt.ip4_tx_no_route++;
	else if (rc)
		ctx->cnt.ip6_tx_no_route++; /* no route or no usable source */
	return rc;
}

int rts_udp_sendto(struct rts_ctx *ctx, uint16_t src_port,
		   const struct rts_endpoint *dst, const void *data,
		   uint32_t len)
{
	struct rts_route rt;
	struct rts_pkt *p;
	int rc;

	if (data == NULL && len)
		return RTS_EINVAL;
	rc = udp_prepare(ctx, dst, len, &rt);
	if (rc)
		return rc;
	p = rts_pkt_alloc_len(ctx, RTS_UDP_HLEN + len, RTS_UDP_HLEN);
	if (p == NULL)
		return RTS_ENOBUFS;
	rts_pkt_copy_in(p, RTS_UDP_HLEN, data, len);
	rc = udp_send(ctx, p, &rt, src_port, dst);
	return rc < 0 ? rc : (int)len;
}

int rts_udp_sendto_pkt(struct rts_ctx *ctx, uint16_t src_port,
		       const struct rts_endpoint *dst, struct rts_pkt *p)
{
	const uint32_t need = RTS_UDP_HLEN + 40 + RTS_ETH_HLEN; /* worst case */
	uint32_t len;
	struct rts_route rt;
	int rc;

	if (p == NULL)
		return RTS_EINVAL;
	len = p->pkt_len;
	rc = udp_prepare(ctx, dst, len, &rt);
	if (rc)
		return rc;
	p->ol_flags = 0;
	if (rts_pkt_headroom(p) >= need) {
		rts_pkt_prepend(p, RTS_UDP_HLEN);
	} else { /* a separate header buffer in front of the payload */
		struct rts_pkt *h = rts_alloc(ctx);

		if (h == NULL)
			return RTS_ENOBUFS;
		h->len = RTS_UDP_HLEN;
		h->pkt_len = RTS_UDP_HLEN + len;
		h->next = p;
		p = h;
	}
	rc = udp_send(ctx, p, &rt, src_port, dst);
	return rc < 0 ? rc : (int)len;
}
