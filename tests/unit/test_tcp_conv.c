/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP conversations: the test plays the peer, injects crafted segments and
 * asserts the exact segments the stack answers with (tcpconv.h).
 */
#include "tcpconv.h"
#include "tcp/tcp_conn.h"
#include "tcp/tcp_syncookie.h"
#include "tcp/tcp_seq.h"

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

/* An orphaned FIN_WAIT_2 (the app closed) ends after tcp.fin_wait2_us. */
RTS_TEST(fin_wait2_timeout)
{
	struct conv cv;
	struct cv_out o;
	struct rts_config cfg;
	struct rts_tcp_conn *c;

	cv_config(&cfg);
	cfg.tcp.fin_wait2_us = 5u * 1000 * 1000;
	cv_init_cfg(&cv, &cfg);
	CV_ACCEPT(&cv, &CV_FULL, 0, NULL);
	c = cv.app.conn;
	RTS_CHECK_EQ(rts_tcp_close(c), 0);
	rts_poll(cv.ctx, cv.now);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK | RTS_TH_FIN, cv.rcv, cv.snd, 0);
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
	struct rts_config cfg;
	struct rts_tcp_conn *c;

	cv_config(&cfg);
	cfg.tcp.fin_wait2_us = 2u * 1000 * 1000;
	cv_init_cfg(&cv, &cfg);
	CV_ACCEPT(&cv, &CV_FULL, 0, NULL);
	c = cv.app.conn;
	RTS_CHECK_EQ(rts_tcp_shutdown(c), 0);
	rts_poll(cv.ctx, cv.now);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK | RTS_TH_FIN, cv.rcv, cv.snd, 0);
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
	struct cv_out o;
	struct cv_seg s;

	cv_init(&cv);
	CV_ACCEPT(&cv, &CV_FULL, 0, NULL);
	if (!close_to_time_wait(&cv))
		return;
	/* A retransmitted FIN is ACKed again. */
	cv.now += 1 * SEC;
	s = cv_seg(&cv, RTS_TH_ACK | RTS_TH_FIN, 0);
	s.seq = cv.snd - 1;
	cv_inject(&cv, &s);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, cv.snd, 0);
	/* 2*MSL (60 s) after entering TIME_WAIT the slot is free. */
	cv_advance(&cv, 59 * SEC - 2 * MS);
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

/* ------------------------------------------------- retransmission (RFC 6298) */

/*
 * Data nobody ACKs: one tail-loss probe (RFC 8985 §7: PTO = 2*SRTT plus
 * the delayed-ACK allowance for a single segment), then RTO
 * retransmissions with the timer doubling (§5.5), then RST and
 * closed(TIMEOUT) after tcp.max_retries.
 */
RTS_TEST(retransmit_backoff_and_give_up)
{
	struct conv cv;
	struct cv_out o;
	struct rts_config cfg;
	struct rts_tcp_info i;
	uint64_t rto = 300 * MS;

	cv_config(&cfg);
	cfg.tcp.max_retries = 3;
	cv_init_cfg(&cv, &cfg);
	CV_ACCEPT(&cv, &CV_PLAIN, 100 * MS, NULL);
	rts_tcp_get_info(cv.app.conn, &i);
	RTS_CHECK_EQ(i.srtt_us, 100000);
	RTS_CHECK_EQ(i.rttvar_us, 50000);
	RTS_CHECK_EQ(i.rto_us, 300000); /* SRTT + 4 * RTTVAR */
	RTS_CHECK_EQ(cv_app_send(&cv, cv.app.conn, cv.rcv, 100), 100);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK | RTS_TH_PSH, cv.rcv, cv.snd, 100);
	/* the probe: the last segment again after 2 * 100 + 40 ms */
	CV_CHECK_DELAY(cv_wait_tx(&cv, 10 * SEC), 240 * MS);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK | RTS_TH_PSH, cv.rcv, cv.snd, 100);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_tx_tlp, 1);
	for (int k = 0; k < 3; k++) {
		CV_CHECK_DELAY(cv_wait_tx(&cv, 10 * SEC), rto);
		CV_POP(&cv, &o);
		CV_EXPECT(&o, RTS_TH_ACK | RTS_TH_PSH, cv.rcv, cv.snd, 100);
		RTS_CHECK(cv_payload_ok(&o));
		CV_QUIET(&cv);
		RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rto_fired, (uint64_t)k + 1);
		rto *= 2;
	}
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_tx_retrans, 4); /* probe + 3 */
	RTS_CHECK_EQ(cv.app.closed, 0);
	CV_CHECK_DELAY(cv_wait_tx(&cv, 10 * SEC), rto);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_RST | RTS_TH_ACK, cv.rcv + 100, cv.snd, 0);
	CV_QUIET(&cv);
	RTS_CHECK_EQ(cv.app.closed, 1);
	RTS_CHECK_EQ(cv.app.close_reason, RTS_TCP_CLOSED_TIMEOUT);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_conn_timeout, 1);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rto_fired, 4);
	RTS_CHECK_EQ(cv.ctx->tcp.n_conns, 0);
	cv_fini(&cv);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* Karn (RFC 6298 §3): the ACK of retransmitted data gives no RTT sample. */
