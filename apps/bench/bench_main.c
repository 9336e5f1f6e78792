/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack-bench — a bench-style server and client on rtestack + DPDK.
 *
 * Every lcore of the EAL core list drives one queue of the port with its
 * own stack context (run to completion). The first lcore also prints the
 * per-interval lines and decides when the run ends.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "app_eal.h"
#include "bench.h"

volatile int bench_stop;

static struct {
	struct bench_opts o;
	struct rts_dpdk_port *port;
	struct bench_lcore *lcs[RTE_MAX_LCORE];
	unsigned n;
	uint64_t start_ns;
	volatile bool all_quiet;
} g;

static void on_signal(int sig)
{
	(void)sig;
	bench_stop = 1;
}

static const struct bench_workload_ops *pick_workload(const struct bench_opts *o)
{
	if (o->proto == PROTO_UDP)
		return &bench_udp_ops;
	if (o->proto == PROTO_ICMP)
		return &bench_ping_ops;
	return o->wl == WL_HTTP ? &bench_http_ops : &bench_tcp_ops;
}

/* ------------------------------------------------------------- contexts */
static void fill_config(const struct bench_lcore *lc, struct rts_config *cfg)
{
	const struct bench_opts *o = lc->o;

	rts_config_default(cfg);
	rts_dpdk_queue_config(lc->dq, cfg);
	for (unsigned i = 0; i < o->n_addrs; i++)
		rts_config_add_addr(cfg, &o->addrs[i].ip, o->addrs[i].prefix);
	if (o->have_gw) {
		if (rts_ip_is_v4(&o->gw))
			cfg->gw4 = o->gw;
		else
			cfg->gw6 = o->gw;
	}
	cfg->max_tcp_conns = o->max_conns;
	if (o->rcvbuf)
		cfg->tcp.rcv_buf = o->rcvbuf;
	if (o->sndbuf)
		cfg->tcp.snd_buf = o->sndbuf;
	cfg->tcp.nagle = !o->nodelay;
	cfg->tcp.rto_min_us = o->rto_min_us;
	cfg->tcp.delack_us = o->delack_us;
	/* Enough backlog for wrk-style bursts of connections. */
	cfg->tcp.listen_backlog = 1024;
	cfg->max_udp_binds = 64;
	/* Many connections may wait for the same first ARP answer. */
	cfg->neigh_pending_max = 64;
	cfg->user = (void *)(uintptr_t)lc;
	if (o->proto == PROTO_ICMP)
		cfg->handlers = &bench_ping_handlers;
}

static int ctx_setup(struct bench_lcore *lc)
{
	struct rts_config cfg;
	size_t size;

	fill_config(lc, &cfg);
	size = rts_ctx_mem_size(&cfg);
	if (size == 0) {
		fprintf(stderr, "rtestack-bench: invalid stack configuration\n");
		return -EINVAL;
	}
	lc->ctx_mem = rte_zmalloc_socket("rts_ctx", size, 64, (int)rte_socket_id());
	if (lc->ctx_mem == NULL) {
		fprintf(stderr, "rtestack-bench: lcore %u: no memory for a context "
			"of %zu bytes (lower --max-conns or give EAL more memory)\n",
			lc->lcore_id, size);
		return -ENOMEM;
	}
	lc->ctx = rts_ctx_init(lc->ctx_mem, size, &cfg, &rts_dpdk_ops, lc->dq,
			       rts_dpdk_now_ns());
	if (lc->ctx == NULL) {
		fprintf(stderr, "rtestack-bench: rts_ctx_init failed\n");
		return -EINVAL;
	}
	rts_dpdk_queue_attach(lc->dq, lc->ctx);
	return 0;
}

/* --------------------------------------------------------------- the loop */
static bool everyone(bool (*pred)(const struct bench_lcore *))
{
	for (unsigned i = 0; i < g.n; i++)
		if (!pred(g.lcs[i]))
			return false;
	return true;
}

static bool is_finished(const struct bench_lcore *lc)
{
	return lc->finished || lc->done;
}

static bool is_quiet(const struct bench_lcore *lc)
{
	return lc->quiet || lc->done;
}

/* The first lcore's extra duties: reports and the end of the run. */
static void main_duties(struct bench_lcore *lc, uint64_t now, uint64_t *next_report)
{
	const struct bench_opts *o = lc->o;
	double t = (double)(now - g.start_ns) / 1e9;

	if (now >= *next_report) {
		if (!o->quiet)
			bench_report_interval(g.lcs, g.n, o, t, o->interval);
		*next_report += (uint64_t)(o->interval * 1e9);
	}
	if (o->duration > 0 && t >= o->duration)
		bench_stop = 1;
	if (o->role == ROLE_CLIENT && (o->bytes || o->requests) &&
	    everyone(is_finished))
		bench_stop = 1;
}

