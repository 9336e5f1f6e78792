/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack-bench — TCP connection plumbing shared by the tcp and http
 * workloads: a per-lcore connection pool, the rts_tcp handlers, and a
 * queue of received data the application works through at its own pace.
 */
#ifndef RTS_BENCH_CONN_H
#define RTS_BENCH_CONN_H

#include "bench.h"

/* Received data not yet used: packet chains with an offset and length. */
struct bconn_rx {
	struct rts_pkt *head;    /* chain to free once used up */
	struct rts_pkt *seg;     /* segment holding the next byte */
	uint32_t seg_off;
	uint32_t left;
};

struct bconn {
	struct bench_lcore *lc;
	struct rts_tcp_conn *c;
	struct bconn *next_free;
	bool in_use, client, connected, closing, peer_closed, target_done;
	/* receive queue (ring of chains) */
	struct bconn_rx *rxq;
	uint32_t rxq_cap, rxq_head, rxq_n;
	struct rts_pkt *pend;    /* non-NULL while rxq is not empty */
	/* stream bookkeeping */
	uint64_t tx_off, rx_off, acked, reqs;
	uint64_t req_sent, req_rcvd, req_start_ns;
	void *app;               /* workload state (http) */
};

/* A contiguous piece of queued received data. */
struct bconn_piece {
	const uint8_t *data;
	uint32_t len;
};

struct bconn_ops {
	void (*srv_accepted)(struct bconn *b);
	void (*srv_data)(struct bconn *b, struct rts_pkt *p, uint32_t off,
			 uint32_t len);
	void (*srv_writable)(struct bconn *b);
	void (*srv_peer_closed)(struct bconn *b);
	void (*cli_connected)(struct bconn *b);
	void (*cli_data)(struct bconn *b, struct rts_pkt *p, uint32_t off,
			 uint32_t len);
	void (*cli_writable)(struct bconn *b);
	void (*cli_acked)(struct bconn *b, uint32_t bytes);
	void (*closed)(struct bconn *b);         /* optional: free app state */
};

int bconn_start(struct bench_lcore *lc, const struct bconn_ops *ops);
void bconn_tick(struct bench_lcore *lc, uint64_t now_ns);
void bconn_stop(struct bench_lcore *lc);
bool bconn_idle(struct bench_lcore *lc);
bool bconn_finished(struct bench_lcore *lc);

/* Receive queue. */
void bconn_queue(struct bconn *b, struct rts_pkt *p, uint32_t off,
		 uint32_t len);
bool bconn_piece(struct bconn *b, struct bconn_piece *pc);
void bconn_advance(struct bconn *b, uint32_t n);
void bconn_drop_rx(struct bconn *b);

#endif