RTS_TEST(karn_no_sample_from_retransmission)
{
	struct conv cv;
	struct cv_out o;
	struct rts_tcp_info i;

	cv_init(&cv);
	CV_ACCEPT(&cv, &CV_PLAIN, 100 * MS, NULL);
	RTS_CHECK_EQ(cv_app_send(&cv, cv.app.conn, cv.rcv, 100), 100);
	CV_POP(&cv, &o);
	CV_CHECK_DELAY(cv_wait_tx(&cv, 10 * SEC), 240 * MS); /* the probe */
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK | RTS_TH_PSH, cv.rcv, cv.snd, 100);
	/* Which copy does this ACK answer? Nobody knows: no sample. */
	cv.now += 50 * MS;
	cv.rcv += 100;
	cv_send(&cv, RTS_TH_ACK, 0);
	CV_QUIET(&cv);
	rts_tcp_get_info(cv.app.conn, &i);
	RTS_CHECK_EQ(i.srtt_us, 100000);
	RTS_CHECK_EQ(i.rttvar_us, 50000);
	RTS_CHECK_EQ(i.rto_us, 300000);
	RTS_CHECK_EQ(i.unacked, 0);
	/* A segment sent once is timed: 40 ms (RFC 6298 §2.3). */
	RTS_CHECK_EQ(cv_app_send(&cv, cv.app.conn, cv.rcv, 100), 100);
	CV_POP(&cv, &o);
	cv.now += 40 * MS;
	cv.rcv += 100;
	cv_send(&cv, RTS_TH_ACK, 0);
	rts_tcp_get_info(cv.app.conn, &i);
	RTS_CHECK_EQ(i.srtt_us, 100000 - 100000 / 8 + 40000 / 8);
	RTS_CHECK_EQ(i.rttvar_us, 50000 - 50000 / 4 + 60000 / 4);
	RTS_CHECK_EQ(i.rto_us, 92500 + 4 * 52500);
	cv_fini(&cv);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* RFC 7323 §4.1: with timestamps the echo names the copy that arrived,
 * so the ACK of a retransmission does give a sample. */
RTS_TEST(timestamp_rtt_sample_after_retransmission)
{
	struct conv cv;
	struct cv_out o;
	struct rts_tcp_info i;

	cv_init(&cv);
	CV_ACCEPT(&cv, &CV_FULL, 100 * MS, NULL);
	RTS_CHECK_EQ(cv_app_send(&cv, cv.app.conn, cv.rcv, 100), 100);
	CV_POP(&cv, &o);
	CV_CHECK_DELAY(cv_wait_tx(&cv, 10 * SEC), 240 * MS); /* the probe */
	CV_POP(&cv, &o);
	CV_CHECK_DELAY(cv_wait_tx(&cv, 10 * SEC), 300 * MS); /* the RTO */
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK | RTS_TH_PSH, cv.rcv, cv.snd, 100);
	cv.now += 250 * MS; /* cv.tsecr echoes this last copy */
	cv.rcv += 100;
	cv_send(&cv, RTS_TH_ACK, 0);
	CV_QUIET(&cv);
	rts_tcp_get_info(cv.app.conn, &i);
	RTS_CHECK_EQ(i.srtt_us, 100000 - 100000 / 8 + 250000 / 8);
	RTS_CHECK_EQ(i.rttvar_us, 50000 - 50000 / 4 + 150000 / 4);
	cv_fini(&cv);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* ------------------------------------------------- ACK policy (RFC 9293 §3.8.6.3) */

/*
 * The first 16 * MSS of a connection are ACKed segment by segment
 * (TF_QUICKACK, to let slow start grow); after that a small segment waits
 * for the 40 ms delayed-ACK timer and every second full segment is ACKed
 * at once (RFC 5681 §4.2).
 */
