/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lwip-membench — the W1/W2 workloads of rtestack-membench run by lwIP
 * (Debian's liblwip, 2.1.3), for side-by-side comparison in one run.
 *
 * lwIP keeps its state in globals, so two independent stacks in one process
 * need two copies of the library: each is loaded with dlmopen() into a link
 * namespace of its own. Stack A (198.18.0.1, client / sender) and stack B
 * (198.18.0.2, server / receiver) are joined by an in-memory Ethernet link:
 * a frame leaving one is copied into a pbuf of the other (one copy, as a NIC
 * driver that receives into its own buffers would) and queued; one thread
 * runs both stacks alternately, handing each at most 32 frames per turn (e1).
 * lwIP computes and verifies every checksum (software mode only).
 *
 * The workloads match performance-targets.md: W1 = 32 connections with one
 * 1-byte request outstanding each (Nagle off), the server echoes; W2 = one
 * connection, the sender keeps lwIP's send buffer full, the receiver
 * consumes every byte at once. Debian's lwIP has no TCP timestamps, so its
 * W2 segments carry 1460 bytes (rtestack's 1448).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

#define LWIP_SONAME "liblwip.so.0"
#define RXQ_SIZE 4096u
#define BURST 32u
#define PORT 5001
#define MAX_CONNS 1024

/* One lwIP instance: its entry points (from its own namespace) and link. */
struct lw {
	void *dl;
	void (*lwip_init)(void);
	struct netif *(*netif_add)(struct netif *, const ip4_addr_t *,
				   const ip4_addr_t *, const ip4_addr_t *,
				   void *, netif_init_fn, netif_input_fn);
	void (*netif_set_up)(struct netif *);
	void (*netif_set_link_up)(struct netif *);
	err_t (*etharp_output)(struct netif *, struct pbuf *, const ip4_addr_t *);
	err_t (*ethernet_input)(struct pbuf *, struct netif *);
	struct pbuf *(*pbuf_alloc)(pbuf_layer, u16_t, pbuf_type);
	u8_t (*pbuf_free)(struct pbuf *);
	u16_t (*pbuf_copy_partial)(const struct pbuf *, void *, u16_t, u16_t);
	void (*sys_check_timeouts)(void);
	struct tcp_pcb *(*tcp_new)(void);
	err_t (*tcp_bind)(struct tcp_pcb *, const ip_addr_t *, u16_t);
	struct tcp_pcb *(*tcp_listen_with_backlog)(struct tcp_pcb *, u8_t);
	void (*tcp_accept)(struct tcp_pcb *, tcp_accept_fn);
	void (*tcp_arg)(struct tcp_pcb *, void *);
	void (*tcp_recv)(struct tcp_pcb *, tcp_recv_fn);
	void (*tcp_sent)(struct tcp_pcb *, tcp_sent_fn);
	void (*tcp_err)(struct tcp_pcb *, tcp_err_fn);
	err_t (*tcp_connect)(struct tcp_pcb *, const ip_addr_t *, u16_t,
			     tcp_connected_fn);
	err_t (*tcp_write)(struct tcp_pcb *, const void *, u16_t, u8_t);
	err_t (*tcp_output)(struct tcp_pcb *);
	void (*tcp_recved)(struct tcp_pcb *, u16_t);
	err_t (*tcp_close)(struct tcp_pcb *);

	struct netif netif;
	uint8_t mac[6];
	struct lw *peer;
	struct pbuf *rxq[RXQ_SIZE];
	uint32_t rx_head, rx_tail;
	uint64_t frames, dropped;
};

enum workload { W1_PINGPONG, W2_BULK };

static struct {
	struct lw a, b;
	enum workload wl;
	unsigned conns;
	uint64_t transactions;   /* W1: round trips; W2: bytes / 1460 */
	uint64_t bytes;          /* W2: bytes consumed by B */
	uint64_t errors;
	unsigned connected;
	struct tcp_pcb *client[MAX_CONNS];
	uint8_t block[TCP_MSS];
} g;

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "lwip-membench: %s%s%s\n", what, detail ? ": " : "",
		detail ? detail : "");
	exit(1);
}

static void *sym(struct lw *l, const char *name)
{
	void *p = dlsym(l->dl, name);

	if (p == NULL)
		die("missing lwIP symbol", name);
	return p;
}

