/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack-cli — the stack's tables through rtestack/inspect.h: show
 * neigh, addr, routes, tcp, udp. One entry per line; TCP connections as
 * key=value pairs.
 */
#include <string.h>

#include "cli.h"

static void endpoint_str(const struct rts_endpoint *e, char *buf, size_t len)
{
	char ip[RTS_IP_STRLEN];

	if (rts_ip_is_any(&e->ip)) {
		snprintf(buf, len, "*:%u", e->port);
		return;
	}
	app_ip_str(&e->ip, ip, sizeof(ip));
	snprintf(buf, len, rts_ip_is_v4(&e->ip) ? "%s:%u" : "[%s]:%u", ip,
		 e->port);
}

static void lifetime_str(uint64_t ns, char *buf, size_t len)
{
	if (ns == UINT64_MAX)
		snprintf(buf, len, "forever");
	else
		snprintf(buf, len, "%.1fs", (double)ns / 1e9);
}

/* ---------------------------------------------------------- neighbours */
static int neigh_line(void *user, const struct rts_neigh_info *n)
{
	struct cli *c = user;
	char ip[RTS_IP_STRLEN], mac[32];

	app_ip_str(&n->ip, ip, sizeof(ip));
	if (n->state == RTS_NEIGH_INFO_INCOMPLETE)
		snprintf(mac, sizeof(mac), "(incomplete)");
	else
		cli_mac_str(&n->mac, mac, sizeof(mac));
	fprintf(c->out, "  %-4s %-39s %-17s %-10s age %.1fs probes %u "
		"pending %u\n", rts_ip_is_v4(&n->ip) ? "arp" : "ndp", ip, mac,
		rts_neigh_state_name(n->state), (double)n->age_ns / 1e9,
		n->probes, n->n_pending);
	return 0;
}

void cli_show_neigh(struct cli *c)
{
	fprintf(c->out, "neighbours\n");
	fprintf(c->out, "  (%u entries)\n", rts_neigh_foreach(c->ctx, neigh_line, c));
}

/* ----------------------------------------------------------- addresses */
static int addr_line(void *user, const struct rts_addr_info *a)
{
	struct cli *c = user;
	char ip[RTS_IP_STRLEN], pref[32], valid[32], full[RTS_IP_STRLEN + 8];

	app_ip_str(&a->ip, ip, sizeof(ip));
	snprintf(full, sizeof(full), "%s/%u", ip, a->prefix_len);
	lifetime_str(a->preferred_ns, pref, sizeof(pref));
	lifetime_str(a->valid_ns, valid, sizeof(valid));
	fprintf(c->out, "  %-4s %-44s %-10s %-10s preferred %s valid %s\n",
		rts_ip_is_v4(&a->ip) ? "ipv4" : "ipv6", full,
		rts_addr_state_name(a->state), rts_addr_origin_name(a->origin),
		pref, valid);
	return 0;
}

void cli_show_addr(struct cli *c)
{
	fprintf(c->out, "addresses\n");
	fprintf(c->out, "  (%u addresses)\n",
		rts_addr_foreach(c->ctx, addr_line, c));
}

/* -------------------------------------------------------------- routes */
static int route_line(void *user, const struct rts_route_info *r)
{
	struct cli *c = user;
	char dst[RTS_IP_STRLEN], gw[RTS_IP_STRLEN], full[RTS_IP_STRLEN + 8];
	char via[RTS_IP_STRLEN + 8], exp[32];

	app_ip_str(&r->dst, dst, sizeof(dst));
	snprintf(full, sizeof(full), "%s/%u", dst, r->prefix_len);
	if (rts_ip_is_any(&r->gateway)) {
		snprintf(via, sizeof(via), "on-link");
	} else {
		app_ip_str(&r->gateway, gw, sizeof(gw));
		snprintf(via, sizeof(via), "via %s", gw);
	}
	lifetime_str(r->expires_ns, exp, sizeof(exp));
	fprintf(c->out, "  %-44s %-30s %-9s expires %s\n", full, via,
		rts_route_origin_name(r->origin), exp);
	return 0;
}

