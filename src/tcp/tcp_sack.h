/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — SACK (RFC 2018), D-SACK (RFC 2883) and the RFC 6675 loss
 * recovery helpers, as plain data structures over sequence ranges.
 * Nothing here sees a packet or a connection.
 *
 * Receiver: rts_sack_rcv_blocks() picks the SACK blocks for an outgoing
 * ACK from the out-of-order ranges, most recent first, with a D-SACK block
 * in front when the segment that triggered the ACK was a duplicate.
 *
 * Sender: struct rts_sack_sb, the scoreboard. A sorted array of disjoint,
 * non-adjacent SACKed ranges above snd_una, updated in place as blocks
 * arrive (an ACK with k blocks costs O(k * n) with n <= 32 small moves;
 * nothing is rebuilt), trimmed as snd_una advances. The core calls:
 *   rts_sack_sb_update()   for every ACK carrying SACK blocks (after it has
 *                          advanced snd_una), adding result.rejected to a
 *                          counter: blocks outside [snd_una, snd_max] are
 *                          never believed;
 *   rts_sack_sb_prune()    when snd_una advances on an ACK without blocks;
 *   rts_sack_sb_reset()    on an RTO (RFC 6675 §5.1: SACK information is
 *                          not trusted after a timeout, RFC 2018 §8);
 *   rts_sack_sb_is_lost(), rts_sack_sb_pipe(), rts_sack_sb_next_seg()
 *                          to run RFC 6675 recovery: enter when IsLost
 *                          (snd_una) holds or on DupThresh duplicate ACKs,
 *                          send while pipe < cwnd what NextSeg returns.
 */
#ifndef RTS_TCP_SACK_H
#define RTS_TCP_SACK_H

#include <stdbool.h>
#include <stdint.h>

#include "tcp_seq.h"

/* A range of sequence space [start, end). */
struct rts_sack_block {
	uint32_t start;
	uint32_t end;
};

#define RTS_SACK_MAX_BLOCKS 4  /* 40 bytes of options: 2 + 4 * 8 */
#define RTS_SACK_MAX_BLOCKS_TS 3 /* with the 12-byte timestamp option */
#define RTS_SACK_DUPTHRESH 3   /* RFC 6675 §2 DupThresh */

/* ---------------------------------------------------------- receiver */

/* What the receiver remembers between ACKs: the blocks it last sent. */
struct rts_sack_rcv {
	struct rts_sack_block recent[RTS_SACK_MAX_BLOCKS];
	uint8_t n_recent;
};

static inline void rts_sack_rcv_init(struct rts_sack_rcv *r)
{
	r->n_recent = 0;
}

/*
 * Fill @out with up to @max_blocks (clamped to 4; 3 when timestamps are
 * on) SACK blocks and return how many:
 *  1. @dsack (may be NULL): the duplicate range of the segment that
 *     triggered this ACK (RFC 2883 §4), reported once and first; when it
 *     lies inside an out-of-order range, that range comes second.
 *  2. the out-of-order range holding @last, the segment that triggered
 *     this ACK (may be NULL, or not held: it advanced rcv_nxt), per
 *     RFC 2018 §4 "the first SACK block MUST specify ... the segment which
 *     triggered this ACK";
 *  3. the ranges reported most recently, in that order, as they are now
 *     (merged ranges grow, delivered ones vanish) and never twice;
 *  4. any other range, highest sequence first.
 * @ooo: the receiver's out-of-order ranges, sorted ascending, disjoint,
 * all above rcv_nxt; @n_ooo of them (any number).
 */
unsigned rts_sack_rcv_blocks(struct rts_sack_rcv *r,
			     const struct rts_sack_block *ooo, unsigned n_ooo,
			     const struct rts_sack_block *last,
			     const struct rts_sack_block *dsack,
			     unsigned max_blocks, struct rts_sack_block *out);

/* ------------------------------------------------------------ sender */

#define RTS_SACK_SB_BLOCKS 32

struct rts_sack_sb {
	uint32_t sacked_bytes;  /* total of blk[] */
	uint16_t n;             /* ranges in blk[] */
	uint16_t dropped;       /* ranges forgotten for lack of room */
	struct rts_sack_block blk[RTS_SACK_SB_BLOCKS]; /* sorted, disjoint */
};

