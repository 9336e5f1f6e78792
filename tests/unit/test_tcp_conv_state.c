/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP conversations (tcpconv.h): SYN cookies, PAWS, zero-window probes,
 * keepalive and the closing states (FIN_WAIT_2, TIME_WAIT, CLOSING).
 */
#include "tcpconv.h"
#include "tcp/tcp_seq.h"
#include "tcp/tcp_syncookie.h"

/* ------------------------------------------------- SYN cookies (RFC 4987) */

/* The cookie handshake from the peer's side, for port @port. */
static bool cookie_synack(struct conv *cv, uint16_t port, const struct cv_peer *p,
			  struct cv_out *o)
{
	uint64_t sent = cv_cnt(cv)->tcp_rx_syncookie_sent;

	cv->pport = port;
	if (!cv_syn(cv, p, o))
		return false;
	RTS_CHECK_EQ(o->th.flags, RTS_TH_SYN | RTS_TH_ACK);
	RTS_CHECK_EQ(o->th.ack, CV_PEER_ISN + 1);
	RTS_CHECK_EQ(cv_cnt(cv)->tcp_rx_syncookie_sent, sent + 1);
	cv->iss = o->th.seq;
	cv->rcv = o->th.seq + 1;
	cv->ts = p->ts && o->o.has_ts;
	return true;
}

static int cookie_check(struct conv *cv, uint16_t port, uint32_t cookie,
			bool has_ts, uint32_t tsecr, struct rts_syncookie_opts *out)
{
	struct rts_tcp_tuple t = { .laddr = cv_ip_stack(), .raddr = cv_ip_peer(),
				   .lport = CV_PORT, .rport = port };

	return rts_syncookie_check(cv->ctx->tcp.syncookie_key, &t, CV_PEER_ISN + 1,
				   cookie + 1, has_ts, tsecr, cv->now, out);
}

RTS_TEST(syncookie_round_trip)
{
	struct conv cv;
	struct cv_out o, synack;
	struct rts_syncookie_opts co;
	struct rts_tcp_info i;
	struct rts_tcp_conn *c;

	cv_init(&cv);
	RTS_CHECK(cv_listen(&cv, 1));
	/* One half-open connection fills the backlog of 1. */
	cv.pport = 40001;
	RTS_CHECK(cv_syn(&cv, &CV_FULL, &o));
	RTS_CHECK_EQ(o.th.flags, RTS_TH_SYN | RTS_TH_ACK);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_syncookie_sent, 0);
	RTS_CHECK_EQ(cv.ctx->tcp.n_conns, 1);
	/* The next SYN is answered with a cookie and leaves no state. */
	cv.tsval += 3;
	if (!cookie_synack(&cv, 40002, &CV_FULL, &synack))
		return;
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_listen_overflow, 1);
	RTS_CHECK_EQ(cv.ctx->tcp.n_conns, 1);
	RTS_CHECK_EQ(synack.th.hlen, 40);
	RTS_CHECK_EQ(synack.th.win, 65535);
	RTS_CHECK(synack.o.has_mss && synack.o.mss == 1460);
	RTS_CHECK(synack.o.has_ws && synack.o.ws == 7);
	RTS_CHECK(synack.o.has_sack_perm);
	RTS_REQUIRE(synack.o.has_ts);
	RTS_CHECK_EQ(synack.o.ts_ecr, cv.tsval);
	/* The TSval carries the peer's options: shift 7, SACK (bit 4). */
	RTS_CHECK_EQ(synack.o.ts_val & 0x3f, 0x17);
	RTS_CHECK_EQ(cookie_check(&cv, 40002, synack.th.seq, true, synack.o.ts_val, &co),
		     RTS_SYNCOOKIE_OK);
	RTS_CHECK_EQ(co.mss, 1460);
	RTS_CHECK_EQ(co.wscale, 7);
	RTS_CHECK(co.sack_ok);
	/* The right ACK, carrying data, establishes the connection. */
	cv.now += 20 * MS;
	cv.tsval += 20;
	cv_send(&cv, RTS_TH_ACK | RTS_TH_PSH, 10);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_syncookie_ok, 1);
	RTS_CHECK_EQ(cv.app.accepted, 1);
	RTS_REQUIRE(cv.app.conn != NULL);
	c = cv.app.conn;
	RTS_CHECK_EQ(rts_tcp_state(c), RTS_TCP_ESTABLISHED);
	RTS_CHECK(cv_rx_ok(&cv, 10));
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, cv.snd, 0);
	RTS_CHECK_EQ(o.th.win, (1u << 20) >> 7);
	RTS_CHECK(o.o.has_ts);
	RTS_CHECK_EQ(o.o.ts_ecr, cv.tsval);
	RTS_CHECK(seq_geq(o.o.ts_val, synack.o.ts_val)); /* never backwards */
	rts_tcp_get_info(c, &i);
	RTS_CHECK_EQ(i.snd_wscale, 7);
	RTS_CHECK_EQ(i.rcv_wscale, 7);
	RTS_CHECK(i.sack_ok);
	RTS_CHECK(i.ts_ok);
	RTS_CHECK_EQ(i.mss, 1460 - 12);
	RTS_CHECK_EQ(i.snd_wnd, 65535u << 7);
	/* Data both ways. */
	RTS_CHECK_EQ(cv_app_send(&cv, c, cv.rcv, 100), 100);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK | RTS_TH_PSH, cv.rcv, cv.snd, 100);
	RTS_CHECK(cv_payload_ok(&o));
	cv.rcv += 100;
	cv_send(&cv, RTS_TH_ACK | RTS_TH_PSH, 50);
	RTS_CHECK(cv_rx_ok(&cv, 60));
	RTS_CHECK_EQ(cv.app.acked, 100);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, cv.snd, 0);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_syncookie_bad, 0);
	cv_fini(&cv);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* A peer without timestamps: the cookie can't carry WS/SACK, so neither
 * is offered (tcp_syncookie.h); the MSS comes from the cookie's table. */
