/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP conversations (tcpconv.h): retransmission and RTT, the ACK policy,
 * out-of-order data with SACK/D-SACK, fast retransmit, the receive window.
 */
#include "tcpconv.h"

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
