/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_scen_bulk.c and test_scen_bulk_modes.c over IPv6 (issue 5: both
 * families pass the same suites): bulk both ways at once over a lossy,
 * reordering, duplicating link; corrupted frames dropped and never
 * delivered with software checksums, with offload marks, and with the link
 * verifying the offload requests; jumbo frames. bulk_run() checks every
 * stream byte for byte; here scen_family = 6 so it runs over 2001:2::1/::2.
 */
#include "bulk.h"

static void only_ipv6(const struct bulk_result *res)
{
	for (int s = 0; s < 2; s++) {
		RTS_CHECK_EQ(res->cnt[s].ip4_tx, 0);
		RTS_CHECK(res->cnt[s].ip6_tx > 1000);
	}
}

RTS_TEST(ip6_bulk_64mib_both_ways_lossy_reordering_duplicating)
{
	struct bulk_case bc = {
		.name = "IPv6 64 MiB, 2% loss, 1% reorder, 1% dup",
		.bytes = 64ull << 20,
		.im = { .loss_ppm = ML_PCT(2), .reorder_ppm = ML_PCT(1),
			.dup_ppm = ML_PCT(1), .delay_ns = 50 * USEC,
			.rate_bps = 10000000000ull },
		.csum = ML_CSUM_SW,
	};
	struct bulk_result res;

	bulk_run(&bc, &res);
	only_ipv6(&res);
	RTS_CHECK_EQ(res.mss[0], 1500 - 40 - 20 - 12);
	RTS_CHECK(res.st[0].lost > 0 && res.st[1].lost > 0);
	RTS_CHECK(res.st[0].reordered > 0 && res.st[0].duplicated > 0);
	RTS_CHECK(res.cnt[0].tcp_tx_retrans > 0 && res.cnt[1].tcp_tx_retrans > 0);
}

/* test_tcp_hard_bulk.c (issue 3), SACK + CUBIC, over IPv6. */
RTS_TEST(ip6_bulk_256mib_both_ways_5pct_loss_reorder_dup_corrupt)
{
	struct bulk_case bc = {
		.name = "IPv6 256 MiB, SACK + CUBIC, 5% loss, 2% reorder, "
			"1% dup, 0.1% corrupt",
		.bytes = 256ull << 20,
		.im = { .loss_ppm = ML_PCT(5), .reorder_ppm = ML_PCT(2),
			.dup_ppm = ML_PCT(1), .corrupt_ppm = ML_PCT(0.1),
			.delay_ns = 50 * USEC, .rate_bps = 10000000000ull },
		.csum = ML_CSUM_SW,
		.cc = RTS_CC_CUBIC,
	};
	struct bulk_result res;

	bulk_run(&bc, &res);
	only_ipv6(&res);
	for (int s = 0; s < 2; s++) {
		RTS_CHECK(res.sack_ok[s]);
		RTS_CHECK(res.st[s].lost > 0 && res.st[s].reordered > 0);
		RTS_CHECK(res.st[s].duplicated > 0 && res.st[s].corrupted > 0);
		RTS_CHECK(res.cnt[s].tcp_tx_fast_retrans > 0);
		RTS_CHECK_EQ(res.cnt[s].ip6_tx_frags, 0); /* never over the MTU */
	}
	RTS_CHECK(res.cnt[0].tcp_rx_bad_csum + res.cnt[1].tcp_rx_bad_csum > 0);
}

RTS_TEST(ip6_corrupted_segments_dropped_software_checksums)
{
	struct bulk_case bc = {
		.name = "IPv6 8 MiB, 2% corrupted, sw checksums",
		.bytes = 8ull << 20,
		.im = { .corrupt_ppm = ML_PCT(2), .delay_ns = 20 * USEC },
		.csum = ML_CSUM_SW,
	};
	struct bulk_result res;

	bulk_run(&bc, &res);
	only_ipv6(&res);
	RTS_CHECK(res.st[0].corrupted > 0 && res.st[1].corrupted > 0);
	/* no IPv6 header checksum: TCP's (with the pseudo-header) catches
	 * damage to the addresses and the payload, both ways */
	RTS_CHECK(res.cnt[1].tcp_rx_bad_csum > 0);
	RTS_CHECK(res.cnt[0].tcp_rx_bad_csum > 0);
}

RTS_TEST(ip6_corrupted_segments_dropped_offload_marks)
{
	struct bulk_case bc = {
		.name = "IPv6 8 MiB, 2% corrupted, offload (marks)",
		.bytes = 8ull << 20,
		.im = { .corrupt_ppm = ML_PCT(2), .delay_ns = 20 * USEC },
		.csum = ML_CSUM_OFFLOAD,
	};
	struct bulk_result res;

	bulk_run(&bc, &res);
	only_ipv6(&res);
	RTS_CHECK(res.st[0].corrupted > 0 && res.st[1].corrupted > 0);
	RTS_CHECK(res.cnt[1].tcp_rx_bad_csum > 0);
}

RTS_TEST(ip6_offload_requests_are_right_and_verified)
{
	struct bulk_case bc = {
		.name = "IPv6 16 MiB, 1% corrupted, 1% loss, offload verified",
		.bytes = 16ull << 20,
		.im = { .corrupt_ppm = ML_PCT(1), .loss_ppm = ML_PCT(1),
			.delay_ns = 20 * USEC },
		.csum = ML_CSUM_OFFLOAD_VERIFY,
	};
	struct bulk_result res;

	bulk_run(&bc, &res);
	only_ipv6(&res);
	RTS_CHECK(res.st[0].csum_filled > 0 && res.st[1].csum_filled > 0);
	RTS_CHECK_EQ(res.st[0].offload_meta_bad + res.st[1].offload_meta_bad, 0);
}

RTS_TEST(ip6_jumbo_frames_mtu_9000)
{
	struct bulk_case bc = {
		.name = "IPv6 32 MiB, MTU 9000, 1% loss",
		.bytes = 32ull << 20,
		.im = { .loss_ppm = ML_PCT(1), .delay_ns = 20 * USEC,
			.rate_bps = 10000000000ull },
		.csum = ML_CSUM_SW,
		.mtu = 9000,
		.data_size = 9216,
		.n_bufs = 4096,
		.flatten = true,
	};
	struct bulk_result res;

	bulk_run(&bc, &res);
	only_ipv6(&res);
	/* Full-size segments: 9000 - IPv6 - TCP - timestamps. */
	RTS_CHECK_EQ(res.mss[0], 9000 - 40 - 20 - 12);
	RTS_CHECK_EQ(res.mss[1], 9000 - 40 - 20 - 12);
}

int main(void)
{
	scen_family = 6;
	return rts_test_main();
}
