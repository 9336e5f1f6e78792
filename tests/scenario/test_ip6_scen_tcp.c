/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_scen_tcp.c over IPv6 (issue 5: both families pass the same suites):
 * handshake, transfer both ways and close in every order, TIME_WAIT
 * answering a retransmitted FIN, half-close, reset from a closed port,
 * abort, connect timeout, backlog full. A = 2001:2::1 is the client, B =
 * 2001:2::2 the server (scen_family = 6: dual-stack contexts, the helpers
 * use the IPv6 addresses); every check also asserts nothing went over IPv4.
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

static bool rig_open(struct rig *r)
{
	struct ml_scen_opts o;

	scen_opts(&o, 4096);
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
	struct rts_endpoint le, re;

	if (scen_connect(r->sc, SCEN_A, PORT, &r->a) == NULL ||
	    !scen_run(r->sc, b_accepted, r, 10 * SEC))
		return false;
	rts_tcp_endpoints(r->a.conn, &le, &re);
	return rts_ip_family(&le.ip) == RTS_AF_INET6;
}

static void rig_close(struct rig *r)
{
	for (int s = 0; s < 2; s++) /* IPv6 only, both ways */
		RTS_CHECK_EQ(rts_ctx_counters(ml_scen_ctx(r->sc, s))->ip4_tx, 0);
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

enum order { CLIENT_FIRST, SERVER_FIRST, SIMULTANEOUS };

static void transfer_and_close(enum order order)
{
	struct rig r;
	struct rts_ctx *ca, *cb;
	bool ok;

	ok = rig_open(&r);
	RTS_REQUIRE(ok);
	ok = rig_connect(&r);
	RTS_REQUIRE(ok);
	ca = ml_scen_ctx(r.sc, SCEN_A);
	cb = ml_scen_ctx(r.sc, SCEN_B);
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
		rts_tcp_close(r.a.conn);
		rts_tcp_close(r.b.conn);
		break;
	}
	ml_scen_run_for(r.sc, 100 * MSEC);
	RTS_CHECK_EQ(r.a.peer_closed, 1);
	RTS_CHECK_EQ(r.b.peer_closed, 1);
	RTS_CHECK(scen_run(r.sc, tapps_both_closed, r.pair, 200 * SEC));
	RTS_CHECK_EQ(r.a.close_reason, RTS_TCP_CLOSED_NORMAL);
	RTS_CHECK_EQ(r.b.close_reason, RTS_TCP_CLOSED_NORMAL);
	RTS_CHECK_EQ(rts_ctx_counters(ca)->tcp_conn_closed, 1);
	RTS_CHECK_EQ(rts_ctx_counters(cb)->tcp_conn_closed, 1);
	RTS_CHECK_EQ(rts_ctx_counters(ca)->tcp_tx_rst +
		     rts_ctx_counters(cb)->tcp_tx_rst, 0);
	RTS_CHECK(rts_ctx_counters(cb)->ip6_rx > 700);
	rig_close(&r);
}

RTS_TEST(ip6_transfer_then_client_closes_first)
{
	transfer_and_close(CLIENT_FIRST);
}

RTS_TEST(ip6_transfer_then_server_closes_first)
{
	transfer_and_close(SERVER_FIRST);
}

RTS_TEST(ip6_transfer_then_simultaneous_close)
{
	transfer_and_close(SIMULTANEOUS);
}

/* IPv6 + TCP view of a frame: flags and payload length; false if not. */
static bool tcp6_of(const struct rts_pkt *f, uint8_t *flags, uint32_t *plen)
{
	uint8_t h[14 + 40 + 20];
	uint32_t doff;

	if (ml_pkt_read(f, 0, h, sizeof(h)) < sizeof(h) || h[12] != 0x86 ||
	    h[13] != 0xdd || h[20] != 6)
		return false;
	doff = (uint32_t)(h[54 + 12] >> 4) * 4;
	*flags = h[54 + 13];
	*plen = (uint32_t)(h[18] << 8 | h[19]) - doff;
	return true;
}

