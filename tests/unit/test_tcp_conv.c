/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP conversations (tcpconv.h: the test plays the peer and asserts the
 * exact segments the stack answers with): RFC 5961 checks, RST for
 * segments no connection wants, option negotiation, opening.
 */
#include "tcpconv.h"
#include "tcp/tcp_conn.h" /* the listener, for its backlog */

/* ------------------------------------------------------------ RFC 5961 */

/* §3.2: a RST with SEQ == RCV.NXT resets the connection, unanswered. */
RTS_TEST(rst_exact_seq_resets)
{
	struct conv cv;

	cv_init(&cv);
	CV_ACCEPT(&cv, &CV_FULL, 0, NULL);
	cv_send(&cv, RTS_TH_RST, 0);
	CV_QUIET(&cv);
	RTS_CHECK_EQ(cv.app.closed, 1);
	RTS_CHECK_EQ(cv.app.close_reason, RTS_TCP_CLOSED_RESET);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_rst, 1);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_conn_reset, 1);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_challenge_ack, 0);
	RTS_CHECK_EQ(cv.ctx->tcp.n_conns, 0);
	cv_fini(&cv);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* §3.2: in the window but not exact → challenge ACK; the connection stays. */
RTS_TEST(rst_in_window_gets_challenge_ack)
{
	struct conv cv;
	struct cv_seg s;
	struct cv_out o;
	uint32_t last_tsval;

	cv_init(&cv);
	CV_ACCEPT(&cv, &CV_FULL, 0, NULL);
	last_tsval = cv.tsval;
	cv.tsval += 5;
	s = cv_seg(&cv, RTS_TH_RST, 0);
	s.seq = cv.snd + 1000;
	cv_inject(&cv, &s);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, cv.snd, 0);
	RTS_CHECK_EQ(o.th.win, (1u << 20) >> 7); /* 1 MiB buffer, shift 7 */
	RTS_CHECK(o.o.has_ts);
	RTS_CHECK_EQ(o.o.ts_ecr, last_tsval);    /* a RST never updates TS.Recent */
	RTS_CHECK_EQ(o.o.n_sack, 0);
	CV_QUIET(&cv);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_rst_bad, 1);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_challenge_ack, 1);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_rst, 0);
	RTS_CHECK_EQ(cv.app.closed, 0);
	RTS_REQUIRE(cv.app.conn != NULL);
	RTS_CHECK_EQ(rts_tcp_state(cv.app.conn), RTS_TCP_ESTABLISHED);
	/* Still works: data from the peer is delivered and ACKed. */
	cv_send(&cv, RTS_TH_ACK | RTS_TH_PSH, 100);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, cv.snd, 0);
	RTS_CHECK(cv_rx_ok(&cv, 100));
	/* The RST the challenge asked for (SEQ = the ACK we got) resets. */
	cv_send(&cv, RTS_TH_RST, 0);
	CV_QUIET(&cv);
	RTS_CHECK_EQ(cv.app.close_reason, RTS_TCP_CLOSED_RESET);
	RTS_CHECK_EQ(cv.app.closed, 1);
	cv_fini(&cv);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* §3.2 and RFC 9293 §3.10.7.4: a RST outside the window is dropped silently. */
RTS_TEST(rst_outside_window_ignored)
{
	struct conv cv;
	struct cv_seg s;

	cv_init(&cv);
	CV_ACCEPT(&cv, &CV_FULL, 0, NULL);
	s = cv_seg(&cv, RTS_TH_RST, 0);
	s.seq = cv.snd + (2u << 20); /* past the 1 MiB window */
	cv_inject(&cv, &s);
	s.seq = cv.snd - 1;          /* just below RCV.NXT */
	cv_inject(&cv, &s);
	/* The window is what the SYN-ACK offered: 65535 (unscaled). */
	s.flags = RTS_TH_RST | RTS_TH_ACK;
	s.ack = cv.rcv;
	s.seq = cv.snd + 65535;      /* RCV.NXT + RCV.WND: one past the edge */
	cv_inject(&cv, &s);
	CV_QUIET(&cv);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_out_of_window, 3);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_rst_bad, 0);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_challenge_ack, 0);
	s.seq = cv.snd + 65534;      /* the last sequence number in it */
	cv_inject(&cv, &s);
	RTS_CHECK_EQ(testbe_drain(cv.be), 1); /* a challenge ACK */
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_rst_bad, 1);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_challenge_ack, 1);
	RTS_CHECK_EQ(cv.app.closed, 0);
	RTS_CHECK_EQ(rts_tcp_state(cv.app.conn), RTS_TCP_ESTABLISHED);
	cv_fini(&cv);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* §4.2: a SYN in a synchronised state gets a challenge ACK, never a reset. */
