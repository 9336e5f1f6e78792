/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack-membench — how fast is the core? Two stacks in one process over
 * the in-memory link, no DPDK, no kernel.
 *
 *   rtestack-membench --workload pingpong|bulk --threads 1|2
 *                     --checksum sw|offload --duration S [--warmup S]
 *                     [--transactions N] [--conns N] [--json]
 *
 * One summary line per result; with --json one JSON object per line
 * carrying "rps" (pingpong) or "gbps" (bulk).
 */
#include "membench.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: rtestack-membench [options]\n"
		"  --workload pingpong|bulk  W1: 1-byte request/response on N "
		"connections;\n"
		"                            W2: one connection, window kept "
		"full (default pingpong)\n"
		"  --threads 1|2             e1: one thread runs both stacks; "
		"e2: one pinned\n"
		"                            thread each, joined by SPSC rings "
		"(default 1)\n"
		"  --checksum sw|offload     checksums in software, or marked "
		"good by the link\n"
		"                            as a NIC would (default sw)\n"
		"  --duration S              measured seconds (default 5)\n"
		"  --warmup S                seconds before measuring (default "
		"1)\n"
		"  --transactions N          run exactly N round trips (bulk: "
		"N full segments)\n"
		"                            after set-up, no warm-up; for "
		"callgrind\n"
		"  --conns N                 pingpong connections (default 32)\n"
		"  --stack rtestack|kernel   kernel: the same pingpong over Linux "
		"loopback\n"
		"                            sockets and epoll, for comparison\n"
		"  --loss PPM                e1: lose PPM frames per million "
		"each way (seeded)\n"
		"  --json                    one JSON object per result line\n"
		"  --no-pin                  do not pin threads to CPUs\n"
		"  --family 4|6              IPv4 (198.18.0.x) or IPv6 "
		"(2001:2::x) (default 4)\n");
}

static bool parse_double(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (*s == '\0' || *end != '\0' || v < 0)
		return false;
	*out = v;
	return true;
}

static bool parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	if (*s == '\0' || *end != '\0' || s[0] == '-')
		return false;
	*out = v;
	return true;
}

enum { OPT_WORKLOAD = 256, OPT_THREADS, OPT_CSUM, OPT_DURATION, OPT_WARMUP,
       OPT_TRANS, OPT_CONNS, OPT_JSON, OPT_NOPIN, OPT_STACK, OPT_LOSS, OPT_HELP,
       OPT_FAMILY };

static bool apply_opt(struct mb_opts *o, int c, const char *arg)
{
	uint64_t v;

	switch (c) {
	case OPT_WORKLOAD:
		if (strcmp(arg, "pingpong") == 0)
			o->workload = MB_PINGPONG;
		else if (strcmp(arg, "bulk") == 0)
			o->workload = MB_BULK;
		else
			return false;
		return true;
	case OPT_THREADS:
		if (!parse_u64(arg, &v) || (v != 1 && v != 2))
			return false;
		o->threads = (int)v;
		return true;
	case OPT_CSUM:
		if (strcmp(arg, "sw") == 0)
			o->csum = ML_CSUM_SW;
		else if (strcmp(arg, "offload") == 0)
			o->csum = ML_CSUM_OFFLOAD;
		else
			return false;
		return true;
	case OPT_DURATION:
		return parse_double(arg, &o->duration_s) && o->duration_s > 0;
	case OPT_WARMUP:
		return parse_double(arg, &o->warmup_s);
	case OPT_TRANS:
		return parse_u64(arg, &o->transactions) && o->transactions > 0;
	case OPT_CONNS:
		if (!parse_u64(arg, &v) || v == 0 || v > 100000)
			return false;
		o->conns = (uint32_t)v;
		return true;
	case OPT_JSON:
		o->json = true;
		return true;
	case OPT_LOSS:
		if (!parse_u64(arg, &v) || v > 1000000)
			return false;
		o->loss_ppm = (uint32_t)v;
		return true;
	case OPT_STACK:
		if (strcmp(arg, "kernel") == 0)
			o->kernel = true;
		else if (strcmp(arg, "rtestack") == 0)
			o->kernel = false;
		else
			return false;
		return true;
	case OPT_NOPIN:
		o->no_pin = true;
		return true;
	case OPT_FAMILY:
		if (!parse_u64(arg, &v) || (v != 4 && v != 6))
			return false;
		o->family = (int)v;
		return true;
	default:
		return false;
	}
}