RTS_TEST(syncookie_without_timestamps)
{
	struct conv cv;
	struct cv_out o, synack;
	struct rts_tcp_info i;
	const struct cv_peer p = { 1400, 5, true, false };

	cv_init(&cv);
	RTS_CHECK(cv_listen(&cv, 1));
	cv.pport = 40001;
	RTS_CHECK(cv_syn(&cv, &CV_FULL, &o));
	if (!cookie_synack(&cv, 40002, &p, &synack))
		return;
	RTS_CHECK_EQ(synack.th.hlen, 24);
	RTS_CHECK(synack.o.has_mss);
	RTS_CHECK(!synack.o.has_ws);
	RTS_CHECK(!synack.o.has_sack_perm);
	RTS_CHECK(!synack.o.has_ts);
	cv_send(&cv, RTS_TH_ACK, 0);
	RTS_CHECK_EQ(cv.app.accepted, 1);
	RTS_REQUIRE(cv.app.conn != NULL);
	rts_tcp_get_info(cv.app.conn, &i);
	RTS_CHECK_EQ(i.mss, 1400);
	RTS_CHECK_EQ(i.snd_wscale, 0);
	RTS_CHECK_EQ(i.rcv_wscale, 0);
	RTS_CHECK(!i.sack_ok);
	RTS_CHECK(!i.ts_ok);
	RTS_CHECK_EQ(cv_app_send(&cv, cv.app.conn, cv.rcv, 1400), 1400);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK | RTS_TH_PSH, cv.rcv, cv.snd, 1400);
	RTS_CHECK_EQ(o.th.win, 65535);
	cv_fini(&cv);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* A wrong ACK number, a tampered TSecr or a missing timestamp: RST. */
