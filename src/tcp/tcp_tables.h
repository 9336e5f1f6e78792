/* SPDX-License-Identifier: BSD-3-Clause */
/* rtestack — TCP tables: the connection slots, the 4-tuple hash, listeners. */
#ifndef RTS_TCP_TABLES_H
#define RTS_TCP_TABLES_H

struct rts_tcp_conn;
struct rts_tcp_listener;
struct tcp_sack_state;

struct rts_tcp_tables {
	struct rts_tcp_conn *conns;      /* max_tcp_conns slots */
	struct rts_tcp_conn **hash;      /* buckets, chained on the 4-tuple */
	uint32_t hash_mask;
	uint64_t hash_key[5];            /* tcp_tuple_hash(): random per context */
	struct rts_tcp_conn *free_list;
	struct tcp_sack_state *sack_free; /* pool of per-connection SACK state */
	uint32_t n_conns;                /* slots in use */
	struct rts_tcp_listener *listeners;
	uint16_t n_listeners_max;
	uint16_t next_ephemeral;
	rts_tcp_port_chooser port_chooser;
	void *port_chooser_arg;
	uint64_t isn_key[2];             /* RFC 6528 secret */
	uint64_t syncookie_key[2];
	uint32_t challenge_acks_this_sec; /* RFC 5961 §7 rate limit */
	uint64_t challenge_sec;
	bool no_predict;                 /* tests: every segment the long way */
};

#endif
