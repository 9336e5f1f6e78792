/* SPDX-License-Identifier: BSD-3-Clause */
/* One bulk transfer both ways over an impaired link (see bulk.h). */
#define _POSIX_C_SOURCE 200809L
#include "bulk.h"

#include <time.h>

#define PORT 9000

static double wall_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool connected(void *arg)
{
	struct tapp **p = arg;

	return p[0]->connected && p[1]->accepted;
}

static void note_result(const struct bulk_case *bc,
			const struct bulk_result *res, double wall)
{
	const struct ml_dir_stats *s = res->st;

	RTS_NOTE("%s: %llu MiB %s in %.3f s virtual, %.2f s wall",
		 bc->name, (unsigned long long)(bc->bytes >> 20),
		 bc->one_way ? "one way" : "each way",
		 (double)res->virt_ns / 1e9, wall);
	RTS_NOTE("  link: lost %llu+%llu dup %llu+%llu reordered %llu+%llu "
		 "corrupted %llu+%llu of %llu+%llu frames",
		 (unsigned long long)s[0].lost, (unsigned long long)s[1].lost,
		 (unsigned long long)s[0].duplicated,
		 (unsigned long long)s[1].duplicated,
		 (unsigned long long)s[0].reordered,
		 (unsigned long long)s[1].reordered,
		 (unsigned long long)s[0].corrupted,
		 (unsigned long long)s[1].corrupted,
		 (unsigned long long)s[0].frames,
		 (unsigned long long)s[1].frames);
	RTS_NOTE("  retransmitted %llu+%llu (fast %llu+%llu, RTO %llu+%llu)",
		 (unsigned long long)res->cnt[0].tcp_tx_retrans,
		 (unsigned long long)res->cnt[1].tcp_tx_retrans,
		 (unsigned long long)res->cnt[0].tcp_tx_fast_retrans,
		 (unsigned long long)res->cnt[1].tcp_tx_fast_retrans,
		 (unsigned long long)res->cnt[0].tcp_rto_fired,
		 (unsigned long long)res->cnt[1].tcp_rto_fired);
}

/* On failure: every non-zero counter, for the report. */
static void dump_counters(const struct bulk_result *res, struct ml_scen *sc)
{
	for (int s = 0; s < 2; s++) {
		const uint64_t *v = (const uint64_t *)(const void *)&res->cnt[s];
		struct ml_pool_stats ps;

		ml_pool_get_stats(ml_scen_pool(sc, s), &ps);
		RTS_NOTE("side %c: pool in use %u (+%u clones), alloc fails "
			 "%llu; link copy fails %llu",
			 'A' + s, ps.bufs_in_use, ps.clones_in_use,
			 (unsigned long long)ps.alloc_fails,
			 (unsigned long long)res->st[s].copy_fails);
		for (unsigned i = 0; i < RTS_COUNTER_COUNT; i++)
			if (v[i] != 0)
				RTS_NOTE("  %s = %llu", rts_counter_name(i),
					 (unsigned long long)v[i]);
	}
}

static struct ml_scen *make(const struct bulk_case *bc)
{
	struct ml_scen_opts o;

	scen_opts(&o, bc->n_bufs ? bc->n_bufs : 8192);
	if (bc->data_size)
		o.pool.data_size = bc->data_size;
	o.link.csum = bc->csum;
	o.link.flatten = bc->flatten;
	o.link.seed = 2024;
	for (int s = 0; s < 2; s++) {
		o.link.dir[s] = bc->im;
		if (bc->mtu)
			o.cfg[s].mtu = bc->mtu;
		if (bc->rto_min_us)
			o.cfg[s].tcp.rto_min_us = bc->rto_min_us;
		o.cfg[s].tcp.sack = !bc->sack_off;
		o.cfg[s].tcp.cc = bc->cc;
	}
	return ml_scen_create(&o);
}

