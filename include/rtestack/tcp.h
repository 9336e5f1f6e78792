/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — TCP API.
 *
 * Connections are handles into the context's preallocated table. Events
 * arrive through a struct rts_tcp_handlers the app registers per listener
 * (accepted connections inherit it) or per active open; each callback gets
 * the connection and its user pointer (rts_tcp_set_user()).
 *
 * Receiving is zero-copy: data() hands the app the in-order payload as a
 * packet chain it now owns (free it with rts_pkt_free()). The advertised
 * window only reopens when the app says how many bytes it has consumed
 * (rts_tcp_consumed()), so a slow app applies back-pressure to the peer.
 *
 * Sending: rts_tcp_send() copies bytes into packets segmented by the MSS;
 * rts_tcp_send_pkt() hands a packet chain over with no copy.
 */
#ifndef RTESTACK_TCP_H
#define RTESTACK_TCP_H

#include "ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

struct rts_tcp_conn;
struct rts_tcp_listener;

/* Why a connection ended, reported by handlers->closed. */
enum rts_tcp_close_reason {
	RTS_TCP_CLOSED_NORMAL = 0,  /* both FINs exchanged and acknowledged */
	RTS_TCP_CLOSED_RESET = 1,   /* the peer sent RST (or refused) */
	RTS_TCP_CLOSED_TIMEOUT = 2, /* retransmissions or keepalive gave up */
	RTS_TCP_CLOSED_ABORT = 3,   /* the app called rts_tcp_abort() */
	RTS_TCP_CLOSED_UNREACH = 4, /* ICMP said the peer is unreachable */
};

struct rts_tcp_handlers {
	/*
	 * A new connection completed the handshake on @l. Return 0 to keep
	 * it (set its user pointer here) or non-zero to reset it.
	 */
	int (*accepted)(struct rts_tcp_conn *c, void *listener_user);
	/* An active open completed. */
	void (*connected)(struct rts_tcp_conn *c, void *user);
	/*
	 * In-order data: @p is a chain of @len bytes starting @off bytes into
	 * the first segment's data. The app owns @p now.
	 */
	void (*data)(struct rts_tcp_conn *c, void *user, struct rts_pkt *p,
		     uint32_t off, uint32_t len);
	/* The peer sent FIN: no more data will come (half-close). */
	void (*peer_closed)(struct rts_tcp_conn *c, void *user);
	/* @bytes of our data were acknowledged. */
	void (*acked)(struct rts_tcp_conn *c, void *user, uint32_t bytes);
	/* Send space became available after rts_tcp_send() hit the limit. */
	void (*writable)(struct rts_tcp_conn *c, void *user);
	/*
	 * The connection is gone; the handle is invalid after this returns.
	 * @reason is enum rts_tcp_close_reason.
	 */
	void (*closed)(struct rts_tcp_conn *c, void *user, int reason);
};

/* TCP states, RFC 9293 §3.3.2. */
enum rts_tcp_state {
	RTS_TCP_CLOSED = 0,
	RTS_TCP_LISTEN,
	RTS_TCP_SYN_SENT,
	RTS_TCP_SYN_RECEIVED,
	RTS_TCP_ESTABLISHED,
	RTS_TCP_FIN_WAIT_1,
	RTS_TCP_FIN_WAIT_2,
	RTS_TCP_CLOSE_WAIT,
	RTS_TCP_CLOSING,
	RTS_TCP_LAST_ACK,
	RTS_TCP_TIME_WAIT,
};

const char *rts_tcp_state_name(int state);

/*
 * Listen on @local (ip any: every address of the port's family; for a
 * dual-stack listener pass the all-zero address). @backlog bounds
 * connections in SYN_RECEIVED plus accepted-but-not-yet-reported ones
 * (0: config default).
 */
struct rts_tcp_listener *rts_tcp_listen(struct rts_ctx *ctx,
					const struct rts_endpoint *local,
					uint16_t backlog,
					const struct rts_tcp_handlers *h,
					void *user, int *err);
void rts_tcp_unlisten(struct rts_tcp_listener *l);

