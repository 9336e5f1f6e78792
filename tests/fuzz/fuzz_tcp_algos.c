/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the TCP building blocks that never see a packet:
 * the SACK scoreboard and receiver blocks, congestion control and SYN
 * cookies. The input is a program of small operations; after each one the
 * structures' invariants are checked and any violation aborts (a crash
 * libFuzzer reports with the input that caused it).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rtestack/ctx.h>

#include "fuzz_input.h"
#include "tcp/tcp_cc.h"
#include "tcp/tcp_sack.h"
#include "tcp/tcp_syncookie.h"

#define FUZZ_ASSERT(c)                                                         \
	do {                                                                   \
		if (!(c)) {                                                    \
			fprintf(stderr, "invariant failed: %s:%d: %s\n",       \
				__FILE__, __LINE__, #c);                       \
			abort();                                               \
		}                                                              \
	} while (0)

/* ------------------------------------------------------------- SACK */

struct sack_world {
	struct rts_sack_sb sb;
	uint32_t una, max;
};

static void sb_invariants(const struct sack_world *w)
{
	const struct rts_sack_sb *sb = &w->sb;
	uint32_t total = 0;

	FUZZ_ASSERT(sb->n <= RTS_SACK_SB_BLOCKS);
	for (unsigned i = 0; i < sb->n; i++) {
		FUZZ_ASSERT(seq_lt(sb->blk[i].start, sb->blk[i].end));
		FUZZ_ASSERT(seq_leq(w->una, sb->blk[i].start));
		FUZZ_ASSERT(seq_leq(sb->blk[i].end, w->max));
		if (i > 0)
			FUZZ_ASSERT(seq_lt(sb->blk[i - 1].end, sb->blk[i].start));
		total += sb->blk[i].end - sb->blk[i].start;
	}
	FUZZ_ASSERT(total == sb->sacked_bytes);
	FUZZ_ASSERT(rts_sack_sb_sacked_above(sb, w->una) == total);
}

static void sb_queries(const struct sack_world *w, uint32_t x, uint32_t mss)
{
	const struct rts_sack_sb *sb = &w->sb;
	uint32_t flight = w->max - w->una, hs, he, s, e;
	uint32_t pipe = rts_sack_sb_pipe(sb, w->una, w->max, w->una + x, mss);
	uint32_t edge = rts_sack_sb_lost_edge(sb, w->una, mss);
	bool lost;

	FUZZ_ASSERT(pipe <= 2 * (uint64_t)flight);
	FUZZ_ASSERT(seq_leq(w->una, edge) && seq_leq(edge, w->max));
	if (rts_sack_sb_next_hole(sb, w->una, &hs, &he)) {
		FUZZ_ASSERT(seq_lt(hs, he));
		FUZZ_ASSERT(!rts_sack_sb_is_sacked(sb, hs, hs + 1));
		FUZZ_ASSERT(rts_sack_sb_is_sacked(sb, he, he + 1));
		/* IsLost and the edge agree on un-SACKed bytes */
		FUZZ_ASSERT(rts_sack_sb_is_lost(sb, hs, mss) == seq_lt(hs, edge));
		FUZZ_ASSERT(rts_sack_sb_is_lost(sb, he - 1, mss) ==
			    seq_lt(he - 1, edge));
	}
	if (rts_sack_sb_next_seg(sb, w->una, w->una + x, mss, &s, &e, &lost)) {
		FUZZ_ASSERT(seq_lt(s, e) && e - s <= mss);
		FUZZ_ASSERT(!rts_sack_sb_is_sacked(sb, s, s + 1));
	}
}

static void fuzz_sack(struct input *in)
{
	struct sack_world w;
	uint32_t mss = 1 + take(in, 1) * 8;

	rts_sack_sb_reset(&w.sb);
	w.una = take(in, 4);
	w.max = w.una + take(in, 2) * 16;
	for (int ops = 0; in->left && ops < 256; ops++) {
		uint8_t op = (uint8_t)take(in, 1);

		switch (op & 3) {
		case 0: { /* an ACK with up to 5 blocks, anywhere */
			struct rts_sack_block b[5];
			struct rts_sack_update res;
			struct rts_sack_sb before = w.sb;
			unsigned n = (op >> 2) % 6;

			for (unsigned k = 0; k < n; k++) {
				b[k].start = w.una + (uint32_t)(int16_t)take(in, 2) * 4;
				b[k].end = b[k].start + (uint32_t)(int16_t)take(in, 2) * 4;
			}
			rts_sack_sb_update(&w.sb, w.una, w.max, b, n, &res);
			FUZZ_ASSERT(res.accepted + res.rejected + res.stale +
				    res.dsack == n);
			/* nothing SACKed is forgotten unless room ran out */
			if (w.sb.dropped == before.dropped)
				for (unsigned i = 0; i < before.n; i++)
					FUZZ_ASSERT(rts_sack_sb_is_sacked(&w.sb,
						before.blk[i].start, before.blk[i].end));
			FUZZ_ASSERT(w.sb.sacked_bytes ==
				    before.sacked_bytes + res.newly_sacked ||
				    w.sb.dropped != before.dropped);
			break;
		}
		case 1: /* the cumulative ACK moves */
			w.una += take(in, 2) % (w.max - w.una + 1);
			rts_sack_sb_prune(&w.sb, w.una);
			break;
		case 2: /* more data sent */
			if (w.max - w.una < (1u << 30))
				w.max += take(in, 2) * 4;
			break;
		default:
			if ((op >> 2) == 0)
				rts_sack_sb_reset(&w.sb);
			break;
		}
		sb_invariants(&w);
		sb_queries(&w, take(in, 2), mss);
	}
}

static void fuzz_sack_rcv(struct input *in)
{
	struct rts_sack_block ooo[40], out[4], last, dsack;
	struct rts_sack_rcv r;
	uint32_t base = take(in, 4), at = base;
	unsigned n_ooo = 0;

	rts_sack_rcv_init(&r);
	for (int ops = 0; in->left && ops < 64; ops++) {
		unsigned max = take(in, 1) % 6, n;
		bool use_dsack = take(in, 1) & 1;

		/* a fresh sorted, disjoint set of ranges */
		n_ooo = take(in, 1) % 40;
		at = base;
		for (unsigned i = 0; i < n_ooo; i++) {
			ooo[i].start = at + 1 + take(in, 1) * 10;
			ooo[i].end = ooo[i].start + 1 + take(in, 1) * 10;
			at = ooo[i].end;
		}
		last.start = base + take(in, 2);
		last.end = last.start + take(in, 1);
		dsack.start = base - 1000 + take(in, 2);
		dsack.end = dsack.start + take(in, 1);
		n = rts_sack_rcv_blocks(&r, ooo, n_ooo, &last,
					use_dsack ? &dsack : NULL, max, out);
		FUZZ_ASSERT(n <= max && n <= RTS_SACK_MAX_BLOCKS);
		FUZZ_ASSERT(r.n_recent <= n);
		for (unsigned k = 0; k < n; k++) {
			bool found = false;

			if (k == 0 && use_dsack && seq_lt(dsack.start, dsack.end) &&
			    out[0].start == dsack.start && out[0].end == dsack.end)
				continue;
			for (unsigned i = 0; i < n_ooo; i++)
				found |= out[k].start == ooo[i].start &&
					 out[k].end == ooo[i].end;
			FUZZ_ASSERT(found);
		}
	}
}

/* --------------------------------------------------------------- CC */

static void fuzz_cc(struct input *in)
{
	const struct rts_tcp_cc_ops *ops = rts_tcp_cc_get((uint8_t)take(in, 1) & 1);
	struct rts_tcp_cc cc;
	uint32_t mss = 64 + take(in, 2) % 9000;
	uint64_t now = take(in, 4);

	ops->init(&cc, mss, (1 + take(in, 1) % 100) * mss, now);
	for (int n = 0; in->left && n < 512; n++) {
		uint8_t op = (uint8_t)take(in, 1);
		uint32_t a = take(in, 4), b = take(in, 4);

		now += (uint64_t)take(in, 2) << (op >> 4);
		switch (op & 7) {
		case 0: case 1: case 2:
			ops->on_ack(&cc, a % (4u << 20), b % 200000,
				    b % (cc.cwnd + 1), now);
			break;
		case 3:
			ops->on_loss(&cc, a, now);
			break;
		case 4:
			ops->on_recovery_end(&cc, now);
			break;
		case 5:
			ops->on_timeout(&cc, a, now);
			break;
		case 6:
			ops->on_idle(&cc, a, now);
			break;
		default:
			if (a & 1)
				rts_tcp_cc_recovery_dupack(&cc);
			else
				rts_tcp_cc_recovery_partial_ack(&cc, b);
			break;
		}
		FUZZ_ASSERT(cc.cwnd >= cc.mss || cc.cwnd == cc.init_cwnd);
		FUZZ_ASSERT(cc.cwnd <= RTS_CC_CWND_MAX + 3 * cc.mss);
		FUZZ_ASSERT(cc.ssthresh >= 2 * cc.mss);
	}
}

/* ------------------------------------------------------- SYN cookies */

static void fuzz_syncookie(struct input *in)
{
	uint64_t key[2] = { take(in, 4), take(in, 4) };
	struct rts_tcp_tuple t;
	struct rts_syncookie_opts o, out;
	uint64_t now = (uint64_t)take(in, 4) << 16;
	uint32_t peer_isn = take(in, 4), tsval = take(in, 4), cookie;
	int r;

	memset(&t, 0, sizeof(t));
	t.laddr = rts_ip4_from_be(take(in, 4));
	t.raddr = rts_ip4_from_be(take(in, 4));
	t.lport = (uint16_t)take(in, 2);
	t.rport = (uint16_t)take(in, 2);
	o.mss = (uint16_t)take(in, 2);
	o.wscale = (uint8_t)(take(in, 1) & 0xf);
	o.sack_ok = take(in, 1) & 1;
	o.ts_ok = take(in, 1) & 1;
	cookie = rts_syncookie_make(key, &t, peer_isn, &o, now, &tsval);
	r = rts_syncookie_check(key, &t, peer_isn + 1, cookie + 1, o.ts_ok,
				tsval, now, &out);
	FUZZ_ASSERT(r == RTS_SYNCOOKIE_OK);
	FUZZ_ASSERT(out.mss <= (o.mss < 536 ? 536 : o.mss));
	FUZZ_ASSERT(!o.ts_ok || out.sack_ok == o.sack_ok);
	/* arbitrary ACKs never crash and are mostly refused */
	while (in->left >= 9) {
		uint32_t seq = take(in, 4), ack = take(in, 4);
		uint8_t f = (uint8_t)take(in, 1);

		r = rts_syncookie_check(key, &t, seq, ack, f & 1, take(in, 4),
					now + ((uint64_t)f << 28), &out);
		FUZZ_ASSERT(r == RTS_SYNCOOKIE_OK || r == RTS_SYNCOOKIE_EXPIRED ||
			    r == RTS_SYNCOOKIE_BAD_HASH);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };

	switch (take(&in, 1) & 3) {
	case 0:
		fuzz_sack(&in);
		break;
	case 1:
		fuzz_sack_rcv(&in);
		break;
	case 2:
		fuzz_cc(&in);
		break;
	default:
		fuzz_syncookie(&in);
		break;
	}
	return 0;
}
