/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SACK: wrap-safe sequence comparisons, receiver block selection (RFC 2018
 * §4, RFC 2883), the sender scoreboard against a per-byte reference model,
 * and the RFC 6675 IsLost / pipe / NextSeg helpers.
 */
#include "rts_test.h"
#include "tcp/tcp_sack.h"

#define B(s, e) ((struct rts_sack_block){ (uint32_t)(s), (uint32_t)(e) })

static bool blk_eq(struct rts_sack_block a, struct rts_sack_block b)
{
	return a.start == b.start && a.end == b.end;
}

#define CHECK_BLK(got, s, e)                                                   \
	do {                                                                   \
		RTS_CHECK_EQ((got).start, (uint32_t)(s));                      \
		RTS_CHECK_EQ((got).end, (uint32_t)(e));                        \
	} while (0)

/* ------------------------------------------------------------ seq */

RTS_TEST(seq_compare_across_wrap)
{
	RTS_CHECK(seq_lt(1, 2));
	RTS_CHECK(seq_lt(0xfffffff0u, 0x10));
	RTS_CHECK(seq_gt(0x10, 0xfffffff0u));
	RTS_CHECK(seq_leq(0xffffffffu, 0));
	RTS_CHECK(seq_geq(0, 0xffffffffu));
	RTS_CHECK(seq_leq(5, 5) && seq_geq(5, 5) && !seq_lt(5, 5));
	RTS_CHECK(seq_lt(0, 0x7fffffffu));
	RTS_CHECK(seq_gt(0, 0x80000001u)); /* more than 2^31 ahead: behind */
	RTS_CHECK_EQ(seq_max(0xfffffff0u, 0x10), 0x10);
	RTS_CHECK_EQ(seq_min(0xfffffff0u, 0x10), 0xfffffff0u);
	RTS_CHECK(seq_in(0, 0xfffffff0u, 0x10));
	RTS_CHECK(!seq_in(0x10, 0xfffffff0u, 0x10));
	RTS_CHECK(seq_in(0xfffffff0u, 0xfffffff0u, 0x10));
	for (uint32_t base = 0xffffff00u, i = 0; i < 512; i++) {
		uint32_t a = base + i;

		RTS_CHECK(seq_lt(a, a + 1) && seq_gt(a + 1000, a));
	}
}

/* ------------------------------------------------------- receiver */

RTS_TEST(rcv_no_ooo_no_blocks)
{
	struct rts_sack_rcv r;
	struct rts_sack_block out[4], last = B(100, 200);

	rts_sack_rcv_init(&r);
	RTS_CHECK_EQ(rts_sack_rcv_blocks(&r, NULL, 0, &last, NULL, 4, out), 0);
	RTS_CHECK_EQ(r.n_recent, 0);
}

RTS_TEST(rcv_most_recent_first)
{
	struct rts_sack_rcv r;
	struct rts_sack_block ooo[4], out[4], last;
	unsigned n;

	rts_sack_rcv_init(&r);
	/* rcv_nxt = 1000; A = [2000,2100) arrives */
	ooo[0] = B(2000, 2100);
	last = B(2000, 2100);
	n = rts_sack_rcv_blocks(&r, ooo, 1, &last, NULL, 4, out);
	RTS_REQUIRE(n == 1);
	CHECK_BLK(out[0], 2000, 2100);
	/* B = [4000,4100) */
	ooo[1] = B(4000, 4100);
	last = B(4000, 4100);
	n = rts_sack_rcv_blocks(&r, ooo, 2, &last, NULL, 4, out);
	RTS_REQUIRE(n == 2);
	CHECK_BLK(out[0], 4000, 4100);
	CHECK_BLK(out[1], 2000, 2100);
	/* C = [3000,3100), between them */
	ooo[1] = B(3000, 3100);
	ooo[2] = B(4000, 4100);
	last = B(3000, 3100);
	n = rts_sack_rcv_blocks(&r, ooo, 3, &last, NULL, 4, out);
	RTS_REQUIRE(n == 3);
	CHECK_BLK(out[0], 3000, 3100);
	CHECK_BLK(out[1], 4000, 4100);
	CHECK_BLK(out[2], 2000, 2100);
	/* [2100,3000) fills the gap: A and C merge, reported first, once */
	ooo[0] = B(2000, 3100);
	ooo[1] = B(4000, 4100);
	last = B(2100, 3000);
	n = rts_sack_rcv_blocks(&r, ooo, 2, &last, NULL, 4, out);
	RTS_REQUIRE(n == 2);
	CHECK_BLK(out[0], 2000, 3100);
	CHECK_BLK(out[1], 4000, 4100);
	/* [1000,2000) arrives in order: rcv_nxt jumps to 3100; the trigger
	 * is not reported (it advanced the ACK), the rest still is. */
	ooo[0] = B(4000, 4100);
	last = B(1000, 2000);
	n = rts_sack_rcv_blocks(&r, ooo, 1, &last, NULL, 4, out);
	RTS_REQUIRE(n == 1);
	CHECK_BLK(out[0], 4000, 4100);
}