RTS_TEST(syn_in_established_gets_challenge_ack)
{
	struct conv cv;
	struct cv_seg s;
	struct cv_out o;

	cv_init(&cv);
	CV_ACCEPT(&cv, &CV_FULL, 0, NULL);
	cv.tsval++;
	s = cv_seg(&cv, RTS_TH_SYN, 0);
	s.seq = cv.snd + 500; /* in the window */
	s.mss = 1460;
	s.ws = 7;
	s.sack_perm = true;
	cv_inject(&cv, &s);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, cv.snd, 0);
	CV_QUIET(&cv);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_syn_bad, 1);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_challenge_ack, 1);
	/* Exactly at RCV.NXT (a restarted peer's SYN): the same. */
	s.seq = cv.snd;
	cv_inject(&cv, &s);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, cv.snd, 0);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_challenge_ack, 2);
	/* A SYN-ACK too. */
	s.flags = RTS_TH_SYN | RTS_TH_ACK;
	s.ack = cv.rcv;
	cv_inject(&cv, &s);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, cv.snd, 0);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_challenge_ack, 3);
	CV_QUIET(&cv);
	RTS_CHECK_EQ(cv.app.closed, 0);
	RTS_CHECK_EQ(rts_tcp_state(cv.app.conn), RTS_TCP_ESTABLISHED);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_tx_rst, 0);
	cv_fini(&cv);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* §5.2: SEG.ACK < SND.UNA - MAX.SND.WND → challenge ACK, segment dropped. */
RTS_TEST(ack_too_old_gets_challenge_ack)
{
	struct conv cv;
	struct cv_seg s;
	struct cv_out o;

	cv_init(&cv);
	cv.win = 8192; /* no window scaling: MAX.SND.WND = 8192 */
	CV_ACCEPT(&cv, &CV_PLAIN, 0, NULL);
	s = cv_seg(&cv, RTS_TH_ACK | RTS_TH_PSH, 10);
	s.ack = cv.rcv - 8192 - 1;
	cv_inject(&cv, &s);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, cv.snd, 0); /* the data is not taken */
	CV_QUIET(&cv);
	RTS_CHECK_EQ(cv.app.rx_len, 0);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_old_ack, 1);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_challenge_ack, 1);
	/* At exactly SND.UNA - MAX.SND.WND it is acceptable: the data goes in. */
	s.ack = cv.rcv - 8192;
	cv_inject(&cv, &s);
	cv.snd += 10;
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, cv.snd, 0);
	RTS_CHECK(cv_rx_ok(&cv, 10));
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_old_ack, 1);
	RTS_CHECK_EQ(rts_tcp_state(cv.app.conn), RTS_TCP_ESTABLISHED);
	cv_fini(&cv);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* RFC 9293 §3.10.7.4 / RFC 5961 §5.2: SEG.ACK > SND.NXT → ACK, drop. */
RTS_TEST(ack_of_unsent_data_gets_ack)
{
	struct conv cv;
	struct cv_seg s;
	struct cv_out o;

	cv_init(&cv);
	CV_ACCEPT(&cv, &CV_FULL, 0, NULL);
	s = cv_seg(&cv, RTS_TH_ACK | RTS_TH_PSH, 10);
	s.ack = cv.rcv + 1;
	cv_inject(&cv, &s);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, cv.snd, 0);
	CV_QUIET(&cv);
	RTS_CHECK_EQ(cv.app.rx_len, 0);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_future_ack, 1);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_challenge_ack, 0);
	RTS_CHECK_EQ(rts_tcp_state(cv.app.conn), RTS_TCP_ESTABLISHED);
	cv_fini(&cv);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* §7: challenge ACKs are limited per second (1000 per context here). */
