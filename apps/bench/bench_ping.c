/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack-bench — ICMP / ICMPv6 echo client (--proto icmp --role client).
 *
 * The first lcore sends echo requests to --server through rts_ping(), one
 * outstanding at a time: the next goes out when the reply arrives or after
 * a second of silence (counted lost). Every reply prints a line like
 * ping(8); the summary says "N sent, N received". Other lcores only run
 * their context. The run fails (exit 1) unless every request was answered.
 */
#include <string.h>

#include <rte_malloc.h>

#include "bench.h"

#define PING_TIMEOUT_NS 1000000000ull
#define PING_DEFAULT_COUNT 5

struct ping_state {
	uint16_t id;
	uint16_t seq;            /* of the outstanding request */
	uint64_t count;          /* requests to send */
	uint64_t sent, received, lost, send_errors;
	uint64_t sent_ns;
	uint64_t rtt_min, rtt_max, rtt_sum;
	bool waiting;
	bool reported;
};

static void on_echo_reply(struct rts_ctx *ctx, void *user,
			  const struct rts_ip *from, uint16_t id, uint16_t seq,
			  uint32_t len, uint64_t rtt_ns)
{
	struct bench_lcore *lc = user;
	struct ping_state *s = lc->wl_state;
	char addr[64];

	(void)ctx;
	if (s == NULL || id != s->id || !s->waiting || seq != s->seq ||
	    memcmp(from, &lc->o->server, sizeof(*from)) != 0) {
		lc->st.errors += s != NULL && id == s->id; /* stray or late */
		return;
	}
	s->waiting = false;
	s->received++;
	s->rtt_sum += rtt_ns;
	if (s->received == 1 || rtt_ns < s->rtt_min)
		s->rtt_min = rtt_ns;
	if (rtt_ns > s->rtt_max)
		s->rtt_max = rtt_ns;
	lc->st.requests++;
	lc->st.rx_bytes += len;
	hist_add(&lc->hist, rtt_ns);
	if (s->received == s->count)
		lc->finished_conns = 1;
	app_ip_str(from, addr, sizeof(addr));
	if (!lc->o->quiet)
		printf("rtestack-bench: %u bytes from %s: seq=%u time=%.1f us\n",
		       len, addr, seq, (double)rtt_ns / 1e3);
}

const struct rts_ctx_handlers bench_ping_handlers = {
	.echo_reply = on_echo_reply,
};

static int ping_start(struct bench_lcore *lc)
{
	struct ping_state *s;

	if (lc->o->role != ROLE_CLIENT) {
		fprintf(stderr, "rtestack-bench: --proto icmp runs as a client "
			"(the stack always answers pings)\n");
		return RTS_EINVAL;
	}
	s = rte_zmalloc("ping_state", sizeof(*s), 64);
	if (s == NULL)
		return RTS_ENOMEM;
	s->id = (uint16_t)(0x5254 + lc->idx);
	s->count = lc->idx != 0 ? 0 :
		   lc->o->requests ? lc->o->requests : PING_DEFAULT_COUNT;
	lc->wl_state = s;
	lc->finished_conns = s->count == 0;
	return 0;
}

static void send_request(struct bench_lcore *lc, struct ping_state *s,
			 uint64_t now)
{
	int rc;

	s->seq++;
	rc = rts_ping(lc->ctx, &lc->o->server, s->id, s->seq, lc->o->size);
	s->sent++;
	s->sent_ns = now;
	s->waiting = true;
	lc->st.tx_bytes += lc->o->size;
	if (rc < 0) {
		/* The neighbour may still be resolving: the request is queued
		 * or dropped by the stack, and the timeout below covers both. */
		s->send_errors++;
	}
}

static void ping_tick(struct bench_lcore *lc, uint64_t now)
{
	struct ping_state *s = lc->wl_state;

	if (s == NULL || lc->finished_conns ||
	    now < lc->start_ns + (uint64_t)(lc->o->ping_wait * 1e9))
		return;
	if (s->waiting) {
		if (now < s->sent_ns || now - s->sent_ns < PING_TIMEOUT_NS)
			return;
		s->waiting = false;
		s->lost++;
		printf("rtestack-bench: no reply to seq=%u\n", s->seq);
		if (s->sent == s->count) {
			lc->finished_conns = 1;  /* done, with losses */
			return;
		}
	}
	if (s->sent < s->count)
		send_request(lc, s, now);
}

static void ping_stop(struct bench_lcore *lc)
{
	struct ping_state *s = lc->wl_state;
	char addr[64];
	uint64_t avg;

	if (s == NULL || s->count == 0 || s->reported)
		return;
	s->reported = true;
	app_ip_str(&lc->o->server, addr, sizeof(addr));
	avg = s->received ? s->rtt_sum / s->received : 0;
	printf("rtestack-bench: ping %s: %llu sent, %llu received, %.1f%% loss, "
	       "rtt min/avg/max %.1f/%.1f/%.1f us\n", addr,
	       (unsigned long long)s->sent, (unsigned long long)s->received,
	       s->sent ? 100.0 * (double)(s->sent - s->received) /
				 (double)s->sent : 0.0,
	       (double)s->rtt_min / 1e3, (double)avg / 1e3,
	       (double)s->rtt_max / 1e3);
	if (s->send_errors)
		printf("rtestack-bench: ping: %llu requests not sent at once "
		       "(neighbour resolving or no buffers)\n",
		       (unsigned long long)s->send_errors);
	if (s->received < s->count)
		lc->rc = 1;
}

static bool ping_idle(struct bench_lcore *lc)
{
	(void)lc;
	return true;
}

static bool ping_finished(struct bench_lcore *lc)
{
	return lc->wl_state != NULL && lc->finished_conns != 0;
}

const struct bench_workload_ops bench_ping_ops = {
	.name = "icmp echo",
	.start = ping_start,
	.tick = ping_tick,
	.stop = ping_stop,
	.idle = ping_idle,
	.finished = ping_finished,
};