RTS_TEST(syncookie_tampered_ack_reset)
{
	struct conv cv;
	struct cv_out o, synack;
	struct cv_seg s;

	cv_init(&cv);
	RTS_CHECK(cv_listen(&cv, 1));
	cv.pport = 40001;
	RTS_CHECK(cv_syn(&cv, &CV_FULL, &o));
	/* wrong ACK: RST <SEQ=SEG.ACK> */
	if (!cookie_synack(&cv, 40003, &CV_FULL, &synack))
		return;
	s = cv_seg(&cv, RTS_TH_ACK, 0);
	s.ack = synack.th.seq + 2;
	cv_inject(&cv, &s);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_RST, synack.th.seq + 2, 0, 0);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_syncookie_bad, 1);
	/* tampered TSecr: claims no SACK */
	if (!cookie_synack(&cv, 40004, &CV_FULL, &synack))
		return;
	s = cv_seg(&cv, RTS_TH_ACK, 0);
	s.tsecr ^= 0x10;
	cv_inject(&cv, &s);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_RST, synack.th.seq + 1, 0, 0);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_syncookie_bad, 2);
	/* tampered TSecr: a larger window shift */
	s.tsecr ^= 0x10 ^ 0x08;
	cv_inject(&cv, &s);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_RST, synack.th.seq + 1, 0, 0);
	/* timestamp dropped from the ACK */
	s.ts = false;
	cv_inject(&cv, &s);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_RST, synack.th.seq + 1, 0, 0);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_syncookie_bad, 4);
	/* wrong SEQ (another peer ISN) */
	s = cv_seg(&cv, RTS_TH_ACK, 0);
	s.seq += 1;
	cv_inject(&cv, &s);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_RST, synack.th.seq + 1, 0, 0);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_syncookie_bad, 5);
	CV_QUIET(&cv);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_syncookie_ok, 0);
	RTS_CHECK_EQ(cv.app.accepted, 0);
	RTS_CHECK_EQ(cv.ctx->tcp.n_conns, 1);
	/* The genuine ACK still works afterwards. */
	s = cv_seg(&cv, RTS_TH_ACK, 0);
	cv_inject(&cv, &s);
	CV_QUIET(&cv);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_syncookie_ok, 1);
	RTS_CHECK_EQ(cv.app.accepted, 1);
	cv_fini(&cv);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* ------------------------------------------------- PAWS (RFC 7323 §5) */

RTS_TEST(paws_rejects_old_timestamp)
{
	struct conv cv;
	struct cv_seg s;
	struct cv_out o;

	cv_init(&cv);
	CV_ACCEPT(&cv, &CV_FULL, 0, NULL);
	cv.tsval += 10;
	cv_send(&cv, RTS_TH_ACK | RTS_TH_PSH, 100);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, cv.snd, 0);
	RTS_CHECK_EQ(o.o.ts_ecr, cv.tsval);
	RTS_CHECK(cv_rx_ok(&cv, 100));
	/* New data with an older TSval: dropped, answered with an ACK (§5.3 R1). */
	s = cv_seg(&cv, RTS_TH_ACK | RTS_TH_PSH, 100);
	s.tsval = cv.tsval - 5;
	cv_inject(&cv, &s);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, cv.snd, 0);
	RTS_CHECK_EQ(o.o.ts_ecr, cv.tsval); /* TS.Recent unchanged */
	CV_QUIET(&cv);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_paws_reject, 1);
	RTS_CHECK_EQ(cv.app.rx_len, 100);
	/* The same segment with a current TSval is taken. */
	cv.tsval++;
	cv_send(&cv, RTS_TH_ACK | RTS_TH_PSH, 100);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, cv.snd, 0);
	RTS_CHECK_EQ(o.o.ts_ecr, cv.tsval);
	RTS_CHECK(cv_rx_ok(&cv, 200));
	/* An equal TSval is not old (§5.3: only SEG.TSval < TS.Recent). */
	cv_send(&cv, RTS_TH_ACK | RTS_TH_PSH, 100);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, cv.snd, 0);
	RTS_CHECK(cv_rx_ok(&cv, 300));
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_paws_reject, 1);
	/* A RST is not subject to PAWS: with an old TSval it still resets. */
	s = cv_seg(&cv, RTS_TH_RST, 0);
	s.tsval = cv.tsval - 1000;
	cv_inject(&cv, &s);
	CV_QUIET(&cv);
	RTS_CHECK_EQ(cv.app.closed, 1);
	RTS_CHECK_EQ(cv.app.close_reason, RTS_TCP_CLOSED_RESET);
	cv_fini(&cv);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* ------------------------------------------------- zero window (§3.8.6.1) */

/*
 * The probe this stack sends is <SEQ=SND.UNA-1><ACK=RCV.NXT> with no data
 * (an old sequence number the peer must answer with an ACK carrying its
 * window), not a byte of new data; the first goes one RTO after the data
 * was held back and the gaps double.
 */