RTS_TEST(delayed_ack)
{
	struct conv cv;
	struct cv_out o;
	uint32_t mss = 1460;
	int quick = 0;

	cv_init(&cv);
	CV_ACCEPT(&cv, &CV_PLAIN, 0, NULL);
	cv.app.no_consume = true; /* keep window updates out of the picture */
	/* quick-ack phase: every full segment answered at once */
	while (cv.snd - (CV_PEER_ISN + 1) <= 16 * mss) {
		cv_send(&cv, RTS_TH_ACK, mss);
		CV_POP(&cv, &o);
		CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, cv.snd, 0);
		quick++;
	}
	RTS_CHECK_EQ(quick, 17);
	/* a small segment: no ACK now, one after 40 ms */
	cv_send(&cv, RTS_TH_ACK | RTS_TH_PSH, 100);
	CV_QUIET(&cv);
	CV_CHECK_DELAY(cv_wait_tx(&cv, 1 * SEC), 40 * MS);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, cv.snd, 0);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_tx_delack, 1);
	/* full segments: every second one is ACKed at once */
	for (int k = 0; k < 3; k++) {
		cv_send(&cv, RTS_TH_ACK, mss);
		CV_QUIET(&cv);
		cv.now += 1 * MS;
		cv_send(&cv, RTS_TH_ACK, mss);
		CV_POP(&cv, &o);
		CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, cv.snd, 0);
		CV_QUIET(&cv);
	}
	/* one full segment alone waits for the timer too */
	cv_send(&cv, RTS_TH_ACK, mss);
	CV_QUIET(&cv);
	CV_CHECK_DELAY(cv_wait_tx(&cv, 1 * SEC), 40 * MS);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, cv.snd, 0);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_tx_delack, 2);
	RTS_CHECK(cv_rx_ok(&cv, cv.snd - (CV_PEER_ISN + 1)));
	cv_fini(&cv);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/*
 * An app that consumes in its data callback, without window scaling (the
 * 1 MiB buffer is more than the window field can say): a small segment
 * still waits for the delayed ACK. A full segment moves the right edge by
 * an MSS, which this stack sends at once as a window update (RFC 9293
 * §3.8.6.2.2), once per segment and carrying the final RCV.NXT.
 */
RTS_TEST(delayed_ack_with_consuming_app)
{
	struct conv cv;
	struct cv_out o;
	uint32_t mss = 1460;

	cv_init(&cv);
	CV_ACCEPT(&cv, &CV_PLAIN, 0, NULL);
	while (cv.snd - (CV_PEER_ISN + 1) <= 16 * mss) {
		cv_send(&cv, RTS_TH_ACK, mss);
		CV_POP(&cv, &o);
		CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, cv.snd, 0);
		CV_QUIET(&cv);
	}
	for (int k = 0; k < 3; k++) {
		cv_send(&cv, RTS_TH_ACK | RTS_TH_PSH, 100);
		CV_QUIET(&cv);
		CV_CHECK_DELAY(cv_wait_tx(&cv, 1 * SEC), 40 * MS);
		CV_POP(&cv, &o);
		CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, cv.snd, 0);
		RTS_CHECK_EQ(o.th.win, 65535);
	}
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_tx_delack, 3);
	cv_send(&cv, RTS_TH_ACK, mss);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, cv.snd, 0);
	RTS_CHECK_EQ(o.th.win, 65535);
	CV_QUIET(&cv);
	RTS_CHECK(cv_rx_ok(&cv, cv.snd - (CV_PEER_ISN + 1)));
	cv_fini(&cv);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* ------------------------------------------------- out of order, SACK */

static void sack_seg(struct conv *cv, uint32_t off, uint32_t len, uint32_t base)
{
	struct cv_seg s = cv_seg(cv, RTS_TH_ACK, len);

	s.seq = base + off;
	cv_inject(cv, &s);
}

#define CHECK_SACK(out, i, s, e)                                               \
	do {                                                                   \
		RTS_CHECK_EQ((out)->o.sack[i].start, (uint32_t)(s));           \
		RTS_CHECK_EQ((out)->o.sack[i].end, (uint32_t)(e));             \
	} while (0)

/* RFC 5681 §4.2: out of order → immediate duplicate ACK with SACK
 * (RFC 2018 §4: the block of the segment that triggered it first);
 * RFC 2883: duplicates are reported in a D-SACK block. */