/*
 * Choose the local port of an active open. The DPDK backend installs one
 * that picks ports whose replies RSS-hash to the calling lcore's queue.
 * Return a port, or 0 to let the stack choose.
 */
typedef uint16_t (*rts_tcp_port_chooser)(void *arg,
					 const struct rts_endpoint *local,
					 const struct rts_endpoint *remote,
					 uint32_t attempt);
void rts_tcp_set_port_chooser(struct rts_ctx *ctx, rts_tcp_port_chooser fn,
			      void *arg);

/*
 * Active open to @remote. @local may be NULL (address from config, port
 * automatic) or give an address and/or port (0: automatic).
 */
struct rts_tcp_conn *rts_tcp_connect(struct rts_ctx *ctx,
				     const struct rts_endpoint *local,
				     const struct rts_endpoint *remote,
				     const struct rts_tcp_handlers *h,
				     void *user, int *err);

/*
 * Copy up to @len bytes into the send queue. Returns the bytes accepted
 * (less than @len when the send buffer is full: handlers->writable fires
 * when space returns) or a negative rts_err.
 */
int rts_tcp_send(struct rts_tcp_conn *c, const void *data, uint32_t len);

/*
 * Zero-copy send of a whole packet chain (payload only; headers are added
 * in a separate buffer). On success the stack owns @p; on error the caller
 * still does. Returns the bytes queued or a negative rts_err.
 */
int rts_tcp_send_pkt(struct rts_tcp_conn *c, struct rts_pkt *p);

/* Bytes rts_tcp_send() would accept now. */
uint32_t rts_tcp_send_space(const struct rts_tcp_conn *c);

/* The app has consumed @bytes of delivered data: reopen the window. */
void rts_tcp_consumed(struct rts_tcp_conn *c, uint32_t bytes);

/* Send FIN after queued data; reading continues (half-close). */
int rts_tcp_shutdown(struct rts_tcp_conn *c);
/* Graceful close: shutdown and stop delivering data events. */
int rts_tcp_close(struct rts_tcp_conn *c);
/* Abortive close: RST now; handlers->closed(ABORT) is called. */
void rts_tcp_abort(struct rts_tcp_conn *c);

void rts_tcp_set_user(struct rts_tcp_conn *c, void *user);
void *rts_tcp_user(const struct rts_tcp_conn *c);
struct rts_ctx *rts_tcp_ctx(const struct rts_tcp_conn *c);
int rts_tcp_state(const struct rts_tcp_conn *c);
void rts_tcp_endpoints(const struct rts_tcp_conn *c,
		       struct rts_endpoint *local, struct rts_endpoint *remote);
/* TCP_NODELAY: false turns Nagle off for this connection. */
void rts_tcp_set_nagle(struct rts_tcp_conn *c, bool on);
/*
 * Congestion control of this connection (enum rts_cc_algo; the context's
 * cfg.tcp.cc is the default). The new algorithm starts from the current
 * window. RTS_EINVAL for an unknown value.
 */
int rts_tcp_set_cc(struct rts_tcp_conn *c, uint8_t algo);
/* Per-connection keepalive (times in µs; 0 idle turns it off). */
void rts_tcp_set_keepalive(struct rts_tcp_conn *c, uint32_t idle_us,
			   uint32_t intvl_us, uint8_t probes);

/* A snapshot of a connection's transmission state, for tools and tests. */
struct rts_tcp_info {
	uint8_t state;
	uint16_t mss;            /* send MSS */
	uint8_t snd_wscale, rcv_wscale;
	bool ts_ok, sack_ok;
	uint32_t srtt_us, rttvar_us, rto_us;
	uint32_t cwnd, ssthresh; /* bytes */
	uint32_t snd_wnd, rcv_wnd;
	uint32_t unacked, unsent; /* bytes */
	uint64_t retrans_segs;
	uint32_t snd_una, snd_nxt, rcv_nxt; /* RFC 9293 §3.3.1 */
};
void rts_tcp_get_info(const struct rts_tcp_conn *c, struct rts_tcp_info *i);

#ifdef __cplusplus
}
#endif

#endif