RTS_TEST(rcv_block_limits_and_fill_order)
{
	struct rts_sack_rcv r;
	struct rts_sack_block ooo[8], out[4], last;
	unsigned n;

	rts_sack_rcv_init(&r);
	for (int i = 0; i < 8; i++)
		ooo[i] = B(1000 * (i + 2), 1000 * (i + 2) + 500);
	/* never reported before: trigger first, then highest first */
	last = B(4000, 4500);
	n = rts_sack_rcv_blocks(&r, ooo, 8, &last, NULL, 4, out);
	RTS_REQUIRE(n == 4);
	CHECK_BLK(out[0], 4000, 4500);
	CHECK_BLK(out[1], 9000, 9500);
	CHECK_BLK(out[2], 8000, 8500);
	CHECK_BLK(out[3], 7000, 7500);
	/* with timestamps only 3 fit, and the recent ones are repeated */
	last = B(2000, 2500);
	n = rts_sack_rcv_blocks(&r, ooo, 8, &last, NULL, 3, out);
	RTS_REQUIRE(n == 3);
	CHECK_BLK(out[0], 2000, 2500);
	CHECK_BLK(out[1], 4000, 4500);
	CHECK_BLK(out[2], 9000, 9500);
	/* asked for more than 4: still 4 */
	n = rts_sack_rcv_blocks(&r, ooo, 8, NULL, NULL, 9, out);
	RTS_CHECK_EQ(n, 4);
	RTS_CHECK_EQ(rts_sack_rcv_blocks(&r, ooo, 8, NULL, NULL, 0, out), 0);
	/* no trigger: the previous blocks come back in the same order */
	n = rts_sack_rcv_blocks(&r, ooo, 8, NULL, NULL, 4, out);
	RTS_REQUIRE(n == 4);
	{
		struct rts_sack_block again[4];

		RTS_CHECK_EQ(rts_sack_rcv_blocks(&r, ooo, 8, NULL, NULL, 4,
						 again), 4);
		for (int i = 0; i < 4; i++)
			RTS_CHECK(blk_eq(out[i], again[i]));
	}
}

RTS_TEST(rcv_dsack_below_ack)
{
	struct rts_sack_rcv r;
	struct rts_sack_block ooo[1] = { B(3000, 3500) }, out[4], last, dup;
	unsigned n;

	rts_sack_rcv_init(&r);
	last = B(3000, 3500);
	rts_sack_rcv_blocks(&r, ooo, 1, &last, NULL, 4, out);
	/* a retransmission of [1000,1500) arrives after rcv_nxt = 2000 */
	dup = B(1000, 1500);
	n = rts_sack_rcv_blocks(&r, ooo, 1, &dup, &dup, 4, out);
	RTS_REQUIRE(n == 2);
	CHECK_BLK(out[0], 1000, 1500); /* D-SACK first */
	CHECK_BLK(out[1], 3000, 3500);
	/* reported once only */
	n = rts_sack_rcv_blocks(&r, ooo, 1, NULL, NULL, 4, out);
	RTS_REQUIRE(n == 1);
	CHECK_BLK(out[0], 3000, 3500);
	/* a D-SACK with nothing out of order */
	n = rts_sack_rcv_blocks(&r, NULL, 0, &dup, &dup, 3, out);
	RTS_REQUIRE(n == 1);
	CHECK_BLK(out[0], 1000, 1500);
	/* an empty or reversed D-SACK range is ignored */
	dup = B(1500, 1500);
	RTS_CHECK_EQ(rts_sack_rcv_blocks(&r, NULL, 0, NULL, &dup, 4, out), 0);
}

