/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Issue 3: a SYN flood of 1 M SYNs from random sources while 32 established
 * connections run a ping-pong. The ping-pong keeps going, the listener
 * answers with SYN cookies once its backlog is full, a legitimate client
 * still gets in (through a cookie), and no memory grows without bound:
 * connection slots, pool buffers and neighbour entries stay bounded and the
 * buffers come back.
 *
 * The set-up, and why: A (198.18.0.1) runs the 32 ping-pong clients and is
 * also B's IPv4 gateway, the router in front of the server B (198.18.0.2).
 * The SYNs are crafted here and put on the wire A->B, as the router
 * forwards them: sources are random in 198.18.0.0/15 with random ports.
 *  - Almost all sources are off B's /24, so B routes its SYN-ACKs to the
 *    gateway, whose neighbour entry is resolved and kept fresh by the
 *    ping-pong, exactly as a server behind a router answers a flood of
 *    spoofed Internet sources. A drops them as not for it (the router
 *    would forward them into the void). B does no ARP for them, so the
 *    test measures the listener, not an ARP storm.
 *  - About 1 in 512 sources is on B's own /24: B must resolve those before
 *    answering, which fills its neighbour table with entries that never
 *    resolve. That is the neighbour table under attack: it must stay within
 *    its size, count what it cannot hold, and never lose the entry of the
 *    gateway the established connections use.
 * Time is virtual and the link has no rate limit, so the ping-pong slows
 * down only if the stack loses or delays its segments (resources taken by
 * the flood), not because the test harness spends CPU on SYNs; the wall
 * time per SYN is printed for information.
 */
#define _POSIX_C_SOURCE 200809L
#include "core/internal.h"
#include "scen.h"

#include <time.h>

#define PORT 80
#define N_PP 32                 /* ping-pong connections */
#define BACKLOG 64
#define FLOOD_SYNS 1000000u
#define FLOOD_TICK (100 * USEC) /* SYNs go out in bursts every tick */
#define SYNS_PER_TICK 100u      /* 1 M SYNs per virtual second */
#define SAMPLE (10 * MSEC)      /* progress is checked per window */
#define DELAY (50 * USEC)       /* one way: a 100 µs RTT */

/* -------------------------------------------------------- the ping-pong */

struct pp {
	struct rts_tcp_conn *conn;
	uint64_t done;              /* client: answers; server: requests */
	int closed;
};

struct rig {
	struct ml_scen *sc;
	struct pp cli[N_PP + 1];    /* the last one connects during the flood */
	struct pp srv[N_PP + 1];
	int n_srv;
	uint64_t rng;
};

static void pp_send_byte(struct pp *p)
{
	uint8_t b = (uint8_t)p->done;

	if (p->conn)
		rts_tcp_send(p->conn, &b, 1);
}

static void pp_data(struct rts_tcp_conn *c, void *user, struct rts_pkt *p,
		    uint32_t off, uint32_t len)
{
	struct pp *pp = user;

	(void)off;
	rts_pkt_free(rts_tcp_ctx(c), p);
	rts_tcp_consumed(c, len);
	pp->done += len;
	pp_send_byte(pp); /* the client's next request, the server's answer */
}

static void pp_connected(struct rts_tcp_conn *c, void *user)
{
	struct pp *pp = user;

	pp->conn = c;
	pp_send_byte(pp);
}

static int pp_accepted(struct rts_tcp_conn *c, void *listener_user)
{
	struct rig *r = listener_user;
	struct pp *pp;

	if (r->n_srv > N_PP)
		return -1;
	pp = &r->srv[r->n_srv++];
	pp->conn = c;
	rts_tcp_set_user(c, pp);
	rts_tcp_set_nagle(c, false);
	return 0;
}

static void pp_closed(struct rts_tcp_conn *c, void *user, int reason)
{
	struct pp *pp = user;

	(void)c;
	(void)reason;
	pp->conn = NULL;
	pp->closed++;
}

static const struct rts_tcp_handlers pp_handlers = {
	.accepted = pp_accepted,
	.connected = pp_connected,
	.data = pp_data,
	.closed = pp_closed,
};

static uint64_t pp_total(const struct rig *r)
{
	uint64_t n = 0;

	for (int i = 0; i < N_PP; i++)
		n += r->cli[i].done;
	return n;
}