RTS_TEST(zero_window_probe)
{
	struct conv cv;
	struct cv_out o;
	struct rts_tcp_info i;
	uint64_t gap, want = 300 * MS;
	struct rts_tcp_conn *c;

	cv_init(&cv);
	CV_ACCEPT(&cv, &CV_FULL, 100 * MS, NULL); /* SRTT 100 ms: RTO 300 ms */
	c = cv.app.conn;
	rts_tcp_get_info(c, &i);
	RTS_CHECK_EQ(i.rto_us, 300000);
	cv.win = 0;
	cv_send(&cv, RTS_TH_ACK, 0);
	CV_QUIET(&cv);
	RTS_CHECK_EQ(cv_app_send(&cv, c, cv.rcv, 1000), 1000);
	CV_QUIET(&cv);
	rts_tcp_get_info(c, &i);
	RTS_CHECK_EQ(i.snd_wnd, 0);
	RTS_CHECK_EQ(i.unsent, 1000);
	for (int k = 0; k < 4; k++) {
		gap = cv_wait_tx(&cv, 10 * SEC);
		CV_CHECK_DELAY(gap, want);
		CV_POP(&cv, &o);
		CV_EXPECT(&o, RTS_TH_ACK, cv.rcv - 1, cv.snd, 0);
		CV_QUIET(&cv);
		RTS_CHECK_EQ(cv_cnt(&cv)->tcp_tx_zwp, (uint64_t)k + 1);
		/* The peer answers: still no room. */
		cv_send(&cv, RTS_TH_ACK, 0);
		CV_QUIET(&cv);
		want *= 2;
	}
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_tx_retrans, 0);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rto_fired, 0);
	/* The window opens: the data goes at once. */
	cv.now += 50 * MS;
	cv.win = 100; /* 100 << 7 */
	cv_send(&cv, RTS_TH_ACK, 0);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK | RTS_TH_PSH, cv.rcv, cv.snd, 1000);
	RTS_CHECK(cv_payload_ok(&o));
	CV_QUIET(&cv);
	cv.rcv += 1000;
	cv_send(&cv, RTS_TH_ACK, 0);
	RTS_CHECK_EQ(cv.app.acked, 1000);
	/* Nothing more to probe or retransmit. */
	RTS_CHECK_EQ(cv_wait_tx(&cv, 5 * SEC), UINT64_MAX);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_tx_zwp, 4);
	cv_fini(&cv);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* ------------------------------------------------- keepalive (§3.8.4) */

RTS_TEST(keepalive_probes_and_timeout)
{
	struct conv cv;
	struct cv_out o;

	cv_init(&cv);
	CV_ACCEPT(&cv, &CV_FULL, 0, NULL);
	rts_tcp_set_keepalive(cv.app.conn, 10u * 1000 * 1000, 1000 * 1000, 3);
	/* idle 10 s: the first probe, <SEQ=SND.NXT-1><ACK=RCV.NXT>, no data */
	CV_CHECK_DELAY(cv_wait_tx(&cv, 20 * SEC), 10 * SEC);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv - 1, cv.snd, 0);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_tx_keepalive, 1);
	CV_CHECK_DELAY(cv_wait_tx(&cv, 20 * SEC), 1 * SEC); /* interval */
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv - 1, cv.snd, 0);
	/* An answer resets the count: the next probe comes after idle again. */
	cv.now += 300 * MS;
	cv_send(&cv, RTS_TH_ACK, 0);
	CV_QUIET(&cv);
	CV_CHECK_DELAY(cv_wait_tx(&cv, 20 * SEC), 10 * SEC);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv - 1, cv.snd, 0);
	/* Unanswered: probes 2 and 3 a second apart, then RST. */
	for (int k = 0; k < 2; k++) {
		CV_CHECK_DELAY(cv_wait_tx(&cv, 20 * SEC), 1 * SEC);
		CV_POP(&cv, &o);
		CV_EXPECT(&o, RTS_TH_ACK, cv.rcv - 1, cv.snd, 0);
	}
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_tx_keepalive, 5);
	RTS_CHECK_EQ(cv.app.closed, 0);
	CV_CHECK_DELAY(cv_wait_tx(&cv, 20 * SEC), 1 * SEC);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_RST | RTS_TH_ACK, cv.rcv, cv.snd, 0);
	CV_QUIET(&cv);
	RTS_CHECK_EQ(cv.app.closed, 1);
	RTS_CHECK_EQ(cv.app.close_reason, RTS_TCP_CLOSED_TIMEOUT);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_conn_timeout, 1);
	RTS_CHECK_EQ(cv.ctx->tcp.n_conns, 0);
	cv_fini(&cv);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* ------------------------------------------------- closing */