RTS_TEST(rcv_dsack_above_ack)
{
	struct rts_sack_rcv r;
	struct rts_sack_block ooo[3] = { B(2000, 2500), B(3000, 4000),
					 B(5000, 5100) }, out[4], dup;
	unsigned n;

	rts_sack_rcv_init(&r);
	rts_sack_rcv_blocks(&r, ooo, 3, NULL, NULL, 4, out);
	/* duplicate [3200,3300) inside the held [3000,4000) (RFC 2883 §4.2):
	 * the D-SACK, then the range holding it, then the others */
	dup = B(3200, 3300);
	n = rts_sack_rcv_blocks(&r, ooo, 3, &dup, &dup, 4, out);
	RTS_REQUIRE(n == 4);
	CHECK_BLK(out[0], 3200, 3300);
	CHECK_BLK(out[1], 3000, 4000);
	RTS_CHECK(blk_eq(out[2], B(5000, 5100)) || blk_eq(out[2], B(2000, 2500)));
	/* a duplicate of a whole held range repeats it (first inside second) */
	dup = B(5000, 5100);
	n = rts_sack_rcv_blocks(&r, ooo, 3, &dup, &dup, 3, out);
	RTS_REQUIRE(n == 3);
	CHECK_BLK(out[0], 5000, 5100);
	CHECK_BLK(out[1], 5000, 5100);
}

RTS_TEST(rcv_across_wrap)
{
	struct rts_sack_rcv r;
	struct rts_sack_block ooo[2], out[4], last;
	unsigned n;

	rts_sack_rcv_init(&r);
	/* rcv_nxt = 0xfffffc00 */
	ooo[0] = B(0xfffffe00u, 0xffffff00u);
	ooo[1] = B(0x100, 0x200);
	last = B(0x100, 0x200);
	n = rts_sack_rcv_blocks(&r, ooo, 2, &last, NULL, 4, out);
	RTS_REQUIRE(n == 2);
	CHECK_BLK(out[0], 0x100, 0x200);
	CHECK_BLK(out[1], 0xfffffe00u, 0xffffff00u);
	/* the gap across zero fills: one range spanning the wrap */
	ooo[0] = B(0xfffffe00u, 0x200);
	last = B(0xffffff00u, 0x100);
	n = rts_sack_rcv_blocks(&r, ooo, 1, &last, NULL, 4, out);
	RTS_REQUIRE(n == 1);
	CHECK_BLK(out[0], 0xfffffe00u, 0x200);
}

/* --------------------------------------------------------- scoreboard */

static void sb_check_invariants(const struct rts_sack_sb *sb)
{
	uint32_t total = 0;

	for (unsigned i = 0; i < sb->n; i++) {
		RTS_CHECK(seq_lt(sb->blk[i].start, sb->blk[i].end));
		if (i > 0) /* sorted, disjoint, not even touching */
			RTS_CHECK(seq_lt(sb->blk[i - 1].end, sb->blk[i].start));
		total += sb->blk[i].end - sb->blk[i].start;
	}
	RTS_CHECK_EQ(total, sb->sacked_bytes);
}

static void sb_one(struct rts_sack_sb *sb, uint32_t una, uint32_t max,
		   struct rts_sack_block b, struct rts_sack_update *res)
{
	rts_sack_sb_update(sb, una, max, &b, 1, res);
}

