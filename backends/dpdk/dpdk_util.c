/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack DPDK backend — time, signals, logging and statistics.
 */
#include <signal.h>
#include <string.h>

#include <rte_cycles.h>

#include "dpdk_internal.h"

RTE_LOG_REGISTER(rts_dpdk_logtype, rtestack.dpdk, INFO);

/* ------------------------------------------------------------------ time */
static uint64_t tsc_base;
static uint64_t tsc_mult; /* ns per cycle, 32.32 fixed point */

uint64_t rts_dpdk_now_ns(void)
{
	uint64_t tsc = rte_rdtsc();

	if (unlikely(tsc_mult == 0)) {
		tsc_base = tsc;
		tsc_mult = (uint64_t)((1000000000ull << 32) / rte_get_tsc_hz());
	}
	/* Start at 1 s so "0" never looks like a real time to the stack. */
	return 1000000000ull +
	       (uint64_t)(((unsigned __int128)(tsc - tsc_base) * tsc_mult) >> 32);
}

/* --------------------------------------------------------------- signals */
static void rt_noop(int sig)
{
	(void)sig;
}

int rts_dpdk_claim_rt_signals(void)
{
	struct sigaction sa;
	int n = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = rt_noop;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (int s = SIGRTMIN + 1; s < SIGRTMAX; s++) {
		struct sigaction old;

		if (sigaction(s, NULL, &old) == 0 && old.sa_handler == SIG_DFL &&
		    sigaction(s, &sa, NULL) == 0)
			n++;
	}
	return n;
}

/* ------------------------------------------------------------ statistics */
const char *rts_dpdk_steering_name(enum rts_dpdk_steering s)
{
	switch (s) {
	case RTS_DPDK_STEER_SINGLE:
		return "single";
	case RTS_DPDK_STEER_RSS:
		return "rss";
	case RTS_DPDK_STEER_REDIRECT:
		return "redirect";
	}
	return "?";
}

static const char *const stat_names[] = {
#define RTS_DPDK_STAT_NAME(n) #n,
	RTS_DPDK_QUEUE_COUNTERS(RTS_DPDK_STAT_NAME)
#undef RTS_DPDK_STAT_NAME
};

void rts_dpdk_port_print_stats(const struct rts_dpdk_port *p, FILE *f,
			       const char *prefix)
{
	struct rte_eth_stats es;
	uint64_t sum[RTE_DIM(stat_names)];

	memset(sum, 0, sizeof(sum));
	for (uint16_t q = 0; q < p->n_queues; q++) {
		const uint64_t *v = (const uint64_t *)&p->queues[q].st;

		for (unsigned i = 0; i < RTE_DIM(stat_names); i++)
			sum[i] += v[i];
	}
	for (unsigned i = 0; i < RTE_DIM(stat_names); i++)
		if (sum[i] != 0)
			fprintf(f, "%sbackend.%s %llu\n", prefix, stat_names[i],
				(unsigned long long)sum[i]);
	if (rte_eth_stats_get(p->port_id, &es) == 0) {
		fprintf(f, "%sport.ipackets %llu\n%sport.opackets %llu\n"
			   "%sport.ibytes %llu\n%sport.obytes %llu\n",
			prefix, (unsigned long long)es.ipackets, prefix,
			(unsigned long long)es.opackets, prefix,
			(unsigned long long)es.ibytes, prefix,
			(unsigned long long)es.obytes);
		if (es.imissed || es.ierrors || es.oerrors || es.rx_nombuf)
			fprintf(f, "%sport.imissed %llu\n%sport.ierrors %llu\n"
				   "%sport.oerrors %llu\n%sport.rx_nombuf %llu\n",
				prefix, (unsigned long long)es.imissed, prefix,
				(unsigned long long)es.ierrors, prefix,
				(unsigned long long)es.oerrors, prefix,
				(unsigned long long)es.rx_nombuf);
	}
}
