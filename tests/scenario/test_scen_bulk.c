/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * 64 MiB each way on one connection, at once, over a link that loses 2% of
 * the frames, reorders and duplicates 1% in each direction, with 50 µs of
 * delay at 10 Gbit/s; software checksums. Byte-exact (position by position
 * and an FNV-1a hash of each stream), closed normally, nothing leaked.
 */
#include "bulk.h"

RTS_TEST(bulk_64mib_both_ways_lossy_reordering_duplicating)
{
	struct bulk_case bc = {
		.name = "64 MiB, 2% loss, 1% reorder, 1% dup",
		.bytes = 64ull << 20,
		.im = { .loss_ppm = ML_PCT(2), .reorder_ppm = ML_PCT(1),
			.dup_ppm = ML_PCT(1), .delay_ns = 50 * USEC,
			.rate_bps = 10000000000ull },
		.csum = ML_CSUM_SW,
	};
	struct bulk_result res;

	bulk_run(&bc, &res);
	RTS_CHECK(res.st[0].lost > 0 && res.st[1].lost > 0);
	RTS_CHECK(res.st[0].reordered > 0 && res.st[0].duplicated > 0);
	RTS_CHECK(res.cnt[0].tcp_tx_retrans > 0 && res.cnt[1].tcp_tx_retrans > 0);
	RTS_CHECK(res.cnt[0].tcp_rx_dup + res.cnt[1].tcp_rx_dup > 0);
}

int main(void)
{
	return rts_test_main();
}