RTS_TEST(sb_merge_overlapping_and_adjacent)
{
	struct rts_sack_sb sb;
	struct rts_sack_update res;

	rts_sack_sb_reset(&sb);
	sb_one(&sb, 0, 10000, B(1000, 2000), &res);
	RTS_CHECK_EQ(res.newly_sacked, 1000);
	RTS_CHECK_EQ(res.accepted, 1);
	sb_one(&sb, 0, 10000, B(3000, 4000), &res);
	RTS_CHECK_EQ(sb.n, 2);
	/* adjacent on the left of the second: merges */
	sb_one(&sb, 0, 10000, B(2500, 3000), &res);
	RTS_CHECK_EQ(sb.n, 2);
	RTS_CHECK_EQ(res.newly_sacked, 500);
	CHECK_BLK(sb.blk[1], 2500, 4000);
	/* fully inside: nothing new */
	sb_one(&sb, 0, 10000, B(1200, 1800), &res);
	RTS_CHECK_EQ(res.newly_sacked, 0);
	RTS_CHECK_EQ(sb.n, 2);
	/* bridging both, touching the first's end */
	sb_one(&sb, 0, 10000, B(2000, 2500), &res);
	RTS_CHECK_EQ(sb.n, 1);
	RTS_CHECK_EQ(res.newly_sacked, 500);
	CHECK_BLK(sb.blk[0], 1000, 4000);
	/* covering everything and more, on both sides */
	sb_one(&sb, 0, 10000, B(500, 5000), &res);
	RTS_CHECK_EQ(res.newly_sacked, 1500);
	CHECK_BLK(sb.blk[0], 500, 5000);
	RTS_CHECK_EQ(sb.sacked_bytes, 4500);
	sb_check_invariants(&sb);
	/* several ranges swallowed at once */
	rts_sack_sb_reset(&sb);
	for (int i = 0; i < 6; i++)
		sb_one(&sb, 0, 100000, B(1000 * i + 100, 1000 * i + 200), &res);
	RTS_CHECK_EQ(sb.n, 6);
	sb_one(&sb, 0, 100000, B(1150, 4150), &res);
	RTS_CHECK_EQ(sb.n, 3);
	CHECK_BLK(sb.blk[1], 1100, 4200);
	RTS_CHECK_EQ(res.newly_sacked, 3100 - 400);
	sb_check_invariants(&sb);
}

RTS_TEST(sb_prune_at_snd_una)
{
	struct rts_sack_sb sb;
	struct rts_sack_update res;
	struct rts_sack_block b[3] = { B(5000, 6000), B(3000, 4000),
				       B(1000, 2000) };

	rts_sack_sb_reset(&sb);
	rts_sack_sb_update(&sb, 0, 10000, b, 3, &res);
	RTS_CHECK_EQ(res.accepted, 3);
	RTS_CHECK_EQ(sb.sacked_bytes, 3000);
	rts_sack_sb_prune(&sb, 2000); /* exactly the first range's end */
	RTS_CHECK_EQ(sb.n, 2);
	rts_sack_sb_prune(&sb, 3500); /* into the middle of a range */
	RTS_CHECK_EQ(sb.n, 2);
	CHECK_BLK(sb.blk[0], 3500, 4000);
	RTS_CHECK_EQ(sb.sacked_bytes, 1500);
	rts_sack_sb_prune(&sb, 7000);
	RTS_CHECK_EQ(sb.n, 0);
	RTS_CHECK_EQ(sb.sacked_bytes, 0);
	/* update prunes too; a block straddling snd_una is trimmed */
	rts_sack_sb_update(&sb, 8000, 12000, &B(7000, 9000), 1, &res);
	RTS_CHECK(!res.dsack); /* reaches above snd_una: not a D-SACK */
	RTS_CHECK_EQ(res.newly_sacked, 1000);
	CHECK_BLK(sb.blk[0], 8000, 9000);
	sb_check_invariants(&sb);
}

