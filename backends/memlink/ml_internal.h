/* SPDX-License-Identifier: BSD-3-Clause */
/* memlink — internals shared by the pool, the link and the offload code. */
#ifndef ML_INTERNAL_H
#define ML_INTERNAL_H

#include "memlink.h"
#include "ml_ring.h"

#include <stdatomic.h>

enum ml_buf_state {
	ML_BUF_FREE = 0,
	ML_BUF_USED = 1,
	ML_BUF_DETACHED = 2, /* direct descriptor freed, clones still share */
};

struct ml_buf {
	struct rts_pkt pkt;      /* first: the stack's view */
	struct ml_pool *pool;
	struct ml_buf *owner;    /* indirect: the direct buffer with the data */
	struct ml_buf *free_next;
	_Atomic uint32_t refcnt; /* direct: descriptors sharing the data */
	uint8_t state;           /* enum ml_buf_state */
	bool indirect;
};

static inline struct ml_buf *ml_buf_of(const struct rts_pkt *p)
{
	return (struct ml_buf *)(void *)p;
}

#define ML_STASH 64

struct ml_pool {
	/* owner thread only */
	struct ml_buf *free_bufs;
	struct ml_buf *free_clones;
	uint32_t n_free_bufs, n_free_clones;
	uint32_t high_water;
	uint64_t st_allocs, st_alloc_fails, st_clones, st_clone_fails;
	/* read-only after creation */
	bool threaded;
	uint32_t headroom, data_size, stride;
	uint32_t n_bufs, n_clones;
	uint8_t *mem;
	struct ml_buf *clone_mem;
	struct ml_ring *ret; /* frees from the other thread */
	/*
	 * Owner thread: other pools' buffers this thread freed, handed back
	 * in bursts (one ring update per burst, not per buffer).
	 */
	struct ml_pool *stash_to;
	uint32_t n_stash;
	struct ml_buf *stash[ML_STASH];
};

/* ------------------------------------------------------------- offload */
/*
 * Complete the checksums @p asks the device for (RTS_PKT_TX_*_CSUM), using
 * l2_len/l3_len (parsed from the frame, and counted, when they are unset).
 */
void ml_offload_fill_tx(struct rts_pkt *p, struct ml_dir_stats *st);
/*
 * The RX marks a verifying NIC would set on @p. OFFLOAD trusts the frame
 * except where @corrupt_off (byte offset, -1: none) says the link damaged
 * it; OFFLOAD_VERIFY recomputes every checksum.
 */
uint32_t ml_offload_rx_marks(const struct rts_pkt *p, enum ml_csum_mode mode,
			     int64_t corrupt_off);

/*
 * The benchmark path: one look at a contiguous IPv4 header, as a NIC's
 * parser would. Returns false when the frame needs the general parse.
 */
static inline bool ml_trust_marks_v4(const struct rts_pkt *p, int64_t corrupt_off,
				uint32_t *marks)
{
	const uint8_t *h = p->data;
	uint32_t l3_end, m;

	if (p->len < 14 + 20 || h[12] != 0x08 || h[13] != 0x00 ||
	    (h[14] >> 4) != 4)
		return false;
	l3_end = 14 + (uint32_t)(h[14] & 0xf) * 4;
	if (corrupt_off >= 14 && corrupt_off < (int64_t)l3_end) {
		*marks = RTS_PKT_RX_IP_CSUM_BAD;
		return true;
	}
	m = RTS_PKT_RX_IP_CSUM_GOOD;
	if ((h[23] == 6 || h[23] == 17) &&
	    ((h[20] & 0x3f) | h[21]) == 0)
		m |= corrupt_off >= 14 ? RTS_PKT_RX_L4_CSUM_BAD
					     : RTS_PKT_RX_L4_CSUM_GOOD;
	*marks = m;
	return true;
}

/*
 * The same for IPv6 with TCP or UDP right after the fixed header: no header
 * checksum; the L4 sum covers the pseudo-header, so any damage past L2
 * shows there (as trust_marks() decides for the general case).
 */
static inline bool ml_trust_marks_v6(const struct rts_pkt *p, int64_t corrupt_off,
				     uint32_t *marks)
{
	const uint8_t *h = p->data;

	if (p->len < 14 + 40 || h[12] != 0x86 || h[13] != 0xdd ||
	    (h[14] >> 4) != 6 || (h[20] != 6 && h[20] != 17) ||
	    14u + 40 + (uint32_t)(h[18] << 8 | h[19]) > p->pkt_len)
		return false;
	*marks = corrupt_off >= 14 ? RTS_PKT_RX_L4_CSUM_BAD
				   : RTS_PKT_RX_L4_CSUM_GOOD;
	return true;
}

/* ml_offload_rx_marks() with the common cases inline (the link's hot path). */
static inline uint32_t ml_rx_marks(const struct rts_pkt *p,
				   enum ml_csum_mode mode, int64_t corrupt_off)
{
	uint32_t m;

	if (mode == ML_CSUM_SW)
		return 0;
	if (mode == ML_CSUM_OFFLOAD && (ml_trust_marks_v4(p, corrupt_off, &m) ||
					ml_trust_marks_v6(p, corrupt_off, &m)))
		return m;
	return ml_offload_rx_marks(p, mode, corrupt_off);
}

#endif
