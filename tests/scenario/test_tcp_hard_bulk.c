/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Issue 3: 256 MiB each way on one connection, at once, over a link that
 * loses 5% of the frames, reorders 2%, duplicates 1% and corrupts 0.1% in
 * each direction (50 µs delay, 10 Gbit/s), software checksums. Byte-exact
 * (position by position and an FNV-1a hash of each stream), every
 * corrupted frame dropped by a checksum and counted, closed normally,
 * nothing leaked.
 *
 * Built four times (see meson.build) so meson runs the cases in parallel:
 * HARD_SACK (1: SACK + RFC 6675 recovery, 0: NewReno RFC 6582) and HARD_CC
 * (RTS_CC_NEWRENO or RTS_CC_CUBIC).
 */
#include "bulk.h"

#ifndef HARD_SACK
#define HARD_SACK 1
#endif
#ifndef HARD_CC
#define HARD_CC RTS_CC_CUBIC
#endif

#define HARD_BYTES (256ull << 20)

RTS_TEST(bulk_256mib_both_ways_5pct_loss_reorder_dup_corrupt)
{
	struct bulk_case bc = {
		.name = HARD_SACK ? (HARD_CC == RTS_CC_CUBIC ? "SACK + CUBIC"
							     : "SACK + NewReno")
				  : (HARD_CC == RTS_CC_CUBIC ? "no SACK + CUBIC"
							     : "no SACK + NewReno"),
		.bytes = HARD_BYTES,
		.im = { .loss_ppm = ML_PCT(5), .reorder_ppm = ML_PCT(2),
			.dup_ppm = ML_PCT(1), .corrupt_ppm = ML_PCT(0.1),
			.delay_ns = 50 * USEC, .rate_bps = 10000000000ull },
		.csum = ML_CSUM_SW,
		.sack_off = !HARD_SACK,
		.cc = HARD_CC,
	};
	struct bulk_result res;
	uint64_t bad_csum = 0;

	bulk_run(&bc, &res);
	/* The option was (not) negotiated as asked. */
	RTS_CHECK_EQ(res.sack_ok[0], HARD_SACK);
	RTS_CHECK_EQ(res.sack_ok[1], HARD_SACK);
	/* Every impairment happened in both directions. */
	for (int s = 0; s < 2; s++) {
		RTS_CHECK(res.st[s].lost > 0);
		RTS_CHECK(res.st[s].reordered > 0);
		RTS_CHECK(res.st[s].duplicated > 0);
		RTS_CHECK(res.st[s].corrupted > 0);
		RTS_CHECK(res.cnt[s].tcp_tx_fast_retrans > 0);
		/* Options never push a segment past the MTU. */
		RTS_CHECK_EQ(res.cnt[s].ip4_tx_too_big, 0);
		bad_csum += res.cnt[s].tcp_rx_bad_csum +
			    res.cnt[s].ip4_rx_bad_csum;
	}
	/* Corruption was caught by the checksums (bulk_run has checked that
	 * every corrupted frame is one counted drop, and the streams). */
	RTS_CHECK(bad_csum > 0);
	RTS_CHECK(res.cnt[0].tcp_rx_dup + res.cnt[1].tcp_rx_dup > 0);
	RTS_NOTE("  goodput %.1f Mbit/s each way (virtual time)",
		 (double)HARD_BYTES * 8 / ((double)res.virt_ns / 1e9) / 1e6);
}

int main(void)
{
	return rts_test_main();
}
