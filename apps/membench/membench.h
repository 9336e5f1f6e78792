/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack-membench — two stacks in one process over the in-memory link.
 *
 * Side 0 is the client (pingpong) or sender (bulk), side 1 the server or
 * receiver. e1 runs both contexts alternately on one thread; e2 runs each
 * on its own pinned thread, joined by two SPSC rings.
 */
#ifndef MEMBENCH_H
#define MEMBENCH_H

#include "memlink.h"

#include <stdatomic.h>

#define MB_PORT 5001
#define MB_BURST 32

enum mb_workload { MB_PINGPONG, MB_BULK };

struct mb_opts {
	enum mb_workload workload;
	int threads;            /* 1: e1, 2: e2 */
	enum ml_csum_mode csum; /* ML_CSUM_SW or ML_CSUM_OFFLOAD */
	double duration_s;
	double warmup_s;
	uint64_t transactions;  /* 0: run for the duration */
	uint32_t conns;
	bool json;
	bool no_pin;
	bool kernel;            /* --stack kernel: Linux loopback baseline */
	uint32_t loss_ppm;      /* e1: frames lost per million, each way */
	int family;             /* 4 or 6: the stacks' addresses (mb_family.c) */
};

/* Phases the measuring thread walks through. */
enum mb_phase { MB_SETUP, MB_WARMUP, MB_MEASURE, MB_DONE };

struct mb_conn {
	struct mb *mb;
	struct rts_tcp_conn *c;
	bool connected;
};

/* One stack: its context, endpoint and pool. */
struct mb_side {
	struct mb *mb;
	int id;
	struct rts_ctx *ctx;
	void *ctx_mem;
	struct ml_ep *ep;
	struct ml_pool *pool;
};

struct mb_result {
	double seconds;
	uint64_t transactions; /* round trips, or segments for bulk */
	uint64_t bytes;        /* bulk: payload delivered */
	double rps, gbps;
	uint32_t mss;
	uint32_t leaked;       /* buffers outstanding at the end */
	uint64_t retrans;
	uint64_t frames;       /* on the link, both ways, whole run */
};

struct mb {
	struct mb_opts opt;
	struct ml_link *link;
	struct mb_side side[2];
	struct rts_tcp_listener *listener;

	/* Side 0's state (client / sender), on its own cache lines. */
	_Alignas(64) struct mb_conn *conns; /* client connections */
	uint32_t n_connected;     /* client: handshakes completed */
	uint64_t issued, done;    /* pingpong: requests sent, answers seen */
	bool kicked;              /* pingpong: first requests sent */
	struct rts_tcp_conn *sender; /* bulk */
	uint8_t *payload;         /* bulk: what the sender copies from */

	/* Side 1's state (server / receiver). */
	_Alignas(64) struct rts_tcp_conn *receiver; /* bulk */
	uint64_t rx_bytes;        /* bulk: delivered to the receiver */

	/* Measurement, by the thread that owns the counter. */
	_Alignas(64) int measure_side; /* 0 for pingpong, 1 for bulk */
	enum mb_phase phase;
	uint64_t t_phase;         /* ns when the phase began */
	uint64_t count_at_start;
	_Alignas(64) atomic_bool stop;
	struct mb_result res;
};

uint64_t mb_now_ns(void);

/* Workload (mb_workload.c). */
int mb_workload_start(struct mb *mb);   /* listen, connect */
bool mb_setup_done(struct mb *mb);      /* on the measuring side */
void mb_workload_kick(struct mb *mb);   /* client: first requests */
uint64_t mb_counter(const struct mb *mb); /* what is being measured */
bool mb_transactions_done(const struct mb *mb);
/* Advance the measuring phases at @now; true when the run is over. */
bool mb_measure_tick(struct mb *mb, uint64_t now);

/* Side @s's address and prefix length for --family (mb_family.c). */
struct rts_ip mb_side_ip(const struct mb *mb, int s, uint8_t *plen);
/* --family's part of a side's config (IPv6: no DAD, no RS). */
void mb_family_config(const struct mb *mb, struct rts_config *cfg);

/* The Linux loopback baseline (mb_kernel.c). */
int mb_run_kernel(struct mb *mb);

/* Drivers (mb_drive.c). */
int mb_setup(struct mb *mb);
int mb_run(struct mb *mb);
void mb_teardown(struct mb *mb);

#endif
