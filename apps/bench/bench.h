/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack-bench — shared definitions: options, per-lcore state, the
 * workload interface, statistics.
 */
#ifndef RTS_BENCH_H
#define RTS_BENCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_common.h>

#include <rtestack/dpdk.h>
#include <rtestack/rtestack.h>

#include "app_opts.h"

enum bench_role { ROLE_SERVER, ROLE_CLIENT };
enum bench_proto { PROTO_TCP, PROTO_UDP, PROTO_ICMP };
enum bench_workload { WL_PINGPONG, WL_BULK, WL_HTTP };

struct bench_opts {
	struct rts_addr_config addrs[RTS_MAX_ADDRS];
	unsigned n_addrs;
	struct rts_ip gw;
	bool have_gw;
	enum bench_role role;
	enum bench_proto proto;
	enum bench_workload wl;
	uint16_t port;
	struct rts_ip server;
	bool have_server;
	uint32_t conns;          /* per lcore */
	uint32_t size;           /* request / datagram / write size */
	uint64_t body;           /* http body bytes */
	double duration;         /* seconds; 0: until a signal (server) */
	uint64_t bytes;          /* client: stop after this many bytes per conn */
	uint64_t requests;       /* client: stop after this many per conn */
	bool reverse;            /* bulk: the server sends, the client reads */
	bool verify;             /* client: check echoed bytes */
	bool json;
	bool quiet;
	double interval;         /* report interval, s */
	const char *impair;
	uint64_t impair_seed;
	uint16_t port_id;
	uint16_t mtu;
	uint32_t mbufs;
	uint32_t offloads;       /* RTS_CAP_* allowed */
	bool force_redirect;
	uint32_t idle_sleep_us;
	uint32_t rcvbuf, sndbuf;
	uint32_t max_conns;      /* per-lcore connection table */
	bool nodelay;
	uint32_t rto_min_us;
	uint32_t delack_us;
	bool lro;
	double ping_wait;        /* icmp: seconds before the first request */
};

/* Log-linear latency histogram: 2^k ns octaves split in 32 steps. */
#define HIST_SUB 32
#define HIST_OCTAVES 40
struct bench_hist {
	uint64_t n;
	uint64_t b[HIST_OCTAVES * HIST_SUB];
};
void hist_add(struct bench_hist *h, uint64_t ns);
void hist_merge(struct bench_hist *dst, const struct bench_hist *src);
uint64_t hist_percentile(const struct bench_hist *h, double pct);

/* Counters a workload updates; main reads them for the per-second lines. */
struct bench_stats {
	uint64_t requests;       /* round trips (client) or requests served */
	uint64_t rx_bytes;       /* application bytes received */
	uint64_t tx_bytes;       /* application bytes sent (accepted) */
	uint64_t conns_opened;
	uint64_t conns_closed;
	uint64_t conns_failed;   /* connect failed, reset or timed out */
	uint64_t errors;         /* verification failures, protocol errors */
	uint64_t http_400;
};

struct bench_lcore;

/* A workload: one of tcp/udp x pingpong/bulk/http, both roles. */
struct bench_workload_ops {
	const char *name;
	/* After the context is attached: listen, bind or connect. */
	int (*start)(struct bench_lcore *lc);
	/* Every loop turn (client pacing, timeouts). */
	void (*tick)(struct bench_lcore *lc, uint64_t now_ns);
	/* Begin an orderly stop: close connections. */
	void (*stop)(struct bench_lcore *lc);
	/* True when everything started is closed. */
	bool (*idle)(struct bench_lcore *lc);
	/* Client: true when the work is done (bytes/requests reached). */
	bool (*finished)(struct bench_lcore *lc);
};

extern const struct bench_workload_ops bench_tcp_ops;
extern const struct bench_workload_ops bench_udp_ops;
extern const struct bench_workload_ops bench_http_ops;
extern const struct bench_workload_ops bench_ping_ops;
/* The context handlers the icmp client needs (echo replies). */
extern const struct rts_ctx_handlers bench_ping_handlers;

struct bench_lcore {
	unsigned idx;            /* = queue number */
	unsigned lcore_id;
	struct rts_dpdk_queue *dq;
	struct rts_ctx *ctx;
	void *ctx_mem;
	const struct bench_opts *o;
	const struct bench_workload_ops *wl;
	void *wl_state;
	struct bench_stats st;
	struct bench_hist hist;
	uint32_t finished_conns; /* client connections that reached their target */
	uint64_t start_ns;
	uint64_t end_ns;
	volatile bool ready;     /* context up, workload started */
	volatile bool finished;  /* client work complete */
	volatile bool quiet;     /* winding down: everything closed */
	volatile bool done;      /* context gone */
	int rc;                  /* this lcore's verdict: 0 ok */
};

/* Set from signal handlers and by the main lcore. */
extern volatile int bench_stop;

/* Deterministic payload pattern: byte at stream offset @off. */
static inline uint8_t bench_pattern(uint64_t off)
{
	return (uint8_t)('a' + off % 26);
}
void bench_fill_pattern(uint8_t *dst, uint64_t off, uint32_t len);
/*
 * The pattern from stream offset @off, readable for BENCH_PATTERN_SPAN
 * bytes: senders hand it to the stack directly, with no copy of their own.
 */
#define BENCH_PATTERN_SPAN 65536u
const uint8_t *bench_pattern_at(uint64_t off);

/* Endpoint helpers. */
const struct rts_ip *bench_local_ip(const struct bench_opts *o, bool v4);
int bench_parse_ip(const char *s, struct rts_ip *ip, uint8_t *prefix);

int bench_parse_opts(int argc, char **argv, struct bench_opts *o);
void bench_usage(FILE *f, const char *prog);

/* Reporting. */
void bench_report_interval(struct bench_lcore **lcs, unsigned n,
			   const struct bench_opts *o, double t, double dt);
void bench_report_summary(struct bench_lcore **lcs, unsigned n,
			  const struct bench_opts *o, double secs);
void bench_print_counters(struct bench_lcore **lcs, unsigned n, FILE *f);
uint64_t bench_ctx_retrans(const struct rts_ctx *ctx);

#endif