/*
 * An accepted connection (tcp.fin_wait2_us = @fin_wait2_us) that the app
 * closes (@shutdown false) or half-closes: the FIN it sends is checked.
 * NULL when the handshake or the FIN did not happen.
 */
static struct rts_tcp_conn *fin_sent(struct conv *cv, uint32_t fin_wait2_us,
				     bool shutdown)
{
	struct rts_config cfg;
	struct rts_tcp_conn *c;
	struct cv_out o;
	bool ok;

	cv_config(&cfg);
	cfg.tcp.fin_wait2_us = fin_wait2_us;
	cv_init_cfg(cv, &cfg);
	ok = cv_accept(cv, &CV_FULL, 0, NULL);
	RTS_CHECK(ok);
	if (!ok)
		return NULL;
	c = cv->app.conn;
	RTS_CHECK_EQ(shutdown ? rts_tcp_shutdown(c) : rts_tcp_close(c), 0);
	rts_poll(cv->ctx, cv->now);
	if (!cv_pop(cv, &o))
		return NULL;
	CV_EXPECT(&o, RTS_TH_ACK | RTS_TH_FIN, cv->rcv, cv->snd, 0);
	return c;
}

/* An orphaned FIN_WAIT_2 (the app closed) ends after tcp.fin_wait2_us. */
RTS_TEST(fin_wait2_timeout)
{
	struct conv cv;
	struct cv_out o;
	struct rts_tcp_conn *c = fin_sent(&cv, 5u * 1000 * 1000, false);

	if (c == NULL)
		return;
	RTS_CHECK_EQ(rts_tcp_state(c), RTS_TCP_FIN_WAIT_1);
	cv.rcv++;
	cv.now += 10 * MS;
	cv_send(&cv, RTS_TH_ACK, 0);
	CV_QUIET(&cv);
	RTS_CHECK_EQ(rts_tcp_state(c), RTS_TCP_FIN_WAIT_2);
	CV_CHECK_DELAY(cv_wait_tx(&cv, 20 * SEC), 5 * SEC);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_RST | RTS_TH_ACK, cv.rcv, cv.snd, 0);
	RTS_CHECK_EQ(cv.app.closed, 1);
	RTS_CHECK_EQ(cv.app.close_reason, RTS_TCP_CLOSED_TIMEOUT);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_conn_timeout, 1);
	RTS_CHECK_EQ(cv.ctx->tcp.n_conns, 0);
	cv_fini(&cv);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* A half-close (shutdown) waits in FIN_WAIT_2 for as long as the peer sends. */
RTS_TEST(fin_wait2_half_close_no_timeout)
{
	struct conv cv;
	struct cv_out o;
	struct rts_tcp_conn *c = fin_sent(&cv, 2u * 1000 * 1000, true);

	if (c == NULL)
		return;
	cv.rcv++;
	cv_send(&cv, RTS_TH_ACK, 0);
	RTS_CHECK_EQ(cv_wait_tx(&cv, 10 * SEC), UINT64_MAX);
	RTS_CHECK_EQ(rts_tcp_state(c), RTS_TCP_FIN_WAIT_2);
	cv_send(&cv, RTS_TH_ACK | RTS_TH_PSH, 100);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, cv.snd, 0);
	RTS_CHECK(cv_rx_ok(&cv, 100));
	cv_send(&cv, RTS_TH_ACK | RTS_TH_FIN, 0);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, cv.snd, 0);
	RTS_CHECK_EQ(cv.app.peer_closed, 1);
	RTS_CHECK_EQ(cv.app.closed, 1);
	RTS_CHECK_EQ(cv.app.close_reason, RTS_TCP_CLOSED_NORMAL);
	RTS_CHECK_EQ(cv.ctx->tcp.n_conns, 1); /* TIME_WAIT */
	cv_fini(&cv);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* The stack closes first; the peer's FIN comes with the ACK of ours. */
