/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack-bench — TCP pingpong and bulk, both roles.
 *
 * Server: pingpong is a true echo server (every byte received goes back,
 * whatever the size or pacing; the window only reopens for bytes echoed, so
 * a client that does not read is slowed down, never overrun). Bulk discards
 * what it receives, or with --reverse streams to every client.
 *
 * Client: --conns connections per lcore. Pingpong keeps one --size request
 * outstanding per connection and times each round trip; bulk streams.
 * Payload follows bench_pattern() by stream offset so --verify can check
 * every byte that comes back.
 */
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>

#include "bench.h"
#include "bench_conn.h"

/* --------------------------------------------------------------- helpers */
/* Send from the pattern stream at @*off, up to @want bytes. */
static uint32_t send_pattern(struct bconn *b, uint64_t *off, uint64_t want)
{
	uint32_t total = 0;

	while (want > 0) {
		uint32_t n = (uint32_t)RTE_MIN(want, (uint64_t)BENCH_PATTERN_SPAN);
		int sent = rts_tcp_send(b->c, bench_pattern_at(*off), n);

		if (sent <= 0)
			break;
		*off += (uint64_t)sent;
		want -= (uint64_t)sent;
		total += (uint32_t)sent;
		if ((uint32_t)sent < n)
			break;
	}
	b->lc->st.tx_bytes += total;
	return total;
}

/* Check received bytes against the pattern at stream offset @off. */
static bool check_pattern(const uint8_t *d, uint32_t n, uint64_t off)
{
	while (n > 0) {
		uint32_t k = RTE_MIN(n, BENCH_PATTERN_SPAN);

		if (memcmp(d, bench_pattern_at(off), k) != 0)
			return false;
		d += k;
		off += k;
		n -= k;
	}
	return true;
}

/* ------------------------------------------------------------ echo server */
/* Echo what is pending; consume (reopen the window) for what went out. */
static void echo_pending(struct bconn *b)
{
	while (b->pend != NULL) {
		struct bconn_piece pc;
		int sent;

		if (!bconn_piece(b, &pc))
			break;
		sent = rts_tcp_send(b->c, pc.data, pc.len);
		if (sent <= 0)
			return;
		bconn_advance(b, (uint32_t)sent);
		rts_tcp_consumed(b->c, (uint32_t)sent);
		b->lc->st.tx_bytes += (uint32_t)sent;
		if ((uint32_t)sent < pc.len)
			return;
	}
	if (b->peer_closed && b->pend == NULL && !b->closing) {
		b->closing = true;
		rts_tcp_close(b->c);
	}
}

static void srv_data(struct bconn *b, struct rts_pkt *p, uint32_t off,
		     uint32_t len)
{
	const struct bench_opts *o = b->lc->o;

	b->lc->st.rx_bytes += len;
	if (o->wl == WL_PINGPONG) {
		bconn_queue(b, p, off, len);
		echo_pending(b);
		b->lc->st.requests++;
		return;
	}
	/* bulk: discard */
	if (o->verify) {
		struct bconn_piece pc;

		bconn_queue(b, p, off, len);
		while (bconn_piece(b, &pc)) {
			if (!check_pattern(pc.data, pc.len, b->rx_off))
				b->lc->st.errors++;
			b->rx_off += pc.len;
			bconn_advance(b, pc.len);
		}
	} else {
		rts_pkt_free(b->lc->ctx, p);
	}
	rts_tcp_consumed(b->c, len);
}

static void srv_writable(struct bconn *b)
{
	if (b->lc->o->wl == WL_PINGPONG)
		echo_pending(b);
	else if (b->lc->o->reverse && !b->closing)
		send_pattern(b, &b->tx_off, UINT64_MAX);
}

static void srv_peer_closed(struct bconn *b)
{
	b->peer_closed = true;
	if (b->lc->o->wl == WL_PINGPONG) {
		echo_pending(b);
	} else if (!b->closing) {
		b->closing = true;
		rts_tcp_close(b->c);
	}
}

static void srv_accepted(struct bconn *b)
{
	if (b->lc->o->wl == WL_BULK && b->lc->o->reverse)
		send_pattern(b, &b->tx_off, UINT64_MAX);
}