#define BIND(l, name) (*(void **)&(l)->name = sym((l), #name))

static void load(struct lw *l)
{
	l->dl = dlmopen(LM_ID_NEWLM, LWIP_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (l->dl == NULL)
		die("cannot load " LWIP_SONAME " (apt install liblwip-dev)",
		    dlerror());
	BIND(l, lwip_init); BIND(l, netif_add); BIND(l, netif_set_up);
	BIND(l, netif_set_link_up); BIND(l, etharp_output);
	BIND(l, ethernet_input); BIND(l, pbuf_alloc); BIND(l, pbuf_free);
	BIND(l, pbuf_copy_partial); BIND(l, sys_check_timeouts);
	BIND(l, tcp_new); BIND(l, tcp_bind); BIND(l, tcp_listen_with_backlog);
	BIND(l, tcp_accept); BIND(l, tcp_arg); BIND(l, tcp_recv);
	BIND(l, tcp_sent); BIND(l, tcp_err); BIND(l, tcp_connect);
	BIND(l, tcp_write); BIND(l, tcp_output); BIND(l, tcp_recved);
	BIND(l, tcp_close);
}

/* ------------------------------------------------------------------ link */
/* A frame leaves @netif: copy it into a pbuf of the peer stack and queue it. */
static err_t link_output(struct netif *netif, struct pbuf *p)
{
	struct lw *me = netif->state, *peer = me->peer;
	struct pbuf *q;

	if (peer->rx_tail - peer->rx_head >= RXQ_SIZE) {
		me->dropped++;
		return ERR_OK;
	}
	q = peer->pbuf_alloc(PBUF_RAW, p->tot_len, PBUF_RAM);
	if (q == NULL) {
		me->dropped++;
		return ERR_OK;
	}
	me->pbuf_copy_partial(p, q->payload, p->tot_len, 0);
	peer->rxq[peer->rx_tail++ % RXQ_SIZE] = q;
	me->frames++;
	return ERR_OK;
}

static err_t netif_setup(struct netif *netif)
{
	struct lw *l = netif->state;

	netif->name[0] = 'm';
	netif->name[1] = 'l';
	netif->output = l->etharp_output;
	netif->linkoutput = link_output;
	netif->mtu = 1500;
	netif->hwaddr_len = 6;
	memcpy(netif->hwaddr, l->mac, 6);
	netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
		       NETIF_FLAG_ETHERNET | NETIF_FLAG_LINK_UP;
	return ERR_OK;
}

static void stack_up(struct lw *l, uint8_t last_octet)
{
	ip4_addr_t ip, mask, gw;

	IP4_ADDR(&ip, 198, 18, 0, last_octet);
	IP4_ADDR(&mask, 255, 255, 255, 0);
	IP4_ADDR(&gw, 0, 0, 0, 0);
	memcpy(l->mac, (uint8_t[]){ 0x02, 0, 0, 0, 0, last_octet }, 6);
	l->lwip_init();
	if (l->netif_add(&l->netif, &ip, &mask, &gw, l, netif_setup,
			 l->ethernet_input) == NULL)
		die("netif_add failed", NULL);
	l->netif_set_up(&l->netif);
	l->netif_set_link_up(&l->netif);
}

/* Hand the stack at most BURST queued frames. */
static unsigned stack_rx(struct lw *l)
{
	unsigned n = 0;

	while (n < BURST && l->rx_head != l->rx_tail) {
		struct pbuf *p = l->rxq[l->rx_head++ % RXQ_SIZE];

		if (l->netif.input(p, &l->netif) != ERR_OK)
			l->pbuf_free(p);
		n++;
	}
	return n;
}

static uint64_t now_ns(void);
static void turn(uint64_t *next_timers);

/* ------------------------------------------------------------ workloads */
static void on_err(void *arg, err_t err)
{
	(void)arg;
	fprintf(stderr, "lwip-membench: connection error %d\n", err);
	g.errors++;
}

static err_t srv_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	(void)arg;
	(void)err;
	if (p == NULL) {
		g.b.tcp_close(pcb);
		return ERR_OK;
	}
	g.b.tcp_recved(pcb, p->tot_len);
	if (g.wl == W1_PINGPONG) {
		uint8_t buf[64];
		u16_t n = g.b.pbuf_copy_partial(p, buf, sizeof(buf), 0);

		if (g.b.tcp_write(pcb, buf, n, TCP_WRITE_FLAG_COPY) != ERR_OK)
			g.errors++;
		g.b.tcp_output(pcb);
	} else {
		g.bytes += p->tot_len;
	}
	g.b.pbuf_free(p);
	return ERR_OK;
}

