/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Scenarios: two dual-stack contexts on the in-memory link (memlink), in
 * virtual time, with DAD and router solicitation running as configured by
 * default. A = 198.18.0.1 + 2001:2::1, B = 198.18.0.2 + 2001:2::2.
 *
 *   ping over both families and to link-local addresses;
 *   UDP both families, datagrams up to 8000 bytes (fragmented, reordered
 *   and duplicated on the way) delivered byte-exact;
 *   TCP over IPv6, 64 MiB byte-exact over a link with 2% loss, reordering
 *   and duplication in both directions.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "memlink.h"
#include "rts_test.h"
#include "rts_test_pkt.h"

#define MS 1000000ull
#define SEC 1000000000ull

static struct rts_ip v6(const char *s)
{
	struct rts_ip ip;

	inet_pton(AF_INET6, s, ip.u8);
	return ip;
}

static struct rts_ip ip6_of(int side)
{
	return v6(side ? "2001:2::2" : "2001:2::1");
}

/* fe80:: + EUI-64 of 02:00:00:00:00:0N */
static struct rts_ip ll_of(int side)
{
	return v6(side ? "fe80::ff:fe00:2" : "fe80::ff:fe00:1");
}

/* ---------------------------------------------------------------- ping */
static int replies[2]; /* [0] IPv4, [1] IPv6 */
static uint64_t last_rtt;

static void on_echo(struct rts_ctx *ctx, void *user, const struct rts_ip *from,
		    uint16_t id, uint16_t seq, uint32_t len, uint64_t rtt_ns)
{
	(void)ctx;
	(void)user;
	(void)id;
	(void)seq;
	(void)len;
	replies[rts_ip_family(from) == RTS_AF_INET6]++;
	last_rtt = rtt_ns;
}

static const struct rts_ctx_handlers handlers = { .echo_reply = on_echo };

static struct ml_scen *scen_dual_csum(const struct ml_impair *im,
				      enum ml_csum_mode csum)
{
	struct ml_scen_opts o;
	struct ml_scen *sc;

	ml_scen_opts_default(&o);
	o.link.csum = csum;
	for (int s = 0; s < 2; s++) {
		struct rts_ip ip = ip6_of(s);

		rts_config_add_addr(&o.cfg[s], &ip, 64);
		o.cfg[s].handlers = &handlers;
		o.cfg[s].tcp.rcv_buf = 2u << 20;
		o.cfg[s].tcp.snd_buf = 2u << 20;
		if (im)
			o.link.dir[s] = *im;
	}
	o.link.seed = 7;
	sc = ml_scen_create(&o);
	if (sc)
		ml_scen_run_for(sc, 1200 * MS); /* DAD: one RetransTimer */
	return sc;
}

static struct ml_scen *scen_dual(const struct ml_impair *im)
{
	return scen_dual_csum(im, ML_CSUM_SW);
}

RTS_TEST(scen_ip6_ping_dual_stack)
{
	struct ml_scen *sc = scen_dual(NULL);
	struct rts_ctx *a;
	struct rts_ip b4 = ml_scen_ip(1), b6 = ip6_of(1), bll = ll_of(1);

	RTS_REQUIRE(sc != NULL);
	a = ml_scen_ctx(sc, 0);
	replies[0] = replies[1] = 0;
	for (uint16_t i = 0; i < 5; i++) {
		RTS_CHECK_EQ(rts_ping(a, &b4, 1, i, 56), 0);
		RTS_CHECK_EQ(rts_ping(a, &b6, 2, i, 56), 0);
		RTS_CHECK_EQ(rts_ping(a, &bll, 3, i, 1000), 0);
		ml_scen_run_for(sc, 100 * MS);
	}
	RTS_CHECK_EQ(replies[0], 5);
	RTS_CHECK_EQ(replies[1], 10);
	/* a 20000-byte ping: fragments both ways */
	RTS_CHECK_EQ(rts_ping(a, &b6, 4, 1, 20000), 0);
	ml_scen_run_for(sc, 100 * MS);
	RTS_CHECK_EQ(replies[1], 11);
	RTS_CHECK_EQ(rts_ctx_counters(ml_scen_ctx(sc, 1))->ip6_reass_ok, 1);
	RTS_CHECK_EQ(rts_ctx_counters(a)->ip6_reass_ok, 1);
	RTS_CHECK_EQ(rts_ctx_counters(a)->nd_dad_conflict, 0);
	RTS_CHECK_EQ(ml_scen_finish(sc), 0);
	ml_scen_destroy(sc);
}