static bool close_to_time_wait(struct conv *cv)
{
	struct cv_out o;
	struct rts_tcp_conn *c = cv->app.conn;

	RTS_CHECK_EQ(rts_tcp_close(c), 0);
	rts_poll(cv->ctx, cv->now);
	if (!cv_pop(cv, &o))
		return false;
	CV_EXPECT(&o, RTS_TH_ACK | RTS_TH_FIN, cv->rcv, cv->snd, 0);
	cv->rcv++;
	cv->tsval++;
	cv_send(cv, RTS_TH_ACK | RTS_TH_FIN, 0);
	if (!cv_pop(cv, &o))
		return false;
	CV_EXPECT(&o, RTS_TH_ACK, cv->rcv, cv->snd, 0);
	RTS_CHECK_EQ(cv->app.closed, 1);
	RTS_CHECK_EQ(cv->app.close_reason, RTS_TCP_CLOSED_NORMAL);
	RTS_CHECK_EQ(cv->ctx->tcp.n_conns, 1);
	CV_QUIET(cv);
	return true;
}

RTS_TEST(time_wait_expires_after_2msl)
{
	struct conv cv;

	cv_init(&cv);
	CV_ACCEPT(&cv, &CV_FULL, 0, NULL);
	if (!close_to_time_wait(&cv))
		return;
	/* With nothing more from the peer, 2*MSL (60 s) after entering
	 * TIME_WAIT the slot is free. */
	cv_advance(&cv, 60 * SEC - 2 * MS);
	RTS_CHECK_EQ(cv.ctx->tcp.n_conns, 1);
	cv_advance(&cv, 2 * MS);
	RTS_CHECK_EQ(cv.ctx->tcp.n_conns, 0);
	CV_QUIET(&cv);
	/* The same 4-tuple is a new connection now. */
	cv.app.conn = NULL;
	CV_ACCEPT(&cv, &CV_FULL, 0, NULL);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_timewait_reuse, 0);
	cv_fini(&cv);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* RFC 9293 §3.10.7.4: a retransmitted FIN (our ACK of it was lost) is
 * ACKed again and restarts the 2MSL wait, every time it comes. */
RTS_TEST(time_wait_restarts_on_retransmitted_fin)
{
	struct conv cv;
	struct cv_out o;
	struct cv_seg s;

	cv_init(&cv);
	CV_ACCEPT(&cv, &CV_FULL, 0, NULL);
	if (!close_to_time_wait(&cv))
		return;
	for (int i = 0; i < 2; i++) {
		cv_advance(&cv, 30 * SEC);
		cv.tsval++;
		s = cv_seg(&cv, RTS_TH_ACK | RTS_TH_FIN, 0);
		s.seq = cv.snd - 1;
		cv_inject(&cv, &s);
		CV_POP(&cv, &o);
		CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, cv.snd, 0);
	}
	/* 60 s after entering TIME_WAIT, but only 30 s after the last FIN. */
	RTS_CHECK_EQ(cv.ctx->tcp.n_conns, 1);
	cv_advance(&cv, 60 * SEC - 2 * MS);
	RTS_CHECK_EQ(cv.ctx->tcp.n_conns, 1);
	cv_advance(&cv, 4 * MS);
	RTS_CHECK_EQ(cv.ctx->tcp.n_conns, 0);
	CV_QUIET(&cv);
	cv_fini(&cv);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* RFC 6191: with timestamps a SYN with a higher TSval reuses the slot,
 * whatever its ISN; an older TSval does not. */