void cli_show_routes(struct cli *c)
{
	fprintf(c->out, "routes\n");
	fprintf(c->out, "  (%u routes)\n", rts_route_foreach(c->ctx, route_line, c));
}

/* ----------------------------------------------------------------- TCP */
static const struct cli_service *service_on(const struct cli *c, uint16_t port,
					    bool udp)
{
	for (unsigned i = 0; i < CLI_MAX_SERVICES; i++)
		if (c->svc[i].used && c->svc[i].port == port &&
		    c->svc[i].udp == udp)
			return &c->svc[i];
	return NULL;
}

static int listener_line(void *user, const struct rts_endpoint *local,
			 uint16_t n_pending)
{
	struct cli *c = user;
	const struct cli_service *s = service_on(c, local->port, false);
	char ep[RTS_IP_STRLEN + 16];

	endpoint_str(local, ep, sizeof(ep));
	fprintf(c->out, "  LISTEN %-30s syn-received %u", ep, n_pending);
	if (s != NULL)
		fprintf(c->out, " service %s accepted %llu rx %llu tx %llu",
			cli_service_name(s->svc), (unsigned long long)s->conns,
			(unsigned long long)s->rx_bytes,
			(unsigned long long)s->tx_bytes);
	fputc('\n', c->out);
	return 0;
}

static int conn_line(void *user, struct rts_tcp_conn *tc)
{
	struct cli *c = user;
	struct rts_endpoint l, r;
	struct rts_tcp_info i;
	char le[RTS_IP_STRLEN + 16], re[RTS_IP_STRLEN + 16];

	rts_tcp_endpoints(tc, &l, &r);
	rts_tcp_get_info(tc, &i);
	endpoint_str(&l, le, sizeof(le));
	endpoint_str(&r, re, sizeof(re));
	fprintf(c->out, "  %s %s %s snd_una=%u snd_nxt=%u rcv_nxt=%u "
		"cwnd=%u ssthresh=%u snd_wnd=%u rcv_wnd=%u srtt=%uus "
		"rttvar=%uus rto=%uus mss=%u unacked=%u unsent=%u retrans=%llu "
		"ts=%s sack=%s\n", le, re, rts_tcp_state_name(i.state),
		i.snd_una, i.snd_nxt, i.rcv_nxt, i.cwnd, i.ssthresh, i.snd_wnd,
		i.rcv_wnd, i.srtt_us, i.rttvar_us, i.rto_us, i.mss, i.unacked,
		i.unsent, (unsigned long long)i.retrans_segs,
		i.ts_ok ? "on" : "off", i.sack_ok ? "on" : "off");
	return 0;
}

void cli_show_tcp(struct cli *c)
{
	unsigned n;

	fprintf(c->out, "tcp listeners\n");
	n = rts_tcp_listener_foreach(c->ctx, listener_line, c);
	fprintf(c->out, "  (%u listeners)\ntcp connections\n", n);
	n = rts_tcp_foreach(c->ctx, conn_line, c);
	fprintf(c->out, "  (%u connections)\n", n);
}

/* ----------------------------------------------------------------- UDP */
static int udp_line(void *user, const struct rts_endpoint *local)
{
	struct cli *c = user;
	const struct cli_service *s = service_on(c, local->port, true);
	char ep[RTS_IP_STRLEN + 16];

	endpoint_str(local, ep, sizeof(ep));
	fprintf(c->out, "  UDP %-30s", ep);
	if (s != NULL)
		fprintf(c->out, " service %s rx %llu tx %llu",
			cli_service_name(s->svc),
			(unsigned long long)s->rx_bytes,
			(unsigned long long)s->tx_bytes);
	fputc('\n', c->out);
	return 0;
}

void cli_show_udp(struct cli *c)
{
	fprintf(c->out, "udp bindings\n");
	fprintf(c->out, "  (%u bindings)\n", rts_udp_foreach(c->ctx, udp_line, c));
}