RTS_TEST(sb_hostile_blocks_rejected)
{
	struct rts_sack_sb sb;
	struct rts_sack_update res;
	uint32_t una = 100000, max = 200000;

	rts_sack_sb_reset(&sb);
	/* beyond snd_max: data never sent */
	sb_one(&sb, una, max, B(150000, 200001), &res);
	RTS_CHECK_EQ(res.rejected, 1);
	sb_one(&sb, una, max, B(250000, 260000), &res);
	RTS_CHECK_EQ(res.rejected, 1);
	/* empty, reversed, and "2^31 long" ranges */
	sb_one(&sb, una, max, B(150000, 150000), &res);
	RTS_CHECK_EQ(res.rejected, 1);
	sb_one(&sb, una, max, B(160000, 150000), &res);
	RTS_CHECK_EQ(res.rejected, 1);
	sb_one(&sb, una, max, B(150000, 150000 + 0x80000000u), &res);
	RTS_CHECK_EQ(res.rejected, 1);
	sb_one(&sb, una, max, B(0, 0xffffffffu), &res);
	RTS_CHECK_EQ(res.rejected, 1);
	RTS_CHECK_EQ(sb.n, 0);
	RTS_CHECK_EQ(sb.sacked_bytes, 0);
	/* more than 4 blocks in one ACK: the extra ones are not believed */
	{
		struct rts_sack_block many[6];

		for (int i = 0; i < 6; i++)
			many[i] = B(una + 1000 * (i + 1), una + 1000 * (i + 1) + 10);
		rts_sack_sb_update(&sb, una, max, many, 6, &res);
		RTS_CHECK_EQ(res.accepted, 4);
		RTS_CHECK_EQ(res.rejected, 2);
	}
	/* stale (below snd_una, not first) */
	{
		struct rts_sack_block two[2] = { B(una + 50000, una + 50010),
						 B(una - 500, una - 100) };

		rts_sack_sb_update(&sb, una, max, two, 2, &res);
		RTS_CHECK_EQ(res.stale, 1);
		RTS_CHECK_EQ(res.accepted, 1);
		RTS_CHECK(!res.dsack);
	}
	sb_check_invariants(&sb);
}

RTS_TEST(sb_dsack_detection)
{
	struct rts_sack_sb sb;
	struct rts_sack_update res;
	struct rts_sack_block b[2];

	rts_sack_sb_reset(&sb);
	/* below the cumulative ACK */
	b[0] = B(900, 1000);
	rts_sack_sb_update(&sb, 1000, 5000, b, 1, &res);
	RTS_CHECK(res.dsack);
	CHECK_BLK(res.dsack_range, 900, 1000);
	RTS_CHECK_EQ(res.rejected + res.stale + res.accepted, 0);
	RTS_CHECK_EQ(sb.n, 0);
	/* inside the second block */
	b[0] = B(2000, 2100);
	b[1] = B(1500, 2500);
	rts_sack_sb_update(&sb, 1000, 5000, b, 2, &res);
	RTS_CHECK(res.dsack);
	RTS_CHECK_EQ(res.accepted, 1);
	RTS_CHECK_EQ(sb.sacked_bytes, 1000);
	/* a D-SACK claiming data beyond snd_max is just hostile */
	b[0] = B(6000, 6100);
	b[1] = B(5500, 7000);
	rts_sack_sb_update(&sb, 1000, 5000, b, 2, &res);
	RTS_CHECK(!res.dsack);
	RTS_CHECK_EQ(res.rejected, 2);
	/* an ordinary first block is not a D-SACK */
	b[0] = B(3000, 3100);
	b[1] = B(1500, 2500);
	rts_sack_sb_update(&sb, 1000, 5000, b, 2, &res);
	RTS_CHECK(!res.dsack);
	RTS_CHECK_EQ(res.accepted, 2);
}

