/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP scenarios over the in-memory link: handshake, transfer both ways and
 * close in every order, half-close, reset from a closed port, backlog full,
 * connect timeout, abort. A (198.18.0.1) is the client, B the server.
 */
#include "scen.h"

#define PORT 80
#define XFER (1u << 20)

struct rig {
	struct ml_scen *sc;
	struct tapp a, b;
	struct tapp *pair[2];
	struct rts_tcp_listener *l;
};

static bool rig_open(struct rig *r, const struct ml_impair *im)
{
	struct ml_scen_opts o;

	scen_opts(&o, 4096);
	if (im) {
		o.link.dir[0] = *im;
		o.link.dir[1] = *im;
	}
	r->sc = ml_scen_create(&o);
	if (r->sc == NULL)
		return false;
	tapp_init(&r->a, r->sc, SCEN_A, 1001, 2002);
	tapp_init(&r->b, r->sc, SCEN_B, 2002, 1001);
	r->pair[0] = &r->a;
	r->pair[1] = &r->b;
	r->l = scen_listen(r->sc, SCEN_B, PORT, 0, &r->b);
	return r->l != NULL;
}

static bool b_accepted(void *arg)
{
	struct rig *r = arg;

	return r->a.connected && r->b.accepted;
}

static bool rig_connect(struct rig *r)
{
	if (scen_connect(r->sc, SCEN_A, PORT, &r->a) == NULL)
		return false;
	return scen_run(r->sc, b_accepted, r, 10 * SEC);
}

static void rig_close(struct rig *r)
{
	if (r->l)
		rts_tcp_unlisten(r->l);
	RTS_CHECK_EQ(ml_scen_finish(r->sc), 0);
	ml_scen_destroy(r->sc);
}

static void check_streams(struct rig *r, uint64_t a_to_b, uint64_t b_to_a)
{
	RTS_CHECK_EQ(r->b.rx_len, a_to_b);
	RTS_CHECK_EQ(r->a.rx_len, b_to_a);
	RTS_CHECK_EQ(r->a.rx_bad_at, UINT64_MAX);
	RTS_CHECK_EQ(r->b.rx_bad_at, UINT64_MAX);
	RTS_CHECK_EQ(r->a.rx_hash, r->b.tx_hash);
	RTS_CHECK_EQ(r->b.rx_hash, r->a.tx_hash);
}

/* Transfer XFER both ways, then close in the order asked. */
enum order { CLIENT_FIRST, SERVER_FIRST, SIMULTANEOUS };

static void transfer_and_close(enum order order)
{
	struct rig r;
	struct rts_ctx *ca, *cb;
	bool ok;

	ok = rig_open(&r, NULL);
	RTS_REQUIRE(ok);
	ok = rig_connect(&r);
	RTS_REQUIRE(ok);
	ca = ml_scen_ctx(r.sc, SCEN_A);
	cb = ml_scen_ctx(r.sc, SCEN_B);
	RTS_CHECK_EQ(rts_tcp_state(r.a.conn), RTS_TCP_ESTABLISHED);
	RTS_CHECK_EQ(rts_tcp_state(r.b.conn), RTS_TCP_ESTABLISHED);
	tapp_send(&r.a, XFER);
	tapp_send(&r.b, XFER);
	RTS_CHECK(scen_run(r.sc, tapps_both_done, r.pair, 30 * SEC));
	check_streams(&r, XFER, XFER);
	switch (order) {
	case CLIENT_FIRST:
		r.b.close_on_fin = true;
		rts_tcp_close(r.a.conn);
		break;
	case SERVER_FIRST:
		r.a.close_on_fin = true;
		rts_tcp_close(r.b.conn);
		break;
	case SIMULTANEOUS:
		/* Both FINs cross on the wire (RFC 9293 §3.6, case 2). */
		rts_tcp_close(r.a.conn);
		rts_tcp_close(r.b.conn);
		break;
	}
	ml_scen_run_for(r.sc, 100 * MSEC);
	RTS_CHECK_EQ(r.a.peer_closed, 1);
	RTS_CHECK_EQ(r.b.peer_closed, 1);
	RTS_CHECK(scen_run(r.sc, tapps_both_closed, r.pair, 200 * SEC));
	RTS_CHECK_EQ(r.a.closed, 1);
	RTS_CHECK_EQ(r.b.closed, 1);
	RTS_CHECK_EQ(r.a.close_reason, RTS_TCP_CLOSED_NORMAL);
	RTS_CHECK_EQ(r.b.close_reason, RTS_TCP_CLOSED_NORMAL);
	RTS_CHECK_EQ(rts_ctx_counters(ca)->tcp_conn_closed, 1);
	RTS_CHECK_EQ(rts_ctx_counters(cb)->tcp_conn_closed, 1);
	RTS_CHECK_EQ(rts_ctx_counters(ca)->tcp_tx_rst +
		     rts_ctx_counters(cb)->tcp_tx_rst, 0);
	RTS_CHECK_EQ(rts_ctx_counters(ca)->tcp_conn_active, 1);
	RTS_CHECK_EQ(rts_ctx_counters(cb)->tcp_conn_passive, 1);
	rig_close(&r);
}

