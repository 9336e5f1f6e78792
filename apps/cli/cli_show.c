/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack-cli — show port, show config, show counters, clear counters.
 *
 * Output is "name value" per line (two spaces of indent under a header
 * line) so scripts can grep it. Stack counters keep their names from
 * counters.h; backend counters are prefixed "backend.", the device's
 * rte_eth_stats "port." and its extended statistics "xstat.".
 */
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>

#include "cli.h"

/* ------------------------------------------------------------ show port */
/* A feature the stack does in software when the device does not. */
static const char *sw_or_on(uint32_t flags, uint32_t cap)
{
	return (flags & cap) ? "on" : "emulated";
}

static void show_link(struct cli *c, uint16_t port_id)
{
	struct rte_eth_link link;
	char text[RTE_ETH_LINK_MAX_STR_LEN];

	memset(&link, 0, sizeof(link));
	if (rte_eth_link_get_nowait(port_id, &link) != 0) {
		fprintf(c->out, "  link            unknown\n");
		return;
	}
	rte_eth_link_to_str(text, sizeof(text), &link);
	fprintf(c->out, "  link            %s (%s)\n",
		link.link_status ? "up" : "down", text);
}

static void show_offloads(struct cli *c, uint16_t port_id)
{
	struct rts_if_caps caps;
	struct rte_eth_conf conf;
	uint64_t rx = 0;
	uint32_t f;

	rts_dpdk_port_caps(c->port, &caps);
	f = caps.flags;
	if (rte_eth_dev_conf_get(port_id, &conf) == 0)
		rx = conf.rxmode.offloads;
	fprintf(c->out, "  offloads (on: device, emulated: in software, off)\n");
	fprintf(c->out, "    rx-ip-csum    %s\n", sw_or_on(f, RTS_CAP_RX_IP_CSUM));
	fprintf(c->out, "    rx-l4-csum    %s\n", sw_or_on(f, RTS_CAP_RX_L4_CSUM));
	fprintf(c->out, "    tx-ip-csum    %s\n", sw_or_on(f, RTS_CAP_TX_IP_CSUM));
	fprintf(c->out, "    tx-l4-csum    %s\n", sw_or_on(f, RTS_CAP_TX_L4_CSUM));
	fprintf(c->out, "    tx-l4-csum6   %s\n", sw_or_on(f, RTS_CAP_TX_L4_CSUM6));
	fprintf(c->out, "    tso4          %s\n", sw_or_on(f, RTS_CAP_TSO4));
	fprintf(c->out, "    tso6          %s\n", sw_or_on(f, RTS_CAP_TSO6));
	fprintf(c->out, "    multi-seg-tx  %s\n", sw_or_on(f, RTS_CAP_MULTI_SEG));
	fprintf(c->out, "    rx-scatter    %s\n",
		(rx & RTE_ETH_RX_OFFLOAD_SCATTER) ? "on" : "off");
	fprintf(c->out, "    lro           %s\n",
		(rx & RTE_ETH_RX_OFFLOAD_TCP_LRO) ? "on" : "off");
	fprintf(c->out, "    rss           %s\n",
		rts_dpdk_port_steering(c->port) == RTS_DPDK_STEER_RSS ? "on" :
		"off (one queue)");
}

/* What the device could do, next to what is configured. */
static void show_limits(struct cli *c, uint16_t port_id)
{
	struct rte_eth_dev_info info;

	if (rte_eth_dev_info_get(port_id, &info) != 0)
		return;
	fprintf(c->out, "  device-limits   mtu %u..%u, queues rx %u tx %u\n",
		info.min_mtu, info.max_mtu, info.max_rx_queues,
		info.max_tx_queues);
}