static bool pp_connect(struct rig *r, int i)
{
	struct rts_endpoint dst = { .ip = ml_scen_ip(SCEN_B), .port = PORT };
	int err = 0;
	struct rts_tcp_conn *c = rts_tcp_connect(ml_scen_ctx(r->sc, SCEN_A),
						 NULL, &dst, &pp_handlers,
						 &r->cli[i], &err);

	if (c == NULL)
		return false;
	rts_tcp_set_nagle(c, false);
	return true;
}

static bool all_running(void *arg)
{
	struct rig *r = arg;

	for (int i = 0; i < N_PP; i++)
		if (r->cli[i].done < 10)
			return false;
	return r->n_srv == N_PP;
}

/* ------------------------------------------------------------ the SYNs */

static uint64_t rnd(struct rig *r)
{
	r->rng ^= r->rng >> 12;
	r->rng ^= r->rng << 25;
	r->rng ^= r->rng >> 27;
	return r->rng * 0x2545f4914f6cdd1dull;
}

static uint16_t csum_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static uint32_t csum_add(uint32_t s, const uint8_t *b, uint32_t len)
{
	for (uint32_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)b[i] << 8 | b[i + 1];
	if (len & 1)
		s += (uint32_t)b[len - 1] << 8;
	return s;
}

static void put16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static void put32(uint8_t *b, uint32_t v)
{
	put16(b, (uint16_t)(v >> 16));
	put16(b + 2, (uint16_t)v);
}

/* A source in 198.18.0.0/15 that is not a host of the test or a subnet
 * broadcast/network address. */
static uint32_t spoofed_source(struct rig *r)
{
	for (;;) {
		uint32_t ip = 0xc6120000u | (uint32_t)(rnd(r) & 0x1ffff);
		uint8_t last = (uint8_t)ip;

		if ((ip >> 8) == 0xc61200u && last <= 2)
			continue; /* 198.18.0.0, A and B */
		if (last == 0 || last == 255)
			continue;
		return ip;
	}
}

/* Ethernet + IPv4 + TCP SYN with the options Linux sends (40-byte TCP
 * header: MSS, SACK permitted, timestamps, window scale). */
#define SYN_LEN (14 + 20 + 40)

static void build_syn(struct rig *r, uint8_t *f)
{
	uint32_t src = spoofed_source(r), dst = 0xc6120002u;
	uint8_t *ip = f + 14, *th = ip + 20;
	uint32_t s;

	memset(f, 0, SYN_LEN);
	memcpy(f, (uint8_t[]){ 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0 }, 14);
	ip[0] = 0x45;
	put16(ip + 2, 60);
	put16(ip + 4, (uint16_t)rnd(r));
	ip[6] = 0x40; /* DF */
	ip[8] = 64;
	ip[9] = 6;
	put32(ip + 12, src);
	put32(ip + 16, dst);
	put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
	put16(th, (uint16_t)(1024 + rnd(r) % 64512));
	put16(th + 2, PORT);
	put32(th + 4, (uint32_t)rnd(r));
	th[12] = 10 << 4;
	th[13] = 0x02; /* SYN */
	put16(th + 14, 64240);
	memcpy(th + 20, (uint8_t[]){ 2, 4, 0x05, 0xb4, 4, 2, 8, 10 }, 8);
	put32(th + 28, (uint32_t)rnd(r));
	memcpy(th + 36, (uint8_t[]){ 1, 3, 3, 7 }, 4);
	s = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + 6 + 40;
	put16(th + 16, csum_fold(csum_add(s, th, 40)));
}

/* Put @n crafted SYNs on the wire A->B, as the router forwards them. */
static void inject_syns(struct rig *r, unsigned n)
{
	struct ml_pool *pool = ml_scen_pool(r->sc, SCEN_A);
	struct ml_link *link = ml_scen_link(r->sc);
	struct rts_pkt *burst[32];
	unsigned k = 0;

	ml_link_set_now(link, ml_scen_now(r->sc));
	for (unsigned i = 0; i < n; i++) {
		struct rts_pkt *p = ml_pool_alloc(pool);

		if (p == NULL)
			break;
		build_syn(r, p->data);
		p->len = p->pkt_len = SYN_LEN;
		burst[k++] = p;
		if (k == 32 || i + 1 == n) {
			ml_backend_ops()->tx(ml_link_ep(link, SCEN_A), burst, k);
			k = 0;
		}
	}
	if (k)
		ml_backend_ops()->tx(ml_link_ep(link, SCEN_A), burst, k);
}