RTS_TEST(challenge_ack_rate_limit)
{
	struct conv cv;
	struct cv_seg s;
	size_t acks;

	cv_init(&cv);
	CV_ACCEPT(&cv, &CV_FULL, 0, NULL);
	cv.now = 5 * SEC; /* the start of a second */
	s = cv_seg(&cv, RTS_TH_RST, 0);
	s.seq = cv.snd + 1;
	for (int i = 0; i < 1010; i++) {
		cv_inject(&cv, &s);
		cv.now += 100000; /* 0.1 ms: all within one second */
	}
	acks = testbe_drain(cv.be);
	RTS_CHECK_EQ(acks, 1000);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_challenge_ack, 1000);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_challenge_limited, 10);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_rst_bad, 1010);
	/* The next second allows them again. */
	cv.now = 6 * SEC;
	cv_inject(&cv, &s);
	RTS_CHECK_EQ(testbe_drain(cv.be), 1);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_challenge_ack, 1001);
	RTS_CHECK_EQ(cv.app.closed, 0);
	cv_fini(&cv);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* ------------------------------------------------- closed port (§3.10.7.1) */

RTS_TEST(rst_to_closed_port)
{
	struct conv cv;
	struct cv_seg s;
	struct cv_out o;

	cv_init(&cv);
	cv.snd = 123456;
	/* SYN → <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>, SYN counted */
	s = cv_seg(&cv, RTS_TH_SYN, 0);
	s.mss = 1460;
	cv_inject(&cv, &s);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_RST | RTS_TH_ACK, 0, 123457, 0);
	RTS_CHECK_EQ(o.th.sport, CV_PORT);
	RTS_CHECK_EQ(o.th.dport, CV_PPORT);
	RTS_CHECK_EQ(o.th.win, 0);
	RTS_CHECK_EQ(o.th.hlen, 20);
	/* data without ACK: ACK = SEG.SEQ + SEG.LEN (+1 for a FIN) */
	s = cv_seg(&cv, RTS_TH_PSH | RTS_TH_FIN, 30);
	cv_inject(&cv, &s);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_RST | RTS_TH_ACK, 0, 123456 + 31, 0);
	/* an ACK segment → <SEQ=SEG.ACK><CTL=RST> */
	s = cv_seg(&cv, RTS_TH_ACK | RTS_TH_PSH, 20);
	s.ack = 0xdeadbeef;
	cv_inject(&cv, &s);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_RST, 0xdeadbeef, 0, 0);
	/* a RST → nothing (never answer a RST) */
	s = cv_seg(&cv, RTS_TH_RST, 0);
	cv_inject(&cv, &s);
	s.flags = RTS_TH_RST | RTS_TH_ACK;
	s.ack = 77;
	cv_inject(&cv, &s);
	CV_QUIET(&cv);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_no_conn, 5);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_tx_rst, 3);
	RTS_CHECK_EQ(cv.ctx->tcp.n_conns, 0);
	cv_fini(&cv);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* A listener answers a stray ACK (no SYN cookie matches) with RST too. */
RTS_TEST(rst_to_stray_ack_at_listener)
{
	struct conv cv;
	struct cv_seg s;
	struct cv_out o;

	cv_init(&cv);
	RTS_CHECK(cv_listen(&cv, 0));
	cv.snd = 5000;
	s = cv_seg(&cv, RTS_TH_ACK, 0);
	s.ack = 99999;
	cv_inject(&cv, &s);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_RST, 99999, 0, 0);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_syncookie_bad, 1);
	/* a RST to a listener: nothing */
	s.flags = RTS_TH_RST;
	cv_inject(&cv, &s);
	CV_QUIET(&cv);
	RTS_CHECK_EQ(cv.app.accepted, 0);
	cv_fini(&cv);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* ------------------------------------------------- option negotiation */