void cli_show_port(struct cli *c)
{
	uint16_t port_id = c->o.port_id;
	struct rte_ether_addr dev_mac;
	struct rte_eth_rxq_info rxq;
	struct rte_eth_txq_info txq;
	struct rts_mac mac;
	char buf[32];

	fprintf(c->out, "port %u\n", port_id);
	fprintf(c->out, "  driver          %s\n", rts_dpdk_port_driver(c->port));
	rts_dpdk_port_mac(c->port, &mac);
	cli_mac_str(&mac, buf, sizeof(buf));
	fprintf(c->out, "  mac             %s\n", buf);
	if (rte_eth_macaddr_get(port_id, &dev_mac) == 0 &&
	    memcmp(dev_mac.addr_bytes, mac.b, 6) != 0) {
		memcpy(mac.b, dev_mac.addr_bytes, 6);
		cli_mac_str(&mac, buf, sizeof(buf));
		fprintf(c->out, "  device-mac      %s (the kernel side of the tap)\n",
			buf);
	}
	show_link(c, port_id);
	fprintf(c->out, "  mtu             %u\n", rts_dpdk_port_mtu(c->port));
	fprintf(c->out, "  queues          %u (steering %s)\n",
		rts_dpdk_port_n_queues(c->port),
		rts_dpdk_steering_name(rts_dpdk_port_steering(c->port)));
	show_limits(c, port_id);
	memset(&rxq, 0, sizeof(rxq));
	memset(&txq, 0, sizeof(txq));
	if (rte_eth_rx_queue_info_get(port_id, 0, &rxq) == 0 &&
	    rte_eth_tx_queue_info_get(port_id, 0, &txq) == 0)
		fprintf(c->out, "  descriptors     rx %u tx %u\n", rxq.nb_desc,
			txq.nb_desc);
	fprintf(c->out, "  mbufs-in-use    %u\n",
		rts_dpdk_port_mbufs_in_use(c->port));
	show_offloads(c, port_id);
}

/* ---------------------------------------------------------- show config */
static void show_addrs(struct cli *c, const struct rts_config *cfg)
{
	char ip[RTS_IP_STRLEN];

	for (unsigned i = 0; i < cfg->n_addrs; i++) {
		cli_ip_str(&cfg->addrs[i].ip, ip, sizeof(ip));
		fprintf(c->out, "  addr            %s/%u\n", ip, cfg->addrs[i].prefix);
	}
	cli_ip_str(&cfg->gw4, ip, sizeof(ip));
	fprintf(c->out, "  gw4             %s\n",
		rts_ip_is_any(&cfg->gw4) ? "none" : ip);
	cli_ip_str(&cfg->gw6, ip, sizeof(ip));
	fprintf(c->out, "  gw6             %s\n",
		rts_ip_is_any(&cfg->gw6) ? "none (router advertisements)" : ip);
}

static void show_tcp_config(struct cli *c, const struct rts_tcp_config *t)
{
	fprintf(c->out, "  tcp.mss         %u%s\n", t->mss,
		t->mss ? "" : " (from the MTU)");
	fprintf(c->out, "  tcp.cc          %s\n",
		t->cc == RTS_CC_NEWRENO ? "newreno" : "cubic");
	fprintf(c->out, "  tcp.init_cwnd   %u segments\n", t->init_cwnd_segs);
	fprintf(c->out, "  tcp.rto         init %u us, min %u us, max %u us\n",
		t->rto_init_us, t->rto_min_us, t->rto_max_us);
	fprintf(c->out, "  tcp.delack      %u us\n", t->delack_us);
	fprintf(c->out, "  tcp.buffers     rcv %u snd %u\n", t->rcv_buf, t->snd_buf);
	fprintf(c->out, "  tcp.options     ts %s sack %s wscale %s (%u) nagle %s "
		"syncookies %s\n", t->timestamps ? "on" : "off",
		t->sack ? "on" : "off", t->window_scaling ? "on" : "off",
		t->rcv_wscale, t->nagle ? "on" : "off",
		t->syncookies ? "on" : "off");
}

void cli_show_config(struct cli *c)
{
	const struct rts_config *cfg = rts_ctx_config(c->ctx);
	char mac[32];

	cli_mac_str(&cfg->mac, mac, sizeof(mac));
	fprintf(c->out, "config\n");
	fprintf(c->out, "  mac             %s\n", mac);
	fprintf(c->out, "  mtu             %u\n", cfg->mtu);
	fprintf(c->out, "  ttl             %u\n", cfg->ttl);
	show_addrs(c, cfg);
	fprintf(c->out, "  ipv6            link-local %s, dad %u, slaac %s, "
		"mld %s, router-solicits %u\n", cfg->ip6.link_local ? "on" : "off",
		cfg->ip6.dad_transmits, cfg->ip6.slaac ? "on" : "off",
		cfg->ip6.mld ? "on" : "off", cfg->ip6.router_solicits);
	fprintf(c->out, "  limits          tcp-conns %u listeners %u udp-binds %u "
		"neigh %u pending %u\n", cfg->max_tcp_conns, cfg->max_listeners,
		cfg->max_udp_binds, cfg->neigh_entries, cfg->neigh_pending_max);
	fprintf(c->out, "  reassembly      %u bytes, %u us\n", cfg->reass_max_bytes,
		cfg->reass_timeout_us);
	fprintf(c->out, "  icmp-rate       %u/s\n", cfg->icmp_rate_per_s);
	show_tcp_config(c, &cfg->tcp);
}