/* ----------------------------------------------------------------- UDP */
#define N_DGRAMS 60

static uint8_t pat(uint32_t i, uint32_t seed)
{
	return (uint8_t)(((i + seed) * 2654435761u) >> 13);
}

static int udp_ok, udp_bad;

static void on_udp(struct rts_ctx *ctx, void *user,
		   const struct rts_endpoint *from,
		   const struct rts_endpoint *to, struct rts_pkt *p,
		   uint32_t off, uint32_t len)
{
	static uint8_t buf[70000];
	uint32_t seed;

	(void)user;
	(void)to;
	ml_pkt_read(p, off, buf, len);
	rts_pkt_free(ctx, p);
	seed = from->port; /* the sender encodes the pattern in its port */
	for (uint32_t i = 0; i < len; i++)
		if (buf[i] != pat(i, seed)) {
			udp_bad++;
			return;
		}
	udp_ok++;
}

RTS_TEST(scen_ip6_udp_dual_stack_fragments)
{
	struct ml_impair im = { .dup_ppm = ML_PCT(5), .reorder_ppm = ML_PCT(10),
				.reorder_depth = 3 };
	struct ml_scen *sc = scen_dual(&im);
	struct rts_ctx *a, *b;
	struct rts_endpoint any = { .port = 7 };
	static uint8_t data[8000];
	int err, sent = 0;

	RTS_REQUIRE(sc != NULL);
	a = ml_scen_ctx(sc, 0);
	b = ml_scen_ctx(sc, 1);
	struct rts_udp_bind *ub = rts_udp_bind(b, &any, on_udp, NULL, &err);
	RTS_REQUIRE(ub != NULL);
	udp_ok = udp_bad = 0;
	for (int i = 0; i < N_DGRAMS; i++) {
		uint32_t len = (uint32_t)(i * 137) % sizeof(data);
		uint16_t port = (uint16_t)(1000 + i);
		struct rts_endpoint to = { .ip = (i & 1) ? ip6_of(1)
							 : ml_scen_ip(1),
					   .port = 7 };

		for (uint32_t k = 0; k < len; k++)
			data[k] = pat(k, port);
		if (rts_udp_sendto(a, port, &to, data, len) == (int)len)
			sent++;
		ml_scen_run_for(sc, 2 * MS);
	}
	ml_scen_run_for(sc, 100 * MS);
	RTS_CHECK_EQ(sent, N_DGRAMS);
	RTS_CHECK_EQ(udp_bad, 0);
	/* duplicates of whole datagrams arrive twice, fragments never do */
	RTS_CHECK(udp_ok >= N_DGRAMS);
	RTS_NOTE("%d datagrams sent, %d delivered (link duplicates included)",
		 sent, udp_ok);
	RTS_CHECK(rts_ctx_counters(b)->ip6_reass_ok > 10);
	rts_udp_unbind(ub);
	RTS_CHECK_EQ(ml_scen_finish(sc), 0);
	ml_scen_destroy(sc);
}

/* ---------------------------------------------------------------- TCP */
struct xfer {
	struct rts_tcp_conn *c;
	uint64_t total, sent, rcvd;
	uint64_t bad_at;    /* first wrong byte + 1 (0: none) */
	int closed, reason, peer_closed;
};

static struct xfer tx_side, rx_side;

static uint8_t stream_byte(uint64_t i)
{
	return (uint8_t)((i * 0x9e3779b1u) >> 11 ^ (i >> 17));
}

