/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Recovery corner cases the 256 MiB hostile-link runs found, made
 * deterministic with a link filter (one bug each, see the tcp commits):
 *
 *  - both ends time out while each holds all of the other's data: their
 *    bare ACKs must carry SND.NXT = snd_max (RFC 9293 §3.10.7.4), not the
 *    go-back-N point, or each drops the other's ACKs as out of window and
 *    they trade unacceptable ACKs until both give up;
 *  - a connection that sends full-size segments while it receives out of
 *    order must not add SACK blocks beyond the MSS (RFC 9293 §3.7.1):
 *    IP would drop those segments as too big, and every retransmission.
 */
#include "scen.h"

#define PORT 7000

/* ------------------------------------------------------------- filter */

struct filt {
	bool drop_bare_acks;     /* both directions */
	uint32_t drop_nth_data;  /* A->B: drop the n-th data frame (1-based) */
	uint32_t data_seen;
};

/* TCP payload length of an IPv4 frame, or -1 if it is not TCP. */
static int tcp_payload(const struct rts_pkt *f)
{
	uint8_t h[14 + 60 + 20];
	uint32_t ihl, tot, doff;

	if (ml_pkt_read(f, 0, h, 14 + 20) < 14 + 20 || h[12] != 0x08 ||
	    h[13] != 0x00 || h[14 + 9] != 6)
		return -1;
	ihl = (uint32_t)(h[14] & 15) * 4;
	tot = (uint32_t)h[16] << 8 | h[17];
	if (ml_pkt_read(f, 0, h, 14 + ihl + 20) < 14 + ihl + 20)
		return -1;
	doff = (uint32_t)(h[14 + ihl + 12] >> 4) * 4;
	return (int)(tot - ihl - doff);
}

static enum ml_action filter(void *arg, int dir, const struct rts_pkt *f)
{
	struct filt *fl = arg;
	int len = tcp_payload(f);

	if (len < 0)
		return ML_PASS;
	if (fl->drop_bare_acks && len == 0)
		return ML_DROP;
	if (dir == 0 && len > 0 && ++fl->data_seen == fl->drop_nth_data)
		return ML_DROP;
	return ML_PASS;
}

/* ---------------------------------------------------------------- rig */

struct rig {
	struct ml_scen *sc;
	struct tapp a, b;
	struct tapp *pair[2];
	struct rts_tcp_listener *l;
	struct filt fl;
};

static bool both_connected(void *arg)
{
	struct rig *r = arg;

	return r->a.connected && r->b.accepted;
}

static bool rig_open(struct rig *r)
{
	struct ml_scen_opts o;

	memset(r, 0, sizeof(*r));
	scen_opts(&o, 4096);
	for (int s = 0; s < 2; s++)
		o.link.dir[s].delay_ns = 50 * USEC;
	r->sc = ml_scen_create(&o);
	if (r->sc == NULL)
		return false;
	ml_link_set_filter(ml_scen_link(r->sc), filter, &r->fl);
	tapp_init(&r->a, r->sc, SCEN_A, 11, 22);
	tapp_init(&r->b, r->sc, SCEN_B, 22, 11);
	r->pair[0] = &r->a;
	r->pair[1] = &r->b;
	r->l = scen_listen(r->sc, SCEN_B, PORT, 0, &r->b);
	return r->l != NULL && scen_connect(r->sc, SCEN_A, PORT, &r->a) &&
	       scen_run(r->sc, both_connected, r, 5 * SEC);
}

static void rig_close(struct rig *r)
{
	rts_tcp_unlisten(r->l);
	RTS_CHECK_EQ(ml_scen_finish(r->sc), 0);
	ml_scen_destroy(r->sc);
}

static void check_streams(struct rig *r, uint64_t bytes)
{
	RTS_CHECK_EQ(r->a.rx_len, bytes);
	RTS_CHECK_EQ(r->b.rx_len, bytes);
	RTS_CHECK_EQ(r->a.rx_hash, r->b.tx_hash);
	RTS_CHECK_EQ(r->b.rx_hash, r->a.tx_hash);
	RTS_CHECK_EQ(r->a.rx_bad_at, UINT64_MAX);
	RTS_CHECK_EQ(r->b.rx_bad_at, UINT64_MAX);
}

/* ------------------------------------------------------------- tests */

RTS_TEST(both_ends_time_out_holding_each_others_data)
{
	static struct rig r;
	const uint64_t bytes = 8 * 1448; /* inside the initial window */
	const struct rts_counters *ca, *cb;

	RTS_REQUIRE(rig_open(&r));
	ca = rts_ctx_counters(ml_scen_ctx(r.sc, SCEN_A));
	cb = rts_ctx_counters(ml_scen_ctx(r.sc, SCEN_B));
	/* Each sends its data at once; every bare ACK is lost, so each side
	 * holds all of the other's data and neither learns it: tail-loss
	 * probes, then RTOs (go back to snd_una) on both. */
	r.fl.drop_bare_acks = true;
	tapp_send(&r.a, bytes);
	tapp_send(&r.b, bytes);
	ml_scen_run_for(r.sc, 1500 * MSEC);
	RTS_CHECK_EQ(r.a.rx_len, bytes);
	RTS_CHECK_EQ(r.b.rx_len, bytes);
	RTS_CHECK(ca->tcp_rto_fired >= 2 && cb->tcp_rto_fired >= 2);
	RTS_CHECK(r.a.acked == 0 && r.b.acked == 0);
	/* The ACK path heals: the next RTO retransmission draws an ACK each
	 * side accepts, and both learn everything was delivered. */
	r.fl.drop_bare_acks = false;
	ml_scen_run_for(r.sc, 5 * SEC);
	RTS_CHECK_EQ(r.a.acked, bytes);
	RTS_CHECK_EQ(r.b.acked, bytes);
	RTS_CHECK(r.a.conn != NULL && r.b.conn != NULL);
	RTS_CHECK_EQ(ca->tcp_conn_timeout + cb->tcp_conn_timeout, 0);
	/* No exchange of unacceptable ACKs. */
	RTS_CHECK(ca->tcp_rx_out_of_window + cb->tcp_rx_out_of_window <= 2);
	check_streams(&r, bytes);
	rig_close(&r);
}

RTS_TEST(sack_blocks_never_push_full_segments_past_the_mtu)
{
	static struct rig r;
	const uint64_t bytes = 4u << 20;
	const struct rts_counters *ca, *cb;

	RTS_REQUIRE(rig_open(&r));
	ca = rts_ctx_counters(ml_scen_ctx(r.sc, SCEN_A));
	cb = rts_ctx_counters(ml_scen_ctx(r.sc, SCEN_B));
	/* B receives out of order (one of A's segments lost) while it sends
	 * full-size segments of its own: it has SACK blocks to report. */
	r.fl.drop_nth_data = 100;
	tapp_send(&r.a, bytes);
	tapp_send(&r.b, bytes);
	RTS_CHECK(scen_run(r.sc, tapps_both_done, r.pair, 60 * SEC));
	RTS_CHECK(cb->tcp_rx_ooo > 0);
	RTS_CHECK_EQ(ca->ip4_tx_too_big, 0);
	RTS_CHECK_EQ(cb->ip4_tx_too_big, 0);
	RTS_CHECK_EQ(ca->tcp_conn_timeout + cb->tcp_conn_timeout, 0);
	check_streams(&r, bytes);
	rig_close(&r);
}

int main(void)
{
	return rts_test_main();
}