/* Every option offered: the SYN-ACK answers each (RFC 7323, RFC 2018). */
RTS_TEST(synack_options_full)
{
	struct conv cv;
	struct cv_out o;
	struct rts_tcp_info i;
	const struct cv_peer p = { 1200, 3, true, true };

	cv_init(&cv);
	CV_ACCEPT(&cv, &p, 0, &o);
	RTS_CHECK_EQ(o.th.hlen, 40);
	RTS_CHECK_EQ(o.th.win, 65535); /* a SYN's window is never scaled */
	RTS_CHECK_EQ(o.len, 0);
	RTS_CHECK(o.o.has_mss);
	RTS_CHECK_EQ(o.o.mss, 1460);   /* ours: 1500 - 40, whatever the peer has */
	RTS_CHECK(o.o.has_ws);
	RTS_CHECK_EQ(o.o.ws, 7);
	RTS_CHECK(o.o.has_sack_perm);
	RTS_CHECK(o.o.has_ts);
	RTS_CHECK_EQ(o.o.ts_ecr, CV_TS_START);
	RTS_REQUIRE(cv.app.conn != NULL);
	rts_tcp_get_info(cv.app.conn, &i);
	RTS_CHECK_EQ(i.state, RTS_TCP_ESTABLISHED);
	RTS_CHECK_EQ(i.mss, 1200 - 12); /* the peer's MSS less the TS option */
	RTS_CHECK_EQ(i.snd_wscale, 3);
	RTS_CHECK_EQ(i.rcv_wscale, 7);
	RTS_CHECK(i.ts_ok);
	RTS_CHECK(i.sack_ok);
	RTS_CHECK_EQ(i.snd_wnd, 65535u << 3);
	/* A full segment from the app is the negotiated size, window scaled. */
	RTS_CHECK_EQ(cv_app_send(&cv, cv.app.conn, cv.rcv, 3000), 3000);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, cv.snd, 1188);
	RTS_CHECK_EQ(o.th.win, (1u << 20) >> 7);
	RTS_CHECK(cv_payload_ok(&o));
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv + 1188, cv.snd, 1188);
	CV_QUIET(&cv); /* Nagle holds the short tail while data is unacked */
	cv.rcv += 2376;
	cv_send(&cv, RTS_TH_ACK, 0);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK | RTS_TH_PSH, cv.rcv, cv.snd, 3000 - 2376);
	RTS_CHECK(cv_payload_ok(&o));
	RTS_CHECK_EQ(cv.app.acked, 2376);
	cv_fini(&cv);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* No options: MSS only in the SYN-ACK, 536 to send (RFC 9293 §3.7.1). */
RTS_TEST(synack_options_none)
{
	struct conv cv;
	struct cv_out o;
	struct rts_tcp_info i;

	cv_init(&cv);
	CV_ACCEPT(&cv, &CV_BARE, 0, &o);
	RTS_CHECK_EQ(o.th.hlen, 24);
	RTS_CHECK(o.o.has_mss);
	RTS_CHECK_EQ(o.o.mss, 1460);
	RTS_CHECK(!o.o.has_ws);
	RTS_CHECK(!o.o.has_sack_perm);
	RTS_CHECK(!o.o.has_ts);
	RTS_CHECK_EQ(o.th.win, 65535);
	rts_tcp_get_info(cv.app.conn, &i);
	RTS_CHECK_EQ(i.mss, 536);
	RTS_CHECK_EQ(i.snd_wscale, 0);
	RTS_CHECK_EQ(i.rcv_wscale, 0);
	RTS_CHECK(!i.ts_ok);
	RTS_CHECK(!i.sack_ok);
	RTS_CHECK_EQ(cv_app_send(&cv, cv.app.conn, cv.rcv, 600), 600);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, cv.snd, 536);
	RTS_CHECK_EQ(o.th.hlen, 20);
	RTS_CHECK_EQ(o.th.win, 65535); /* unscaled: the largest field */
	CV_QUIET(&cv); /* Nagle: the 64-byte rest waits for the ACK */
	cv_fini(&cv);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* RFC 7323 §2.3: a shift above 14 is used as 14. WS without TS works. */
RTS_TEST(synack_wscale_clamped)
{
	struct conv cv;
	struct cv_out o;
	struct rts_tcp_info i;
	const struct cv_peer p = { 9000, 15, false, false };

	cv_init(&cv);
	cv.win = 2;
	CV_ACCEPT(&cv, &p, 0, &o);
	RTS_CHECK_EQ(o.th.hlen, 28); /* MSS + NOP,WS */
	RTS_CHECK(o.o.has_ws);
	RTS_CHECK(!o.o.has_ts);
	rts_tcp_get_info(cv.app.conn, &i);
	RTS_CHECK_EQ(i.snd_wscale, 14);
	RTS_CHECK_EQ(i.snd_wnd, 2u << 14);
	RTS_CHECK_EQ(i.mss, 1460); /* our MSS bounds it */
	cv_fini(&cv);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}
/* ------------------------------------------------- opening */