static bool drop_handshake_acks;

/* A's bare ACKs are lost while the flag is up. */
static enum ml_action drop_bare_acks(void *arg, int dir,
				     const struct rts_pkt *f)
{
	uint8_t flags;
	uint32_t plen;

	(void)arg;
	if (drop_handshake_acks && dir == 0 && tcp6_of(f, &flags, &plen) &&
	    flags == 0x10 && plen == 0)
		return ML_DROP;
	return ML_PASS;
}

RTS_TEST(ip6_time_wait_answers_a_retransmitted_fin)
{
	struct rig r;
	bool ok;

	ok = rig_open(&r);
	RTS_REQUIRE(ok);
	ok = rig_connect(&r);
	RTS_REQUIRE(ok);
	r.b.close_on_fin = true;
	drop_handshake_acks = true; /* A's last ACK is lost */
	ml_link_set_filter(ml_scen_link(r.sc), drop_bare_acks, NULL);
	rts_tcp_close(r.a.conn);
	ml_scen_run_for(r.sc, 50 * MSEC);
	RTS_CHECK_EQ(r.a.closed, 1);
	RTS_CHECK_EQ(r.b.closed, 0);
	RTS_CHECK_EQ(rts_tcp_state(r.b.conn), RTS_TCP_LAST_ACK);
	drop_handshake_acks = false;
	RTS_CHECK(scen_run(r.sc, tapp_is_closed, &r.b, 10 * SEC));
	RTS_CHECK_EQ(r.b.close_reason, RTS_TCP_CLOSED_NORMAL);
	RTS_CHECK_EQ(rts_ctx_counters(ml_scen_ctx(r.sc, SCEN_A))->tcp_tx_rst, 0);
	RTS_CHECK(rts_ctx_counters(ml_scen_ctx(r.sc, SCEN_B))->tcp_tx_retrans >= 1);
	ml_scen_run_for(r.sc, 61 * SEC);
	ml_link_set_filter(ml_scen_link(r.sc), NULL, NULL);
	rig_close(&r);
}

static bool a_has_all(void *arg)
{
	struct rig *r = arg;

	return r->a.rx_len >= r->b.tx_total && r->b.tx_sent == r->b.tx_total;
}

RTS_TEST(ip6_half_close_keeps_reading)
{
	struct rig r;
	bool ok;

	ok = rig_open(&r);
	RTS_REQUIRE(ok);
	ok = rig_connect(&r);
	RTS_REQUIRE(ok);
	r.a.shutdown_when_sent = true;
	tapp_send(&r.a, 100000);
	RTS_CHECK(scen_run(r.sc, tapp_is_closed, &r.a, SEC) == false);
	RTS_CHECK_EQ(r.b.peer_closed, 1);
	RTS_CHECK_EQ(r.b.rx_len, 100000);
	RTS_CHECK_EQ(rts_tcp_state(r.a.conn), RTS_TCP_FIN_WAIT_2);
	RTS_CHECK_EQ(rts_tcp_state(r.b.conn), RTS_TCP_CLOSE_WAIT);
	tapp_send(&r.b, 3 * XFER);
	RTS_CHECK(scen_run(r.sc, a_has_all, &r, 30 * SEC));
	check_streams(&r, 100000, 3 * XFER);
	rts_tcp_close(r.b.conn);
	RTS_CHECK(scen_run(r.sc, tapps_both_closed, r.pair, 200 * SEC));
	RTS_CHECK_EQ(r.a.close_reason, RTS_TCP_CLOSED_NORMAL);
	RTS_CHECK_EQ(r.b.close_reason, RTS_TCP_CLOSED_NORMAL);
	rig_close(&r);
}

