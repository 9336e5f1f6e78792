/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Scenarios below TCP: ARP resolution, ping, UDP echo (with fragments),
 * port unreachable, an unresolvable neighbour. Two contexts on the
 * in-memory link, in virtual time; every test ends with no buffer leaked.
 */
#include "scen.h"

/* What the context handlers saw, per side. */
struct events {
	int resolved, failed, replies;
	struct rts_mac mac;
	uint16_t last_id, last_seq;
	uint32_t last_len;
	uint64_t last_rtt;
	uint32_t seq_mask;   /* bit per echo sequence number answered */
};

static struct events ev[2];

static void on_resolved(struct rts_ctx *ctx, void *user,
			const struct rts_ip *ip, const struct rts_mac *mac)
{
	struct events *e = user;

	(void)ctx;
	(void)ip;
	e->resolved++;
	e->mac = *mac;
}

static void on_failed(struct rts_ctx *ctx, void *user, const struct rts_ip *ip)
{
	(void)ctx;
	(void)ip;
	((struct events *)user)->failed++;
}

static void on_echo_reply(struct rts_ctx *ctx, void *user,
			  const struct rts_ip *from, uint16_t id, uint16_t seq,
			  uint32_t len, uint64_t rtt_ns)
{
	struct events *e = user;

	(void)ctx;
	(void)from;
	e->replies++;
	e->last_id = id;
	e->last_seq = seq;
	e->last_len = len;
	e->last_rtt = rtt_ns;
	if (seq < 32)
		e->seq_mask |= 1u << seq;
}

static const struct rts_ctx_handlers ctx_handlers = {
	.echo_reply = on_echo_reply,
	.neigh_resolved = on_resolved,
	.neigh_failed = on_failed,
};

static struct ml_scen *make(const struct ml_impair *im)
{
	struct ml_scen_opts o;

	memset(ev, 0, sizeof(ev));
	ml_scen_opts_default(&o);
	for (int s = 0; s < 2; s++) {
		o.cfg[s].handlers = &ctx_handlers;
		o.cfg[s].user = &ev[s];
		if (im)
			o.link.dir[s] = *im;
	}
	return ml_scen_create(&o);
}

static bool a_resolved(void *arg)
{
	(void)arg;
	return ev[SCEN_A].resolved > 0 || ev[SCEN_A].failed > 0;
}

RTS_TEST(arp_resolution)
{
	struct ml_scen *sc = make(NULL);
	struct rts_ip ip_b = ml_scen_ip(SCEN_B), ip_a = ml_scen_ip(SCEN_A);
	struct rts_mac mac;
	struct rts_ctx *a, *b;

	RTS_REQUIRE(sc != NULL);
	a = ml_scen_ctx(sc, SCEN_A);
	b = ml_scen_ctx(sc, SCEN_B);
	ml_scen_run_for(sc, 10 * MSEC); /* gratuitous ARPs settle */
	RTS_CHECK_EQ(rts_neigh_lookup(a, &ip_b, &mac), RTS_ENOENT);
	/* Anything for B makes A ask for it. */
	RTS_CHECK_EQ(rts_ping(a, &ip_b, 1, 1, 8), 0);
	RTS_CHECK(scen_run(sc, a_resolved, NULL, 5 * SEC));
	RTS_CHECK_EQ(ev[SCEN_A].resolved, 1);
	RTS_CHECK_EQ(ev[SCEN_A].mac.b[5], 2);
	RTS_CHECK_EQ(rts_neigh_lookup(a, &ip_b, &mac), 0);
	RTS_CHECK_EQ(mac.b[0], 0x02);
	RTS_CHECK_EQ(mac.b[5], 0x02);
	RTS_CHECK(rts_ctx_counters(a)->arp_tx_requests >= 1);
	RTS_CHECK(rts_ctx_counters(b)->arp_rx_requests >= 1);
	RTS_CHECK_EQ(rts_ctx_counters(b)->arp_tx_replies,
		     rts_ctx_counters(a)->arp_tx_requests);
	/* B learnt A from the request it answered (RFC 826 merge). */
	RTS_CHECK_EQ(rts_neigh_lookup(b, &ip_a, &mac), 0);
	RTS_CHECK_EQ(mac.b[5], 0x01);
	RTS_CHECK_EQ(ml_scen_finish(sc), 0);
	ml_scen_destroy(sc);
}