/* ------------------------------------------------------------ the test */

static double wall_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct ml_scen *make(void)
{
	struct ml_scen_opts o;

	scen_opts(&o, 4096);
	for (int s = 0; s < 2; s++) {
		o.link.dir[s].delay_ns = DELAY;
		o.cfg[s].tcp.delack_us = 0; /* plain ping-pong: answer at once */
	}
	/* A is B's router (see the top of the file). */
	o.cfg[SCEN_B].gw4 = ml_scen_ip(SCEN_A);
	return ml_scen_create(&o);
}

/* What must stay bounded, sampled while the flood runs. */
struct peaks {
	uint32_t conns, bufs, neigh;
	uint64_t min_window, max_window;
	unsigned windows, idle_windows;
};

static void sample(struct rig *r, struct peaks *pk)
{
	struct rts_ctx *b = ml_scen_ctx(r->sc, SCEN_B);
	uint32_t bufs = ml_pool_in_use(ml_scen_pool(r->sc, SCEN_A)) +
			ml_pool_in_use(ml_scen_pool(r->sc, SCEN_B));

	if (b->tcp.n_conns > pk->conns)
		pk->conns = b->tcp.n_conns;
	if (bufs > pk->bufs)
		pk->bufs = bufs;
	if (b->net.neigh.used > pk->neigh)
		pk->neigh = b->net.neigh.used;
}

/* The flood: 1 M SYNs over one virtual second; the 33rd client connects
 * half-way through, when the backlog is long full. */
static void flood(struct rig *r, struct peaks *pk)
{
	uint64_t next_sample = ml_scen_now(r->sc) + SAMPLE;
	uint64_t last_total = pp_total(r);
	unsigned sent = 0;

	pk->min_window = UINT64_MAX;
	while (sent < FLOOD_SYNS) {
		inject_syns(r, SYNS_PER_TICK);
		sent += SYNS_PER_TICK;
		if (sent == FLOOD_SYNS / 2)
			RTS_CHECK(pp_connect(r, N_PP));
		ml_scen_run_for(r->sc, FLOOD_TICK);
		sample(r, pk);
		if (ml_scen_now(r->sc) >= next_sample) {
			uint64_t t = pp_total(r), d = t - last_total;

			if (d < pk->min_window)
				pk->min_window = d;
			if (d > pk->max_window)
				pk->max_window = d;
			pk->idle_windows += d == 0;
			pk->windows++;
			last_total = t;
			next_sample += SAMPLE;
		}
	}
}

static uint64_t window_rate(struct rig *r)
{
	uint64_t t0 = pp_total(r);

	ml_scen_run_for(r->sc, SAMPLE);
	return pp_total(r) - t0;
}

