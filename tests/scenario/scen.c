/* SPDX-License-Identifier: BSD-3-Clause */
/* Helpers shared by the scenario tests (see scen.h). */
#include "rts_test_pkt.h"
#include "scen.h"

#define SCEN_MAX_STEPS 20000000ull
#define TX_CHUNK 16384

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	return x ^ (x >> 33);
}

uint8_t stream_byte(uint64_t seed, uint64_t i)
{
	return (uint8_t)(mix64(seed * 0x9e3779b97f4a7c15ull ^ (i >> 3)) >>
			 ((i & 7) * 8));
}

void stream_fill(uint64_t seed, uint64_t off, uint8_t *dst, uint32_t len)
{
	uint32_t i = 0;

	while (i < len && ((off + i) & 7) != 0) {
		dst[i] = stream_byte(seed, off + i);
		i++;
	}
	for (; i + 8 <= len; i += 8) {
		uint64_t w = mix64(seed * 0x9e3779b97f4a7c15ull ^
				   ((off + i) >> 3));

		for (int k = 0; k < 8; k++)
			dst[i + (uint32_t)k] = (uint8_t)(w >> (k * 8));
	}
	for (; i < len; i++)
		dst[i] = stream_byte(seed, off + i);
}

uint64_t fnv1a(uint64_t h, const uint8_t *d, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		h = (h ^ d[i]) * 0x100000001b3ull;
	return h;
}

void tapp_init(struct tapp *a, struct ml_scen *sc, int side, uint64_t tx_seed,
	       uint64_t rx_seed)
{
	memset(a, 0, sizeof(*a));
	a->sc = sc;
	a->side = side;
	a->tx_seed = tx_seed;
	a->rx_seed = rx_seed;
	a->rx_hash = FNV_INIT;
	a->tx_hash = FNV_INIT;
	a->rx_bad_at = UINT64_MAX;
	a->close_reason = -1;
}

static void finish_sending(struct tapp *a)
{
	if (a->tx_finished || a->conn == NULL || a->tx_sent < a->tx_total)
		return;
	if (!a->close_when_sent && !a->shutdown_when_sent)
		return;
	a->tx_finished = true;
	if (a->close_when_sent)
		rts_tcp_close(a->conn);
	else
		rts_tcp_shutdown(a->conn);
}

void tapp_pump(struct tapp *a)
{
	uint8_t buf[TX_CHUNK];

	while (a->conn != NULL && a->tx_sent < a->tx_total) {
		uint64_t left = a->tx_total - a->tx_sent;
		uint32_t n = rts_tcp_send_space(a->conn);
		int r;

		if (n > TX_CHUNK)
			n = TX_CHUNK;
		if (n > left)
			n = (uint32_t)left;
		if (n == 0)
			break;
		stream_fill(a->tx_seed, a->tx_sent, buf, n);
		r = rts_tcp_send(a->conn, buf, n);
		if (r <= 0)
			break;
		a->tx_hash = fnv1a(a->tx_hash, buf, (uint32_t)r);
		a->tx_sent += (uint64_t)r;
	}
	finish_sending(a);
}

void tapp_send(struct tapp *a, uint64_t total)
{
	a->tx_total = total;
	tapp_pump(a);
}

static int on_accepted(struct rts_tcp_conn *c, void *listener_user)
{
	struct tapp *a = listener_user;

	a->accepted++;
	a->conn = c;
	rts_tcp_set_user(c, a);
	tapp_pump(a);
	return 0;
}

static void on_connected(struct rts_tcp_conn *c, void *user)
{
	struct tapp *a = user;

	a->connected++;
	a->conn = c;
	tapp_pump(a);
}

/* Check every delivered byte against the peer's stream, then free. */
static void on_data(struct rts_tcp_conn *c, void *user, struct rts_pkt *p,
		    uint32_t off, uint32_t len)
{
	struct tapp *a = user;
	struct rts_test_span sp = rts_test_span(p, off, len);
	const uint8_t *d;
	uint32_t n;

	while (rts_test_span_next(&sp, &d, &n)) {
		a->rx_hash = fnv1a(a->rx_hash, d, n);
		for (uint32_t i = 0; i < n && a->rx_bad_at == UINT64_MAX; i++)
			if (d[i] != stream_byte(a->rx_seed, a->rx_len + i))
				a->rx_bad_at = a->rx_len + i;
		a->rx_len += n;
	}
	rts_pkt_free(rts_tcp_ctx(c), p);
	if (!a->no_consume)
		rts_tcp_consumed(c, len);
}

static void on_peer_closed(struct rts_tcp_conn *c, void *user)
{
	struct tapp *a = user;

	a->peer_closed++;
	if (a->close_on_fin)
		rts_tcp_close(c);
}

static void on_acked(struct rts_tcp_conn *c, void *user, uint32_t bytes)
{
	struct tapp *a = user;

	(void)c;
	a->acked += bytes;
	tapp_pump(a);
}

