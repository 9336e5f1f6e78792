/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack-bench — UDP pingpong (datagram echo) and blast.
 *
 * Server: every lcore binds --port; pingpong sends each datagram back to
 * its sender, bulk counts and discards. Client: --conns flows per lcore,
 * each from its own source port chosen so that replies reach this lcore;
 * pingpong keeps one datagram outstanding per flow (resent after 200 ms of
 * silence, counted as lost), bulk sends as fast as buffers allow.
 */
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_random.h>

#include "bench.h"

#define RESEND_NS 200000000ull
#define BLAST_PER_TURN 32

struct uflow {
	struct rts_udp_bind *bind;
	uint16_t sport;
	uint64_t seq;            /* sequence number of the outstanding datagram */
	uint64_t sent_ns;
	bool waiting;
};

struct udp_state {
	struct rts_udp_bind *bind;   /* server */
	struct uflow *flows;         /* client */
	uint32_t n_flows;
	uint64_t lost;
	uint8_t *buf;
	bool stopping;
};

/* Payload: 8-byte sequence number, then the pattern. */
static void fill(uint8_t *buf, uint32_t size, uint64_t seq)
{
	bench_fill_pattern(buf, seq, size);
	if (size >= 8)
		memcpy(buf, &seq, 8);
}

static void copy_out(const struct rts_pkt *p, uint32_t off, uint32_t len,
		     uint8_t *dst)
{
	while (p != NULL && off >= p->len) {
		off -= p->len;
		p = p->next;
	}
	while (p != NULL && len > 0) {
		uint32_t n = RTE_MIN(len, p->len - off);

		memcpy(dst, p->data + off, n);
		dst += n;
		len -= n;
		off = 0;
		p = p->next;
	}
}

/* ----------------------------------------------------------------- server */
static void srv_rx(struct rts_ctx *ctx, void *user,
		   const struct rts_endpoint *from,
		   const struct rts_endpoint *to, struct rts_pkt *p,
		   uint32_t off, uint32_t len)
{
	struct bench_lcore *lc = user;
	struct udp_state *s = lc->wl_state;

	lc->st.rx_bytes += len;
	lc->st.requests++;
	if (lc->o->wl == WL_PINGPONG && len <= 65507) {
		copy_out(p, off, len, s->buf);
		if (rts_udp_sendto(ctx, to->port, from, s->buf, len) >= 0)
			lc->st.tx_bytes += len;
		else
			lc->st.errors++;
	}
	rts_pkt_free(ctx, p);
}

/* ----------------------------------------------------------------- client */
static void send_one(struct bench_lcore *lc, struct uflow *f, uint64_t now)
{
	struct udp_state *s = lc->wl_state;
	struct rts_endpoint dst = { .ip = lc->o->server, .port = lc->o->port };

	fill(s->buf, lc->o->size, f->seq);
	if (rts_udp_sendto(lc->ctx, f->sport, &dst, s->buf, lc->o->size) < 0)
		return; /* out of buffers: try again next turn */
	lc->st.tx_bytes += lc->o->size;
	f->sent_ns = now;
	f->waiting = true;
}

static void cli_rx(struct rts_ctx *ctx, void *user,
		   const struct rts_endpoint *from,
		   const struct rts_endpoint *to, struct rts_pkt *p,
		   uint32_t off, uint32_t len)
{
	struct uflow *f = user;
	struct bench_lcore *lc = rts_ctx_user(ctx);
	struct udp_state *s = lc->wl_state;
	uint64_t now = rts_dpdk_now_ns();
	uint64_t seq = f->seq;

	(void)from;
	(void)to;
	lc->st.rx_bytes += len;
	if (lc->o->wl != WL_PINGPONG) {
		rts_pkt_free(ctx, p);
		return;
	}
	if (len != lc->o->size) {
		lc->st.errors++;
		rts_pkt_free(ctx, p);
		return;
	}
	copy_out(p, off, len, s->buf + 65536);
	rts_pkt_free(ctx, p);
	if (len >= 8)
		memcpy(&seq, s->buf + 65536, 8);
	if (!f->waiting || seq != f->seq)
		return; /* a late answer to a datagram we gave up on */
	if (lc->o->verify) {
		fill(s->buf, len, seq);
		if (memcmp(s->buf, s->buf + 65536, len) != 0)
			lc->st.errors++;
	}
	f->waiting = false;
	f->seq++;
	lc->st.requests++;
	hist_add(&lc->hist, now - f->sent_ns);
	if (lc->o->requests && f->seq >= lc->o->requests) {
		lc->finished_conns++;
		return;
	}
	if (!s->stopping)
		send_one(lc, f, now);
}

