/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Example: the smallest complete DPDK service on rtestack — a TCP and UDP
 * echo server on port 7, one lcore, one queue, run to completion.
 *
 *   cc dpdk_echo.c $(pkg-config --cflags --libs rtestack-dpdk) -o dpdk_echo
 *   ./dpdk_echo -l 0 --no-huge -m 512 --vdev net_tap0,iface=rts0 -- \
 *       198.18.0.2/24
 *
 * The loop is the whole integration: rts_dpdk_queue_poll() receives a
 * burst and runs the stack (handlers below fire from inside it), then
 * rts_flush() sends what the handlers queued. SIGINT/SIGTERM stop it; it
 * then closes everything and checks that every mbuf came back.
 */
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_malloc.h>

#include <rtestack/dpdk.h>
#include <rtestack/rtestack.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/*
 * TCP echo with back-pressure: data is consumed (the window reopens) only
 * once its echo is queued, so a peer that does not read its echoes is
 * slowed down instead of flooding us. What does not fit in the send buffer
 * waits in a per-connection FIFO until handlers->writable.
 */
struct pending {
	struct rts_pkt *p;       /* we own it; NULL once handed to the stack */
	uint32_t off, len;       /* the part not yet queued for sending */
	struct pending *next;
};

struct echo_conn {
	struct pending *head, *tail;
};

/* Queue as much of @q as the send buffer takes; bytes queued. */
static uint32_t send_some(struct rts_tcp_conn *c, struct pending *q)
{
	uint32_t done = 0;

	/* A whole chain starting at its payload: hand it over, no copy. */
	if (q->off == 0 && q->p->pkt_len == q->len &&
	    rts_tcp_send_space(c) >= q->len &&
	    rts_tcp_send_pkt(c, q->p) == (int)q->len) {
		done = q->len;
		q->p = NULL;
		q->len = 0;
		return done;
	}
	for (struct rts_pkt *s = q->p; s != NULL && q->len > 0; s = s->next) {
		uint32_t skip = q->off, n;
		int sent;

		/* q->off counts from the chain's first byte */
		for (struct rts_pkt *t = q->p; t != s; t = t->next)
			skip -= t->len;
		if (skip >= s->len)
			continue;
		n = s->len - skip < q->len ? s->len - skip : q->len;
		sent = rts_tcp_send(c, s->data + skip, n);
		if (sent <= 0)
			break;
		q->off += (uint32_t)sent;
		q->len -= (uint32_t)sent;
		done += (uint32_t)sent;
		if ((uint32_t)sent < n)
			break;
	}
	return done;
}

static void echo_flush(struct rts_tcp_conn *c, struct echo_conn *e)
{
	while (e->head != NULL) {
		struct pending *q = e->head;
		uint32_t n = send_some(c, q);

		if (n)
			rts_tcp_consumed(c, n);
		if (q->len != 0)
			return;           /* send buffer full: wait for writable */
		if (q->p != NULL)
			rts_pkt_free(rts_tcp_ctx(c), q->p);
		e->head = q->next;
		free(q);
	}
	e->tail = NULL;
}

static void tcp_data(struct rts_tcp_conn *c, void *user, struct rts_pkt *p,
		     uint32_t off, uint32_t len)
{
	struct echo_conn *e = user;
	struct pending *q = malloc(sizeof(*q));

	if (q == NULL) {
		rts_pkt_free(rts_tcp_ctx(c), p);
		rts_tcp_abort(c);        /* out of memory: give this one up */
		return;
	}
	*q = (struct pending){ .p = p, .off = off, .len = len };
	if (e->tail != NULL)
		e->tail->next = q;
	else
		e->head = q;
	e->tail = q;
	echo_flush(c, e);
}

static void tcp_writable(struct rts_tcp_conn *c, void *user)
{
	echo_flush(c, user);
}

static void tcp_peer_closed(struct rts_tcp_conn *c, void *user)
{
	(void)user;
	rts_tcp_close(c);         /* FIN goes after the queued echo */
}

static void tcp_closed(struct rts_tcp_conn *c, void *user, int reason)
{
	struct echo_conn *e = user;

	(void)reason;
	while (e->head != NULL) {
		struct pending *q = e->head;

		if (q->p != NULL)
			rts_pkt_free(rts_tcp_ctx(c), q->p);
		e->head = q->next;
		free(q);
	}
	free(e);
}

static int tcp_accepted(struct rts_tcp_conn *c, void *user)
{
	struct echo_conn *e = calloc(1, sizeof(*e));

	(void)user;
	if (e == NULL)
		return -1;                /* refused: the peer gets a RST */
	rts_tcp_set_user(c, e);
	rts_tcp_set_nagle(c, false);
	return 0;
}

