/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Bulk transfers in the other link modes: corrupted segments are dropped
 * and counted, never delivered (software checksums, emulated offload, and
 * offload with the link verifying what the stack asked of the "device"),
 * and jumbo frames.
 */
#include "bulk.h"

RTS_TEST(corrupted_segments_dropped_software_checksums)
{
	struct bulk_case bc = {
		.name = "8 MiB, 2% corrupted, sw checksums",
		.bytes = 8ull << 20,
		.im = { .corrupt_ppm = ML_PCT(2), .delay_ns = 20 * USEC },
		.csum = ML_CSUM_SW,
	};
	struct bulk_result res;

	bulk_run(&bc, &res);
	RTS_CHECK(res.st[0].corrupted > 0 && res.st[1].corrupted > 0);
	/* Data frames are long: their damage is mostly in TCP... */
	RTS_CHECK(res.cnt[1].tcp_rx_bad_csum > 0);
	/* ...ACKs are short: a good share hits the IPv4 header. */
	RTS_CHECK(res.cnt[0].ip4_rx_bad_csum > 0);
}

RTS_TEST(corrupted_segments_dropped_offload_marks)
{
	struct bulk_case bc = {
		.name = "8 MiB, 2% corrupted, offload (marks)",
		.bytes = 8ull << 20,
		.im = { .corrupt_ppm = ML_PCT(2), .delay_ns = 20 * USEC },
		.csum = ML_CSUM_OFFLOAD,
	};
	struct bulk_result res;

	bulk_run(&bc, &res);
	RTS_CHECK(res.st[0].corrupted > 0 && res.st[1].corrupted > 0);
	RTS_CHECK(res.cnt[1].tcp_rx_bad_csum > 0);
	RTS_CHECK(res.cnt[0].ip4_rx_bad_csum > 0);
}

RTS_TEST(offload_requests_are_right_and_verified)
{
	struct bulk_case bc = {
		.name = "16 MiB, 1% corrupted, 1% loss, offload verified",
		.bytes = 16ull << 20,
		.im = { .corrupt_ppm = ML_PCT(1), .loss_ppm = ML_PCT(1),
			.delay_ns = 20 * USEC },
		.csum = ML_CSUM_OFFLOAD_VERIFY,
	};
	struct bulk_result res;

	bulk_run(&bc, &res);
	/* The stack asked the "device" for every checksum, with lengths. */
	RTS_CHECK(res.st[0].csum_filled > 0 && res.st[1].csum_filled > 0);
	RTS_CHECK_EQ(res.st[0].offload_meta_bad + res.st[1].offload_meta_bad, 0);
}

RTS_TEST(jumbo_frames_mtu_9000)
{
	struct bulk_case bc = {
		.name = "32 MiB, MTU 9000, 1% loss",
		.bytes = 32ull << 20,
		.im = { .loss_ppm = ML_PCT(1), .delay_ns = 20 * USEC,
			.rate_bps = 10000000000ull },
		.csum = ML_CSUM_SW,
		.mtu = 9000,
		.data_size = 9216,
		.n_bufs = 4096,
		.flatten = true, /* 9014-byte frames in one buffer, as a NIC */
	};
	struct bulk_result res;

	bulk_run(&bc, &res);
	/* Full-size segments: 9000 - IPv4 - TCP - timestamps. */
	RTS_CHECK_EQ(res.mss[0], 9000 - 20 - 20 - 12);
	RTS_CHECK_EQ(res.mss[1], 9000 - 20 - 20 - 12);
}

int main(void)
{
	return rts_test_main();
}