/* What one ACK's blocks did to the scoreboard. */
struct rts_sack_update {
	uint32_t newly_sacked;  /* bytes SACKed for the first time */
	uint8_t accepted;       /* blocks that were used */
	uint8_t rejected;       /* malformed, beyond snd_max or beyond 4 */
	uint8_t stale;          /* wholly below snd_una and not a D-SACK */
	bool dsack;             /* the first block was a D-SACK */
	struct rts_sack_block dsack_range;
};

void rts_sack_sb_reset(struct rts_sack_sb *sb);

/*
 * Merge the @n blocks of one ACK (in the order received) into @sb, after
 * pruning below @snd_una. A block is believed only inside [snd_una,
 * snd_max] (RFC 2018 §8 hardening: a peer cannot SACK unsent data); one
 * reaching below snd_una is trimmed. The first block is a D-SACK (RFC 2883
 * §4) when it lies at or below snd_una or inside the second block.
 */
void rts_sack_sb_update(struct rts_sack_sb *sb, uint32_t snd_una,
			uint32_t snd_max, const struct rts_sack_block *blocks,
			unsigned n, struct rts_sack_update *res);

/* Forget everything below @snd_una (the cumulative ACK moved). */
void rts_sack_sb_prune(struct rts_sack_sb *sb, uint32_t snd_una);

/* Is all of [s, e) SACKed? */
bool rts_sack_sb_is_sacked(const struct rts_sack_sb *sb, uint32_t s,
			   uint32_t e);

/* SACKed bytes at or above @x. */
uint32_t rts_sack_sb_sacked_above(const struct rts_sack_sb *sb, uint32_t x);

/* One past the highest SACKed byte; @snd_una if nothing is SACKed. */
static inline uint32_t rts_sack_sb_high(const struct rts_sack_sb *sb,
					uint32_t snd_una)
{
	return sb->n ? sb->blk[sb->n - 1].end : snd_una;
}

/*
 * The first hole (un-SACKed range) at or after @from that lies below the
 * highest SACKed byte: [*hs, *he). False when there is none.
 */
bool rts_sack_sb_next_hole(const struct rts_sack_sb *sb, uint32_t from,
			   uint32_t *hs, uint32_t *he);

/*
 * RFC 6675 §4 IsLost(seq): DupThresh discontiguous SACKed ranges above
 * @seq, or more than (DupThresh - 1) * @mss SACKed bytes above it.
 */
bool rts_sack_sb_is_lost(const struct rts_sack_sb *sb, uint32_t seq,
			 uint32_t mss);

/*
 * Every un-SACKed byte below this sequence number is lost by IsLost (the
 * rule is monotonic); @snd_una when none is.
 */
uint32_t rts_sack_sb_lost_edge(const struct rts_sack_sb *sb, uint32_t snd_una,
			       uint32_t mss);

/*
 * RFC 6675 §4 SetPipe(): bytes in flight. Per un-SACKed byte in
 * [snd_una, snd_max): one if not lost, plus one if retransmitted, where the
 * retransmitted bytes are the un-SACKed ones below @high_rxt (NextSeg
 * retransmits in sequence order; pass snd_una when none).
 */
uint32_t rts_sack_sb_pipe(const struct rts_sack_sb *sb, uint32_t snd_una,
			  uint32_t snd_max, uint32_t high_rxt, uint32_t mss);

/*
 * RFC 6675 §4 NextSeg() rules 1 and 3, for retransmissions: the first hole
 * above max(@high_rxt, @snd_una) and below the highest SACKed byte, cut to
 * @mss bytes, in [*s, *e). *@lost says which rule: true (rule 1) when the
 * bytes are lost, to send now; false (rule 3) when they are merely
 * un-SACKed, to send only if no new data can go (rule 2 comes first).
 * False when there is no hole above high_rxt.
 */
bool rts_sack_sb_next_seg(const struct rts_sack_sb *sb, uint32_t snd_una,
			  uint32_t high_rxt, uint32_t mss, uint32_t *s,
			  uint32_t *e, bool *lost);

#endif