static void push(struct rts_tcp_conn *c, struct xfer *x)
{
	static uint8_t chunk[64 * 1024];

	while (x->sent < x->total) {
		uint64_t left = x->total - x->sent;
		uint32_t n = left < sizeof(chunk) ? (uint32_t)left
						  : (uint32_t)sizeof(chunk);
		uint32_t space = rts_tcp_send_space(c);
		int r;

		if (space == 0)
			return;
		if (n > space)
			n = space;
		for (uint32_t i = 0; i < n; i++)
			chunk[i] = stream_byte(x->sent + i);
		r = rts_tcp_send(c, chunk, n);
		if (r <= 0)
			return;
		x->sent += (uint64_t)r;
	}
	if (x->sent == x->total && x->c) {
		rts_tcp_close(c);
		x->c = NULL;
	}
}

static void h_connected(struct rts_tcp_conn *c, void *user)
{
	struct xfer *x = user;

	x->c = c;
	push(c, x);
}

static void h_writable(struct rts_tcp_conn *c, void *user)
{
	push(c, user);
}

static void h_acked(struct rts_tcp_conn *c, void *user, uint32_t bytes)
{
	(void)bytes;
	push(c, user);
}

static void h_data(struct rts_tcp_conn *c, void *user, struct rts_pkt *p,
		   uint32_t off, uint32_t len)
{
	struct xfer *x = user;
	struct rts_test_span sp = rts_test_span(p, off, len);
	const uint8_t *d;
	uint32_t n, done = 0;

	while (rts_test_span_next(&sp, &d, &n)) {
		for (uint32_t i = 0; i < n && !x->bad_at; i++)
			if (d[i] != stream_byte(x->rcvd + done + i))
				x->bad_at = x->rcvd + done + i + 1;
		done += n;
	}
	x->rcvd += len;
	rts_pkt_free(rts_tcp_ctx(c), p);
	rts_tcp_consumed(c, len);
}

static void h_peer_closed(struct rts_tcp_conn *c, void *user)
{
	struct xfer *x = user;

	x->peer_closed++;
	rts_tcp_close(c);
}

static void h_closed(struct rts_tcp_conn *c, void *user, int reason)
{
	struct xfer *x = user;

	(void)c;
	x->closed++;
	x->reason = reason;
}

static int h_accepted(struct rts_tcp_conn *c, void *listener_user)
{
	rts_tcp_set_user(c, listener_user);
	return 0;
}

static const struct rts_tcp_handlers tcp_h = {
	.accepted = h_accepted, .connected = h_connected, .data = h_data,
	.peer_closed = h_peer_closed, .acked = h_acked,
	.writable = h_writable, .closed = h_closed,
};

static bool both_closed(void *arg)
{
	(void)arg;
	return tx_side.closed && rx_side.closed;
}

/* Connect A to B over IPv6 and move @total bytes; false on time-out. */
static bool tcp_transfer(struct ml_scen *sc, uint64_t total,
			 struct rts_tcp_listener **lis)
{
	struct rts_endpoint l = { .ip = ip6_of(1), .port = 5001 };
	struct rts_endpoint r = { .ip = ip6_of(1), .port = 5001 };
	struct rts_tcp_conn *c;
	int err;

	memset(&tx_side, 0, sizeof(tx_side));
	memset(&rx_side, 0, sizeof(rx_side));
	tx_side.total = total;
	*lis = rts_tcp_listen(ml_scen_ctx(sc, 1), &l, 0, &tcp_h, &rx_side,
			      &err);
	if (*lis == NULL)
		return false;
	c = rts_tcp_connect(ml_scen_ctx(sc, 0), NULL, &r, &tcp_h, &tx_side,
			    &err);
	if (c == NULL)
		return false;
	return ml_scen_run_until(sc, both_closed, NULL, 600 * SEC);
}

