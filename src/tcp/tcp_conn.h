/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — TCP internals: the connection block, the listener, and the
 * functions the TCP files share (input, output, timers, tables, API).
 *
 * Variable names follow RFC 9293 §3.3.1 (snd_una, snd_nxt, rcv_nxt, ...).
 */
#ifndef RTS_TCP_CONN_H
#define RTS_TCP_CONN_H

#include "core/internal.h"
#include "net/neigh.h"
#include "net/net.h"
#include "ip6/flow6.h"
#include "net/flow4.h"
#include "tcp_cc.h"
#include "tcp_isn.h"
#include "tcp_sack.h"
#include "tcp_seq.h"
#include "wire/csum.h"
#include "wire/tcp.h"

/* Connection flags (c->flags). */
enum rts_tcp_cflag {
	TF_ACKNOW = 1u << 0,      /* send an ACK at the next output */
	TF_DELACK = 1u << 1,      /* an ACK is being delayed */
	TF_TS_OK = 1u << 2,       /* timestamps negotiated */
	TF_SACK_OK = 1u << 3,     /* SACK negotiated */
	TF_WS_OK = 1u << 4,       /* window scaling negotiated */
	TF_FIN_QUEUED = 1u << 5,  /* app shut down: FIN after queued data */
	TF_FIN_SENT = 1u << 6,    /* our FIN has a sequence number */
	TF_NODELAY = 1u << 7,     /* Nagle off */
	TF_APP_CLOSED = 1u << 8,  /* app called close: no more data events */
	TF_DETACHED = 1u << 9,    /* app told closed(); handle invalid */
	TF_IN_RECOVERY = 1u << 10,
	TF_WANT_WRITABLE = 1u << 11, /* send() hit the limit: call writable */
	TF_ACTIVE = 1u << 12,     /* we sent the first SYN */
	TF_PEER_FIN = 1u << 13,   /* peer's FIN received in order */
	TF_QUICKACK = 1u << 14,   /* ACK every segment for a while */
	TF_RTT_TIMING = 1u << 15, /* rtt_seq is being timed */
	TF_IN_INPUT = 1u << 16,   /* inside tcp_input: defer frees */
	TF_RETRANSMITTED = 1u << 17, /* snd_una was retransmitted */
	TF_FROM_COOKIE = 1u << 18,
	TF_FREED = 1u << 19,      /* slot returned to the free list */
	TF_PTO = 1u << 20,        /* t_rexmt is a tail-loss probe deadline */
	TF_TLP_SENT = 1u << 21,   /* a probe is out for this flight */
};

struct rts_tcp_conn {
	/* --- lookup (first cache line) --- */
	struct rts_tcp_conn *hnext;
	struct rts_ip raddr;
	struct rts_ip laddr;
	uint16_t rport, lport;     /* host order */
	uint8_t state;             /* enum rts_tcp_state */
	uint8_t snd_wscale;        /* peer's shift for its window field */
	uint8_t rcv_wscale;        /* our shift */
	uint8_t dupacks;
	uint32_t flags;            /* enum rts_tcp_cflag */

	/* --- send sequence space --- */
	uint32_t snd_una, snd_nxt, snd_max;
	uint32_t snd_wnd;          /* bytes, already scaled */
	uint32_t snd_wl1, snd_wl2;
	uint32_t iss;
	uint32_t snd_end;          /* sequence after the last queued byte */
	uint32_t recover;          /* RFC 6582 */
	uint16_t mss;              /* payload bytes per segment we send */
	uint16_t rcv_mss;          /* MSS we announced */
	uint32_t max_snd_wnd;      /* largest window the peer offered */

	/* --- receive sequence space --- */
	uint32_t rcv_nxt;
	uint32_t rcv_adv;          /* right edge we advertised */
	uint32_t irs;
	uint32_t rcv_unconsumed;   /* delivered, not yet consumed by the app */
	uint16_t segs_unacked;     /* full segments received since our ACK */
	uint16_t ooo_n;

	/* --- timestamps (RFC 7323) --- */
	uint32_t ts_recent;
	uint32_t ts_recent_at;     /* tcp_coarse_now() when ts_recent was set */
	uint32_t ts_offset;        /* random per-connection TSval offset */

	/* --- RTT and RTO (RFC 6298), µs --- */
	uint32_t srtt_us, rttvar_us, rto_us;
	uint32_t rtt_seq;
	uint8_t backoff;           /* consecutive RTO expirations */
	uint8_t ka_probes_sent;
	uint8_t ka_probes;
	uint8_t zwp_backoff;
	uint64_t rtt_start_ns;

	/* --- congestion control --- */
	struct rts_tcp_cc cc;

	/* --- queues --- */
	struct rts_pkt *sndq_head;  /* payload from snd_una on, by seq */
	struct rts_pkt *sndq_tail;
	struct rts_pkt *snd_hint;   /* queue entry holding snd_nxt (or NULL) */
	struct rts_pkt *ooo_head;   /* out-of-order payload, sorted by seq */