static const struct rts_tcp_handlers echo_tcp = {
	.accepted = tcp_accepted, .data = tcp_data, .writable = tcp_writable,
	.peer_closed = tcp_peer_closed, .closed = tcp_closed,
};

/* UDP echo: send the datagram back to where it came from. */
static void udp_rx(struct rts_ctx *ctx, void *user,
		   const struct rts_endpoint *from, const struct rts_endpoint *to,
		   struct rts_pkt *p, uint32_t off, uint32_t len)
{
	static uint8_t buf[65536];
	uint32_t done = 0;

	(void)user;
	for (struct rts_pkt *s = p; s != NULL && done < len; s = s->next) {
		uint32_t n;

		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		n = s->len - off < len - done ? s->len - off : len - done;
		memcpy(buf + done, s->data + off, n);
		done += n;
		off = 0;
	}
	rts_pkt_free(ctx, p);
	rts_udp_sendto(ctx, to->port, from, buf, len);
}

static int parse_addr(const char *s, struct rts_ip *ip, uint8_t *prefix)
{
	char a[64];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	uint8_t v4[4];

	if (slash == NULL || n >= sizeof(a))
		return -1;
	memcpy(a, s, n);
	a[n] = '\0';
	*prefix = (uint8_t)atoi(slash + 1);
	memset(ip, 0, sizeof(*ip));
	if (inet_pton(AF_INET, a, v4) == 1) {
		*ip = rts_ip4(v4[0], v4[1], v4[2], v4[3]);
		return 0;
	}
	return inet_pton(AF_INET6, a, ip->u8) == 1 ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct rts_dpdk_port_conf pc;
	struct rts_dpdk_port *port;
	struct rts_dpdk_queue *dq;
	struct rts_config cfg;
	struct rts_endpoint any = { .port = 7 };
	struct rts_ctx *ctx;
	void *mem;
	int n, err = 0, leaked;

	rts_dpdk_claim_rt_signals();              /* net_tap: poll, no signals */
	n = rte_eal_init(argc, argv);
	if (n < 0) {
		fprintf(stderr, "dpdk_echo: EAL initialisation failed\n");
		return 1;
	}
	argc -= n;
	argv += n;
	rts_config_default(&cfg);
	for (int i = 1; i < argc; i++) {
		struct rts_ip ip;
		uint8_t prefix;

		if (parse_addr(argv[i], &ip, &prefix) != 0 ||
		    rts_config_add_addr(&cfg, &ip, prefix) != 0) {
			fprintf(stderr, "dpdk_echo: want ADDR/PREFIX, got '%s'\n",
				argv[i]);
			return 1;
		}
	}
	if (cfg.n_addrs == 0) {
		fprintf(stderr, "usage: dpdk_echo [EAL args] -- ADDR/PREFIX ...\n");
		return 1;
	}
	rts_dpdk_port_conf_default(&pc);
	pc.n_queues = 1;
	port = rts_dpdk_port_create(&pc, &err);
	if (port == NULL) {
		fprintf(stderr, "dpdk_echo: port: %s\n", rts_strerror(err));
		return 1;
	}
	dq = rts_dpdk_port_queue(port, 0);
	rts_dpdk_queue_config(dq, &cfg);          /* MAC, MTU, offloads, seed */
	mem = rte_zmalloc("ctx", rts_ctx_mem_size(&cfg), 64);
	ctx = mem ? rts_ctx_init(mem, rts_ctx_mem_size(&cfg), &cfg, &rts_dpdk_ops,
				 dq, rts_dpdk_now_ns()) : NULL;
	if (ctx == NULL) {
		fprintf(stderr, "dpdk_echo: no context\n");
		return 1;
	}
	rts_dpdk_queue_attach(dq, ctx);
	if (rts_tcp_listen(ctx, &any, 0, &echo_tcp, NULL, &err) == NULL ||
	    rts_udp_bind(ctx, &any, udp_rx, NULL, &err) == NULL) {
		fprintf(stderr, "dpdk_echo: port 7: %s\n", rts_strerror(err));
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("dpdk_echo: ready\n");
	fflush(stdout);
	while (!stop) {
		rts_dpdk_queue_poll(dq, rts_dpdk_now_ns());
		rts_flush(ctx);
	}
	printf("dpdk_echo: %llu TCP segments in, %llu UDP datagrams in\n",
	       (unsigned long long)rts_ctx_counters(ctx)->tcp_rx,
	       (unsigned long long)rts_ctx_counters(ctx)->udp_rx);
	rts_ctx_fini(ctx, rts_dpdk_now_ns());
	rts_dpdk_queue_detach(dq);
	rte_free(mem);
	leaked = rts_dpdk_port_destroy(port);
	printf("dpdk_echo: mbufs leaked: %d\n", leaked);
	rte_eal_cleanup();
	return leaked == 0 ? 0 : 1;
}