RTS_TEST(scen_ip6_tcp_64mib_impaired)
{
	struct ml_impair im = { .loss_ppm = ML_PCT(2), .dup_ppm = ML_PCT(1),
				.reorder_ppm = ML_PCT(2), .reorder_depth = 3,
				.delay_ns = 50000, .rate_bps = 10000000000ull };
	struct ml_scen *sc = scen_dual(&im);
	struct rts_tcp_listener *lis = NULL;

	RTS_REQUIRE(sc != NULL);
	uint64_t t0 = ml_scen_now(sc);
	bool done = tcp_transfer(sc, 64ull << 20, &lis);
	uint64_t vt = ml_scen_now(sc) - t0;
	RTS_CHECK(done);
	const struct rts_counters *ca = rts_ctx_counters(ml_scen_ctx(sc, 0));
	const struct rts_counters *cb = rts_ctx_counters(ml_scen_ctx(sc, 1));

	RTS_NOTE("64 MiB over IPv6 in %.2f s virtual (%.2f Gbit/s); "
		 "%llu retransmits, %llu fast, %llu RTO",
		 (double)vt / 1e9, (double)(64ull << 23) / (double)vt,
		 (unsigned long long)ca->tcp_tx_retrans,
		 (unsigned long long)ca->tcp_tx_fast_retrans,
		 (unsigned long long)ca->tcp_rto_fired);
	RTS_CHECK_EQ(tx_side.sent, tx_side.total);
	RTS_CHECK_EQ(rx_side.rcvd, tx_side.total);
	RTS_CHECK_EQ(rx_side.bad_at, 0);
	RTS_CHECK_EQ(tx_side.closed, 1);
	RTS_CHECK_EQ(rx_side.closed, 1);
	RTS_CHECK_EQ(tx_side.reason, RTS_TCP_CLOSED_NORMAL);
	RTS_CHECK(ca->tcp_tx_retrans > 0); /* the loss was real */
	RTS_CHECK_EQ(ca->ip4_tx, 0);       /* all of it over IPv6 */
	RTS_CHECK(cb->ip6_rx > 40000);
	if (lis)
		rts_tcp_unlisten(lis);
	RTS_CHECK_EQ(ml_scen_finish(sc), 0);
	ml_scen_destroy(sc);
}

/* The link completes and verifies the checksums the stack leaves to it. */
RTS_TEST(scen_ip6_tcp_udp_checksum_offload)
{
	struct ml_scen *sc = scen_dual_csum(NULL, ML_CSUM_OFFLOAD_VERIFY);
	struct rts_tcp_listener *lis = NULL;
	struct rts_endpoint any = { .port = 7 };
	static uint8_t data[3000];
	int err;

	RTS_REQUIRE(sc != NULL);
	RTS_CHECK(tcp_transfer(sc, 8ull << 20, &lis));
	RTS_CHECK_EQ(rx_side.rcvd, 8ull << 20);
	RTS_CHECK_EQ(rx_side.bad_at, 0);
	const struct rts_counters *cb = rts_ctx_counters(ml_scen_ctx(sc, 1));
	RTS_CHECK_EQ(cb->tcp_rx_bad_csum, 0);
	struct ml_dir_stats st;
	ml_link_get_stats(ml_scen_link(sc), 0, &st);
	RTS_CHECK(st.csum_filled > 5000); /* the stack offloaded them */
	RTS_CHECK_EQ(st.offload_meta_bad, 0);
	/* UDP: small datagrams offloaded, big ones checksummed and cut */
	struct rts_udp_bind *ub = rts_udp_bind(ml_scen_ctx(sc, 1), &any,
					       on_udp, NULL, &err);
	RTS_REQUIRE(ub != NULL);
	udp_ok = udp_bad = 0;
	for (uint32_t len = 100; len <= 3000; len += 725) {
		struct rts_endpoint to = { .ip = ip6_of(1), .port = 7 };

		for (uint32_t k = 0; k < len; k++)
			data[k] = pat(k, 2000);
		rts_udp_sendto(ml_scen_ctx(sc, 0), 2000, &to, data, len);
		ml_scen_run_for(sc, 5 * MS);
	}
	RTS_CHECK_EQ(udp_ok, 5);
	RTS_CHECK_EQ(udp_bad, 0);
	RTS_CHECK_EQ(cb->udp_rx_bad_csum, 0);
	rts_udp_unbind(ub);
	if (lis)
		rts_tcp_unlisten(lis);
	RTS_CHECK_EQ(ml_scen_finish(sc), 0);
	ml_scen_destroy(sc);
}

int main(void)
{
	return rts_test_main();
}