RTS_TEST(syn_flood_1m_random_sources_while_32_connections_ping_pong)
{
	static struct rig r;
	struct rts_endpoint lep = { .ip = ml_scen_ip(SCEN_B), .port = PORT };
	struct rts_tcp_listener *l;
	struct rts_ctx *cb;
	struct peaks pk = { 0 };
	uint64_t base, after, bufs0, pp_before;
	struct rts_counters cnt;
	double w0, wall;
	int err = 0;

	memset(&r, 0, sizeof(r));
	r.rng = 0x5eedf100dull;
	r.sc = make();
	RTS_REQUIRE(r.sc != NULL);
	cb = ml_scen_ctx(r.sc, SCEN_B);
	l = rts_tcp_listen(cb, &lep, BACKLOG, &pp_handlers, &r, &err);
	RTS_REQUIRE(l != NULL);
	for (int i = 0; i < N_PP; i++)
		RTS_REQUIRE(pp_connect(&r, i));
	RTS_REQUIRE(scen_run(r.sc, all_running, &r, 2 * SEC));
	base = window_rate(&r);
	bufs0 = ml_pool_in_use(ml_scen_pool(r.sc, SCEN_A)) +
		ml_pool_in_use(ml_scen_pool(r.sc, SCEN_B));
	pp_before = pp_total(&r);
	RTS_NOTE("before the flood: %llu transactions per 10 ms, %llu buffers "
		 "out", (unsigned long long)base, (unsigned long long)bufs0);

	w0 = wall_s();
	flood(&r, &pk);
	wall = wall_s() - w0;
	after = window_rate(&r);
	cnt = *rts_ctx_counters(cb);

	RTS_NOTE("flood: %u SYNs in %.3f s virtual, %.2f s wall (%.2f us per "
		 "SYN, ping-pong included)", FLOOD_SYNS, 1.0 * FLOOD_SYNS /
		 SYNS_PER_TICK * FLOOD_TICK / 1e9, wall, wall * 1e6 / FLOOD_SYNS);
	RTS_NOTE("ping-pong per 10 ms: before %llu, during min %llu max %llu "
		 "(%u windows), after %llu; %llu transactions in all",
		 (unsigned long long)base, (unsigned long long)pk.min_window,
		 (unsigned long long)pk.max_window, pk.windows,
		 (unsigned long long)after,
		 (unsigned long long)(pp_total(&r) - pp_before));
	RTS_NOTE("B: cookies sent %llu, listen overflows %llu, cookie ACKs ok "
		 "%llu; peaks: %u connection slots, %u buffers, %u/%u neighbour "
		 "entries (table full %llu, pending drops %llu)",
		 (unsigned long long)cnt.tcp_rx_syncookie_sent,
		 (unsigned long long)cnt.tcp_rx_listen_overflow,
		 (unsigned long long)cnt.tcp_rx_syncookie_ok, pk.conns, pk.bufs,
		 pk.neigh, cb->net.neigh.n_entries,
		 (unsigned long long)cnt.neigh_table_full,
		 (unsigned long long)cnt.neigh_pending_drop);

	/* The ping-pong kept going through every window of the flood, at a
	 * rate close to the one before (virtual time: only lost or delayed
	 * segments can slow it), and after it. */
	RTS_CHECK(base > 0);
	RTS_CHECK(pk.windows >= 99);
	RTS_CHECK_EQ(pk.idle_windows, 0);
	RTS_CHECK(pk.min_window * 4 >= base * 3);
	RTS_CHECK(after * 4 >= base * 3);
	for (int i = 0; i < N_PP; i++) {
		RTS_CHECK(r.cli[i].conn != NULL);
		RTS_CHECK_EQ(r.cli[i].closed, 0);
	}
	/* Cookies answered all but the backlog's worth of the flood. */
	RTS_CHECK(cnt.tcp_rx_syncookie_sent >= FLOOD_SYNS - BACKLOG);
	RTS_CHECK_EQ(cnt.tcp_rx_syncookie_sent, cnt.tcp_rx_listen_overflow);
	/* The client that came during the flood got in through a cookie and
	 * runs its ping-pong too. */
	RTS_CHECK_EQ(cnt.tcp_rx_syncookie_ok, 1);
	RTS_CHECK_EQ(r.n_srv, N_PP + 1);
	RTS_CHECK(r.cli[N_PP].done > 100);
	/* Bounded: slots are the live connections plus the backlog; buffers
	 * near where they were (a burst of SYNs and SYN-ACKs in flight);
	 * neighbours within the table. */
	RTS_CHECK(pk.conns <= N_PP + 1 + BACKLOG);
	RTS_CHECK(pk.bufs <= bufs0 + 4 * SYNS_PER_TICK + 512);
	RTS_CHECK(pk.neigh <= cb->net.neigh.n_entries);
	RTS_CHECK(cnt.neigh_table_full > 0); /* on-link spoofs did fill it */
	/* Every crafted SYN was well-formed: none dropped as malformed. */
	RTS_CHECK_EQ(cnt.tcp_rx_bad_csum + cnt.ip4_rx_bad_csum +
		     cnt.tcp_rx_malformed, 0);

	rts_tcp_unlisten(l);
	RTS_CHECK_EQ(ml_scen_finish(r.sc), 0);
	ml_scen_destroy(r.sc);
}

int main(void)
{
	return rts_test_main();
}