static void on_writable(struct rts_tcp_conn *c, void *user)
{
	(void)c;
	tapp_pump(user);
}

static void on_closed(struct rts_tcp_conn *c, void *user, int reason)
{
	struct tapp *a = user;

	(void)c;
	a->closed++;
	a->close_reason = reason;
	a->conn = NULL;
}

const struct rts_tcp_handlers tapp_handlers = {
	.accepted = on_accepted,
	.connected = on_connected,
	.data = on_data,
	.peer_closed = on_peer_closed,
	.acked = on_acked,
	.writable = on_writable,
	.closed = on_closed,
};

struct rts_tcp_listener *scen_listen(struct ml_scen *sc, int s, uint16_t port,
				     uint16_t backlog, struct tapp *a)
{
	struct rts_endpoint l = { .ip = scen_ip(s), .port = port };
	int err = 0;
	struct rts_tcp_listener *li = rts_tcp_listen(ml_scen_ctx(sc, s), &l,
						     backlog, &tapp_handlers,
						     a, &err);

	if (li == NULL)
		RTS_NOTE("listen: %s", rts_strerror(err));
	return li;
}

struct rts_tcp_conn *scen_connect(struct ml_scen *sc, int s, uint16_t port,
				  struct tapp *a)
{
	struct rts_endpoint r = { .ip = scen_ip(s ^ 1), .port = port };
	int err = 0;
	struct rts_tcp_conn *c = rts_tcp_connect(ml_scen_ctx(sc, s), NULL, &r,
						 &tapp_handlers, a, &err);

	if (c == NULL)
		RTS_NOTE("connect: %s", rts_strerror(err));
	return c;
}

struct guard {
	bool (*cond)(void *);
	void *arg;
	uint64_t steps;
};

static bool guarded(void *arg)
{
	struct guard *g = arg;

	if (++g->steps > SCEN_MAX_STEPS) {
		RTS_NOTE("gave up after %llu steps",
			 (unsigned long long)SCEN_MAX_STEPS);
		return true;
	}
	return g->cond(g->arg);
}

bool scen_run(struct ml_scen *sc, bool (*cond)(void *), void *arg,
	      uint64_t max_ns)
{
	struct guard g = { cond, arg, 0 };

	ml_scen_run_until(sc, guarded, &g, max_ns);
	return cond(arg);
}

bool tapp_is_connected(void *a)
{
	return ((struct tapp *)a)->conn != NULL;
}

bool tapp_is_closed(void *a)
{
	return ((struct tapp *)a)->closed > 0;
}

bool tapps_both_closed(void *pair)
{
	struct tapp **p = pair;

	return p[0]->closed > 0 && p[1]->closed > 0;
}

bool tapps_both_done(void *pair)
{
	struct tapp **p = pair;

	return p[0]->tx_sent == p[0]->tx_total &&
	       p[1]->tx_sent == p[1]->tx_total &&
	       p[1]->rx_len >= p[0]->tx_total &&
	       p[0]->rx_len >= p[1]->tx_total;
}

uint64_t scen_rx_drops(const struct rts_counters *c)
{
	uint64_t v6 = 0;

	if (scen_family == 6)
		v6 = c->ip6_rx_too_short + c->ip6_rx_bad_version +
		     c->ip6_rx_bad_len + c->ip6_rx_not_for_us +
		     c->ip6_rx_bad_src + c->ip6_rx_ext_bad +
		     c->ip6_rx_unknown_proto + c->udp_rx_bad_csum;
	return v6 + c->eth_rx_too_short + c->eth_rx_not_for_us +
	       c->eth_rx_unknown_type + c->ip4_rx_too_short +
	       c->ip4_rx_bad_version + c->ip4_rx_bad_ihl + c->ip4_rx_bad_len +
	       c->ip4_rx_bad_csum + c->ip4_rx_not_for_us + c->ip4_rx_bad_src +
	       c->ip4_rx_unknown_proto + c->tcp_rx_bad_csum +
	       c->tcp_rx_malformed + c->tcp_rx_bad_opts;
}

int scen_family = 4;

struct rts_ip scen_ip(int side)
{
	struct rts_ip ip;

	if (scen_family != 6)
		return ml_scen_ip(side);
	rts_ip_parse(side & 1 ? "2001:2::2" : "2001:2::1", &ip, NULL);
	return ip;
}

void scen_opts(struct ml_scen_opts *o, uint32_t n_bufs)
{
	ml_scen_opts_default(o);
	o->pool.n_bufs = n_bufs;
	if (scen_family != 6)
		return;
	for (int s = 0; s < 2; s++) { /* dual stack, usable at once */
		struct rts_ip ip = scen_ip(s);

		rts_config_add_addr(&o->cfg[s], &ip, 64);
		o->cfg[s].ip6.dad_transmits = 0;
		o->cfg[s].ip6.router_solicits = 0;
	}
}