RTS_TEST(out_of_order_sack_and_dsack)
{
	struct conv cv;
	struct cv_out o;
	uint32_t p;

	cv_init(&cv);
	CV_ACCEPT(&cv, &CV_FULL, 0, NULL);
	p = cv.snd;
	sack_seg(&cv, 1000, 1000, p); /* [1000,2000): a hole before it */
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, p, 0);
	RTS_CHECK_EQ(o.o.n_sack, 1);
	CHECK_SACK(&o, 0, p + 1000, p + 2000);
	RTS_CHECK_EQ(cv.app.rx_len, 0);
	sack_seg(&cv, 3000, 1000, p); /* [3000,4000) */
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, p, 0);
	RTS_CHECK_EQ(o.o.n_sack, 2);
	CHECK_SACK(&o, 0, p + 3000, p + 4000);
	CHECK_SACK(&o, 1, p + 1000, p + 2000);
	/* [3000,4000) again: D-SACK first, then the block holding it */
	sack_seg(&cv, 3000, 1000, p);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, p, 0);
	RTS_CHECK_EQ(o.o.n_sack, 3);
	CHECK_SACK(&o, 0, p + 3000, p + 4000);
	CHECK_SACK(&o, 1, p + 3000, p + 4000);
	CHECK_SACK(&o, 2, p + 1000, p + 2000);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_dup, 1);
	/* the first hole filled: cumulative ACK past [1000,2000) */
	sack_seg(&cv, 0, 1000, p);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, p + 2000, 0);
	RTS_CHECK_EQ(o.o.n_sack, 1);
	CHECK_SACK(&o, 0, p + 3000, p + 4000);
	RTS_CHECK(cv_rx_ok(&cv, 2000));
	/* the second hole: everything, no SACK left */
	sack_seg(&cv, 2000, 1000, p);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, p + 4000, 0);
	RTS_CHECK_EQ(o.o.n_sack, 0);
	RTS_CHECK(cv_rx_ok(&cv, 4000));
	/* an old duplicate below RCV.NXT: ACK with a D-SACK block */
	sack_seg(&cv, 1000, 1000, p);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, p + 4000, 0);
	RTS_CHECK_EQ(o.o.n_sack, 1);
	CHECK_SACK(&o, 0, p + 1000, p + 2000);
	/* reported once: the next ACK has none */
	cv.snd = p + 4000;
	cv_send(&cv, RTS_TH_ACK | RTS_TH_PSH, 10);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, p + 4010, 0);
	RTS_CHECK_EQ(o.o.n_sack, 0);
	CV_QUIET(&cv);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_ooo, 2);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rx_dup, 2);
	RTS_CHECK(cv_rx_ok(&cv, 4010));
	cv_fini(&cv);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* Without SACK the duplicate ACK has no blocks; the hole fill ACKs all. */
RTS_TEST(out_of_order_without_sack)
{
	struct conv cv;
	struct cv_out o;
	uint32_t p;

	cv_init(&cv);
	CV_ACCEPT(&cv, &CV_PLAIN, 0, NULL);
	p = cv.snd;
	sack_seg(&cv, 500, 500, p);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, p, 0);
	RTS_CHECK_EQ(o.o.n_sack, 0);
	RTS_CHECK_EQ(o.th.hlen, 20);
	sack_seg(&cv, 0, 500, p);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, p + 1000, 0);
	RTS_CHECK(cv_rx_ok(&cv, 1000));
	cv_fini(&cv);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* ------------------------------------------------- fast retransmit */

/* The app sends @n full segments; returns their first sequence number. */
static uint32_t send_flight(struct conv *cv, unsigned n, uint32_t mss)
{
	struct cv_out o;
	uint32_t s0 = cv->rcv;

	RTS_CHECK_EQ(cv_app_send(cv, cv->app.conn, s0, n * mss), (int)(n * mss));
	for (unsigned k = 0; k < n; k++) {
		if (!cv_pop(cv, &o))
			break;
		CV_EXPECT(&o, RTS_TH_ACK | (k == n - 1 ? RTS_TH_PSH : 0), s0 + k * mss,
			  cv->snd, mss);
	}
	CV_QUIET(cv);
	return s0;
}

/* RFC 5681 §3.2 / RFC 6582: three duplicate ACKs → SND.UNA again; a
 * partial ACK → the next hole at once; a full ACK ends recovery. */
