/* SPDX-License-Identifier: BSD-3-Clause */
/* rtestack — SACK blocks, the sender's scoreboard, RFC 6675 helpers. */
#include "tcp_sack.h"

#include "../core/util.h"

static inline uint32_t blk_len(const struct rts_sack_block *b)
{
	return b->end - b->start;
}

static inline bool blk_valid(const struct rts_sack_block *b)
{
	return seq_lt(b->start, b->end);
}

/* ---------------------------------------------------------- receiver */

/* The out-of-order range sharing a byte with @r, or -1. */
static int ooo_find(const struct rts_sack_block *ooo, unsigned n_ooo,
		    const struct rts_sack_block *r)
{
	if (!blk_valid(r))
		return -1;
	for (unsigned i = 0; i < n_ooo; i++)
		if (seq_lt(ooo[i].start, r->end) && seq_lt(r->start, ooo[i].end))
			return (int)i;
	return -1;
}

/* Append @b unless full or already among out[first..n) (RFC 2018 §4: no
 * block is repeated; the D-SACK block at out[0] does not count, RFC 2883
 * wants the range holding it right after it). */
static void put_block(struct rts_sack_block *out, unsigned *n, unsigned max,
		      unsigned first, const struct rts_sack_block *b)
{
	if (*n >= max)
		return;
	for (unsigned j = first; j < *n; j++)
		if (out[j].start == b->start && out[j].end == b->end)
			return;
	out[(*n)++] = *b;
}

unsigned rts_sack_rcv_blocks(struct rts_sack_rcv *r,
			     const struct rts_sack_block *ooo, unsigned n_ooo,
			     const struct rts_sack_block *last,
			     const struct rts_sack_block *dsack,
			     unsigned max_blocks, struct rts_sack_block *out)
{
	unsigned n = 0, first = 0;
	int i;

	if (max_blocks > RTS_SACK_MAX_BLOCKS)
		max_blocks = RTS_SACK_MAX_BLOCKS;
	if (max_blocks == 0) {
		r->n_recent = 0;
		return 0;
	}
	if (dsack != NULL && blk_valid(dsack)) { /* RFC 2883 §4 */
		out[n++] = *dsack;
		first = 1;
		i = ooo_find(ooo, n_ooo, dsack);
		if (i >= 0)
			put_block(out, &n, max_blocks, first, &ooo[i]);
	}
	if (last != NULL) {
		i = ooo_find(ooo, n_ooo, last);
		if (i >= 0)
			put_block(out, &n, max_blocks, first, &ooo[i]);
	}
	for (unsigned k = 0; k < r->n_recent && n < max_blocks; k++) {
		i = ooo_find(ooo, n_ooo, &r->recent[k]);
		if (i >= 0)
			put_block(out, &n, max_blocks, first, &ooo[i]);
	}
	for (unsigned k = n_ooo; k-- > 0 && n < max_blocks;)
		put_block(out, &n, max_blocks, first, &ooo[k]);

	/* Remember what went out, minus the once-only D-SACK block. */
	r->n_recent = 0;
	for (unsigned k = first; k < n; k++)
		r->recent[r->n_recent++] = out[k];
	return n;
}

/* ------------------------------------------------------------ sender */

void rts_sack_sb_reset(struct rts_sack_sb *sb)
{
	sb->n = 0;
	sb->sacked_bytes = 0;
	sb->dropped = 0;
}

void rts_sack_sb_prune(struct rts_sack_sb *sb, uint32_t snd_una)
{
	unsigned i = 0;

	while (i < sb->n && seq_leq(sb->blk[i].end, snd_una))
		sb->sacked_bytes -= blk_len(&sb->blk[i++]);
	if (i > 0) {
		rts_memmove(sb->blk, sb->blk + i,
			    (sb->n - i) * sizeof(sb->blk[0]));
		sb->n = (uint16_t)(sb->n - i);
	}
	if (sb->n > 0 && seq_lt(sb->blk[0].start, snd_una)) {
		sb->sacked_bytes -= snd_una - sb->blk[0].start;
		sb->blk[0].start = snd_una;
	}
}