RTS_TEST(transfer_then_client_closes_first)
{
	transfer_and_close(CLIENT_FIRST);
}

RTS_TEST(transfer_then_server_closes_first)
{
	transfer_and_close(SERVER_FIRST);
}

RTS_TEST(transfer_then_simultaneous_close)
{
	transfer_and_close(SIMULTANEOUS);
}

static bool drop_handshake_acks;

/* A's bare ACKs (no SYN, no FIN, no data) are lost while the flag is up. */
static enum ml_action drop_bare_acks(void *arg, int dir,
				     const struct rts_pkt *f)
{
	uint8_t h[54];
	uint32_t ihl, tot, doff;

	(void)arg;
	if (!drop_handshake_acks || dir != 0 ||
	    ml_pkt_read(f, 0, h, sizeof(h)) < 54)
		return ML_PASS;
	if (h[12] != 0x08 || h[13] != 0 || h[23] != 6)
		return ML_PASS;
	ihl = (uint32_t)(h[14] & 0xf) * 4;
	tot = (uint32_t)(h[16] << 8 | h[17]);
	if (ml_pkt_read(f, 14 + ihl + 12, h, 2) != 2)
		return ML_PASS;
	doff = (uint32_t)(h[0] >> 4) * 4;
	if (h[1] == 0x10 && tot == ihl + doff)
		return ML_DROP;
	return ML_PASS;
}

/*
 * The active closer keeps the connection in TIME_WAIT (the app is told
 * "closed" when it enters it): when its last ACK is lost, it still answers
 * the peer's retransmitted FIN with an ACK instead of a RST (RFC 9293
 * §3.10.7.4), so the peer ends normally.
 */
RTS_TEST(time_wait_answers_a_retransmitted_fin)
{
	struct rig r;
	struct rts_ctx *ca;
	bool ok;

	ok = rig_open(&r, NULL);
	RTS_REQUIRE(ok);
	ok = rig_connect(&r);
	RTS_REQUIRE(ok);
	ca = ml_scen_ctx(r.sc, SCEN_A);
	r.b.close_on_fin = true;
	drop_handshake_acks = true; /* A's last ACK is lost */
	ml_link_set_filter(ml_scen_link(r.sc), drop_bare_acks, NULL);
	rts_tcp_close(r.a.conn);
	ml_scen_run_for(r.sc, 50 * MSEC);
	RTS_CHECK_EQ(r.a.closed, 1);
	RTS_CHECK_EQ(r.a.close_reason, RTS_TCP_CLOSED_NORMAL);
	RTS_CHECK_EQ(r.b.closed, 0);
	RTS_CHECK_EQ(rts_tcp_state(r.b.conn), RTS_TCP_LAST_ACK);
	drop_handshake_acks = false;
	RTS_CHECK(scen_run(r.sc, tapp_is_closed, &r.b, 10 * SEC));
	RTS_CHECK_EQ(r.b.close_reason, RTS_TCP_CLOSED_NORMAL);
	RTS_CHECK_EQ(rts_ctx_counters(ca)->tcp_tx_rst, 0);
	RTS_CHECK(rts_ctx_counters(ml_scen_ctx(r.sc, SCEN_B))->tcp_tx_retrans >= 1);
	/* 2*MSL later the slot and everything it held are gone. */
	ml_scen_run_for(r.sc, 61 * SEC);
	ml_link_set_filter(ml_scen_link(r.sc), NULL, NULL);
	rig_close(&r);
}