static int cli_start(struct bench_lcore *lc, struct udp_state *s)
{
	const struct bench_opts *o = lc->o;
	const struct rts_ip *me = bench_local_ip(o, rts_ip_is_v4(&o->server));
	struct rts_endpoint local, remote = { .ip = o->server, .port = o->port };

	if (me == NULL)
		return RTS_EAFNOSUPPORT;
	s->n_flows = o->conns;
	s->flows = rte_zmalloc("uflows", sizeof(struct uflow) * s->n_flows, 64);
	if (s->flows == NULL)
		return RTS_ENOMEM;
	local.ip = *me;
	for (uint32_t i = 0; i < s->n_flows; i++) {
		struct uflow *f = &s->flows[i];
		int err = 0;

		for (int tries = 0; tries < 64 && f->bind == NULL; tries++) {
			local.port = rts_dpdk_queue_pick_port(lc->dq, &local,
							      &remote, 17);
			if (local.port == 0)
				local.port = (uint16_t)(49152 + (rte_rand() % 16384));
			f->bind = rts_udp_bind(lc->ctx, &local, cli_rx, f, &err);
		}
		if (f->bind == NULL)
			return err;
		f->sport = local.port;
		lc->st.conns_opened++;
	}
	return 0;
}

/* -------------------------------------------------------------- workload */
static int udp_start(struct bench_lcore *lc)
{
	struct udp_state *s = rte_zmalloc("udp_state", sizeof(*s), 64);
	struct rts_endpoint ep;
	int err = 0;

	if (s == NULL)
		return RTS_ENOMEM;
	lc->wl_state = s;
	s->buf = rte_malloc("udp_buf", 2 * 65536, 64);
	if (s->buf == NULL)
		return RTS_ENOMEM;
	if (lc->o->role == ROLE_CLIENT)
		return cli_start(lc, s);
	memset(&ep, 0, sizeof(ep));
	ep.port = lc->o->port;
	s->bind = rts_udp_bind(lc->ctx, &ep, srv_rx, lc, &err);
	if (s->bind == NULL && err == RTS_EADDRINUSE)
		fprintf(stderr, "rtestack-bench: UDP port %u is already in use\n",
			lc->o->port);
	return s->bind != NULL ? 0 : (err != 0 ? err : RTS_EINVAL);
}

static void udp_tick(struct bench_lcore *lc, uint64_t now)
{
	struct udp_state *s = lc->wl_state;

	if (lc->o->role != ROLE_CLIENT || s->stopping)
		return;
	for (uint32_t i = 0; i < s->n_flows; i++) {
		struct uflow *f = &s->flows[i];

		if (lc->o->requests && f->seq >= lc->o->requests)
			continue;
		if (lc->o->wl != WL_PINGPONG) {
			for (int k = 0; k < BLAST_PER_TURN; k++) {
				if (lc->o->requests && f->seq >= lc->o->requests)
					break;
				/* As fast as the device takes them, no faster. */
				if (rts_dpdk_queue_tx_pending(lc->dq) > 0)
					break;
				send_one(lc, f, now);
				lc->st.requests++;
				if (++f->seq == lc->o->requests)
					lc->finished_conns++;
			}
			continue;
		}
		if (!f->waiting) {
			send_one(lc, f, now);
		} else if (now > f->sent_ns && now - f->sent_ns > RESEND_NS) {
			/* (sent_ns may be later than this turn's @now) */
			s->lost++;
			f->seq++;      /* a fresh sequence number for the retry */
			send_one(lc, f, now);
		}
	}
}

static void udp_stop(struct bench_lcore *lc)
{
	struct udp_state *s = lc->wl_state;

	if (s == NULL)
		return;
	s->stopping = true;
	if (s->lost)
		printf("rtestack-bench: lcore %u: %llu datagrams unanswered\n",
		       lc->lcore_id, (unsigned long long)s->lost);
}

static bool udp_idle(struct bench_lcore *lc)
{
	(void)lc;
	return true;
}

static bool udp_finished(struct bench_lcore *lc)
{
	struct udp_state *s = lc->wl_state;

	return s != NULL && lc->o->role == ROLE_CLIENT && lc->o->requests &&
	       lc->finished_conns >= s->n_flows;
}

const struct bench_workload_ops bench_udp_ops = {
	.name = "udp",
	.start = udp_start,
	.tick = udp_tick,
	.stop = udp_stop,
	.idle = udp_idle,
	.finished = udp_finished,
};