/* Insert [s, e) at @i, making room by forgetting the highest range when
 * full (losing SACK information only costs a needless retransmission;
 * merging two ranges would hide a hole). Returns the bytes added. */
static uint32_t sb_insert_at(struct rts_sack_sb *sb, unsigned i, uint32_t s,
			     uint32_t e)
{
	if (sb->n == RTS_SACK_SB_BLOCKS) {
		sb->dropped++;
		if (i == sb->n)
			return 0;
		sb->sacked_bytes -= blk_len(&sb->blk[--sb->n]);
	}
	rts_memmove(sb->blk + i + 1, sb->blk + i,
		    (sb->n - i) * sizeof(sb->blk[0]));
	sb->blk[i].start = s;
	sb->blk[i].end = e;
	sb->n++;
	sb->sacked_bytes += e - s;
	return e - s;
}

/* Merge [s, e) with every range it overlaps or touches. */
static uint32_t sb_add(struct rts_sack_sb *sb, uint32_t s, uint32_t e)
{
	unsigned i = 0, j;
	uint32_t covered = 0, ns = s, ne = e, added;

	while (i < sb->n && seq_lt(sb->blk[i].end, s))
		i++;
	for (j = i; j < sb->n && seq_leq(sb->blk[j].start, e); j++) {
		covered += blk_len(&sb->blk[j]);
		ns = seq_min(ns, sb->blk[j].start);
		ne = seq_max(ne, sb->blk[j].end);
	}
	if (j == i)
		return sb_insert_at(sb, i, s, e);
	sb->blk[i].start = ns;
	sb->blk[i].end = ne;
	if (j > i + 1) {
		rts_memmove(sb->blk + i + 1, sb->blk + j,
			    (sb->n - j) * sizeof(sb->blk[0]));
		sb->n = (uint16_t)(sb->n - (j - i - 1));
	}
	added = (ne - ns) - covered;
	sb->sacked_bytes += added;
	return added;
}

static bool blk_inside(const struct rts_sack_block *in,
		       const struct rts_sack_block *out)
{
	return seq_leq(out->start, in->start) && seq_leq(in->end, out->end);
}

void rts_sack_sb_update(struct rts_sack_sb *sb, uint32_t snd_una,
			uint32_t snd_max, const struct rts_sack_block *blocks,
			unsigned n, struct rts_sack_update *res)
{
	rts_memset(res, 0, sizeof(*res));
	rts_sack_sb_prune(sb, snd_una);
	for (unsigned k = 0; k < n; k++) {
		struct rts_sack_block b = blocks[k];

		if (k >= RTS_SACK_MAX_BLOCKS || !blk_valid(&b) ||
		    seq_gt(b.end, snd_max)) {
			res->rejected++; /* no room for it, or data never sent */
			continue;
		}
		/* RFC 2883 §4: a first block at or below the cumulative ACK,
		 * or inside the second block, reports a duplicate. */
		if (k == 0 && (seq_leq(b.end, snd_una) ||
			       (n > 1 && blk_inside(&b, &blocks[1])))) {
			res->dsack = true;
			res->dsack_range = b;
			continue;
		}
		if (seq_leq(b.end, snd_una)) {
			res->stale++;
			continue;
		}
		if (seq_lt(b.start, snd_una))
			b.start = snd_una;
		res->newly_sacked += sb_add(sb, b.start, b.end);
		res->accepted++;
	}
}

bool rts_sack_sb_is_sacked(const struct rts_sack_sb *sb, uint32_t s,
			   uint32_t e)
{
	if (seq_geq(s, e))
		return true;
	for (unsigned i = 0; i < sb->n && seq_leq(sb->blk[i].start, s); i++)
		if (seq_leq(e, sb->blk[i].end))
			return true;
	return false;
}