/* -------------------------------------------------------- show counters */
struct counter_view {
	struct cli *c;
	const char *filter;
	bool all;
	unsigned shown;
};

static void put(struct counter_view *v, const char *prefix, const char *name,
		uint64_t value)
{
	char full[128];

	snprintf(full, sizeof(full), "%s%s", prefix, name);
	if ((value == 0 && !v->all) ||
	    (v->filter[0] != '\0' && strstr(full, v->filter) == NULL))
		return;
	fprintf(v->c->out, "  %-36s %llu\n", full, (unsigned long long)value);
	v->shown++;
}

static const char *const queue_stat_names[] = {
#define CLI_QSTAT_NAME(n) #n,
	RTS_DPDK_QUEUE_COUNTERS(CLI_QSTAT_NAME)
#undef CLI_QSTAT_NAME
};

static void stack_counters(struct counter_view *v)
{
	const uint64_t *now = (const uint64_t *)rts_ctx_counters(v->c->ctx);
	const uint64_t *base = (const uint64_t *)&v->c->base;
	struct rts_dpdk_queue_stats qs;
	const uint64_t *q = (const uint64_t *)&qs;
	const uint64_t *qbase = (const uint64_t *)&v->c->base_q;

	for (unsigned i = 0; i < RTS_COUNTER_COUNT; i++)
		put(v, "", rts_counter_name(i), now[i] - base[i]);
	rts_dpdk_queue_stats(v->c->dq, &qs);
	for (unsigned i = 0; i < RTE_DIM(queue_stat_names); i++)
		put(v, "backend.", queue_stat_names[i], q[i] - qbase[i]);
}

static void port_counters(struct counter_view *v)
{
	uint16_t port_id = v->c->o.port_id;
	struct rte_eth_stats es;

	if (rte_eth_stats_get(port_id, &es) != 0)
		return;
	put(v, "port.", "ipackets", es.ipackets);
	put(v, "port.", "opackets", es.opackets);
	put(v, "port.", "ibytes", es.ibytes);
	put(v, "port.", "obytes", es.obytes);
	put(v, "port.", "imissed", es.imissed);
	put(v, "port.", "ierrors", es.ierrors);
	put(v, "port.", "oerrors", es.oerrors);
	put(v, "port.", "rx_nombuf", es.rx_nombuf);
}

static void xstats(struct counter_view *v)
{
	uint16_t port_id = v->c->o.port_id;
	int n = rte_eth_xstats_get_names(port_id, NULL, 0);
	struct rte_eth_xstat_name *names;
	struct rte_eth_xstat *vals;

	if (n <= 0)
		return;
	names = calloc((size_t)n, sizeof(*names));
	vals = calloc((size_t)n, sizeof(*vals));
	if (names != NULL && vals != NULL &&
	    rte_eth_xstats_get_names(port_id, names, (unsigned)n) == n &&
	    rte_eth_xstats_get(port_id, vals, (unsigned)n) == n)
		for (int i = 0; i < n; i++)
			if (vals[i].id < (uint64_t)n)
				put(v, "xstat.", names[vals[i].id].name,
				    vals[i].value);
	free(names);
	free(vals);
}

void cli_show_counters(struct cli *c, const char *filter, bool all)
{
	struct counter_view v = { c, filter, all, 0 };

	fprintf(c->out, "counters%s%s%s\n", filter[0] ? " matching '" : "",
		filter, filter[0] ? "'" : "");
	stack_counters(&v);
	port_counters(&v);
	xstats(&v);
	fprintf(c->out, "  (%u shown%s)\n", v.shown,
		all ? "" : "; zero counters hidden, 'show counters all' lists them");
}

void cli_clear_counters(struct cli *c)
{
	c->base = *rts_ctx_counters(c->ctx);
	rts_dpdk_queue_stats(c->dq, &c->base_q);
	rte_eth_stats_reset(c->o.port_id);
	rte_eth_xstats_reset(c->o.port_id);
	fprintf(c->out, "counters cleared\n");
}
