/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * memlink — the in-memory link: a packet buffer backend, a two-ended link
 * with a seeded impairment model, and a driver that runs two contexts over
 * it in virtual time. Used by the scenario tests and rtestack-membench.
 *
 * Pieces, from the bottom:
 *   ml_pool   preallocated buffers (struct rts_pkt + refcount + data) and
 *             indirect descriptors for clones; counts what is outstanding.
 *   ml_link   two endpoints A and B; each endpoint's ops->tx hands frames
 *             zero-copy to the other endpoint's receive queue, through the
 *             impairments of that direction (virtual-time mode) or through
 *             a lock-free SPSC ring (threaded mode).
 *   ml_scen   two contexts (198.18.0.1/24 and 198.18.0.2/24) over one link
 *             and a virtual clock: step(), run_until().
 */
#ifndef MEMLINK_H
#define MEMLINK_H

#include <rtestack/rtestack.h>

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ pool */
struct ml_pool;

struct ml_pool_config {
	uint32_t n_bufs;    /* buffers with data (default 4096) */
	uint32_t n_clones;  /* indirect descriptors for clones (0: n_bufs) */
	uint32_t data_size; /* bytes after the headroom (default 2048) */
	uint32_t headroom;  /* at least RTS_PKT_MIN_HEADROOM (the default) */
	/*
	 * Frees may come from a thread other than the owner's: reference
	 * counts become atomic and foreign frees go back through a return
	 * ring the owner drains.
	 */
	bool threaded;
};

struct ml_pool_stats {
	uint64_t allocs, alloc_fails, clones, clone_fails;
	uint32_t bufs_in_use, clones_in_use;
	uint32_t bufs_high_water;
};

void ml_pool_config_default(struct ml_pool_config *cfg);
struct ml_pool *ml_pool_create(const struct ml_pool_config *cfg);
void ml_pool_destroy(struct ml_pool *pool);

/* A fresh one-segment packet (see struct rts_backend_ops.alloc) or NULL. */
struct rts_pkt *ml_pool_alloc(struct ml_pool *pool);
/*
 * Clone a whole chain: new descriptors (from @pool) sharing every segment's
 * data; each data buffer is reused only when its last reference is freed.
 */
struct rts_pkt *ml_pool_clone(struct ml_pool *pool, struct rts_pkt *p);
/*
 * Free a whole chain. @local is the pool of the calling thread: segments of
 * other threaded pools go back through those pools' return rings.
 */
void ml_pkt_free(struct ml_pool *local, struct rts_pkt *p);

/*
 * Threaded pools, owner thread: hand back the other pools' buffers this
 * thread freed (they are batched; the link flushes when a receive poll
 * finds nothing), and take back its own that the other thread returned
 * (alloc does it when the free list runs dry).
 */
void ml_pool_flush_returns(struct ml_pool *local);
void ml_pool_reclaim(struct ml_pool *pool);

/*
 * Buffers + clone descriptors outstanding (owner thread, or quiescent
 * after every other pool's returns were flushed: ml_link_drain() does it).
 */
uint32_t ml_pool_in_use(struct ml_pool *pool);
void ml_pool_get_stats(struct ml_pool *pool, struct ml_pool_stats *st);
uint32_t ml_pool_data_size(const struct ml_pool *pool);

/* Copy a chain into fresh buffers from @pool (one or more segments). */
struct rts_pkt *ml_pkt_copy(struct ml_pool *pool, const struct rts_pkt *p);
/* Copy @len bytes at @off of a chain into @dst; returns bytes copied. */
uint32_t ml_pkt_read(const struct rts_pkt *p, uint32_t off, void *dst,
		     uint32_t len);

/* ------------------------------------------------------------------ link */
struct ml_link;
struct ml_ep;

enum ml_csum_mode {
	/* No capabilities: the stack computes and verifies every checksum. */
	ML_CSUM_SW = 0,
	/*
	 * TX/RX checksum offload reported; the link never computes the
	 * checksums the stack left for it and marks received IPv4/TCP/UDP
	 * frames GOOD (BAD where it corrupted them), as a verifying NIC
	 * would. Fast: for benchmarks.
	 */
	ML_CSUM_OFFLOAD = 1,
	/*
	 * Like OFFLOAD, but the link completes the requested TX checksums
	 * (using l2_len/l3_len) and verifies every checksum on receive, so
	 * the marks are the truth: checks that the stack asks for offload
	 * correctly.
	 */
	ML_CSUM_OFFLOAD_VERIFY = 2,
};

/* Probabilities are in parts per million; ML_PCT(2) is 2%. */
#define ML_PCT(x) ((uint32_t)((x) * 10000.0))

/* The impairments of one direction. All zero: a perfect wire. */
struct ml_impair {
	uint32_t loss_ppm;
	uint32_t dup_ppm;       /* deliver an extra copy right after */
	uint32_t corrupt_ppm;   /* flip one random bit past the Ethernet header */
	uint32_t reorder_ppm;   /* hold a frame back ... */
	uint32_t reorder_depth; /* ... until up to this many others pass (3) */
	uint64_t reorder_hold_ns; /* ... or this long at most (100 µs) */
	uint64_t delay_ns;      /* propagation delay */
	uint64_t rate_bps;      /* serialisation rate, bits/s (0: infinite) */
	uint32_t queue_limit;   /* frames waiting for the rate (0: no limit) */
};