/* The ACK that completes the handshake may carry data (§3.10.7.4). */
RTS_TEST(third_ack_carries_data)
{
	struct conv cv;
	struct cv_out o;

	cv_init(&cv);
	RTS_CHECK(cv_listen(&cv, 0));
	RTS_CHECK(cv_syn(&cv, &CV_FULL, &o));
	cv.rcv = o.th.seq + 1;
	cv.ts = true;
	cv_send(&cv, RTS_TH_ACK | RTS_TH_PSH, 20);
	RTS_CHECK_EQ(cv.app.accepted, 1);
	RTS_CHECK(cv_rx_ok(&cv, 20));
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, cv.snd, 0);
	CV_QUIET(&cv);
	cv_fini(&cv);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* SYN-RECEIVED: a retransmitted SYN gets the same SYN-ACK; a bad ACK gets
 * <SEQ=SEG.ACK><CTL=RST>; a RST returns to LISTEN with nothing told. */
RTS_TEST(syn_received_answers)
{
	struct conv cv;
	struct cv_out o, synack;
	struct cv_seg s;

	cv_init(&cv);
	RTS_CHECK(cv_listen(&cv, 1));
	RTS_CHECK(cv_syn(&cv, &CV_FULL, &synack));
	/* the SYN again (our SYN-ACK was lost) */
	RTS_CHECK(cv_syn(&cv, &CV_FULL, &o));
	CV_EXPECT(&o, RTS_TH_SYN | RTS_TH_ACK, synack.th.seq, CV_PEER_ISN + 1, 0);
	RTS_CHECK_EQ(o.th.hlen, synack.th.hlen);
	RTS_CHECK_EQ(cv.ctx->tcp.n_conns, 1);
	/* an ACK of something we never sent */
	cv.rcv = synack.th.seq + 1;
	s = cv_seg(&cv, RTS_TH_ACK, 0);
	s.ack = synack.th.seq + 5;
	s.ts = true;
	cv_inject(&cv, &s);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_RST, synack.th.seq + 5, 0, 0);
	RTS_CHECK_EQ(cv.app.accepted, 0);
	/* RST with SEQ = RCV.NXT: the half-open connection goes, silently */
	s = cv_seg(&cv, RTS_TH_RST, 0);
	cv_inject(&cv, &s);
	CV_QUIET(&cv);
	RTS_CHECK_EQ(cv.ctx->tcp.n_conns, 0);
	RTS_CHECK_EQ(cv.app.closed, 0);
	/* the backlog slot is free again: a new SYN gets a real SYN-ACK */
	cv.pport++;
	RTS_CHECK(cv_syn(&cv, &CV_FULL, &o));
	RTS_CHECK_EQ(o.th.flags, RTS_TH_SYN | RTS_TH_ACK);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_syncookie_sent, 0);
	RTS_CHECK_EQ(cv.ctx->tcp.n_conns, 1);
	cv_fini(&cv);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/*
 * Nobody ACKs the SYN-ACK: it is sent again after 1, 2 and 4 s (RFC 6298
 * §2.1 initial RTO, doubling), and tcp.syn_retries later the half-open
 * connection is dropped without a word to the app.
 */
RTS_TEST(synack_retransmit_and_give_up)
{
	struct conv cv;
	struct cv_out o, synack;
	struct rts_config cfg;

	cv_config(&cfg);
	cfg.tcp.syn_retries = 3;
	cv_init_cfg(&cv, &cfg);
	RTS_CHECK(cv_listen(&cv, 0));
	RTS_CHECK(cv_syn(&cv, &CV_FULL, &synack));
	for (uint64_t d = 1; d <= 4; d *= 2) {
		CV_CHECK_DELAY(cv_wait_tx(&cv, 10 * SEC), d * SEC);
		CV_POP(&cv, &o);
		CV_EXPECT(&o, RTS_TH_SYN | RTS_TH_ACK, synack.th.seq, CV_PEER_ISN + 1, 0);
		RTS_CHECK_EQ(o.th.hlen, synack.th.hlen);
		RTS_CHECK_EQ(o.o.ts_ecr, synack.o.ts_ecr);
	}
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_tx_retrans, 3);
	cv_advance(&cv, 8 * SEC - 2 * MS);
	RTS_CHECK_EQ(cv.ctx->tcp.n_conns, 1);
	cv_advance(&cv, 4 * MS);
	RTS_CHECK_EQ(cv.ctx->tcp.n_conns, 0);
	CV_QUIET(&cv);
	RTS_CHECK_EQ(cv.app.accepted, 0);
	RTS_CHECK_EQ(cv.app.closed, 0);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_conn_timeout, 1);
	RTS_CHECK_EQ(cv.l->n_pending, 0);
	cv_fini(&cv);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* RFC 6298 §5.7: after the SYN-ACK timed out, data starts with RTO 3 s. */