static bool three_replies(void *arg)
{
	(void)arg;
	return ev[SCEN_A].replies >= 3;
}

RTS_TEST(ping_with_delay)
{
	struct ml_impair im = { .delay_ns = 100 * USEC };
	struct ml_scen *sc = make(&im);
	struct rts_ip ip_b = ml_scen_ip(SCEN_B);
	struct rts_ctx *a;

	RTS_REQUIRE(sc != NULL);
	a = ml_scen_ctx(sc, SCEN_A);
	for (uint16_t seq = 1; seq <= 3; seq++)
		RTS_CHECK_EQ(rts_ping(a, &ip_b, 0x77, seq, 56), 0);
	RTS_CHECK(scen_run(sc, three_replies, NULL, 5 * SEC));
	RTS_CHECK_EQ(ev[SCEN_A].replies, 3);
	RTS_CHECK_EQ(ev[SCEN_A].seq_mask, 0xe);
	RTS_CHECK_EQ(ev[SCEN_A].last_id, 0x77);
	RTS_CHECK_EQ(ev[SCEN_A].last_len, 56);
	/* Two crossings of 100 µs each at least (plus ARP for the first). */
	RTS_CHECK(ev[SCEN_A].last_rtt >= 200 * USEC);
	RTS_NOTE("rtt %llu ns", (unsigned long long)ev[SCEN_A].last_rtt);
	RTS_CHECK_EQ(rts_ctx_counters(ml_scen_ctx(sc, SCEN_B))->icmp_rx_echo_req, 3);
	RTS_CHECK_EQ(rts_ctx_counters(ml_scen_ctx(sc, SCEN_B))->icmp_tx_echo_reply, 3);
	RTS_CHECK_EQ(rts_ctx_counters(a)->icmp_rx_echo_reply, 3);
	/* Once resolved, one more ping takes one round trip: 200 µs. */
	ev[SCEN_A].replies = 2;
	RTS_CHECK_EQ(rts_ping(a, &ip_b, 0x77, 4, 1000), 0);
	RTS_CHECK(scen_run(sc, three_replies, NULL, SEC));
	RTS_CHECK_EQ(ev[SCEN_A].last_seq, 4);
	RTS_CHECK_EQ(ev[SCEN_A].last_len, 1000);
	RTS_CHECK(ev[SCEN_A].last_rtt >= 200 * USEC &&
		  ev[SCEN_A].last_rtt < 300 * USEC);
	RTS_CHECK_EQ(ml_scen_finish(sc), 0);
	ml_scen_destroy(sc);
}

RTS_TEST(ping_unresolvable_neighbour_fails)
{
	struct ml_scen *sc = make(NULL);
	struct rts_ip nobody = rts_ip4(198, 18, 0, 99);
	struct rts_ctx *a;

	RTS_REQUIRE(sc != NULL);
	a = ml_scen_ctx(sc, SCEN_A);
	RTS_CHECK_EQ(rts_ping(a, &nobody, 1, 1, 8), 0);
	RTS_CHECK(scen_run(sc, a_resolved, NULL, 60 * SEC));
	RTS_CHECK_EQ(ev[SCEN_A].failed, 1);
	RTS_CHECK_EQ(ev[SCEN_A].resolved, 0);
	RTS_CHECK(rts_ctx_counters(a)->arp_tx_requests >= 2); /* retried */
	RTS_CHECK_EQ(rts_ctx_counters(a)->neigh_failed, 1);
	RTS_CHECK_EQ(rts_ctx_counters(a)->neigh_pending_drop, 1);
	/* RFC 1122 §2.3.2.1 wants at most one request a second. */
	RTS_CHECK(ml_scen_now(sc) - ML_SCEN_START_NS >= 2 * SEC &&
		  ml_scen_now(sc) - ML_SCEN_START_NS < 10 * SEC);
	RTS_NOTE("gave up after %llu requests, %.1f s",
		 (unsigned long long)rts_ctx_counters(a)->arp_tx_requests,
		 (double)(ml_scen_now(sc) - ML_SCEN_START_NS) / 1e9);
	RTS_CHECK_EQ(ml_scen_finish(sc), 0);
	ml_scen_destroy(sc);
}