RTS_TEST(sb_across_wrap)
{
	struct rts_sack_sb sb;
	struct rts_sack_update res;
	uint32_t una = 0xffff0000u, max = 0x00010000u, hs, he;

	rts_sack_sb_reset(&sb);
	sb_one(&sb, una, max, B(0xfffff000u, 0x1000), &res);
	RTS_CHECK_EQ(res.newly_sacked, 0x2000);
	sb_one(&sb, una, max, B(0xffff8000u, 0xffff9000u), &res);
	sb_one(&sb, una, max, B(0x2000, 0x3000), &res);
	RTS_REQUIRE(sb.n == 3);
	CHECK_BLK(sb.blk[0], 0xffff8000u, 0xffff9000u);
	CHECK_BLK(sb.blk[1], 0xfffff000u, 0x1000);
	CHECK_BLK(sb.blk[2], 0x2000, 0x3000);
	RTS_CHECK(rts_sack_sb_is_sacked(&sb, 0xfffffff0u, 0x10));
	RTS_CHECK(!rts_sack_sb_is_sacked(&sb, 0xfffffff0u, 0x1001));
	RTS_CHECK_EQ(rts_sack_sb_sacked_above(&sb, 0), 0x2000);
	RTS_CHECK_EQ(rts_sack_sb_sacked_above(&sb, 0xffffffffu), 0x2001);
	RTS_REQUIRE(rts_sack_sb_next_hole(&sb, 0xfffff800u, &hs, &he));
	RTS_CHECK_EQ(hs, 0x1000);
	RTS_CHECK_EQ(he, 0x2000);
	/* fill the gap across zero: merge */
	sb_one(&sb, una, max, B(0x1000, 0x2000), &res);
	RTS_CHECK_EQ(sb.n, 2);
	CHECK_BLK(sb.blk[1], 0xfffff000u, 0x3000);
	rts_sack_sb_prune(&sb, 0x10);
	RTS_CHECK_EQ(sb.n, 1);
	CHECK_BLK(sb.blk[0], 0x10, 0x3000);
	sb_check_invariants(&sb);
	/* beyond snd_max across the wrap */
	sb_one(&sb, 0x10, max, B(0xfff0, 0x10001), &res);
	RTS_CHECK_EQ(res.rejected, 1);
}

RTS_TEST(sb_overflow_forgets_highest)
{
	struct rts_sack_sb sb;
	struct rts_sack_update res;

	rts_sack_sb_reset(&sb);
	for (unsigned i = 0; i < RTS_SACK_SB_BLOCKS; i++)
		sb_one(&sb, 0, 1000000, B(100 * i + 50, 100 * i + 60), &res);
	RTS_CHECK_EQ(sb.n, RTS_SACK_SB_BLOCKS);
	RTS_CHECK_EQ(sb.dropped, 0);
	/* one more above all: not remembered */
	sb_one(&sb, 0, 1000000, B(900000, 900010), &res);
	RTS_CHECK_EQ(sb.n, RTS_SACK_SB_BLOCKS);
	RTS_CHECK_EQ(sb.dropped, 1);
	RTS_CHECK(!rts_sack_sb_is_sacked(&sb, 900000, 900010));
	/* one more low: the highest range makes room */
	sb_one(&sb, 0, 1000000, B(10, 20), &res);
	RTS_CHECK_EQ(sb.dropped, 2);
	RTS_CHECK(rts_sack_sb_is_sacked(&sb, 10, 20));
	RTS_CHECK(!rts_sack_sb_is_sacked(&sb, 100 * (RTS_SACK_SB_BLOCKS - 1) + 50,
					 100 * (RTS_SACK_SB_BLOCKS - 1) + 60));
	/* merging never needs room */
	sb_one(&sb, 0, 1000000, B(55, 160), &res);
	RTS_CHECK_EQ(sb.dropped, 2);
	sb_check_invariants(&sb);
}

