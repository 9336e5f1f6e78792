/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One bulk transfer over an impaired link, both ways at once on one
 * connection, checked byte for byte; shared by the bulk test binaries so
 * each can run on its own core.
 */
#ifndef BULK_H
#define BULK_H

#include "scen.h"

struct bulk_case {
	const char *name;
	uint64_t bytes;           /* each way */
	struct ml_impair im;      /* both directions */
	enum ml_csum_mode csum;
	uint16_t mtu;             /* 0: 1500 */
	uint32_t data_size;       /* pool buffer size, 0: 2048 */
	uint32_t rto_min_us;      /* 0: default */
	uint32_t n_bufs;          /* 0: 8192 */
	bool flatten;             /* frames arrive as private single segments */
	bool one_way;             /* only A sends */
	bool sack_off;            /* both sides: no RFC 2018 SACK (NewReno/6582) */
	uint8_t cc;               /* enum rts_cc_algo, both sides (0: CUBIC) */
};

struct bulk_result {
	uint64_t virt_ns;         /* virtual time the transfer took */
	struct ml_dir_stats st[2];
	struct rts_counters cnt[2];
	uint16_t mss[2];          /* send MSS of A and B once connected */
	bool sack_ok[2];          /* SACK negotiated, as A and B see it */
};

/* Runs the case with RTS_CHECKs; fills @res for extra checks. */
void bulk_run(const struct bulk_case *bc, struct bulk_result *res);

#endif