static bool a_has_all(void *arg)
{
	struct rig *r = arg;

	return r->a.rx_len >= r->b.tx_total && r->b.tx_sent == r->b.tx_total;
}

RTS_TEST(half_close_keeps_reading)
{
	struct rig r;
	bool ok;

	ok = rig_open(&r, NULL);
	RTS_REQUIRE(ok);
	ok = rig_connect(&r);
	RTS_REQUIRE(ok);
	/* A sends 100 KB and shuts down its sending side. */
	r.a.shutdown_when_sent = true;
	tapp_send(&r.a, 100000);
	RTS_CHECK(scen_run(r.sc, tapp_is_closed, &r.a, SEC) == false);
	RTS_CHECK_EQ(r.b.peer_closed, 1);
	RTS_CHECK_EQ(r.b.rx_len, 100000);
	RTS_CHECK_EQ(rts_tcp_state(r.a.conn), RTS_TCP_FIN_WAIT_2);
	RTS_CHECK_EQ(rts_tcp_state(r.b.conn), RTS_TCP_CLOSE_WAIT);
	RTS_CHECK(rts_tcp_send(r.a.conn, "x", 1) < 0); /* shut down */
	/* B keeps talking for a while; A keeps reading. */
	tapp_send(&r.b, 3 * XFER);
	RTS_CHECK(scen_run(r.sc, a_has_all, &r, 30 * SEC));
	check_streams(&r, 100000, 3 * XFER);
	/* Then B closes: A sees the FIN, both end normally. */
	rts_tcp_close(r.b.conn);
	RTS_CHECK(scen_run(r.sc, tapps_both_closed, r.pair, 200 * SEC));
	RTS_CHECK_EQ(r.a.peer_closed, 1);
	RTS_CHECK_EQ(r.a.close_reason, RTS_TCP_CLOSED_NORMAL);
	RTS_CHECK_EQ(r.b.close_reason, RTS_TCP_CLOSED_NORMAL);
	rig_close(&r);
}

RTS_TEST(connect_to_closed_port_is_reset)
{
	struct rig r;
	struct rts_ctx *cb;
	bool ok;

	ok = rig_open(&r, NULL);
	RTS_REQUIRE(ok);
	cb = ml_scen_ctx(r.sc, SCEN_B);
	ok = scen_connect(r.sc, SCEN_A, PORT + 1, &r.a) != NULL;
	RTS_REQUIRE(ok);
	RTS_CHECK(scen_run(r.sc, tapp_is_closed, &r.a, 5 * SEC));
	RTS_CHECK_EQ(r.a.connected, 0);
	RTS_CHECK_EQ(r.a.close_reason, RTS_TCP_CLOSED_RESET);
	RTS_CHECK_EQ(rts_ctx_counters(cb)->tcp_rx_no_conn, 1);
	RTS_CHECK_EQ(rts_ctx_counters(cb)->tcp_tx_rst, 1);
	RTS_CHECK_EQ(rts_ctx_counters(ml_scen_ctx(r.sc, SCEN_A))->tcp_conn_refused +
		     rts_ctx_counters(ml_scen_ctx(r.sc, SCEN_A))->tcp_conn_reset, 1);
	/* It took one round trip, no retransmission. */
	RTS_CHECK(ml_scen_now(r.sc) - ML_SCEN_START_NS < 100 * MSEC);
	rig_close(&r);
}

RTS_TEST(abort_resets_the_peer)
{
	struct rig r;
	bool ok;

	ok = rig_open(&r, NULL);
	RTS_REQUIRE(ok);
	ok = rig_connect(&r);
	RTS_REQUIRE(ok);
	tapp_send(&r.a, 50000);
	ml_scen_run_for(r.sc, 10 * MSEC);
	rts_tcp_abort(r.a.conn);
	RTS_CHECK_EQ(r.a.closed, 1);
	RTS_CHECK_EQ(r.a.close_reason, RTS_TCP_CLOSED_ABORT);
	RTS_CHECK(scen_run(r.sc, tapp_is_closed, &r.b, 5 * SEC));
	RTS_CHECK_EQ(r.b.close_reason, RTS_TCP_CLOSED_RESET);
	rig_close(&r);
}