RTS_TEST(sb_is_lost_and_pipe)
{
	struct rts_sack_sb sb;
	struct rts_sack_update res;
	const uint32_t mss = 100, una = 1000, max = 3000;
	uint32_t s, e;
	bool lost;

	rts_sack_sb_reset(&sb);
	/* segments 1000..2900 in 100-byte pieces; 1100 and 1300 SACKed */
	sb_one(&sb, una, max, B(1100, 1200), &res);
	RTS_CHECK(!rts_sack_sb_is_lost(&sb, 1000, mss));
	RTS_CHECK_EQ(rts_sack_sb_pipe(&sb, una, max, una, mss), 1900);
	sb_one(&sb, una, max, B(1300, 1400), &res);
	RTS_CHECK(!rts_sack_sb_is_lost(&sb, 1000, mss));
	/* third discontiguous range: 1000 is lost (DupThresh ranges) */
	sb_one(&sb, una, max, B(1500, 1600), &res);
	RTS_CHECK(rts_sack_sb_is_lost(&sb, 1000, mss));
	RTS_CHECK(rts_sack_sb_is_lost(&sb, 1099, mss));
	RTS_CHECK(!rts_sack_sb_is_lost(&sb, 1200, mss));
	RTS_CHECK_EQ(rts_sack_sb_lost_edge(&sb, una, mss), 1100);
	/* pipe: 2000 outstanding - 300 SACKed - 100 lost */
	RTS_CHECK_EQ(rts_sack_sb_pipe(&sb, una, max, una, mss), 1600);
	/* NextSeg rule 1: the lost hole */
	RTS_REQUIRE(rts_sack_sb_next_seg(&sb, una, una, mss, &s, &e, &lost));
	RTS_CHECK(s == 1000 && e == 1100 && lost);
	/* after retransmitting it (HighRxt = 1100) it counts in pipe again */
	RTS_CHECK_EQ(rts_sack_sb_pipe(&sb, una, max, 1100, mss), 1700);
	/* rule 3: the next hole is not lost yet */
	RTS_REQUIRE(rts_sack_sb_next_seg(&sb, una, 1100, mss, &s, &e, &lost));
	RTS_CHECK(s == 1200 && e == 1300 && !lost);
	/* no hole above the highest SACKed byte */
	RTS_CHECK(!rts_sack_sb_next_seg(&sb, una, 1600, mss, &s, &e, &lost));
	/* bytes rule: > 2 * SMSS SACKed above, in one range */
	rts_sack_sb_reset(&sb);
	sb_one(&sb, una, max, B(1100, 1300), &res);
	RTS_CHECK(!rts_sack_sb_is_lost(&sb, 1050, mss)); /* exactly 2*SMSS */
	sb_one(&sb, una, max, B(1100, 1301), &res);
	RTS_CHECK(rts_sack_sb_is_lost(&sb, 1050, mss));
	RTS_CHECK_EQ(rts_sack_sb_lost_edge(&sb, una, mss), 1100);
	/* holes cut to one MSS */
	sb_one(&sb, una, max, B(2000, 2100), &res);
	RTS_REQUIRE(rts_sack_sb_next_seg(&sb, una, 1301, mss, &s, &e, &lost));
	RTS_CHECK(s == 1301 && e == 1401 && !lost);
	RTS_CHECK_EQ(rts_sack_sb_pipe(&sb, una, una, una, mss), 0);
}

/* ------------------------------------------- randomized vs reference */

#define WIN 640u /* bytes; 10-byte units keep at most 32 disjoint ranges */

struct model {
	uint8_t sacked[WIN];
	uint32_t una; /* offset of snd_una in the window */
};

static uint64_t rng = 0x243f6a8885a308d3ull;
static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static bool ref_is_lost(const struct model *m, uint32_t off, uint32_t mss)
{
	uint32_t ranges = 0, bytes = 0;

	for (uint32_t i = off + 1; i < WIN; i++) {
		if (m->sacked[i]) {
			bytes++;
			if (i == off + 1 || !m->sacked[i - 1])
				ranges++;
		}
	}
	return ranges >= RTS_SACK_DUPTHRESH ||
	       bytes > (RTS_SACK_DUPTHRESH - 1) * mss;
}