RTS_TEST(fast_retransmit_newreno)
{
	struct conv cv;
	struct cv_out o;
	struct rts_config cfg;
	uint32_t s0, mss = 1460;

	cv_config(&cfg);
	cfg.tcp.cc = RTS_CC_NEWRENO;
	cv_init_cfg(&cv, &cfg);
	CV_ACCEPT(&cv, &CV_PLAIN, 100 * MS, NULL);
	s0 = send_flight(&cv, 5, mss);
	cv.now += 10 * MS;
	for (int k = 0; k < 2; k++) {
		cv_send(&cv, RTS_TH_ACK, 0);
		CV_QUIET(&cv);
	}
	cv_send(&cv, RTS_TH_ACK, 0);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK | RTS_TH_PSH, s0, cv.snd, mss);
	RTS_CHECK(cv_payload_ok(&o));
	CV_QUIET(&cv);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_tx_fast_retrans, 1);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rto_fired, 0);
	/* more duplicates: nothing to resend, nothing new to send */
	cv_send(&cv, RTS_TH_ACK, 0);
	CV_QUIET(&cv);
	/* partial ACK (segment 3 was lost too): resent at once */
	cv.now += 10 * MS;
	cv.rcv = s0 + 2 * mss;
	cv_send(&cv, RTS_TH_ACK, 0);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK | RTS_TH_PSH, s0 + 2 * mss, cv.snd, mss);
	CV_QUIET(&cv);
	/* full ACK */
	cv.rcv = s0 + 5 * mss;
	cv_send(&cv, RTS_TH_ACK, 0);
	CV_QUIET(&cv);
	RTS_CHECK_EQ(cv.app.acked, 5 * mss);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_tx_fast_retrans, 1);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_tx_retrans, 2);
	RTS_CHECK_EQ(cv_wait_tx(&cv, 2 * SEC), UINT64_MAX);
	cv_fini(&cv);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

static void sack_ack(struct conv *cv, unsigned n, const uint32_t *blk)
{
	struct cv_seg s = cv_seg(cv, RTS_TH_ACK, 0);

	s.n_sack = (uint8_t)n;
	for (unsigned i = 0; i < n; i++) {
		s.sack[i].start = blk[2 * i];
		s.sack[i].end = blk[2 * i + 1];
	}
	cv_inject(cv, &s);
}

/* RFC 6675: SACKed data is never resent; the holes are. */
RTS_TEST(fast_retransmit_sack)
{
	struct conv cv;
	struct cv_out o;
	struct rts_config cfg;
	uint32_t s0, m = 1460;

	cv_config(&cfg);
	cfg.tcp.cc = RTS_CC_NEWRENO;
	cv_init_cfg(&cv, &cfg);
	CV_ACCEPT(&cv, &CV_SACK_NOTS, 100 * MS, NULL);
	s0 = send_flight(&cv, 5, m);
	/* segments 1 and 3 lost; 2, 4, 5 arrive */
	cv.now += 10 * MS;
	sack_ack(&cv, 1, (uint32_t[]){ s0 + m, s0 + 2 * m });
	CV_QUIET(&cv);
	sack_ack(&cv, 2, (uint32_t[]){ s0 + 3 * m, s0 + 4 * m, s0 + m, s0 + 2 * m });
	CV_QUIET(&cv);
	sack_ack(&cv, 2, (uint32_t[]){ s0 + 3 * m, s0 + 5 * m, s0 + m, s0 + 2 * m });
	CV_POP(&cv, &o); /* the first hole */
	CV_EXPECT(&o, RTS_TH_ACK | RTS_TH_PSH, s0, cv.snd, m);
	RTS_CHECK(cv_payload_ok(&o));
	CV_QUIET(&cv);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_tx_fast_retrans, 1);
	/* the resent segment 1 arrives: ACK up to the next hole */
	cv.now += 10 * MS;
	cv.rcv = s0 + 2 * m;
	sack_ack(&cv, 1, (uint32_t[]){ s0 + 3 * m, s0 + 5 * m });
	CV_POP(&cv, &o); /* the second hole */
	CV_EXPECT(&o, RTS_TH_ACK | RTS_TH_PSH, s0 + 2 * m, cv.snd, m);
	CV_QUIET(&cv);
	cv.rcv = s0 + 5 * m;
	cv_send(&cv, RTS_TH_ACK, 0);
	CV_QUIET(&cv);
	RTS_CHECK_EQ(cv.app.acked, 5 * m);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_tx_retrans, 2);
	RTS_CHECK_EQ(cv_cnt(&cv)->tcp_rto_fired, 0);
	RTS_CHECK_EQ(cv_wait_tx(&cv, 2 * SEC), UINT64_MAX);
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