	/* --- timers: one wheel entry at the earliest deadline --- */
	struct rts_timer timer;
	uint64_t t_rexmt;          /* RTO, SYN retry or persist (zero window) */
	uint64_t t_delack;
	uint64_t t_keep;           /* keepalive / idle */
	uint64_t t_2msl;           /* TIME_WAIT or FIN_WAIT_2 */
	uint64_t last_rx_ns;
	uint64_t last_tx_ns;
	uint32_t ka_idle_us, ka_intvl_us;

	/* --- the application --- */
	const struct rts_tcp_handlers *h;
	void *user;
	struct rts_tcp_listener *listener; /* while SYN_RECEIVED */
	struct rts_ctx *ctx;
	uint32_t retrans_segs;
	uint32_t high_rxt;         /* RFC 6675 HighRxt */
	struct tcp_sack_state *sack; /* from the pool, while needed */
	uint32_t phdr_sum;         /* pseudo-header sum without the length */
	union { /* a connection is of one family: one template */
		struct rts_flow4 flow; /* prebuilt Ethernet + IPv4 header, next hop */
		struct rts_flow6 flow6; /* the same for IPv6 (ip6/flow6.h) */
	};
};

struct rts_tcp_listener {
	struct rts_endpoint local;
	uint16_t backlog;
	uint16_t n_pending;        /* connections in SYN_RECEIVED */
	bool in_use;
	const struct rts_tcp_handlers *h;
	void *user;
	struct rts_ctx *ctx;
};

/* ---- tables (tcp_table.c) ---- */
static inline uint32_t tcp_tuple_hash(const struct rts_tcp_tables *t,
				      const struct rts_ip *raddr, uint16_t rport,
				      uint16_t lport, const struct rts_ip *laddr)
{
	/*
	 * Multilinear hashing with per-context random keys, the high half
	 * taken: a peer that picks its addresses and ports (an IPv6 host owns
	 * a /64) cannot line connections up in one bucket without knowing
	 * the keys, which an unkeyed fold-and-multiply would let it do.
	 */
	const uint64_t *k = t->hash_key;
	uint64_t h = k[0] + raddr->u64[0] * k[1] + raddr->u64[1] * k[2] +
		     laddr->u64[1] * k[3] +
		     ((uint64_t)rport << 16 | lport) * k[4];

	return (uint32_t)(h >> 32);
}

/* The connection of a 4-tuple (inline: once per received segment). */
static inline struct rts_tcp_conn *tcp_lookup(struct rts_ctx *ctx,
					      const struct rts_ip *laddr,
					      uint16_t lport,
					      const struct rts_ip *raddr,
					      uint16_t rport)
{
	const struct rts_tcp_tables *t = &ctx->tcp;
	struct rts_tcp_conn *c;

	c = t->hash[tcp_tuple_hash(t, raddr, rport, lport, laddr) & t->hash_mask];
	for (; c; c = c->hnext)
		if (c->rport == rport && c->lport == lport &&
		    rts_ip_eq(&c->raddr, raddr) && rts_ip_eq(&c->laddr, laddr))
			return c;
	return NULL;
}
struct rts_tcp_listener *tcp_listener_find(struct rts_ctx *ctx,
					   const struct rts_ip *laddr,
					   uint16_t lport);
struct rts_tcp_conn *tcp_conn_alloc(struct rts_ctx *ctx);
void tcp_conn_hash_insert(struct rts_ctx *ctx, struct rts_tcp_conn *c);
/* Unhash, drop every queued packet and return the slot. */
void tcp_conn_free(struct rts_ctx *ctx, struct rts_tcp_conn *c);
/* ISN (RFC 6528) for @c's 4-tuple; also sets its timestamp offset. */
uint32_t tcp_new_isn(struct rts_ctx *ctx, struct rts_tcp_conn *c);
void tcp_conn_tuple(const struct rts_tcp_conn *c, struct rts_tcp_tuple *t);
/* A free local port for an active open (the app's chooser first). 0: none. */
uint16_t tcp_pick_port(struct rts_ctx *ctx, const struct rts_ip *laddr,
		       const struct rts_endpoint *remote);
/* Set up a fresh block: defaults from the config, RTO, cc, timer. */
void tcp_conn_setup(struct rts_ctx *ctx, struct rts_tcp_conn *c);

/* ---- output (tcp_output.c) ---- */
/* Send whatever the windows, Nagle and pending flags allow. */
void tcp_output(struct rts_tcp_conn *c);
/* Send a bare control segment (ACK, SYN, SYN-ACK, FIN, RST) now. */
void tcp_send_ctl(struct rts_tcp_conn *c, uint8_t flags);
/* (Re)send the segment starting at @seq, up to one MSS. */
void tcp_retransmit(struct rts_tcp_conn *c, uint32_t seq);
/* RST for a segment that matches no connection (RFC 9293 §3.10.7.1). */
void tcp_send_reset_for(struct rts_ctx *ctx, const struct rts_l3_info *l3,
			const struct rts_tcp_hdr *th, uint32_t seg_len);