RTS_TEST(ip6_connect_to_closed_port_is_reset)
{
	struct rig r;
	struct rts_ctx *cb;
	bool ok;

	ok = rig_open(&r);
	RTS_REQUIRE(ok);
	cb = ml_scen_ctx(r.sc, SCEN_B);
	ok = scen_connect(r.sc, SCEN_A, PORT + 1, &r.a) != NULL;
	RTS_REQUIRE(ok);
	RTS_CHECK(scen_run(r.sc, tapp_is_closed, &r.a, 5 * SEC));
	RTS_CHECK_EQ(r.a.connected, 0);
	RTS_CHECK_EQ(r.a.close_reason, RTS_TCP_CLOSED_RESET);
	RTS_CHECK_EQ(rts_ctx_counters(cb)->tcp_rx_no_conn, 1);
	RTS_CHECK_EQ(rts_ctx_counters(cb)->tcp_tx_rst, 1);
	RTS_CHECK(ml_scen_now(r.sc) - ML_SCEN_START_NS < 100 * MSEC);
	rig_close(&r);
}

RTS_TEST(ip6_abort_resets_the_peer)
{
	struct rig r;
	bool ok;

	ok = rig_open(&r);
	RTS_REQUIRE(ok);
	ok = rig_connect(&r);
	RTS_REQUIRE(ok);
	tapp_send(&r.a, 50000);
	ml_scen_run_for(r.sc, 10 * MSEC);
	rts_tcp_abort(r.a.conn);
	RTS_CHECK_EQ(r.a.close_reason, RTS_TCP_CLOSED_ABORT);
	RTS_CHECK(scen_run(r.sc, tapp_is_closed, &r.b, 5 * SEC));
	RTS_CHECK_EQ(r.b.close_reason, RTS_TCP_CLOSED_RESET);
	rig_close(&r);
}

/* Drop every SYN A sends. */
static enum ml_action drop_syns(void *arg, int dir, const struct rts_pkt *f)
{
	uint8_t flags;
	uint32_t plen;

	(void)arg;
	if (dir == 0 && tcp6_of(f, &flags, &plen) && (flags & 0x02))
		return ML_DROP;
	return ML_PASS;
}

RTS_TEST(ip6_connect_times_out)
{
	struct rig r;
	struct ml_dir_stats st;
	bool ok;

	ok = rig_open(&r);
	RTS_REQUIRE(ok);
	ml_link_set_filter(ml_scen_link(r.sc), drop_syns, NULL);
	ok = scen_connect(r.sc, SCEN_A, PORT, &r.a) != NULL;
	RTS_REQUIRE(ok);
	RTS_CHECK(scen_run(r.sc, tapp_is_closed, &r.a, 600 * SEC));
	RTS_CHECK_EQ(r.a.close_reason, RTS_TCP_CLOSED_TIMEOUT);
	ml_link_get_stats(ml_scen_link(r.sc), 0, &st);
	RTS_CHECK_EQ(st.filter_drops, 7); /* the SYN and 6 retries */
	RTS_CHECK(ml_scen_now(r.sc) - ML_SCEN_START_NS >= 60 * SEC);
	RTS_CHECK_EQ(rts_ctx_counters(ml_scen_ctx(r.sc, SCEN_A))->tcp_conn_timeout, 1);
	rig_close(&r);
}

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

RTS_TEST(ip6_listen_backlog_full)
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
	drop_handshake_acks = true;
	ml_link_set_filter(ml_scen_link(sc), drop_bare_acks, NULL);
	for (int i = 0; i < 4; i++)
		RTS_CHECK(scen_connect(sc, SCEN_A, PORT, &m.client[i]) != NULL);
	ml_scen_run_for(sc, 500 * MSEC);
	RTS_CHECK_EQ(m.server.accepted, 0);
	RTS_CHECK(cb->tcp_rx_listen_overflow >= 2);
	drop_handshake_acks = false;
	RTS_CHECK(scen_run(sc, all_four_connected, &m, 120 * SEC));
	RTS_CHECK_EQ(m.server.accepted, 4);
	ml_link_set_filter(ml_scen_link(sc), NULL, NULL);
	rts_tcp_unlisten(l);
	RTS_CHECK_EQ(ml_scen_finish(sc), 0);
	ml_scen_destroy(sc);
}

int main(void)
{
	scen_family = 6;
	return rts_test_main();
}