/* ------------------------------------------------- receive window */

/* A slow app closes the window; it reopens with an update when read. */
RTS_TEST(receive_window_closes_and_reopens)
{
	struct conv cv;
	struct cv_out o;
	struct rts_config cfg;
	uint32_t mss = 1460, got = 0;

	cv_config(&cfg);
	cfg.tcp.rcv_buf = 8192;
	cv_init_cfg(&cv, &cfg);
	CV_ACCEPT(&cv, &CV_PLAIN, 0, &o);
	RTS_CHECK_EQ(o.th.win, 8192);
	cv.app.no_consume = true;
	for (int k = 0; k < 5; k++) {
		cv_send(&cv, RTS_TH_ACK, mss);
		got += mss;
		CV_POP(&cv, &o);
		CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, cv.snd, 0);
		RTS_CHECK_EQ(o.th.win, 8192 - got); /* the edge stays put */
	}
	cv_send(&cv, RTS_TH_ACK | RTS_TH_PSH, 8192 - got);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, cv.snd, 0);
	RTS_CHECK_EQ(o.th.win, 0);
	RTS_CHECK(cv_rx_ok(&cv, 8192));
	/* a probe with a byte of new data: not taken, ACKed with window 0 */
	cv_send(&cv, RTS_TH_ACK, 1);
	cv.snd--;
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, cv.snd, 0);
	RTS_CHECK_EQ(o.th.win, 0);
	RTS_CHECK_EQ(cv.app.rx_len, 8192);
	/* a sliver read: less than an MSS, no update (silly window, §3.8.6.2.2) */
	rts_tcp_consumed(cv.app.conn, 1000);
	rts_poll(cv.ctx, cv.now);
	CV_QUIET(&cv);
	/* the rest: an update at once */
	rts_tcp_consumed(cv.app.conn, 7192);
	rts_poll(cv.ctx, cv.now);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, cv.snd, 0);
	RTS_CHECK_EQ(o.th.win, 8192);
	CV_QUIET(&cv);
	cv_send(&cv, RTS_TH_ACK | RTS_TH_PSH, 1);
	RTS_CHECK(cv_rx_ok(&cv, 8193));
	cv_fini(&cv);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

/* A FIN beyond a hole waits for the hole (RFC 9293 §3.10.7.4, eighth). */
RTS_TEST(out_of_order_fin)
{
	struct conv cv;
	struct cv_out o;
	struct cv_seg s;
	uint32_t p;

	cv_init(&cv);
	CV_ACCEPT(&cv, &CV_FULL, 0, NULL);
	p = cv.snd;
	s = cv_seg(&cv, RTS_TH_ACK | RTS_TH_FIN, 100);
	s.seq = p + 100;
	cv_inject(&cv, &s);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, p, 0);
	RTS_CHECK_EQ(cv.app.peer_closed, 0);
	RTS_CHECK_EQ(rts_tcp_state(cv.app.conn), RTS_TCP_ESTABLISHED);
	cv_send(&cv, RTS_TH_ACK, 100);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK, cv.rcv, p + 201, 0); /* data + FIN */
	RTS_CHECK_EQ(cv.app.peer_closed, 1);
	RTS_CHECK_EQ(rts_tcp_state(cv.app.conn), RTS_TCP_CLOSE_WAIT);
	RTS_CHECK(cv_rx_ok(&cv, 200));
	/* our close: FIN, the peer's ACK ends it (LAST_ACK → CLOSED) */
	rts_tcp_close(cv.app.conn);
	rts_poll(cv.ctx, cv.now);
	CV_POP(&cv, &o);
	CV_EXPECT(&o, RTS_TH_ACK | RTS_TH_FIN, cv.rcv, p + 201, 0);
	cv.snd = p + 201;
	cv.rcv++;
	cv_send(&cv, RTS_TH_ACK, 0);
	CV_QUIET(&cv);
	RTS_CHECK_EQ(cv.app.closed, 1);
	RTS_CHECK_EQ(cv.app.close_reason, RTS_TCP_CLOSED_NORMAL);
	RTS_CHECK_EQ(cv.ctx->tcp.n_conns, 0);
	cv_fini(&cv);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

int main(void)
{
	return rts_test_main();
}