static err_t srv_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	(void)arg;
	if (err != ERR_OK || pcb == NULL)
		return ERR_VAL;
	tcp_nagle_disable(pcb);
	g.b.tcp_recv(pcb, srv_recv);
	g.b.tcp_err(pcb, on_err);
	return ERR_OK;
}

/* W2: keep lwIP's send buffer full with MSS-sized writes. */
static void bulk_fill(struct tcp_pcb *pcb)
{
	bool wrote = false;

	while (tcp_sndbuf(pcb) >= TCP_MSS &&
	       g.a.tcp_write(pcb, g.block, TCP_MSS, TCP_WRITE_FLAG_MORE) == ERR_OK)
		wrote = true;
	if (wrote)
		g.a.tcp_output(pcb);
}

static err_t cli_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	(void)arg;
	(void)len;
	bulk_fill(pcb);
	return ERR_OK;
}

static err_t cli_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	uint8_t byte = 'x';

	(void)arg;
	(void)err;
	if (p == NULL)
		return ERR_OK;
	g.a.tcp_recved(pcb, p->tot_len);
	g.a.pbuf_free(p);
	g.transactions++;
	if (g.a.tcp_write(pcb, &byte, 1, TCP_WRITE_FLAG_COPY) != ERR_OK)
		g.errors++;
	g.a.tcp_output(pcb);
	return ERR_OK;
}

static err_t cli_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	uint8_t byte = 'x';

	(void)arg;
	if (err != ERR_OK)
		return err;
	g.connected++;
	tcp_nagle_disable(pcb);
	if (g.wl == W2_BULK) {
		g.a.tcp_sent(pcb, cli_sent);
		bulk_fill(pcb);
		return ERR_OK;
	}
	g.a.tcp_recv(pcb, cli_recv);
	g.a.tcp_write(pcb, &byte, 1, TCP_WRITE_FLAG_COPY);
	g.a.tcp_output(pcb);
	return ERR_OK;
}

static void start(void)
{
	struct tcp_pcb *l = g.b.tcp_new();
	ip_addr_t any = { 0 }, dst;

	if (l == NULL || g.b.tcp_bind(l, &any, PORT) != ERR_OK)
		die("server bind failed", NULL);
	l = g.b.tcp_listen_with_backlog(l, 255);
	if (l == NULL)
		die("listen failed", NULL);
	g.b.tcp_accept(l, srv_accept);
	IP_ADDR4(&dst, 198, 18, 0, 2);
	for (unsigned i = 0; i < g.conns; i++) {
		uint64_t next_timers = 0, deadline = now_ns() + 5000000000ull;

		struct tcp_pcb *c = g.a.tcp_new();

		if (c == NULL)
			die("tcp_new failed", NULL);
		g.a.tcp_err(c, on_err);
		if (g.a.tcp_connect(c, &dst, PORT, cli_connected) != ERR_OK)
			die("tcp_connect failed", NULL);
		g.client[i] = c;
		/* One at a time: lwIP queues only ARP_QUEUE_LEN packets for an
		 * unresolved neighbour, and a dropped SYN would make set-up
		 * wait for a retransmission timer (wall-clock dependent). */
		while (g.connected <= i && now_ns() < deadline)
			turn(&next_timers);
	}
}

/* ------------------------------------------------------------------ loop */
static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t progress(void)
{
	return g.wl == W1_PINGPONG ? g.transactions : g.bytes / TCP_MSS;
}

/* One turn: each stack takes its frames; timers every millisecond. */
static void turn(uint64_t *next_timers)
{
	static unsigned turns;

	stack_rx(&g.b);
	stack_rx(&g.a);
	if ((++turns & 63) == 0) {
		uint64_t t = now_ns();

		if (t >= *next_timers) {
			g.a.sys_check_timeouts();
			g.b.sys_check_timeouts();
			*next_timers = t + 1000000;
		}
	}
}