/* ----------------------------------------------------------------- client */
static void cli_next_request(struct bconn *b, uint64_t now)
{
	const struct bench_opts *o = b->lc->o;

	b->req_sent = 0;
	b->req_rcvd = 0;
	b->req_start_ns = now;
	b->req_sent = send_pattern(b, &b->tx_off, o->size);
}

static bool cli_target_reached(const struct bconn *b)
{
	const struct bench_opts *o = b->lc->o;

	if (o->bytes && b->rx_off >= o->bytes && o->wl != WL_BULK)
		return true;
	if (o->bytes && o->wl == WL_BULK && !o->reverse)
		return b->acked >= o->bytes;
	if (o->bytes && o->wl == WL_BULK && o->reverse)
		return b->rx_off >= o->bytes;
	return o->requests && b->reqs >= o->requests;
}

static void cli_done(struct bconn *b)
{
	if (b->target_done)
		return;
	b->target_done = true;
	b->lc->finished_conns++;
	if (!b->closing) {
		b->closing = true;
		rts_tcp_close(b->c);
	}
}

static void cli_fill(struct bconn *b)
{
	const struct bench_opts *o = b->lc->o;

	if (b->closing)
		return;
	if (o->wl == WL_PINGPONG) {
		if (b->req_sent < o->size)
			b->req_sent += send_pattern(b, &b->tx_off,
						    o->size - b->req_sent);
	} else if (!o->reverse) {
		uint64_t left = o->bytes ? o->bytes - b->tx_off : UINT64_MAX;

		send_pattern(b, &b->tx_off, left);
		if (o->bytes && b->tx_off >= o->bytes)
			rts_tcp_shutdown(b->c);
	}
}

static void cli_connected(struct bconn *b)
{
	b->lc->st.conns_opened++;
	if (b->lc->o->wl == WL_PINGPONG)
		cli_next_request(b, rts_dpdk_now_ns());
	else
		cli_fill(b);
}

static void cli_data(struct bconn *b, struct rts_pkt *p, uint32_t off,
		     uint32_t len)
{
	const struct bench_opts *o = b->lc->o;
	struct bconn_piece pc;

	b->lc->st.rx_bytes += len;
	bconn_queue(b, p, off, len);
	while (bconn_piece(b, &pc)) {
		if (o->verify && !check_pattern(pc.data, pc.len, b->rx_off)) {
			if (b->lc->st.errors++ == 0)
				fprintf(stderr, "rtestack-bench: data mismatch at "
					"offset %llu\n",
					(unsigned long long)b->rx_off);
		}
		b->rx_off += pc.len;
		b->req_rcvd += pc.len;
		bconn_advance(b, pc.len);
	}
	rts_tcp_consumed(b->c, len);
	if (o->wl == WL_PINGPONG) {
		/* Requests complete as whole --size replies arrive. */
		while (b->req_rcvd >= o->size) {
			uint64_t now = rts_dpdk_now_ns();

			b->req_rcvd -= o->size;
			b->reqs++;
			b->lc->st.requests++;
			hist_add(&b->lc->hist, now - b->req_start_ns);
			if (cli_target_reached(b)) {
				cli_done(b);
				return;
			}
			if (b->req_rcvd == 0 && b->req_sent >= o->size)
				cli_next_request(b, now);
		}
	} else if (cli_target_reached(b)) {
		cli_done(b);
	}
}

static void cli_acked(struct bconn *b, uint32_t bytes)
{
	b->acked += bytes;
	if (b->lc->o->wl == WL_BULK && cli_target_reached(b))
		cli_done(b);
}

/* -------------------------------------------------------- the callbacks */
static const struct bconn_ops ops = {
	.srv_accepted = srv_accepted,
	.srv_data = srv_data,
	.srv_writable = srv_writable,
	.srv_peer_closed = srv_peer_closed,
	.cli_connected = cli_connected,
	.cli_data = cli_data,
	.cli_writable = cli_fill,
	.cli_acked = cli_acked,
};

static int tcp_start(struct bench_lcore *lc)
{
	return bconn_start(lc, &ops);
}

const struct bench_workload_ops bench_tcp_ops = {
	.name = "tcp",
	.start = tcp_start,
	.tick = bconn_tick,
	.stop = bconn_stop,
	.idle = bconn_idle,
	.finished = bconn_finished,
};