/* ------------------------------------------------------------------- UDP */
struct udp_state {
	struct rts_udp_bind *bind;
	uint32_t got, bytes, bad;
	uint64_t expect_seed;
};

/* B: send every datagram back where it came from. */
static void echo_rx(struct rts_ctx *ctx, void *user,
		    const struct rts_endpoint *from,
		    const struct rts_endpoint *to, struct rts_pkt *p,
		    uint32_t off, uint32_t len)
{
	struct udp_state *u = user;
	uint8_t *buf = malloc(len ? len : 1);

	ml_pkt_read(p, off, buf, len);
	rts_pkt_free(ctx, p);
	u->got++;
	u->bytes += len;
	if (rts_udp_sendto(ctx, to->port, from, buf, len) != (int)len)
		u->bad++;
	free(buf);
}

/* A: check each echo against the stream it was cut from. */
static void check_rx(struct rts_ctx *ctx, void *user,
		     const struct rts_endpoint *from,
		     const struct rts_endpoint *to, struct rts_pkt *p,
		     uint32_t off, uint32_t len)
{
	struct udp_state *u = user;
	uint8_t *buf = malloc(len ? len : 1);
	uint8_t *want = malloc(len ? len : 1);

	(void)from;
	(void)to;
	ml_pkt_read(p, off, buf, len);
	rts_pkt_free(ctx, p);
	stream_fill(u->expect_seed, len, want, len); /* keyed by length */
	if (memcmp(buf, want, len) != 0)
		u->bad++;
	u->got++;
	u->bytes += len;
	free(buf);
	free(want);
}

static struct udp_state ua, ub;

static bool all_echoes(void *arg)
{
	return ua.got >= *(uint32_t *)arg;
}

RTS_TEST(udp_echo_with_fragments)
{
	static const uint32_t sizes[] = { 0, 1, 100, 1472, 1473, 4000, 8972 };
	struct ml_scen *sc = make(NULL);
	struct rts_endpoint la = { .port = 5000 }, lb = { .port = 7 };
	struct rts_endpoint to_b = { .ip = ml_scen_ip(SCEN_B), .port = 7 };
	uint32_t n = sizeof(sizes) / sizeof(sizes[0]), total = 0;
	struct rts_ctx *a, *b;
	int err;

	RTS_REQUIRE(sc != NULL);
	a = ml_scen_ctx(sc, SCEN_A);
	b = ml_scen_ctx(sc, SCEN_B);
	memset(&ua, 0, sizeof(ua));
	memset(&ub, 0, sizeof(ub));
	ua.expect_seed = ub.expect_seed = 99;
	ua.bind = rts_udp_bind(a, &la, check_rx, &ua, &err);
	ub.bind = rts_udp_bind(b, &lb, echo_rx, &ub, &err);
	RTS_REQUIRE(ua.bind != NULL && ub.bind != NULL);
	for (uint32_t i = 0; i < n; i++) {
		uint8_t *d = malloc(sizes[i] + 1);

		stream_fill(99, sizes[i], d, sizes[i]);
		RTS_CHECK_EQ(rts_udp_sendto(a, 5000, &to_b, d, sizes[i]),
			     sizes[i]);
		total += sizes[i];
		free(d);
	}
	RTS_CHECK(scen_run(sc, all_echoes, &n, 5 * SEC));
	RTS_CHECK_EQ(ub.got, n);
	RTS_CHECK_EQ(ua.got, n);
	RTS_CHECK_EQ(ua.bytes, total);
	RTS_CHECK_EQ(ua.bad + ub.bad, 0);
	RTS_CHECK(rts_ctx_counters(b)->ip4_reass_ok >= 2); /* 4000, 8972 */
	RTS_CHECK(rts_ctx_counters(a)->ip4_reass_ok >= 2);
	rts_udp_unbind(ua.bind);
	rts_udp_unbind(ub.bind);
	RTS_CHECK_EQ(ml_scen_finish(sc), 0);
	ml_scen_destroy(sc);
}

static bool got_unreach(void *arg)
{
	return rts_ctx_counters(arg)->icmp_rx_unreach > 0;
}