static bool check_drops_match(const struct bulk_result *res)
{
	bool ok = true;

	/* Every corrupted frame was dropped by a check, none delivered. */
	for (int s = 0; s < 2; s++) {
		uint64_t drops = scen_rx_drops(&res->cnt[s ^ 1]);

		if (scen_family == 6) {
			/* No IPv6 header checksum: a flipped bit in the traffic
			 * class, flow label or hop limit goes unnoticed and harms
			 * nothing (the stream check proves no damage got in). */
			RTS_CHECK(drops <= res->st[s].corrupted);
			ok = ok && drops <= res->st[s].corrupted;
			continue;
		}
		RTS_CHECK_EQ(drops, res->st[s].corrupted);
		ok = ok && drops == res->st[s].corrupted;
	}
	return ok;
}

void bulk_run(const struct bulk_case *bc, struct bulk_result *res)
{
	struct ml_scen *sc = make(bc);
	struct tapp a, b;
	struct tapp *pair[2] = { &a, &b };
	struct rts_tcp_listener *l;
	struct rts_tcp_conn *c;
	double t0 = wall_s();
	bool ok;
	uint64_t v0;

	memset(res, 0, sizeof(*res));
	RTS_REQUIRE(sc != NULL);
	tapp_init(&a, sc, SCEN_A, 0xa11ce, 0xb0b);
	tapp_init(&b, sc, SCEN_B, 0xb0b, 0xa11ce);
	l = scen_listen(sc, SCEN_B, PORT, 0, &b);
	RTS_REQUIRE(l != NULL);
	c = scen_connect(sc, SCEN_A, PORT, &a);
	RTS_REQUIRE(c != NULL);
	RTS_CHECK(scen_run(sc, connected, pair, 60 * SEC));
	v0 = ml_scen_now(sc);
	for (int s = 0; s < 2 && a.conn && b.conn; s++) {
		struct rts_tcp_info info;

		rts_tcp_get_info(s == 0 ? a.conn : b.conn, &info);
		res->mss[s] = info.mss;
		res->sack_ok[s] = info.sack_ok;
	}
	/* Each side half-closes once its stream is queued and keeps
	 * reading (rts_tcp_close() would stop data events). */
	a.shutdown_when_sent = true;
	b.shutdown_when_sent = true;
	tapp_send(&a, bc->bytes);
	tapp_send(&b, bc->one_way ? 0 : bc->bytes);
	RTS_CHECK(scen_run(sc, tapps_both_done, pair, 3600 * SEC));
	res->virt_ns = ml_scen_now(sc) - v0;
	RTS_CHECK_EQ(a.tx_sent, bc->bytes);
	RTS_CHECK_EQ(b.tx_sent, b.tx_total);
	RTS_CHECK_EQ(b.rx_len, bc->bytes);
	RTS_CHECK_EQ(a.rx_len, b.tx_total);
	RTS_CHECK_EQ(a.rx_bad_at, UINT64_MAX);
	RTS_CHECK_EQ(b.rx_bad_at, UINT64_MAX);
	RTS_CHECK_EQ(a.rx_hash, b.tx_hash);
	RTS_CHECK_EQ(b.rx_hash, a.tx_hash);
	/* Then both close normally, even over the impaired link. */
	RTS_CHECK(scen_run(sc, tapps_both_closed, pair, 600 * SEC));
	RTS_CHECK_EQ(a.close_reason, RTS_TCP_CLOSED_NORMAL);
	RTS_CHECK_EQ(b.close_reason, RTS_TCP_CLOSED_NORMAL);
	/* Let what is still on the wire arrive before counting. */
	ml_scen_run_for(sc, SEC);
	RTS_CHECK_EQ(ml_link_in_flight(ml_scen_link(sc), 0) +
		     ml_link_in_flight(ml_scen_link(sc), 1), 0);
	for (int s = 0; s < 2; s++) {
		ml_link_get_stats(ml_scen_link(sc), s, &res->st[s]);
		res->cnt[s] = *rts_ctx_counters(ml_scen_ctx(sc, s));
	}
	ok = check_drops_match(res);
	note_result(bc, res, wall_s() - t0);
	if (!ok || a.rx_len != b.tx_total || b.rx_len != bc->bytes)
		dump_counters(res, sc);
	rts_tcp_unlisten(l);
	RTS_CHECK_EQ(ml_scen_finish(sc), 0);
	ml_scen_destroy(sc);
}
