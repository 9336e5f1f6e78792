/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack-bench — per-interval lines (like iperf3 / bench-iip), the final
 * summary with latency percentiles, and the counters.
 */
#include <string.h>

#include "bench.h"

/* ------------------------------------------------------------- histogram */
static unsigned hist_bucket(uint64_t ns)
{
	unsigned oct, sub;

	if (ns < HIST_SUB)
		return (unsigned)ns;
	oct = 63u - (unsigned)__builtin_clzll(ns);           /* >= 5 */
	sub = (unsigned)(ns >> (oct - 5)) & (HIST_SUB - 1);  /* next 5 bits */
	oct -= 4;                                             /* octave 1.. */
	if (oct >= HIST_OCTAVES)
		return HIST_OCTAVES * HIST_SUB - 1;
	return oct * HIST_SUB + sub;
}

/* The lower edge of a bucket, in ns. */
static uint64_t bucket_value(unsigned b)
{
	unsigned oct = b / HIST_SUB, sub = b % HIST_SUB;

	if (oct == 0)
		return sub;
	return (uint64_t)(HIST_SUB + sub) << (oct - 1);
}

void hist_add(struct bench_hist *h, uint64_t ns)
{
	h->b[hist_bucket(ns)]++;
	h->n++;
}

void hist_merge(struct bench_hist *dst, const struct bench_hist *src)
{
	for (unsigned i = 0; i < HIST_OCTAVES * HIST_SUB; i++)
		dst->b[i] += src->b[i];
	dst->n += src->n;
}

uint64_t hist_percentile(const struct bench_hist *h, double pct)
{
	uint64_t want, seen = 0;

	if (h->n == 0)
		return 0;
	want = (uint64_t)((double)h->n * pct / 100.0);
	if (want >= h->n)
		want = h->n - 1;
	for (unsigned i = 0; i < HIST_OCTAVES * HIST_SUB; i++) {
		seen += h->b[i];
		if (seen > want)
			return bucket_value(i);
	}
	return bucket_value(HIST_OCTAVES * HIST_SUB - 1);
}

/* ------------------------------------------------------------- intervals */
uint64_t bench_ctx_retrans(const struct rts_ctx *ctx)
{
	const struct rts_counters *c;

	if (ctx == NULL)
		return 0;
	c = rts_ctx_counters(ctx);
	return c->tcp_tx_retrans;
}

struct snap {
	uint64_t req, rxb, txb, rxp, txp, retr;
};

/* Previous totals per lcore; the reporting lcore is the only writer. */
static struct snap prev[RTE_MAX_LCORE];

static void take(const struct bench_lcore *lc, struct snap *s)
{
	struct rts_dpdk_queue_stats qs;

	rts_dpdk_queue_stats(lc->dq, &qs);
	s->req = lc->st.requests;
	s->rxb = lc->st.rx_bytes;
	s->txb = lc->st.tx_bytes;
	s->rxp = qs.rx_pkts;
	s->txp = qs.tx_pkts;
	s->retr = lc->done ? 0 : bench_ctx_retrans(lc->ctx);
}

static void line(const char *who, const struct snap *d, double dt)
{
	printf("%-8s %10.0f req/s %9.2f Mbit/s rx %9.2f Mbit/s tx %8.0f pps rx "
	       "%8.0f pps tx %6llu retrans\n", who, (double)d->req / dt,
	       (double)d->rxb * 8 / dt / 1e6, (double)d->txb * 8 / dt / 1e6,
	       (double)d->rxp / dt, (double)d->txp / dt,
	       (unsigned long long)d->retr);
}

static void json_obj(const struct snap *d, double dt)
{
	printf("{\"req_per_s\":%.1f,\"rx_mbit_s\":%.3f,\"tx_mbit_s\":%.3f,"
	       "\"rx_pps\":%.1f,\"tx_pps\":%.1f,\"retrans\":%llu}",
	       (double)d->req / dt, (double)d->rxb * 8 / dt / 1e6,
	       (double)d->txb * 8 / dt / 1e6, (double)d->rxp / dt,
	       (double)d->txp / dt, (unsigned long long)d->retr);
}

void bench_report_interval(struct bench_lcore **lcs, unsigned n,
			   const struct bench_opts *o, double t, double dt)
{
	struct snap tot, d[RTE_MAX_LCORE];

	memset(&tot, 0, sizeof(tot));
	for (unsigned i = 0; i < n; i++) {
		struct snap now;

		take(lcs[i], &now);
		d[i].req = now.req - prev[i].req;
		d[i].rxb = now.rxb - prev[i].rxb;
		d[i].txb = now.txb - prev[i].txb;
		d[i].rxp = now.rxp - prev[i].rxp;
		d[i].txp = now.txp - prev[i].txp;
		d[i].retr = now.retr >= prev[i].retr ? now.retr - prev[i].retr : 0;
		prev[i] = now;
		tot.req += d[i].req;
		tot.rxb += d[i].rxb;
		tot.txb += d[i].txb;
		tot.rxp += d[i].rxp;
		tot.txp += d[i].txp;
		tot.retr += d[i].retr;
	}
	if (o->json) {
		printf("{\"type\":\"interval\",\"t\":%.3f,\"lcores\":[", t);
		for (unsigned i = 0; i < n; i++) {
			if (i)
				printf(",");
			json_obj(&d[i], dt);
		}
		printf("],\"total\":");
		json_obj(&tot, dt);
		printf("}\n");
	} else {
		printf("[%7.2fs]\n", t);
		if (n > 1) {
			for (unsigned i = 0; i < n; i++) {
				char who[16];

				snprintf(who, sizeof(who), "lcore%u", lcs[i]->lcore_id);
				line(who, &d[i], dt);
			}
		}
		line("total", &tot, dt);
	}
	fflush(stdout);
}