/* What a filter decides for one frame (tests aim at one segment). */
enum ml_action {
	ML_PASS = 0,
	ML_DROP,
	ML_CORRUPT,
	ML_DUPLICATE,
};
/* @dir: 0 for A->B, 1 for B->A. Called before the random impairments. */
typedef enum ml_action (*ml_filter_fn)(void *arg, int dir,
				       const struct rts_pkt *frame);

struct ml_dir_stats {
	uint64_t frames, bytes;   /* handed to tx */
	uint64_t delivered;       /* handed to the receiver */
	uint64_t lost, duplicated, corrupted, reordered;
	uint64_t queue_drops;     /* rate-limiter queue full */
	uint64_t filter_drops;
	uint64_t copy_fails;      /* no buffer for a duplicate/corrupt copy */
	uint64_t csum_filled;     /* OFFLOAD_VERIFY: checksums completed */
	uint64_t offload_meta_bad; /* TX offload asked with l2/l3_len unset */
};

struct ml_link_config {
	enum ml_csum_mode csum;
	struct ml_impair dir[2]; /* [0]: A->B, [1]: B->A */
	uint64_t seed;
	/*
	 * Threaded: A and B run on two threads; each direction is an SPSC
	 * ring (no impairments, no time). Otherwise one thread drives both
	 * ends in virtual time.
	 */
	bool threaded;
	/*
	 * Deliver every frame as one private contiguous segment, as a NIC
	 * receives it, instead of handing the sender's descriptors over
	 * (which may be chains sharing data with the sender's clones).
	 */
	bool flatten;
	struct ml_pool *pool[2]; /* the pool of each endpoint's thread */
};

void ml_link_config_default(struct ml_link_config *cfg);
struct ml_link *ml_link_create(const struct ml_link_config *cfg);
/* Frees every frame still in flight; the pools are the caller's. */
void ml_link_destroy(struct ml_link *link);
/* Free every frame in flight or held (both directions). */
void ml_link_drain(struct ml_link *link);

struct ml_ep *ml_link_ep(struct ml_link *link, int side);
/* The clock frames are stamped with on tx (virtual-time mode). */
void ml_link_set_now(struct ml_link *link, uint64_t now_ns);
void ml_link_set_impair(struct ml_link *link, int dir,
			const struct ml_impair *im);
void ml_link_set_filter(struct ml_link *link, ml_filter_fn fn, void *arg);
void ml_link_get_stats(const struct ml_link *link, int dir,
		       struct ml_dir_stats *st);
/* Frames queued or held in direction @dir. */
uint32_t ml_link_in_flight(const struct ml_link *link, int dir);

/* The operations to pass to rts_ctx_init() with be = the endpoint. */
const struct rts_backend_ops *ml_backend_ops(void);
/* The capabilities the endpoint reports (put them in rts_config.caps). */
void ml_ep_caps(const struct ml_ep *ep, struct rts_if_caps *caps);
struct ml_pool *ml_ep_pool(const struct ml_ep *ep);
/* Frames that arrived at @ep by @now_ns, at most @max, oldest first. */
unsigned ml_ep_rx_burst(struct ml_ep *ep, struct rts_pkt **pkts, unsigned max,
			uint64_t now_ns);
/* Earliest time a frame queued towards @ep arrives (UINT64_MAX: none). */
uint64_t ml_ep_next_arrival(struct ml_ep *ep);

/* -------------------------------------------------------------- scenario */
struct ml_scen;

#define ML_SCEN_START_NS 1000000000ull /* virtual time at creation: 1 s */

struct ml_scen_opts {
	struct rts_config cfg[2];   /* A = 198.18.0.1/24, B = 198.18.0.2/24 */
	struct ml_pool_config pool; /* one pool per side */
	struct ml_link_config link; /* pools are filled in by create */
};

/* Defaults: rts_config_default() + addresses, MACs, distinct seeds. */
void ml_scen_opts_default(struct ml_scen_opts *o);
/* Caps follow o->link.csum. NULL if a context does not initialise. */
struct ml_scen *ml_scen_create(const struct ml_scen_opts *o);
/* rts_ctx_fini both contexts (if not done), drain the link, free all. */
void ml_scen_destroy(struct ml_scen *sc);

struct rts_ctx *ml_scen_ctx(struct ml_scen *sc, int side);
struct ml_link *ml_scen_link(struct ml_scen *sc);
struct ml_pool *ml_scen_pool(struct ml_scen *sc, int side);
uint64_t ml_scen_now(const struct ml_scen *sc);
/* The address of side 0 (198.18.0.1) or 1 (198.18.0.2). */
struct rts_ip ml_scen_ip(int side);

/*
 * Deliver pending frames to each context (at most 32 per rts_input call)
 * and run its timers; when nothing was delivered, advance virtual time to
 * the earliest deadline (timer or frame arrival). Returns false when
 * nothing can ever happen again (no frames in flight, no timers).
 */
bool ml_scen_step(struct ml_scen *sc);
/* Step until @cond(@arg) holds (true) or @max_ns of virtual time passed. */
bool ml_scen_run_until(struct ml_scen *sc, bool (*cond)(void *arg), void *arg,
		       uint64_t max_ns);
/* Step until virtual time has advanced by @ns (or nothing can happen). */
void ml_scen_run_for(struct ml_scen *sc, uint64_t ns);

/*
 * Tear down both contexts (rts_ctx_fini), drop what is in flight and
 * return the buffers still outstanding in both pools: 0 means no leak.
 */
uint32_t ml_scen_finish(struct ml_scen *sc);

#ifdef __cplusplus
}
#endif

#endif