RTS_TEST(udp_closed_port_gets_port_unreachable)
{
	struct ml_scen *sc = make(NULL);
	struct rts_endpoint to_b = { .ip = ml_scen_ip(SCEN_B), .port = 9 };
	struct rts_ctx *a, *b;

	RTS_REQUIRE(sc != NULL);
	a = ml_scen_ctx(sc, SCEN_A);
	b = ml_scen_ctx(sc, SCEN_B);
	RTS_CHECK_EQ(rts_udp_sendto(a, 5001, &to_b, "x", 1), 1);
	RTS_CHECK(scen_run(sc, got_unreach, a, 5 * SEC));
	RTS_CHECK_EQ(rts_ctx_counters(b)->udp_rx_no_port, 1);
	RTS_CHECK_EQ(rts_ctx_counters(b)->icmp_tx_unreach, 1);
	RTS_CHECK_EQ(rts_ctx_counters(a)->icmp_rx_unreach, 1);
	RTS_CHECK_EQ(ml_scen_finish(sc), 0);
	ml_scen_destroy(sc);
}

RTS_TEST(udp_over_lossy_link_is_never_corrupted)
{
	struct ml_impair im = { .loss_ppm = ML_PCT(5), .corrupt_ppm = ML_PCT(5),
				.dup_ppm = ML_PCT(5), .reorder_ppm = ML_PCT(5) };
	struct ml_scen *sc = make(&im);
	struct rts_endpoint la = { .port = 5000 }, lb = { .port = 7 };
	struct rts_endpoint to_b = { .ip = ml_scen_ip(SCEN_B), .port = 7 };
	struct ml_dir_stats st[2];
	struct rts_ctx *a, *b;
	struct rts_mac mac;
	uint8_t d[1000];
	uint32_t n = 1000;
	int err;

	RTS_REQUIRE(sc != NULL);
	a = ml_scen_ctx(sc, SCEN_A);
	b = ml_scen_ctx(sc, SCEN_B);
	memset(&ua, 0, sizeof(ua));
	memset(&ub, 0, sizeof(ub));
	ua.expect_seed = ub.expect_seed = 5;
	ua.bind = rts_udp_bind(a, &la, check_rx, &ua, &err);
	ub.bind = rts_udp_bind(b, &lb, echo_rx, &ub, &err);
	RTS_REQUIRE(ua.bind != NULL && ub.bind != NULL);
	/* Resolve first so ARP loss does not drop a burst of datagrams. */
	while (rts_neigh_lookup(a, &to_b.ip, &mac) != 0 &&
	       ml_scen_now(sc) < ML_SCEN_START_NS + 30 * SEC) {
		rts_udp_sendto(a, 5000, &to_b, d, 0);
		ml_scen_run_for(sc, 100 * MSEC);
	}
	ml_scen_run_for(sc, 100 * MSEC);
	ua.got = ua.bytes = ua.bad = 0;
	ub.got = ub.bytes = ub.bad = 0;
	ua.expect_seed = 5;
	stream_fill(5, 1000, d, 1000);
	for (uint32_t i = 0; i < n; i++) {
		rts_udp_sendto(a, 5000, &to_b, d, 1000);
		ml_scen_run_for(sc, 10 * USEC);
	}
	ml_scen_run_for(sc, SEC);
	ml_link_get_stats(ml_scen_link(sc), 0, &st[0]);
	ml_link_get_stats(ml_scen_link(sc), 1, &st[1]);
	RTS_NOTE("sent %u, echoed %u, back %u; corrupted %llu+%llu", n, ub.got,
		 ua.got, (unsigned long long)st[0].corrupted,
		 (unsigned long long)st[1].corrupted);
	RTS_CHECK_EQ(ua.bad, 0);
	RTS_CHECK(ua.got > n * 8 / 10);
	RTS_CHECK(rts_ctx_counters(b)->udp_rx_bad_csum +
		  rts_ctx_counters(b)->ip4_rx_bad_csum > 0);
	rts_udp_unbind(ua.bind);
	rts_udp_unbind(ub.bind);
	RTS_CHECK_EQ(ml_scen_finish(sc), 0);
	ml_scen_destroy(sc);
}

int main(void)
{
	return rts_test_main();
}