RTS_TEST(time_wait_reuse_by_timestamp)
{
	struct conv cv;
	struct cv_out o;
	struct cv_seg s;
	uint32_t old_iss;

	cv_init(&cv);
	CV_ACCEPT(&cv, &CV_FULL, 0, NULL);
	if (!close_to_time_wait(&cv))
		return;
	cv.now += 2 * SEC;
	/* older TSval: PAWS drops it, the TIME_WAIT ACK answers */
	s = cv_seg(&cv, RTS_TH_SYN, 0);
	s.seq = cv.snd + 100000;
	s.tsval = cv.tsval - 1;
	s.mss = 1460;
	cv_inject(&cv, &s);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, cv.snd, 0);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_timewait_reuse, 0);
	RTS_CHECK_EQ(cv.ctx->tcp.n_conns, 1);
	/* newer TSval, ISN below RCV.NXT (CV_PEER_ISN again): reused */
	old_iss = cv.iss;
	cv.tsval += 2000;
	cv.app.conn = NULL;
	CV_ACCEPT(&cv, &CV_FULL, 0, &o);
	RTS_CHECK(o.th.seq != old_iss);
	RTS_CHECK_EQ(o.o.ts_ecr, cv.tsval);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_timewait_reuse, 1);
	RTS_CHECK_EQ(cv.app.accepted, 2);
	RTS_CHECK_EQ(cv.ctx->tcp.n_conns, 1);
	cv_send(&cv, RTS_TH_ACK | RTS_TH_PSH, 10);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, cv.snd, 0);
	cv_fini(&cv);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* Without timestamps, a SYN above RCV.NXT reuses the slot (RFC 9293
 * §3.6.1 / RFC 1122 §4.2.2.13); one at or below it does not. */
RTS_TEST(time_wait_reuse_by_isn)
{
	struct conv cv;
	struct cv_out o;
	struct cv_seg s;
	uint32_t old_iss, rcv_nxt;

	cv_init(&cv);
	CV_ACCEPT(&cv, &CV_PLAIN, 0, NULL);
	old_iss = cv.iss;
	if (!close_to_time_wait(&cv))
		return;
	rcv_nxt = cv.snd;
	cv.now += 2 * SEC;
	s = cv_seg(&cv, RTS_TH_SYN, 0);
	s.seq = rcv_nxt - 10; /* old: out of the window, ACKed */
	s.mss = 1460;
	cv_inject(&cv, &s);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, rcv_nxt, 0);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_timewait_reuse, 0);
	/* above RCV.NXT: a fresh SYN-ACK with a new ISS */
	s.seq = rcv_nxt + 1000;
	cv_inject(&cv, &s);
	CV_POP(&cv, &o);
	RTS_CHECK_EQ(o.th.flags, RTS_TH_SYN | RTS_TH_ACK);
	RTS_CHECK_EQ(o.th.ack, rcv_nxt + 1001);
	RTS_CHECK(o.th.seq != old_iss);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_timewait_reuse, 1);
	RTS_CHECK_EQ(cv.ctx->tcp.n_conns, 1);
	cv.snd = rcv_nxt + 1001;
	cv.rcv = o.th.seq + 1;
	cv_send(&cv, RTS_TH_ACK, 0);
	CV_QUIET(&cv);
	RTS_CHECK_EQ(cv.app.accepted, 2);
	cv_fini(&cv);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* RFC 9293 §3.6 figure 13: both FINs cross → CLOSING → TIME_WAIT. */
RTS_TEST(simultaneous_close)
{
	struct conv cv;
	struct cv_out o;
	struct rts_tcp_conn *c;
	uint32_t fin;

	cv_init(&cv);
	CV_ACCEPT(&cv, &CV_FULL, 0, NULL);
	c = cv.app.conn;
	RTS_CHECK_EQ(rts_tcp_close(c), 0);
	rts_poll(cv.ctx, cv.now);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK | RTS_TH_FIN, cv.rcv, cv.snd, 0);
	fin = cv.rcv;
	/* The peer's FIN crosses ours: it does not ACK our FIN. */
	cv_send(&cv, RTS_TH_ACK | RTS_TH_FIN, 0);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, fin + 1, cv.snd, 0);
	CV_QUIET(&cv);
	RTS_CHECK_EQ(rts_tcp_state(c), RTS_TCP_CLOSING);
	RTS_CHECK_EQ(cv.app.closed, 0);
	/* Its ACK of our FIN arrives. */
	cv.rcv = fin + 1;
	cv_send(&cv, RTS_TH_ACK, 0);
	CV_QUIET(&cv);
	RTS_CHECK_EQ(cv.app.closed, 1);
	RTS_CHECK_EQ(cv.app.close_reason, RTS_TCP_CLOSED_NORMAL);
	RTS_CHECK_EQ(cv.ctx->tcp.n_conns, 1); /* TIME_WAIT */
	cv_advance(&cv, 60 * SEC);
	RTS_CHECK_EQ(cv.ctx->tcp.n_conns, 0);
	CV_QUIET(&cv);
	cv_fini(&cv);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}
int main(void)
{
	return rts_test_main();
}
