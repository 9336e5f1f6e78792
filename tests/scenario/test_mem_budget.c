/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Memory per connection (performance-targets.md: at most 512 bytes of stack
 * state per idle established connection), and the shared SACK scoreboards
 * that keep it there: a connection that finds none free still delivers
 * every byte, and the shortage is counted.
 */
#include "scen.h"

#define BUDGET 512u

static size_t ctx_size(uint32_t conns, uint32_t sack_states)
{
	struct rts_config cfg;
	struct rts_ip ip = rts_ip4(198, 18, 0, 1);

	rts_config_default(&cfg);
	rts_config_add_addr(&cfg, &ip, 24);
	cfg.max_tcp_conns = conns;
	cfg.tcp.sack_states = sack_states;
	return rts_ctx_mem_size(&cfg);
}

RTS_TEST(context_bytes_per_connection_within_budget)
{
	/* Everything a connection slot adds: its slot, hash bucket and its
	 * share of the SACK pool (the default pool grows with the table). */
	for (uint32_t n = 1024; n <= 65536; n *= 4) {
		size_t one = ctx_size(n, 0), two = ctx_size(2 * n, 0);
		size_t per = (two - one) / n;

		RTS_NOTE("%u -> %u connections: %zu bytes per connection", n,
			 2 * n, per);
		RTS_CHECK(per <= BUDGET);
		RTS_CHECK(per >= 64);    /* a real slot, not a miscount */
	}
}

RTS_TEST(sack_states_knob_sizes_the_pool)
{
	size_t small = ctx_size(1024, 1), big = ctx_size(1024, 1025);

	/* 1024 more scoreboards cost memory: the knob is really used. */
	RTS_CHECK(big > small + 1024 * 64);
	RTS_NOTE("one SACK scoreboard: %zu bytes", (big - small) / 1024);
}

/* ---- a lossy transfer on 4 connections sharing 1 scoreboard per side */
#define NCONN 4
#define XFER (2u << 20)

struct rig {
	struct ml_scen *sc;
	struct tapp a[NCONN], b[NCONN];
};

static bool all_done(void *arg)
{
	struct rig *r = arg;

	for (int i = 0; i < NCONN; i++)
		if (r->b[i].rx_len < XFER)
			return false;
	return true;
}

static bool all_connected(void *arg)
{
	struct rig *r = arg;

	for (int i = 0; i < NCONN; i++)
		if (!r->a[i].connected || !r->b[i].accepted)
			return false;
	return true;
}

RTS_TEST(exhausted_sack_pool_still_delivers_every_byte)
{
	struct ml_scen_opts o;
	struct ml_impair im = { .loss_ppm = 20000, .reorder_ppm = 10000,
				.reorder_depth = 3, .delay_ns = 100000 };
	struct rts_tcp_listener *l[NCONN];
	const struct rts_counters *ca, *cb;
	struct rig r;

	scen_opts(&o, 8192);
	o.link.dir[0] = im;
	o.link.dir[1] = im;
	for (int s = 0; s < 2; s++) {
		o.cfg[s].tcp.sack_states = 1;
		o.cfg[s].tcp.rto_min_us = 5000;
	}
	r.sc = ml_scen_create(&o);
	RTS_REQUIRE(r.sc != NULL);
	for (int i = 0; i < NCONN; i++) {
		tapp_init(&r.a[i], r.sc, SCEN_A, 100 + i, 200 + i);
		tapp_init(&r.b[i], r.sc, SCEN_B, 200 + i, 100 + i);
		l[i] = scen_listen(r.sc, SCEN_B, (uint16_t)(80 + i), 0, &r.b[i]);
		RTS_REQUIRE(l[i] != NULL);
		RTS_REQUIRE(scen_connect(r.sc, SCEN_A, (uint16_t)(80 + i),
					 &r.a[i]) != NULL);
	}
	RTS_REQUIRE(scen_run(r.sc, all_connected, &r, 30 * SEC));
	for (int i = 0; i < NCONN; i++)
		tapp_send(&r.a[i], XFER);
	RTS_CHECK(scen_run(r.sc, all_done, &r, 600 * SEC));
	for (int i = 0; i < NCONN; i++) {
		RTS_CHECK_EQ(r.b[i].rx_len, XFER);
		RTS_CHECK_EQ(r.b[i].rx_bad_at, UINT64_MAX);
		RTS_CHECK_EQ(r.b[i].rx_hash, r.a[i].tx_hash);
	}
	ca = rts_ctx_counters(ml_scen_ctx(r.sc, SCEN_A));
	cb = rts_ctx_counters(ml_scen_ctx(r.sc, SCEN_B));
	RTS_NOTE("no scoreboard free: %llu (sender) + %llu (receiver) times; "
		 "%llu retransmissions",
		 (unsigned long long)ca->tcp_sack_no_state,
		 (unsigned long long)cb->tcp_sack_no_state,
		 (unsigned long long)ca->tcp_tx_retrans);
	RTS_CHECK(ca->tcp_sack_no_state + cb->tcp_sack_no_state > 0);
	RTS_CHECK(ca->tcp_tx_retrans > 0);
	for (int i = 0; i < NCONN; i++)
		rts_tcp_unlisten(l[i]);
	RTS_CHECK_EQ(ml_scen_finish(r.sc), 0);
	ml_scen_destroy(r.sc);
}

int main(void)
{
	return rts_test_main();
}