static void idle_pause(const struct bench_opts *o, unsigned *empty, unsigned n)
{
	struct timespec ts;

	if (n > 0 || o->idle_sleep_us == 0) {
		*empty = 0;
		return;
	}
	if (++*empty < 1024)
		return;
	ts.tv_sec = 0;
	ts.tv_nsec = (long)o->idle_sleep_us * 1000;
	nanosleep(&ts, NULL);
}

static void run_turn(struct bench_lcore *lc, uint64_t now, unsigned *empty)
{
	unsigned n = rts_dpdk_queue_poll(lc->dq, now);

	lc->wl->tick(lc, now);
	rts_flush(lc->ctx);
	if (!lc->finished && lc->wl->finished(lc))
		lc->finished = true;
	idle_pause(lc->o, empty, n);
}

/* Close everything and keep polling (all lcores together) until closed. */
static void wind_down(struct bench_lcore *lc)
{
	uint64_t now = rts_dpdk_now_ns(), deadline = now + 3000000000ull;
	unsigned empty = 0;

	lc->wl->stop(lc);
	rts_flush(lc->ctx);
	while (now < deadline) {
		run_turn(lc, now, &empty);
		lc->quiet = lc->wl->idle(lc);
		if (lc->idx == 0 && everyone(is_quiet))
			g.all_quiet = true;
		if (g.all_quiet)
			break;
		now = rts_dpdk_now_ns();
	}
	lc->quiet = true;
}

static int lcore_main(void *arg)
{
	struct bench_lcore *lc = arg;
	uint64_t now, next_report;
	unsigned empty = 0;
	int rc;

	rc = ctx_setup(lc);
	if (rc == 0) {
		rc = lc->wl->start(lc);
		if (rc != 0)
			fprintf(stderr, "rtestack-bench: lcore %u: %s start: %s\n",
				lc->lcore_id, lc->wl->name, rts_strerror(rc));
	}
	if (rc != 0) {
		lc->rc = 1;
		bench_stop = 1;
		lc->quiet = true;
		lc->done = true;
		return 0;
	}
	lc->start_ns = rts_dpdk_now_ns();
	lc->ready = true;
	if (lc->idx == 0) {
		/* "ready": every context exists and listens or has connected. */
		for (unsigned i = 1; i < g.n; i++)
			while (!g.lcs[i]->ready && !g.lcs[i]->done)
				rte_pause();
		/* With --json, stdout carries nothing but JSON objects. */
		fprintf(lc->o->json ? stderr : stdout, "rtestack-bench: ready\n");
		fflush(stdout);
	}
	next_report = g.start_ns + (uint64_t)(lc->o->interval * 1e9);
	while (!bench_stop) {
		now = rts_dpdk_now_ns();
		run_turn(lc, now, &empty);
		if (lc->idx == 0)
			main_duties(lc, now, &next_report);
	}
	lc->end_ns = rts_dpdk_now_ns();
	wind_down(lc);
	rts_ctx_fini(lc->ctx, rts_dpdk_now_ns());
	rts_dpdk_queue_detach(lc->dq);
	lc->done = true;
	return 0;
}

/* ------------------------------------------------------------------ setup */
static void eal_failed(int argc, char **argv)
{
	bool no_huge = false;

	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], "--no-huge") == 0)
			no_huge = true;
	fprintf(stderr, "rtestack-bench: DPDK EAL initialisation failed: %s\n",
		rte_strerror(rte_errno));
	if (!no_huge)
		fprintf(stderr,
			"rtestack-bench: no hugepages? reserve some (echo 512 > "
			"/proc/sys/vm/nr_hugepages) and add --in-memory, or run "
			"without them: --no-huge -m 512\n");
	fprintf(stderr,
		"rtestack-bench: another DPDK process running? give each a "
		"distinct --file-prefix (or use --in-memory); not root? DPDK "
		"needs root or the right capabilities\n");
}

static int make_port(void)
{
	struct rts_dpdk_port_conf pc;
	int err;

	rts_dpdk_port_conf_default(&pc);
	pc.port_id = g.o.port_id;
	pc.n_queues = (uint16_t)g.n;
	pc.mtu = g.o.mtu;
	pc.n_mbufs = g.o.mbufs;
	pc.offloads &= g.o.offloads;
	pc.lro = g.o.lro;
	pc.force_redirect = g.o.force_redirect;
	pc.impair = g.o.impair;
	pc.impair_seed = g.o.impair_seed;
	pc.log = g.o.json ? stderr : stdout;
	g.port = rts_dpdk_port_create(&pc, &err);
	if (g.port == NULL) {
		fprintf(stderr, "rtestack-bench: cannot set up port %u: %s\n",
			g.o.port_id, strerror(-err));
		return -1;
	}
	return 0;
}