/* A zero-length probe with an old sequence number: elicits an ACK that
 * carries the peer's window (zero-window probe, keepalive). */
void tcp_send_probe(struct rts_tcp_conn *c);
/* Free queued payload acknowledged by snd_una. Returns bytes freed. */
uint32_t tcp_sndq_trim(struct rts_tcp_conn *c);
/*
 * A coarse clock (2^20 ns, about 1.05 ms, a shift instead of a division)
 * for how old ts_recent is: RFC 7323 §5.5 only needs to know when it is
 * older than 24 days.
 */
static inline uint32_t tcp_coarse_now(const struct rts_ctx *ctx)
{
	return (uint32_t)(ctx->now_ns >> 20);
}
#define TCP_TS_RECENT_MAX_AGE ((uint32_t)((24ull * 24 * 3600 * 1000000000) >> 20))

/* Our timestamp clock (ms) for this connection. */
static inline uint32_t tcp_ts_now(const struct rts_tcp_conn *c)
{
	return (uint32_t)(c->ctx->now_ns / 1000000u) + c->ts_offset;
}

/* Send [seq, seq+len) again (len <= MSS), with the FIN if it follows. */
void tcp_retransmit_range(struct rts_tcp_conn *c, uint32_t seq, uint32_t len);
/* Send @len (<= MSS) new bytes at snd_nxt now, windows aside. 0 or error. */
int tcp_send_new_segment(struct rts_tcp_conn *c, uint32_t len);

/* ---- SACK (tcp_recovery.c) ---- */
int tcp_sack_pool_init(struct rts_ctx *ctx, struct rts_arena *a);
void tcp_sack_release(struct rts_tcp_conn *c);
void tcp_sack_maybe_release(struct rts_tcp_conn *c);
void tcp_sack_note_ooo(struct rts_tcp_conn *c, uint32_t seq, uint32_t len);
void tcp_sack_note_dup(struct rts_tcp_conn *c, uint32_t seq, uint32_t end);
void tcp_sack_fill_blocks(struct rts_tcp_conn *c, struct rts_tcp_opts *o);
void tcp_sack_on_rto(struct rts_tcp_conn *c);
void tcp_sack_recovery_send(struct rts_tcp_conn *c);
bool tcp_sack_recovery(struct rts_tcp_conn *c);

/* ---- timers (tcp_timer.c) ---- */
void tcp_timer_update(struct rts_tcp_conn *c);
void tcp_timer_fire(struct rts_ctx *ctx, struct rts_timer *t, uint64_t now);
void tcp_rto_arm(struct rts_tcp_conn *c);
/* Arm the tail-loss probe (RFC 8985 §7) when allowed, else the RTO. */
void tcp_rexmt_arm(struct rts_tcp_conn *c);
/* RFC 6298 §2: SRTT/RTTVAR with alpha 1/8, beta 1/4, K = 4 (inline: once
 * per round trip on the receive path). */
static inline void tcp_rtt_sample(struct rts_tcp_conn *c, uint32_t rtt_us)
{
	const struct rts_tcp_config *tc = &c->ctx->cfg.tcp;
	uint32_t rto;

	if (rtt_us == 0)
		rtt_us = 1;
	if (c->srtt_us == 0) {
		c->srtt_us = rtt_us;
		c->rttvar_us = rtt_us / 2;
	} else {
		uint32_t delta = c->srtt_us > rtt_us ? c->srtt_us - rtt_us
						     : rtt_us - c->srtt_us;

		c->rttvar_us = c->rttvar_us - c->rttvar_us / 4 + delta / 4;
		c->srtt_us = c->srtt_us - c->srtt_us / 8 + rtt_us / 8;
	}
	rto = c->srtt_us + RTS_MAX(4 * c->rttvar_us, 1000u); /* G = 1 ms */
	if (rto < tc->rto_min_us)
		rto = tc->rto_min_us;
	if (rto > tc->rto_max_us)
		rto = tc->rto_max_us;
	c->rto_us = rto;
}
void tcp_enter_time_wait(struct rts_tcp_conn *c);

/* ---- state changes shared by input, timers and the API ---- */
/*
 * Tell the app (once) that the connection is over, then either free the
 * block now or leave it to TIME_WAIT. @reason: enum rts_tcp_close_reason.
 */
void tcp_conn_closed(struct rts_tcp_conn *c, int reason);
void tcp_set_state(struct rts_tcp_conn *c, uint8_t state);

/*
 * A send queue entry's aux: its headroom must not carry headers (it
 * already did once, or the app's buffer may be shared: rts_tcp_send_pkt).
 */
#define TCP_SNDQ_NO_INPLACE 1u

/* Queued payload not yet sent (the FIN's sequence number is not payload). */
static inline uint32_t tcp_sndq_unsent(const struct rts_tcp_conn *c)
{
	return seq_gt(c->snd_end, c->snd_nxt) ? c->snd_end - c->snd_nxt : 0;
}

static inline uint32_t tcp_flight(const struct rts_tcp_conn *c)
{
	return c->snd_max - c->snd_una;
}

#endif