static void usage(void)
{
	fprintf(stderr,
		"usage: lwip-membench [--workload pingpong|bulk] [--duration S]\n"
		"       [--warmup S] [--transactions N] [--conns N] [--json]\n"
		"  the W1/W2 workloads of rtestack-membench run by two lwIP\n"
		"  stacks (e1, software checksums) for side-by-side figures\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "workload", required_argument, NULL, 'w' },
		{ "duration", required_argument, NULL, 'd' },
		{ "warmup", required_argument, NULL, 'u' },
		{ "transactions", required_argument, NULL, 't' },
		{ "conns", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	double duration = 5, warmup = 1;
	uint64_t count = 0, t0, t1, p0, p1, next_timers = 0, deadline;
	bool json = false;
	int c;

	g.conns = 32;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'w':
			if (strcmp(optarg, "pingpong") == 0) g.wl = W1_PINGPONG;
			else if (strcmp(optarg, "bulk") == 0) g.wl = W2_BULK;
			else usage();
			break;
		case 'd': duration = atof(optarg); break;
		case 'u': warmup = atof(optarg); break;
		case 't': count = strtoull(optarg, NULL, 0); break;
		case 'c': g.conns = (unsigned)atoi(optarg); break;
		case 'j': json = true; break;
		default: usage();
		}
	}
	if (g.conns == 0 || g.conns > MAX_CONNS || duration <= 0)
		usage();
	if (g.wl == W2_BULK)
		g.conns = 1;
	memset(g.block, 'b', sizeof(g.block));
	load(&g.a);
	load(&g.b);
	g.a.peer = &g.b;
	g.b.peer = &g.a;
	stack_up(&g.a, 1);
	stack_up(&g.b, 2);
	start();
	/* Set-up: every connection established (ARP included). */
	deadline = now_ns() + 5000000000ull;
	while (g.connected < g.conns && now_ns() < deadline)
		turn(&next_timers);
	if (g.connected < g.conns)
		die("connections did not come up", NULL);
	if (count == 0) {
		deadline = now_ns() + (uint64_t)(warmup * 1e9);
		while (now_ns() < deadline)
			turn(&next_timers);
	}
	t0 = now_ns();
	p0 = progress();
	if (count != 0) {
		deadline = t0 + 60000000000ull;
		for (uint64_t k = 1; progress() - p0 < count && g.errors == 0; k++) {
			turn(&next_timers);
			if ((k & 4095) == 0 && now_ns() > deadline)
				die("the workload stalled", NULL);
		}
	} else {
		deadline = t0 + (uint64_t)(duration * 1e9);
		while (now_ns() < deadline) {
			for (int i = 0; i < 64; i++)
				turn(&next_timers);
		}
	}
	t1 = now_ns();
	p1 = progress();
	{
		double secs = (double)(t1 - t0) / 1e9;
		double rate = (double)(p1 - p0) / secs;
		double gbps = g.wl == W2_BULK ? (double)(p1 - p0) * TCP_MSS * 8 /
							secs / 1e9 : 0;

		if (json)
			printf("{\"workload\":\"%s\",\"stack\":\"lwip\",\"threads\":1,"
			       "\"mode\":\"e1\",\"checksum\":\"sw\",\"duration\":%.3f,"
			       "\"transactions\":%llu,\"conns\":%u,\"rps\":%.0f,"
			       "\"gbps\":%.3f,\"frames\":%llu,\"dropped\":%llu,"
			       "\"errors\":%llu}\n",
			       g.wl == W1_PINGPONG ? "pingpong" : "bulk", secs,
			       (unsigned long long)(p1 - p0), g.conns, rate, gbps,
			       (unsigned long long)(g.a.frames + g.b.frames),
			       (unsigned long long)(g.a.dropped + g.b.dropped),
			       (unsigned long long)g.errors);
		else if (g.wl == W1_PINGPONG)
			printf("lwip-membench: W1 pingpong e1 sw: %.3f M trans/s "
			       "(%llu in %.2f s, %u conns)\n", rate / 1e6,
			       (unsigned long long)(p1 - p0), secs, g.conns);
		else
			printf("lwip-membench: W2 bulk e1 sw: %.2f Gbit/s "
			       "(%llu segments in %.2f s)\n", gbps,
			       (unsigned long long)(p1 - p0), secs);
	}
	return g.errors != 0 || g.a.dropped + g.b.dropped != 0;
}