static void compare_with_model(const struct rts_sack_sb *sb,
			       const struct model *m, uint32_t base,
			       uint32_t mss, uint32_t high_rxt_off, int *bad)
{
	uint32_t above = 0, pipe = 0, first_hole = WIN, high = 0;

	for (uint32_t i = m->una; i < WIN; i++)
		if (m->sacked[i])
			high = i + 1;
	for (uint32_t i = WIN; i-- > m->una;) {
		above += m->sacked[i];
		if (rts_sack_sb_sacked_above(sb, base + i) != above ||
		    rts_sack_sb_is_sacked(sb, base + i, base + i + 1) !=
			    (m->sacked[i] != 0))
			(*bad)++;
		if (!m->sacked[i]) {
			pipe += !ref_is_lost(m, i, mss) + (i < high_rxt_off);
			if (i < high)
				first_hole = i;
		}
	}
	if (rts_sack_sb_pipe(sb, base + m->una, base + WIN, base + high_rxt_off,
			     mss) != pipe)
		(*bad)++;
	for (uint32_t i = m->una; i < WIN; i += 7)
		if (!m->sacked[i] &&
		    rts_sack_sb_is_lost(sb, base + i, mss) != ref_is_lost(m, i, mss))
			(*bad)++;
	{
		uint32_t hs = 0, he = 0;
		bool found = rts_sack_sb_next_hole(sb, base + m->una, &hs, &he);

		if (found != (first_hole != WIN) ||
		    (found && hs != base + first_hole))
			(*bad)++;
	}
}

static void random_run(uint32_t base, int *bad)
{
	struct rts_sack_sb sb;
	struct model m;

	rts_sack_sb_reset(&sb);
	memset(&m, 0, sizeof(m));
	for (int step = 0; step < 400; step++) {
		struct rts_sack_block blk[4];
		struct rts_sack_update res;
		unsigned n = 1 + rnd(4);

		for (unsigned k = 0; k < n; k++) {
			uint32_t s = rnd(WIN / 10) * 10, len = (1 + rnd(6)) * 10;

			if (rnd(10) == 0) /* hostile: past snd_max */
				len += WIN;
			blk[k] = B(base + s, base + s + len);
		}
		rts_sack_sb_update(&sb, base + m.una, base + WIN, blk, n, &res);
		for (unsigned k = 0; k < n; k++) {
			uint32_t s = blk[k].start - base, e = blk[k].end - base;

			if (e > WIN || e <= m.una)
				continue; /* rejected, stale or D-SACK */
			if (k == 0 && n > 1 &&
			    blk[0].start - base >= blk[1].start - base &&
			    blk[0].end - base <= blk[1].end - base)
				continue; /* D-SACK inside the second */
			for (uint32_t i = s < m.una ? m.una : s; i < e; i++)
				m.sacked[i] = 1;
		}
		if (rnd(8) == 0) { /* the cumulative ACK moves */
			m.una += rnd(40);
			if (m.una > WIN - 10)
				m.una = WIN - 10;
			rts_sack_sb_prune(&sb, base + m.una);
			for (uint32_t i = 0; i < m.una; i++)
				m.sacked[i] = 0;
		}
		if (sb.dropped)
			(*bad)++;
		compare_with_model(&sb, &m, base, 30,
				   m.una + rnd(WIN - m.una), bad);
		if (m.una >= WIN - 10) {
			rts_sack_sb_reset(&sb);
			memset(&m, 0, sizeof(m));
		}
	}
}

RTS_TEST(sb_matches_reference_model)
{
	static const uint32_t bases[] = { 0, 1000, 0xffffff00u, 0x7ffffe00u,
					  0xfffffd80u };
	int bad = 0;

	for (unsigned b = 0; b < sizeof(bases) / sizeof(bases[0]); b++)
		for (int run = 0; run < 6; run++)
			random_run(bases[b], &bad);
	RTS_CHECK_EQ(bad, 0);
}

int main(void)
{
	return rts_test_main();
}