static int parse_args(int argc, char **argv, struct mb_opts *o)
{
	static const struct option longopts[] = {
		{ "workload", required_argument, NULL, OPT_WORKLOAD },
		{ "threads", required_argument, NULL, OPT_THREADS },
		{ "checksum", required_argument, NULL, OPT_CSUM },
		{ "duration", required_argument, NULL, OPT_DURATION },
		{ "warmup", required_argument, NULL, OPT_WARMUP },
		{ "transactions", required_argument, NULL, OPT_TRANS },
		{ "conns", required_argument, NULL, OPT_CONNS },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "no-pin", no_argument, NULL, OPT_NOPIN },
		{ "stack", required_argument, NULL, OPT_STACK },
		{ "loss", required_argument, NULL, OPT_LOSS },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "family", required_argument, NULL, OPT_FAMILY },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct mb_opts){ .workload = MB_PINGPONG, .threads = 1,
			       .csum = ML_CSUM_SW, .duration_s = 5,
			       .warmup_s = 1, .conns = 32, .family = 4 };
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == OPT_HELP || c == 'h') {
			usage(stdout);
			exit(0);
		}
		if (c == '?' || !apply_opt(o, c, optarg)) {
			if (c != '?')
				fprintf(stderr, "membench: bad value '%s'\n",
					optarg ? optarg : "");
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "membench: unexpected argument '%s'\n",
			argv[optind]);
		usage(stderr);
		return -1;
	}
	if (o->workload == MB_BULK)
		o->conns = 1;
	if (o->loss_ppm && o->threads != 1) {
		fprintf(stderr, "membench: --loss needs --threads 1\n");
		return -1;
	}
	if (o->kernel && (o->workload != MB_PINGPONG || o->threads != 1)) {
		fprintf(stderr, "membench: --stack kernel runs pingpong with "
			"one thread only\n");
		return -1;
	}
	return 0;
}

static const char *csum_name(const struct mb_opts *o)
{
	if (o->kernel)
		return "kernel";
	return o->csum == ML_CSUM_SW ? "sw" : "offload";
}

static void report(const struct mb *mb)
{
	const struct mb_opts *o = &mb->opt;
	const struct mb_result *r = &mb->res;
	const char *wl = o->workload == MB_PINGPONG ? "pingpong" : "bulk";

	if (o->json) {
		printf("{\"workload\":\"%s\",\"stack\":\"%s\",\"threads\":%d,"
		       "\"mode\":\"e%d\",\"checksum\":\"%s\",\"duration\":%.3f,"
		       "\"transactions\":%llu,\"conns\":%u,",
		       wl, o->kernel ? "kernel" : "rtestack", o->threads,
		       o->threads, csum_name(o),
		       r->seconds, (unsigned long long)r->transactions,
		       o->conns);
		if (o->workload == MB_PINGPONG)
			printf("\"rps\":%.0f", r->rps);
		else
			printf("\"gbps\":%.3f,\"bytes\":%llu,\"mss\":%u", r->gbps,
			       (unsigned long long)r->bytes, r->mss);
		printf(",\"loss_ppm\":%u,\"retrans\":%llu,\"frames\":%llu,"
		       "\"leaked_bufs\":%u,\"family\":%d}\n", o->loss_ppm,
		       (unsigned long long)r->retrans,
		       (unsigned long long)r->frames, r->leaked, o->family);
		return;
	}
	if (o->workload == MB_PINGPONG)
		printf("pingpong e%d %s: %.3f M round trips/s (%llu in %.2f s, "
		       "%u connections)\n",
		       o->threads, csum_name(o), r->rps / 1e6,
		       (unsigned long long)r->transactions, r->seconds,
		       o->conns);
	else
		printf("bulk e%d %s: %.2f Gbit/s goodput (%.1f MB in %.2f s, "
		       "%llu segments of %u bytes, %llu retransmitted)\n",
		       o->threads, csum_name(o), r->gbps,
		       (double)r->bytes / 1e6, r->seconds,
		       (unsigned long long)r->transactions, r->mss,
		       (unsigned long long)r->retrans);
}

static struct mb the_mb;

int main(int argc, char **argv)
{
	struct mb *mb = &the_mb;
	int rc;

	if (parse_args(argc, argv, &mb->opt) != 0)
		return 2;
	if (mb->opt.kernel) {
		rc = mb_run_kernel(mb);
	} else {
		rc = mb_setup(mb);
		if (rc == 0)
			rc = mb_run(mb);
		mb_teardown(mb);
	}
	if (rc != 0) {
		fprintf(stderr, "membench: the run did not complete\n");
		return 1;
	}
	report(mb);
	fflush(stdout);
	if (mb->res.leaked) {
		fprintf(stderr, "membench: %u buffers leaked\n",
			mb->res.leaked);
		return 1;
	}
	return 0;
}