/* --------------------------------------------------------------- summary */
void bench_report_summary(struct bench_lcore **lcs, unsigned n,
			  const struct bench_opts *o, double secs)
{
	static struct bench_hist h;
	struct bench_stats s;
	uint64_t retr = 0;
	double dt = secs > 0 ? secs : 1;

	memset(&h, 0, sizeof(h));
	memset(&s, 0, sizeof(s));
	for (unsigned i = 0; i < n; i++) {
		const struct bench_stats *l = &lcs[i]->st;

		hist_merge(&h, &lcs[i]->hist);
		s.requests += l->requests;
		s.rx_bytes += l->rx_bytes;
		s.tx_bytes += l->tx_bytes;
		s.conns_opened += l->conns_opened;
		s.conns_closed += l->conns_closed;
		s.conns_failed += l->conns_failed;
		s.errors += l->errors;
		s.http_400 += l->http_400;
		retr += bench_ctx_retrans(lcs[i]->ctx);
	}
	if (o->json) {
		printf("{\"type\":\"summary\",\"seconds\":%.3f,\"requests\":%llu,"
		       "\"req_per_s\":%.1f,\"rx_bytes\":%llu,\"tx_bytes\":%llu,"
		       "\"rx_mbit_s\":%.3f,\"tx_mbit_s\":%.3f,\"conns_opened\":%llu,"
		       "\"conns_closed\":%llu,\"conns_failed\":%llu,\"errors\":%llu,"
		       "\"http_400\":%llu,\"retrans\":%llu,\"latency_ns\":{\"n\":%llu,"
		       "\"p50\":%llu,\"p90\":%llu,\"p99\":%llu,\"p99.9\":%llu}}\n",
		       secs, (unsigned long long)s.requests, (double)s.requests / dt,
		       (unsigned long long)s.rx_bytes, (unsigned long long)s.tx_bytes,
		       (double)s.rx_bytes * 8 / dt / 1e6,
		       (double)s.tx_bytes * 8 / dt / 1e6,
		       (unsigned long long)s.conns_opened,
		       (unsigned long long)s.conns_closed,
		       (unsigned long long)s.conns_failed,
		       (unsigned long long)s.errors, (unsigned long long)s.http_400,
		       (unsigned long long)retr, (unsigned long long)h.n,
		       (unsigned long long)hist_percentile(&h, 50),
		       (unsigned long long)hist_percentile(&h, 90),
		       (unsigned long long)hist_percentile(&h, 99),
		       (unsigned long long)hist_percentile(&h, 99.9));
		fflush(stdout);
		return;
	}
	printf("rtestack-bench: summary: %.2f s, %llu requests (%.0f req/s), "
	       "rx %llu bytes (%.2f Mbit/s), tx %llu bytes (%.2f Mbit/s)\n",
	       secs, (unsigned long long)s.requests, (double)s.requests / dt,
	       (unsigned long long)s.rx_bytes, (double)s.rx_bytes * 8 / dt / 1e6,
	       (unsigned long long)s.tx_bytes, (double)s.tx_bytes * 8 / dt / 1e6);
	printf("rtestack-bench: connections: opened %llu closed %llu failed %llu; "
	       "errors %llu; http 400 %llu; retransmits %llu\n",
	       (unsigned long long)s.conns_opened,
	       (unsigned long long)s.conns_closed,
	       (unsigned long long)s.conns_failed, (unsigned long long)s.errors,
	       (unsigned long long)s.http_400, (unsigned long long)retr);
	for (unsigned i = 0; n > 1 && i < n; i++)
		printf("rtestack-bench: lcore %u: connections %llu, requests %llu, "
		       "rx %llu bytes, tx %llu bytes\n", lcs[i]->lcore_id,
		       (unsigned long long)lcs[i]->st.conns_opened,
		       (unsigned long long)lcs[i]->st.requests,
		       (unsigned long long)lcs[i]->st.rx_bytes,
		       (unsigned long long)lcs[i]->st.tx_bytes);
	if (h.n > 0)
		printf("rtestack-bench: latency (%llu samples): p50 %.1f us, p90 "
		       "%.1f us, p99 %.1f us, p99.9 %.1f us\n",
		       (unsigned long long)h.n, hist_percentile(&h, 50) / 1e3,
		       hist_percentile(&h, 90) / 1e3, hist_percentile(&h, 99) / 1e3,
		       hist_percentile(&h, 99.9) / 1e3);
	fflush(stdout);
}

void bench_print_counters(struct bench_lcore **lcs, unsigned n, FILE *f)
{
	for (unsigned i = 0; i < RTS_COUNTER_COUNT; i++) {
		uint64_t sum = 0;

		for (unsigned l = 0; l < n; l++) {
			const uint64_t *v;

			if (lcs[l]->ctx == NULL)
				continue;
			v = (const uint64_t *)rts_ctx_counters(lcs[l]->ctx);
			sum += v[i];
		}
		if (sum != 0)
			fprintf(f, "  %s %llu\n", rts_counter_name(i),
				(unsigned long long)sum);
	}
}