/* Drop every SYN A sends: the connect times out after its retries. */
static enum ml_action drop_syns(void *arg, int dir, const struct rts_pkt *f)
{
	uint8_t h[48];

	(void)arg;
	if (dir != 0 || ml_pkt_read(f, 0, h, sizeof(h)) < sizeof(h))
		return ML_PASS;
	if (h[12] == 0x08 && h[13] == 0 && h[23] == 6 && (h[47] & 0x02))
		return ML_DROP;
	return ML_PASS;
}

RTS_TEST(connect_times_out)
{
	struct rig r;
	struct ml_dir_stats st;
	bool ok;

	ok = rig_open(&r, NULL);
	RTS_REQUIRE(ok);
	ml_link_set_filter(ml_scen_link(r.sc), drop_syns, NULL);
	ok = scen_connect(r.sc, SCEN_A, PORT, &r.a) != NULL;
	RTS_REQUIRE(ok);
	RTS_CHECK(scen_run(r.sc, tapp_is_closed, &r.a, 600 * SEC));
	RTS_CHECK_EQ(r.a.close_reason, RTS_TCP_CLOSED_TIMEOUT);
	ml_link_get_stats(ml_scen_link(r.sc), 0, &st);
	/* The first SYN and syn_retries (6) retransmissions, backing off. */
	RTS_CHECK_EQ(st.filter_drops, 7);
	RTS_NOTE("gave up after %.0f s",
		 (double)(ml_scen_now(r.sc) - ML_SCEN_START_NS) / 1e9);
	RTS_CHECK(ml_scen_now(r.sc) - ML_SCEN_START_NS >= 60 * SEC);
	RTS_CHECK_EQ(rts_ctx_counters(ml_scen_ctx(r.sc, SCEN_A))->tcp_conn_timeout, 1);
	rig_close(&r);
}

/* ------------------------------------------------------------- backlog */
struct many {
	struct tapp client[4];
	struct tapp server;
};

static bool all_four_connected(void *arg)
{
	struct many *m = arg;

	for (int i = 0; i < 4; i++)
		if (!m->client[i].connected)
			return false;
	return m->server.accepted == 4;
}

RTS_TEST(listen_backlog_full)
{
	struct ml_scen_opts o;
	struct ml_scen *sc;
	struct many m;
	const struct rts_counters *cb;
	struct rts_tcp_listener *l;

	scen_opts(&o, 1024);
	o.cfg[SCEN_B].tcp.syncookies = false;
	sc = ml_scen_create(&o);
	RTS_REQUIRE(sc != NULL);
	cb = rts_ctx_counters(ml_scen_ctx(sc, SCEN_B));
	tapp_init(&m.server, sc, SCEN_B, 1, 2);
	for (int i = 0; i < 4; i++)
		tapp_init(&m.client[i], sc, SCEN_A, 2, 1);
	l = scen_listen(sc, SCEN_B, PORT, 2, &m.server);
	RTS_REQUIRE(l != NULL);
	/* Handshakes stay half-open on B: its backlog of 2 fills. */
	drop_handshake_acks = true;
	ml_link_set_filter(ml_scen_link(sc), drop_bare_acks, NULL);
	for (int i = 0; i < 4; i++)
		RTS_CHECK(scen_connect(sc, SCEN_A, PORT, &m.client[i]) != NULL);
	ml_scen_run_for(sc, 500 * MSEC);
	RTS_CHECK_EQ(m.server.accepted, 0);
	RTS_CHECK(cb->tcp_rx_listen_overflow >= 2);
	RTS_NOTE("listen overflows: %llu",
		 (unsigned long long)cb->tcp_rx_listen_overflow);
	/* Once the ACKs get through, every connection is accepted. */
	drop_handshake_acks = false;
	RTS_CHECK(scen_run(sc, all_four_connected, &m, 120 * SEC));
	RTS_CHECK_EQ(m.server.accepted, 4);
	RTS_CHECK_EQ(cb->tcp_rx_syncookie_sent, 0);
	ml_link_set_filter(ml_scen_link(sc), NULL, NULL);
	rts_tcp_unlisten(l);
	RTS_CHECK_EQ(ml_scen_finish(sc), 0);
	ml_scen_destroy(sc);
}

int main(void)
{
	return rts_test_main();
}
