/* SPDX-License-Identifier: BSD-3-Clause */
/* TCP between two contexts over a hand-pumped, lossless link. */
#include "tcp_pair.h"

static void fill_pattern(uint8_t *b, size_t n, uint32_t seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)((i * 131 + seed) ^ (i >> 9));
}

RTS_TEST(handshake_and_echo)
{
	struct pair p;
	struct rts_tcp_info ia;

	pair_init(&p);
	p.sb.echo = true;
	pair_connect(&p, 7);
	RTS_CHECK_EQ(p.sa.connected, 1);
	RTS_CHECK_EQ(p.sb.accepted, 1);
	RTS_REQUIRE(p.sa.conn && p.sb.conn);
	RTS_CHECK_EQ(rts_tcp_state(p.sa.conn), RTS_TCP_ESTABLISHED);
	RTS_CHECK_EQ(rts_tcp_state(p.sb.conn), RTS_TCP_ESTABLISHED);
	rts_tcp_get_info(p.sa.conn, &ia);
	RTS_CHECK(ia.ts_ok);
	RTS_CHECK(ia.sack_ok);
	RTS_CHECK_EQ(ia.mss, 1460 - 12);
	RTS_CHECK_EQ(rts_tcp_send(p.sa.conn, "hello", 5), 5);
	pair_pump(&p);
	RTS_CHECK_EQ(p.sb.rx_len, 5);
	RTS_CHECK_EQ(p.sa.rx_len, 5);
	RTS_CHECK(memcmp(p.sa.rx, "hello", 5) == 0);
	RTS_CHECK_EQ(p.sa.acked, 5);
	pair_fini(&p);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

static void transfer(size_t total, int close_first)
{
	struct pair p;
	uint8_t *src = malloc(total);
	size_t sent = 0;

	pair_init(&p);
	fill_pattern(src, total, 7);
	pair_connect(&p, 80);
	RTS_REQUIRE(p.sa.conn && p.sb.conn);
	for (int guard = 0; sent < total && guard < 100000; guard++) {
		int n = rts_tcp_send(p.sa.conn, src + sent, (uint32_t)(total - sent));

		if (n > 0)
			sent += (size_t)n;
		pair_pump(&p);
		if (n <= 0)
			pair_advance(&p, 1000000);
	}
	RTS_CHECK_EQ(sent, total);
	RTS_CHECK_EQ(p.sb.rx_len, total);
	RTS_CHECK(memcmp(p.sb.rx, src, total < APP_BUF ? total : APP_BUF) == 0);
	/* close in the order asked */
	if (close_first == 0) {
		p.sb.close_on_fin = true;
		rts_tcp_close(p.sa.conn);
	} else if (close_first == 1) {
		p.sa.close_on_fin = true;
		rts_tcp_close(p.sb.conn);
	} else {
		rts_tcp_close(p.sa.conn);
		rts_tcp_close(p.sb.conn);
	}
	pair_pump(&p);
	RTS_CHECK_EQ(p.sa.closed, 1);
	RTS_CHECK_EQ(p.sb.closed, 1);
	RTS_CHECK_EQ(p.sa.close_reason, RTS_TCP_CLOSED_NORMAL);
	RTS_CHECK_EQ(p.sb.close_reason, RTS_TCP_CLOSED_NORMAL);
	RTS_CHECK_EQ(p.sa.peer_closed, 1);
	RTS_CHECK_EQ(p.sb.peer_closed, 1);
	/* TIME_WAIT ends after 2MSL */
	pair_advance(&p, 61ull * 1000000000);
	RTS_CHECK_EQ(rts_ctx_counters(p.a)->tcp_conn_closed, 1);
	pair_fini(&p);
	free(src);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(transfer_client_closes_first) { transfer(3u << 20, 0); }
RTS_TEST(transfer_server_closes_first) { transfer(100000, 1); }
RTS_TEST(transfer_simultaneous_close) { transfer(5000, 2); }

RTS_TEST(connect_to_closed_port_is_reset)
{
	struct pair p;
	struct rts_endpoint r = { .ip = PAIR_IP_B, .port = 9 };
	int err;

	pair_init(&p);
	p.sa.conn = rts_tcp_connect(p.a, NULL, &r, &app_handlers, &p.sa, &err);
	RTS_REQUIRE(p.sa.conn != NULL);
	pair_pump(&p);
	RTS_CHECK_EQ(p.sa.closed, 1);
	RTS_CHECK_EQ(p.sa.close_reason, RTS_TCP_CLOSED_RESET);
	RTS_CHECK_EQ(rts_ctx_counters(p.b)->tcp_rx_no_conn, 1);
	RTS_CHECK_EQ(rts_ctx_counters(p.a)->tcp_conn_refused, 1);
	pair_fini(&p);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(half_close_keeps_reading)
{
	struct pair p;

	pair_init(&p);
	pair_connect(&p, 80);
	RTS_REQUIRE(p.sa.conn && p.sb.conn);
	RTS_CHECK_EQ(rts_tcp_shutdown(p.sa.conn), 0);
	pair_pump(&p);
	RTS_CHECK_EQ(p.sb.peer_closed, 1);
	RTS_CHECK_EQ(rts_tcp_state(p.sa.conn), RTS_TCP_FIN_WAIT_2);
	RTS_CHECK_EQ(rts_tcp_send(p.sa.conn, "x", 1), RTS_ESHUTDOWN);
	/* b keeps sending after a's FIN */
	RTS_CHECK_EQ(rts_tcp_send(p.sb.conn, "more data", 9), 9);
	pair_pump(&p);
	RTS_CHECK_EQ(p.sa.rx_len, 9);
	rts_tcp_close(p.sb.conn);
	pair_pump(&p);
	RTS_CHECK_EQ(p.sa.closed, 1);
	RTS_CHECK_EQ(p.sb.closed, 1);
	pair_fini(&p);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(simultaneous_open)
{
	struct pair p;
	struct rts_endpoint la = { .ip = PAIR_IP_A, .port = 5000 };
	struct rts_endpoint lb = { .ip = PAIR_IP_B, .port = 6000 };
	struct rts_endpoint ra = { .ip = PAIR_IP_A, .port = 5000 };
	struct rts_endpoint rb = { .ip = PAIR_IP_B, .port = 6000 };
	int err;

	pair_init(&p);
	/* Resolve ARP first so both SYNs cross on the wire. */
	rts_neigh_add_static(p.a, &PAIR_IP_B, &(struct rts_mac){ { 2, 0, 0, 0, 0, 2 } });
	rts_neigh_add_static(p.b, &PAIR_IP_A, &(struct rts_mac){ { 2, 0, 0, 0, 0, 1 } });
	p.sa.conn = rts_tcp_connect(p.a, &la, &rb, &app_handlers, &p.sa, &err);
	p.sb.conn = rts_tcp_connect(p.b, &lb, &ra, &app_handlers, &p.sb, &err);
	RTS_REQUIRE(p.sa.conn && p.sb.conn);
	pair_pump(&p);
	RTS_CHECK_EQ(p.sa.connected, 1);
	RTS_CHECK_EQ(p.sb.connected, 1);
	RTS_CHECK_EQ(rts_tcp_state(p.sa.conn), RTS_TCP_ESTABLISHED);
	RTS_CHECK_EQ(rts_tcp_state(p.sb.conn), RTS_TCP_ESTABLISHED);
	RTS_CHECK_EQ(rts_tcp_send(p.sa.conn, "ab", 2), 2);
	pair_pump(&p);
	RTS_CHECK_EQ(p.sb.rx_len, 2);
	pair_fini(&p);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(backlog_full_uses_syn_cookies)
{
	struct pair p;
	struct rts_endpoint l = { .port = 80 }, r = { .ip = PAIR_IP_B, .port = 80 };
	struct app extra = { 0 };
	int err;

	pair_init(&p);
	extra.rx = calloc(1, APP_BUF);
	RTS_REQUIRE(rts_tcp_listen(p.b, &l, 1, &app_handlers, &p.sb, &err) != NULL);
	/* Hold the first handshake half-open: drop b's SYN-ACK. */
	p.sa.conn = rts_tcp_connect(p.a, NULL, &r, &app_handlers, &p.sa, &err);
	pair_pump(&p); /* ARP + SYN + SYN-ACK + ACK: completes */
	RTS_CHECK_EQ(p.sb.accepted, 1);
	/* A second SYN while one is pending: make one pending by hand. */
	rts_tcp_connect(p.a, NULL, &r, &app_handlers, &extra, &err);
	rts_flush(p.a);
	testbe_forward(p.ba, p.bb, p.b, p.now); /* SYN in: b in SYN_RECEIVED */
	testbe_drain(p.bb);                     /* lose the SYN-ACK */
	struct rts_tcp_conn *c3 = rts_tcp_connect(p.a, NULL, &r, &app_handlers, &extra, &err);
	RTS_REQUIRE(c3 != NULL);
	pair_pump(&p);
	RTS_CHECK(rts_ctx_counters(p.b)->tcp_rx_listen_overflow >= 1);
	RTS_CHECK_EQ(rts_ctx_counters(p.b)->tcp_rx_syncookie_sent, 1);
	RTS_CHECK_EQ(rts_ctx_counters(p.b)->tcp_rx_syncookie_ok, 1);
	RTS_CHECK_EQ(rts_tcp_state(c3), RTS_TCP_ESTABLISHED);
	RTS_CHECK_EQ(rts_tcp_send(c3, "cookie", 6), 6);
	pair_pump(&p);
	RTS_CHECK_EQ(p.sb.rx_len, 6);
	pair_fini(&p);
	free(extra.rx);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(backlog_full_without_cookies_drops_syn)
{
	struct pair p;
	struct rts_config ca, cb;
	struct rts_endpoint l = { .port = 80 }, r = { .ip = PAIR_IP_B, .port = 80 };
	int err;

	testbe_config(&ca, "198.18.0.1/24", 1, 0);
	testbe_config(&cb, "198.18.0.2/24", 2, 0);
	cb.tcp.syncookies = false;
	pair_init_cfg(&p, &ca, &cb);
	RTS_REQUIRE(rts_tcp_listen(p.b, &l, 1, &app_handlers, &p.sb, &err) != NULL);
	rts_neigh_add_static(p.a, &PAIR_IP_B, &(struct rts_mac){ { 2, 0, 0, 0, 0, 2 } });
	rts_neigh_add_static(p.b, &PAIR_IP_A, &(struct rts_mac){ { 2, 0, 0, 0, 0, 1 } });
	rts_tcp_connect(p.a, NULL, &r, &app_handlers, &p.sa, &err);
	rts_flush(p.a);
	testbe_forward(p.ba, p.bb, p.b, p.now);
	testbe_drain(p.bb); /* SYN-ACK lost: b holds one SYN_RECEIVED */
	rts_tcp_connect(p.a, NULL, &r, &app_handlers, &p.sa, &err);
	rts_flush(p.a);
	testbe_forward(p.ba, p.bb, p.b, p.now);
	RTS_CHECK_EQ(rts_ctx_counters(p.b)->tcp_rx_listen_overflow, 1);
	RTS_CHECK_EQ(testbe_tx_count(p.bb), 0); /* no answer */
	pair_fini(&p);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(out_of_buffers_is_back_pressure_and_recovers)
{
	struct pair p;
	char msg[3000];

	pair_init(&p);
	memset(msg, 'z', sizeof(msg));
	pair_connect(&p, 80);
	RTS_REQUIRE(p.sa.conn && p.sb.conn);
	int n;

	testbe_fail_alloc_after(p.ba, 2); /* room to queue, none to send */
	n = rts_tcp_send(p.sa.conn, msg, sizeof(msg));
	RTS_CHECK(n > 0 && n < (int)sizeof(msg)); /* accepted what fits */
	pair_pump(&p);
	RTS_CHECK_EQ(p.sb.rx_len, 0);
	RTS_CHECK(rts_ctx_counters(p.a)->tcp_tx_no_buf >= 1);
	RTS_CHECK(rts_ctx_counters(p.a)->pkt_alloc_fail >= 1);
	testbe_fail_alloc_after(p.ba, -1); /* buffers come back */
	pair_advance(&p, 1100ull * 1000000); /* the retry timer sends */
	RTS_CHECK_EQ(p.sb.rx_len, (size_t)n);
	RTS_CHECK_EQ(rts_tcp_send(p.sa.conn, msg + n, sizeof(msg) - (size_t)n),
		     (int)(sizeof(msg) - (size_t)n));
	pair_pump(&p);
	RTS_CHECK_EQ(p.sb.rx_len, sizeof(msg));
	RTS_CHECK(memcmp(p.sb.rx, msg, sizeof(msg)) == 0);
	pair_fini(&p);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

RTS_TEST(congestion_control_per_connection)
{
	struct pair p;
	static uint8_t buf[200000];

	pair_init(&p);
	pair_connect(&p, 80);
	RTS_REQUIRE(p.sa.conn && p.sb.conn);
	RTS_CHECK_EQ(rts_tcp_set_cc(p.sa.conn, 77), RTS_EINVAL);
	RTS_CHECK_EQ(rts_tcp_set_cc(p.sa.conn, RTS_CC_NEWRENO), 0);
	memset(buf, 'n', sizeof(buf));
	for (size_t sent = 0, guard = 0; sent < sizeof(buf) && guard < 1000; guard++) {
		int n = rts_tcp_send(p.sa.conn, buf + sent, (uint32_t)(sizeof(buf) - sent));

		if (n > 0)
			sent += (size_t)n;
		pair_pump(&p);
	}
	pair_advance(&p, 50ull * 1000000); /* Nagle's tail waits for the delayed ACK */
	RTS_CHECK_EQ(p.sb.rx_len, sizeof(buf));
	pair_fini(&p);
	RTS_CHECK_EQ(testbe_outstanding(), 0);
}

int main(void)
{
	return rts_test_main();
}
