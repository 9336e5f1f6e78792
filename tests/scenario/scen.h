/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers shared by the scenario tests: an application that records every
 * TCP event, sends a pseudo-random byte stream and checks what it receives
 * against the stream the peer generates (position by position, plus an
 * FNV-1a hash), and conditions for ml_scen_run_until().
 */
#ifndef SCEN_H
#define SCEN_H

#include "memlink.h"
#include "rts_test.h"

#define SCEN_A 0 /* 198.18.0.1 */
#define SCEN_B 1 /* 198.18.0.2 */
#define SEC 1000000000ull
#define MSEC 1000000ull
#define USEC 1000ull

/* The byte at offset @i of the stream named @seed. */
uint8_t stream_byte(uint64_t seed, uint64_t i);
void stream_fill(uint64_t seed, uint64_t off, uint8_t *dst, uint32_t len);

#define FNV_INIT 0xcbf29ce484222325ull
uint64_t fnv1a(uint64_t h, const uint8_t *d, uint32_t len);

struct tapp {
	struct ml_scen *sc;
	int side;
	struct rts_tcp_conn *conn;
	int accepted, connected, peer_closed, closed, close_reason;
	uint64_t acked;

	/* receiving */
	uint64_t rx_len;
	uint64_t rx_hash;
	uint64_t rx_seed;        /* stream expected from the peer */
	uint64_t rx_bad_at;      /* first wrong byte, UINT64_MAX: none */
	bool no_consume;
	bool close_on_fin;       /* rts_tcp_close() when the peer's FIN comes */

	/* sending */
	uint64_t tx_seed;
	uint64_t tx_total, tx_sent;
	uint64_t tx_hash;
	bool close_when_sent;    /* rts_tcp_close() once tx_total is queued */
	bool shutdown_when_sent; /* rts_tcp_shutdown() instead */
	bool tx_finished;        /* close/shutdown issued */
};

extern const struct rts_tcp_handlers tapp_handlers;

void tapp_init(struct tapp *a, struct ml_scen *sc, int side, uint64_t tx_seed,
	       uint64_t rx_seed);
/* Queue as much of the stream as the send buffer takes. */
void tapp_pump(struct tapp *a);
/* Start sending @total bytes (pumped again from acked/writable). */
void tapp_send(struct tapp *a, uint64_t total);

/*
 * The family the helpers use: 4 (default: 198.18.0.1 and .2) or 6 (the
 * contexts also get 2001:2::1 and ::2/64, DAD and RS off, and scen_listen /
 * scen_connect use those). Set before scen_opts().
 */
extern int scen_family;
struct rts_ip scen_ip(int side);

/* Listen on side @s port @port with @a as the listener's app. */
struct rts_tcp_listener *scen_listen(struct ml_scen *sc, int s, uint16_t port,
				     uint16_t backlog, struct tapp *a);
/* Connect side @s to the other side's @port with app @a. */
struct rts_tcp_conn *scen_connect(struct ml_scen *sc, int s, uint16_t port,
				  struct tapp *a);

/* Step until @cond holds, at most @max_ns virtual and a step budget. */
bool scen_run(struct ml_scen *sc, bool (*cond)(void *), void *arg,
	      uint64_t max_ns);

/* Common conditions. */
bool tapp_is_connected(void *a);
bool tapp_is_closed(void *a);
bool tapps_both_closed(void *pair); /* struct tapp *pair[2] */
bool tapps_both_done(void *pair);   /* all sent bytes received, both ways */

/* Sum of every ip4_rx_* error counter and tcp_rx_bad_csum (drops). */
uint64_t scen_rx_drops(const struct rts_counters *c);

/* Default options with larger pools, for long transfers. */
void scen_opts(struct ml_scen_opts *o, uint32_t n_bufs);

#endif
