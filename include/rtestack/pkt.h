/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — packet buffers and the backend interface.
 *
 * The stack never owns packet memory. A backend (DPDK, the in-memory test
 * link, your own) owns the buffers and lends them to the stack through a
 * small descriptor, struct rts_pkt, that lives inside each buffer (for DPDK:
 * in the rte_mbuf private area). The hot path reads and writes the descriptor
 * directly; the backend is only called through struct rts_backend_ops to
 * allocate, free, clone and transmit, once per packet or per burst, never per
 * field access.
 *
 * A packet is a chain of segments linked by ->next. The head segment carries
 * pkt_len (the sum of every segment's len) and the offload marks.
 */
#ifndef RTESTACK_PKT_H
#define RTESTACK_PKT_H

#include "types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Offload marks in rts_pkt.ol_flags. */
enum rts_pkt_flags {
	/* Receive side, set by the backend from what the device verified. */
	RTS_PKT_RX_IP_CSUM_GOOD = 1u << 0,
	RTS_PKT_RX_IP_CSUM_BAD = 1u << 1,
	RTS_PKT_RX_L4_CSUM_GOOD = 1u << 2,
	RTS_PKT_RX_L4_CSUM_BAD = 1u << 3,
	/* Transmit side, set by the stack for the device to complete. */
	RTS_PKT_TX_IPV4 = 1u << 8,
	RTS_PKT_TX_IPV6 = 1u << 9,
	RTS_PKT_TX_IP_CSUM = 1u << 10,  /* device fills the IPv4 header checksum */
	RTS_PKT_TX_TCP_CSUM = 1u << 11, /* device fills the TCP checksum */
	RTS_PKT_TX_UDP_CSUM = 1u << 12, /* device fills the UDP checksum */
	RTS_PKT_TX_TSO = 1u << 13,      /* device segments by tso_segsz */
};

/*
 * The stack's view of one buffer segment. The backend fills data, len,
 * pkt_len, next, ol_flags on receive and reads them back on transmit; the
 * remaining fields are the stack's own scratch space while it holds the
 * packet (queue linkage and TCP bookkeeping) and must not be touched by the
 * backend.
 */
struct rts_pkt {
	uint8_t *data;         /* first valid byte of this segment */
	uint32_t len;          /* valid bytes in this segment */
	uint32_t pkt_len;      /* head only: total bytes in the chain */
	struct rts_pkt *next;  /* next segment of the same packet, or NULL */
	uint8_t *buf;          /* start of the segment's memory */
	uint32_t buf_len;      /* size of the segment's memory */
	uint32_t ol_flags;     /* enum rts_pkt_flags */
	uint16_t l2_len;       /* TX offload: header lengths, as DPDK wants */
	uint16_t l3_len;
	uint16_t l4_len;
	uint16_t tso_segsz;    /* TX TSO: payload bytes per segment */
	/* --- stack scratch: never read or written by a backend --- */
	struct rts_pkt *q_next; /* linkage in stack queues */
	uint32_t seq;           /* TCP: sequence number of first payload byte */
	uint32_t aux;           /* TCP: flags / retransmit state; UDP: misc */
	uint64_t ts;            /* TCP: time (ns) the segment was last sent */
};

static inline uint32_t rts_pkt_headroom(const struct rts_pkt *p)
{
	return (uint32_t)(p->data - p->buf);
}

static inline uint32_t rts_pkt_tailroom(const struct rts_pkt *p)
{
	return p->buf_len - rts_pkt_headroom(p) - p->len;
}

/* Grow the segment at the front by @n bytes; NULL if no headroom. */
static inline uint8_t *rts_pkt_prepend(struct rts_pkt *p, uint32_t n)
{
	if (rts_pkt_headroom(p) < n)
		return (uint8_t *)0;
	p->data -= n;
	p->len += n;
	p->pkt_len += n;
	return p->data;
}

/* Shrink the (single-segment) head by @n bytes from the front. */
static inline uint8_t *rts_pkt_adj(struct rts_pkt *p, uint32_t n)
{
	if (p->len < n)
		return (uint8_t *)0;
	p->data += n;
	p->len -= n;
	p->pkt_len -= n;
	return p->data;
}

/* Append @n bytes at the end of a single-segment packet; NULL if no room. */
static inline uint8_t *rts_pkt_append(struct rts_pkt *p, uint32_t n)
{
	uint8_t *tail;

	if (rts_pkt_tailroom(p) < n)
		return (uint8_t *)0;
	tail = p->data + p->len;
	p->len += n;
	p->pkt_len += n;
	return tail;
}

/*
 * The operations a backend provides. @be is the backend's own handle, given
 * to rts_ctx_init(). Every function must be safe to call from the thread
 * that drives the context; none is called from anywhere else.
 */
struct rts_backend_ops {
	/*
	 * A fresh one-segment packet with data = buf + headroom (at least
	 * RTS_PKT_MIN_HEADROOM bytes), len = pkt_len = 0, next = NULL,
	 * ol_flags = 0. NULL when out of buffers (the stack counts it and
	 * backs off).
	 */
	struct rts_pkt *(*alloc)(void *be);
	/* Release a whole chain (every segment). */
	void (*free)(void *be, struct rts_pkt *p);
	/*
	 * A new one-segment descriptor sharing @p's data (reference counted;
	 * an indirect mbuf in DPDK) with data/len equal to @p's. The stack
	 * uses it to keep payload for retransmission while a copy of the
	 * reference is on the wire. May be NULL: the stack then copies.
	 */
	struct rts_pkt *(*clone)(void *be, struct rts_pkt *p);
	/*
	 * Transmit @n packets. The backend takes ownership of all of them:
	 * what the device does not accept it retries or frees and counts.
	 * Called once per burst (up to RTS_TX_BURST packets).
	 */
	void (*tx)(void *be, struct rts_pkt **pkts, unsigned n);
};

/* Headroom every allocated buffer must have: Ethernet + IPv6 + TCP max. */
#define RTS_PKT_MIN_HEADROOM 128
/* Largest burst the stack hands to ops->tx at once. */
#define RTS_TX_BURST 32

/* Device capabilities, queried once per interface by the backend. */
enum rts_if_cap {
	RTS_CAP_RX_IP_CSUM = 1u << 0,  /* RX IPv4 header checksum verified */
	RTS_CAP_RX_L4_CSUM = 1u << 1,  /* RX TCP/UDP checksum verified */
	RTS_CAP_TX_IP_CSUM = 1u << 2,  /* TX IPv4 header checksum */
	RTS_CAP_TX_L4_CSUM = 1u << 3,  /* TX TCP/UDP checksum over IPv4 */
	RTS_CAP_TX_L4_CSUM6 = 1u << 4, /* TX TCP/UDP checksum over IPv6 */
	RTS_CAP_TSO4 = 1u << 5,        /* TCP segmentation over IPv4 */
	RTS_CAP_TSO6 = 1u << 6,        /* TCP segmentation over IPv6 */
	RTS_CAP_MULTI_SEG = 1u << 7,   /* TX of chained segments */
};

struct rts_if_caps {
	uint32_t flags;          /* enum rts_if_cap */
	uint32_t tso_max_bytes;  /* largest TSO payload (e.g. 65535 - headers) */
	uint16_t max_tx_segs;    /* segments per packet with MULTI_SEG (0: any) */
};

#ifdef __cplusplus
}
#endif

#endif