RTS_TEST(rto_3s_after_synack_timeout)
{
	struct conv cv;
	struct cv_out o;
	struct rts_tcp_info i;

	cv_init(&cv);
	RTS_CHECK(cv_listen(&cv, 0));
	RTS_CHECK(cv_syn(&cv, &CV_PLAIN, &o));
	cv.rcv = o.th.seq + 1;
	CV_CHECK_DELAY(cv_wait_tx(&cv, 10 * SEC), 1 * SEC);
	CV_POP(&cv, &o);
	cv.now += 10 * MS;
	cv_send(&cv, RTS_TH_ACK, 0);
	RTS_REQUIRE(cv.app.conn != NULL);
	rts_tcp_get_info(cv.app.conn, &i);
	RTS_CHECK_EQ(i.srtt_us, 0); /* Karn: no sample from the handshake */
	RTS_CHECK_EQ(i.rto_us, 3000000);
	cv_fini(&cv);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* The active side: our SYN, its retransmission, the peer's SYN-ACK. */
RTS_TEST(active_open)
{
	struct conv cv;
	struct cv_out o, syn;
	struct cv_seg s;
	struct rts_tcp_info i;
	struct rts_endpoint r = { .ip = cv_ip_peer(), .port = 5555 };
	struct rts_tcp_conn *c;
	int err;

	cv_init(&cv);
	c = rts_tcp_connect(cv.ctx, NULL, &r, &app_handlers, &cv.app, &err);
	RTS_REQUIRE(c != NULL);
	rts_poll(cv.ctx, cv.now);
	CV_POP(&cv, &syn);
	CV_EXPECT(&syn, RTS_TH_SYN, syn.th.seq, 0, 0);
	RTS_CHECK_EQ(syn.th.dport, 5555);
	RTS_CHECK(syn.th.sport >= 49152);
	RTS_CHECK_EQ(syn.th.hlen, 40);
	RTS_CHECK_EQ(syn.th.win, 65535);
	RTS_CHECK(syn.o.has_mss && syn.o.mss == 1460);
	RTS_CHECK(syn.o.has_ws && syn.o.ws == 7);
	RTS_CHECK(syn.o.has_sack_perm);
	RTS_CHECK(syn.o.has_ts && syn.o.ts_ecr == 0);
	CV_CHECK_DELAY(cv_wait_tx(&cv, 10 * SEC), 1 * SEC);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_SYN, syn.th.seq, 0, 0);
	/* SYN-ACK: MSS 1400 and timestamps, no window scaling, no SACK */
	cv.now += 30 * MS;
	memset(&s, 0, sizeof(s));
	s.sport = 5555;
	s.dport = syn.th.sport;
	s.seq = 777000;
	s.ack = syn.th.seq + 1;
	s.flags = RTS_TH_SYN | RTS_TH_ACK;
	s.win = 30000;
	s.mss = 1400;
	s.ws = -1;
	s.ts = true;
	s.tsval = 42;
	s.tsecr = o.o.ts_val;
	cv_inject(&cv, &s);
	RTS_CHECK_EQ(cv.app.connected, 1);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, syn.th.seq + 1, 777001, 0);
	RTS_CHECK_EQ(o.th.win, 65535); /* no scaling: the largest field */
	RTS_CHECK(o.o.has_ts && o.o.ts_ecr == 42);
	CV_QUIET(&cv);
	rts_tcp_get_info(c, &i);
	RTS_CHECK_EQ(i.state, RTS_TCP_ESTABLISHED);
	RTS_CHECK_EQ(i.mss, 1400 - 12);
	RTS_CHECK_EQ(i.rcv_wscale, 0);
	RTS_CHECK_EQ(i.snd_wscale, 0);
	RTS_CHECK(!i.sack_ok);
	RTS_CHECK(i.ts_ok);
	RTS_CHECK_EQ(i.snd_wnd, 30000);
	RTS_CHECK_EQ(i.rto_us, 3000000); /* RFC 6298 §5.7: the SYN timed out */
	cv_fini(&cv);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}
int main(void)
{
	return rts_test_main();
}
