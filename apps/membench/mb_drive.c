/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack-membench — building the two stacks and driving them.
 *
 * e1: one thread alternates between the contexts, handing each the frames
 * the other emitted, at most 32 per rts_input() call.
 * e2: one thread per context, pinned to CPU 0 and CPU 1; the link is two
 * lock-free SPSC rings and the pools take frees from the other thread.
 * The clock is CLOCK_MONOTONIC, read here and passed in: the core never
 * reads one.
 */
#define _GNU_SOURCE
#include "membench.h"

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

uint64_t mb_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void pin_to_cpu(int cpu)
{
	cpu_set_t set;
	int rc;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	rc = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	if (rc != 0)
		fprintf(stderr, "membench: cannot pin to CPU %d: %s\n", cpu,
			strerror(rc));
}

static void side_config(const struct mb *mb, int s, struct rts_config *cfg)
{
	uint8_t plen;
	struct rts_ip ip = mb_side_ip(mb, s, &plen);

	rts_config_default(cfg);
	cfg->mac = (struct rts_mac){ { 0x02, 0, 0, 0, 0, (uint8_t)(1 + s) } };
	rts_config_add_addr(cfg, &ip, plen);
	mb_family_config(mb, cfg);
	cfg->max_tcp_conns = mb->opt.conns + 16;
	/* Every SYN waits for the first ARP answer instead of a 1 s RTO. */
	cfg->neigh_pending_max = (uint16_t)(mb->opt.conns < 1000
					    ? mb->opt.conns + 8 : 1008);
	cfg->seed[0] = 0x6d656d62656e6368ull + (uint64_t)s;
	cfg->seed[1] = 0x1234;
	ml_ep_caps(mb->side[s].ep, &cfg->caps);
}

static int make_side(struct mb *mb, int s)
{
	struct mb_side *sd = &mb->side[s];
	struct rts_config cfg;
	size_t sz;

	sd->mb = mb;
	sd->id = s;
	sd->ep = ml_link_ep(mb->link, s);
	side_config(mb, s, &cfg);
	sz = (rts_ctx_mem_size(&cfg) + 63) & ~(size_t)63;
	if (sz == 0)
		return -1;
	sd->ctx_mem = aligned_alloc(64, sz);
	if (sd->ctx_mem == NULL)
		return -1;
	sd->ctx = rts_ctx_init(sd->ctx_mem, sz, &cfg, ml_backend_ops(),
			       sd->ep, mb_now_ns());
	return sd->ctx ? 0 : -1;
}

int mb_setup(struct mb *mb)
{
	struct ml_pool_config pc;
	struct ml_link_config lc;

	ml_pool_config_default(&pc);
	/* Bulk keeps a 1 MiB send buffer, its clones and the receive queue. */
	pc.n_bufs = mb->opt.workload == MB_BULK ? 16384 : 4096;
	pc.threaded = mb->opt.threads == 2;
	ml_link_config_default(&lc);
	lc.csum = mb->opt.csum;
	lc.threaded = mb->opt.threads == 2;
	/* Seeded loss in both directions (e1: the threaded link is perfect). */
	lc.dir[0].loss_ppm = lc.dir[1].loss_ppm = mb->opt.loss_ppm;
	for (int s = 0; s < 2; s++) {
		mb->side[s].pool = ml_pool_create(&pc);
		if (mb->side[s].pool == NULL)
			return -1;
		lc.pool[s] = mb->side[s].pool;
	}
	mb->link = ml_link_create(&lc);
	if (mb->link == NULL)
		return -1;
	ml_link_set_now(mb->link, mb_now_ns());
	if (make_side(mb, 0) != 0 || make_side(mb, 1) != 0) {
		fprintf(stderr, "membench: context initialisation failed\n");
		return -1;
	}
	mb->conns = calloc(mb->opt.conns, sizeof(*mb->conns));
	mb->payload = calloc(1, 65536);
	if (mb->conns == NULL || mb->payload == NULL)
		return -1;
	for (int i = 0; i < 65536; i++)
		mb->payload[i] = (uint8_t)(i * 7);
	mb->phase = MB_SETUP;
	mb->t_phase = mb_now_ns();
	return mb_workload_start(mb);
}

/* One poll of side @s: what arrived, then timers and transmissions. */
static inline void poll_side(struct mb *mb, int s, uint64_t now)
{
	struct rts_pkt *pkts[MB_BURST];
	struct mb_side *sd = &mb->side[s];
	unsigned n = ml_ep_rx_burst(sd->ep, pkts, MB_BURST, now);

	rts_input(sd->ctx, pkts, n, now);
}

static void run_e1(struct mb *mb)
{
	if (!mb->opt.no_pin)
		pin_to_cpu(0);
	for (;;) {
		uint64_t now = mb_now_ns();

		ml_link_set_now(mb->link, now);
		poll_side(mb, 0, now);
		poll_side(mb, 1, now);
		if (mb_measure_tick(mb, now))
			break;
	}
}

static void *run_e2_side(void *arg)
{
	struct mb_side *sd = arg;
	struct mb *mb = sd->mb;
	bool measures = sd->id == mb->measure_side;

	if (!mb->opt.no_pin)
		pin_to_cpu(sd->id);
	while (!atomic_load_explicit(&mb->stop, memory_order_relaxed)) {
		uint64_t now = mb_now_ns();

		poll_side(mb, sd->id, now);
		if (measures && mb_measure_tick(mb, now))
			atomic_store_explicit(&mb->stop, true,
					      memory_order_relaxed);
	}
	return NULL;
}

static int run_e2(struct mb *mb)
{
	pthread_t th[2];

	atomic_store(&mb->stop, false);
	for (int s = 0; s < 2; s++) {
		if (pthread_create(&th[s], NULL, run_e2_side, &mb->side[s]) !=
		    0) {
			fprintf(stderr, "membench: pthread_create failed\n");
			if (s == 1) {
				atomic_store(&mb->stop, true);
				pthread_join(th[0], NULL);
			}
			return -1;
		}
	}
	pthread_join(th[0], NULL);
	pthread_join(th[1], NULL);
	return 0;
}

int mb_run(struct mb *mb)
{
	int rc = 0;

	if (mb->opt.threads == 2)
		rc = run_e2(mb);
	else
		run_e1(mb);
	if (rc == 0 && mb->res.seconds == 0 && mb->res.transactions == 0)
		rc = -1; /* set-up failed */
	return rc;
}

void mb_teardown(struct mb *mb)
{
	uint64_t now = mb_now_ns();

	if (mb->side[0].ctx)
		mb->res.retrans =
			rts_ctx_counters(mb->side[0].ctx)->tcp_tx_retrans;
	for (int s = 0; s < 2; s++) {
		if (mb->link)
			ml_link_set_now(mb->link, now);
		if (mb->side[s].ctx)
			rts_ctx_fini(mb->side[s].ctx, now);
	}
	if (mb->link) {
		for (int d = 0; d < 2; d++) {
			struct ml_dir_stats st;

			ml_link_get_stats(mb->link, d, &st);
			mb->res.frames += st.frames;
		}
		ml_link_drain(mb->link);
	}
	mb->res.leaked = 0;
	for (int s = 0; s < 2; s++)
		if (mb->side[s].pool)
			mb->res.leaked += ml_pool_in_use(mb->side[s].pool);
	ml_link_destroy(mb->link);
	for (int s = 0; s < 2; s++) {
		free(mb->side[s].ctx_mem);
		ml_pool_destroy(mb->side[s].pool);
	}
	free(mb->conns);
	free(mb->payload);
}