uint32_t rts_sack_sb_sacked_above(const struct rts_sack_sb *sb, uint32_t x)
{
	uint32_t bytes = 0;

	for (unsigned i = sb->n; i-- > 0;) {
		const struct rts_sack_block *b = &sb->blk[i];

		if (seq_leq(b->end, x))
			break;
		bytes += seq_geq(b->start, x) ? blk_len(b) : b->end - x;
	}
	return bytes;
}

bool rts_sack_sb_next_hole(const struct rts_sack_sb *sb, uint32_t from,
			   uint32_t *hs, uint32_t *he)
{
	for (unsigned i = 0; i < sb->n; i++) {
		const struct rts_sack_block *b = &sb->blk[i];

		if (seq_leq(b->end, from))
			continue;
		if (seq_lt(from, b->start)) {
			*hs = from;
			*he = b->start;
			return true;
		}
		from = b->end; /* inside a SACKed range: skip it */
	}
	return false;
}

bool rts_sack_sb_is_lost(const struct rts_sack_sb *sb, uint32_t seq,
			 uint32_t mss)
{
	uint32_t ranges = 0, bytes = 0;

	for (unsigned i = sb->n; i-- > 0;) {
		const struct rts_sack_block *b = &sb->blk[i];

		if (seq_leq(b->end, seq + 1))
			break; /* nothing above seq from here down */
		ranges++;
		bytes += seq_gt(b->start, seq) ? blk_len(b) : b->end - seq - 1;
		if (ranges >= RTS_SACK_DUPTHRESH ||
		    bytes > (RTS_SACK_DUPTHRESH - 1) * mss)
			return true;
	}
	return false;
}

uint32_t rts_sack_sb_lost_edge(const struct rts_sack_sb *sb, uint32_t snd_una,
			       uint32_t mss)
{
	uint32_t ranges = 0, bytes = 0;

	/* An un-SACKed byte just below blk[i].start sees all of blk[i..]
	 * above it; the first i from the top that satisfies IsLost marks
	 * the edge. */
	for (unsigned i = sb->n; i-- > 0;) {
		ranges++;
		bytes += blk_len(&sb->blk[i]);
		if (ranges >= RTS_SACK_DUPTHRESH ||
		    bytes > (RTS_SACK_DUPTHRESH - 1) * mss)
			return sb->blk[i].start;
	}
	return snd_una;
}

/* Un-SACKed bytes in [a, b), a <= b. */
static uint32_t unsacked_in(const struct rts_sack_sb *sb, uint32_t a,
			    uint32_t b)
{
	return (b - a) - (rts_sack_sb_sacked_above(sb, a) -
			  rts_sack_sb_sacked_above(sb, b));
}

uint32_t rts_sack_sb_pipe(const struct rts_sack_sb *sb, uint32_t snd_una,
			  uint32_t snd_max, uint32_t high_rxt, uint32_t mss)
{
	uint32_t edge = rts_sack_sb_lost_edge(sb, snd_una, mss);
	uint32_t rxt = seq_min(seq_max(high_rxt, snd_una), snd_max);

	if (seq_geq(snd_una, snd_max))
		return 0;
	edge = seq_min(seq_max(edge, snd_una), snd_max);
	return unsacked_in(sb, snd_una, snd_max) -
	       unsacked_in(sb, snd_una, edge) + unsacked_in(sb, snd_una, rxt);
}

bool rts_sack_sb_next_seg(const struct rts_sack_sb *sb, uint32_t snd_una,
			  uint32_t high_rxt, uint32_t mss, uint32_t *s,
			  uint32_t *e, bool *lost)
{
	uint32_t hs, he;

	if (!rts_sack_sb_next_hole(sb, seq_max(snd_una, high_rxt), &hs, &he))
		return false;
	*s = hs;
	*e = he - hs > mss ? hs + mss : he;
	*lost = seq_lt(hs, rts_sack_sb_lost_edge(sb, snd_una, mss));
	return true;
}