static int make_lcores(void)
{
	unsigned lcore_id, i = 0;

	RTE_LCORE_FOREACH(lcore_id) {
		struct bench_lcore *lc = rte_zmalloc_socket("bench_lcore",
							    sizeof(*lc), 64,
							    (int)rte_lcore_to_socket_id(lcore_id));

		if (lc == NULL)
			return -1;
		lc->idx = i;
		lc->lcore_id = lcore_id;
		lc->o = &g.o;
		lc->wl = pick_workload(&g.o);
		g.lcs[i++] = lc;
	}
	g.n = i;
	return 0;
}

/* Launch the workers, run the first lcore here, wait for all of them. */
static void run_lcores(void)
{
	g.start_ns = rts_dpdk_now_ns();
	for (unsigned i = 1; i < g.n; i++)
		rte_eal_remote_launch(lcore_main, g.lcs[i], g.lcs[i]->lcore_id);
	lcore_main(g.lcs[0]);
	rte_eal_mp_wait_lcore();
}

static int verdict(uint64_t leaked)
{
	int rc = 0;

	for (unsigned i = 0; i < g.n; i++) {
		const struct bench_lcore *lc = g.lcs[i];

		if (lc->rc != 0)
			rc = 1;
		if (g.o.role == ROLE_CLIENT && (g.o.bytes || g.o.requests) &&
		    !lc->finished) {
			fprintf(stderr, "rtestack-bench: lcore %u did not complete "
				"its work\n", lc->lcore_id);
			rc = 1;
		}
		if (g.o.role == ROLE_CLIENT &&
		    (lc->st.errors || lc->st.conns_failed))
			rc = 1;
	}
	if (leaked != 0)
		rc = 1;
	return rc;
}

int main(int argc, char **argv)
{
	unsigned start_in_use, end_in_use;
	int n, after_close, rc;
	uint64_t run_ns = 0;
	FILE *out;

	app_install_signals(on_signal);
	n = rte_eal_init(argc, argv);
	if (n < 0) {
		eal_failed(argc, argv);
		return 1;
	}
	argc -= n;
	argv += n;
	if (bench_parse_opts(argc, argv, &g.o) != 0 || make_lcores() != 0 ||
	    make_port() != 0) {
		rte_eal_cleanup();
		return 1;
	}
	for (unsigned i = 0; i < g.n; i++)
		g.lcs[i]->dq = rts_dpdk_port_queue(g.port, (uint16_t)i);
	out = g.o.json ? stderr : stdout;
	(void)bench_pattern_at(0); /* build the table before the lcores share it */
	start_in_use = rts_dpdk_port_mbufs_in_use(g.port);
	run_lcores();
	for (unsigned i = 0; i < g.n; i++)
		if (g.lcs[i]->end_ns > g.lcs[i]->start_ns &&
		    g.lcs[i]->end_ns - g.lcs[i]->start_ns > run_ns)
			run_ns = g.lcs[i]->end_ns - g.lcs[i]->start_ns;
	bench_report_summary(g.lcs, g.n, &g.o, (double)run_ns / 1e9);
	fprintf(out, "rtestack-bench: final counters (all lcores)\n");
	bench_print_counters(g.lcs, g.n, out);
	rts_dpdk_port_print_stats(g.port, out, "  ");
	end_in_use = rts_dpdk_port_mbufs_in_use(g.port);
	for (unsigned i = 0; i < g.n; i++)
		rte_free(g.lcs[i]->ctx_mem);
	after_close = rts_dpdk_port_destroy(g.port);
	/*
	 * Some devices keep sent mbufs until their ring wraps, so the count
	 * that proves nothing leaked is the one once the port is closed.
	 */
	fprintf(out, "rtestack-bench: mbufs in use: start %u, end %u, after "
		"close %d: leaked %d\n", start_in_use, end_in_use, after_close,
		after_close);
	rc = verdict((uint64_t)(after_close > 0 ? after_close : 0));
	fprintf(out, "rtestack-bench: exit %d\n", rc);
	for (unsigned i = 0; i < g.n; i++)
		rte_free(g.lcs[i]);
	rte_eal_cleanup();
	return rc;
}
