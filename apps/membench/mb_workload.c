/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack-membench — the two workloads and their measurement.
 *
 * pingpong (W1): N connections, each with exactly one 1-byte request
 * outstanding; the server answers each request with one byte.
 * bulk (W2): one connection; the sender keeps the send buffer full, the
 * receiver consumes every byte as it arrives.
 */
#include "membench.h"

#include <stdio.h>
#include <string.h>

#define MB_CHUNK 65536
#define MB_SETUP_TIMEOUT_NS (10ull * 1000000000)

/* -------------------------------------------------------------- pingpong */
static bool may_issue(const struct mb *mb)
{
	return mb->opt.transactions == 0 || mb->issued < mb->opt.transactions;
}

static void client_connected(struct rts_tcp_conn *c, void *user)
{
	struct mb_conn *mc = user;

	rts_tcp_set_nagle(c, false);
	mc->connected = true;
	mc->mb->n_connected++;
}

static void client_data(struct rts_tcp_conn *c, void *user, struct rts_pkt *p,
			uint32_t off, uint32_t len)
{
	struct mb_conn *mc = user;
	struct mb *mb = mc->mb;

	(void)off;
	rts_pkt_free(mb->side[0].ctx, p);
	rts_tcp_consumed(c, len);
	mb->done += len;
	if (may_issue(mb) && rts_tcp_send(c, "q", 1) == 1)
		mb->issued++;
}

static void client_closed(struct rts_tcp_conn *c, void *user, int reason)
{
	struct mb_conn *mc = user;

	(void)c;
	(void)reason;
	mc->c = NULL;
}

static const struct rts_tcp_handlers client_handlers = {
	.connected = client_connected,
	.data = client_data,
	.closed = client_closed,
};

static int server_accepted(struct rts_tcp_conn *c, void *listener_user)
{
	rts_tcp_set_nagle(c, false);
	rts_tcp_set_user(c, listener_user);
	return 0;
}

static void server_data(struct rts_tcp_conn *c, void *user, struct rts_pkt *p,
			uint32_t off, uint32_t len)
{
	static const char answers[MB_BURST] = { 0 };
	struct mb *mb = user;

	(void)off;
	rts_pkt_free(mb->side[1].ctx, p);
	rts_tcp_consumed(c, len);
	/* One byte back per request byte (several if requests queued up). */
	while (len > 0) {
		uint32_t n = len < sizeof(answers) ? len : sizeof(answers);

		if (rts_tcp_send(c, answers, n) <= 0)
			break;
		len -= n;
	}
}

static const struct rts_tcp_handlers server_handlers = {
	.accepted = server_accepted,
	.data = server_data,
};

void mb_workload_kick(struct mb *mb)
{
	for (uint32_t i = 0; i < mb->opt.conns; i++) {
		struct mb_conn *mc = &mb->conns[i];

		if (mc->c != NULL && may_issue(mb) &&
		    rts_tcp_send(mc->c, "q", 1) == 1)
			mb->issued++;
	}
	mb->kicked = true;
}

/* ------------------------------------------------------------------ bulk */
/* Fill the send buffer: whatever space there is, in chunks of 64 KiB. */
static void sender_fill(struct rts_tcp_conn *c, struct mb *mb)
{
	uint32_t space = rts_tcp_send_space(c);

	while (space > 0) {
		uint32_t want = space < MB_CHUNK ? space : MB_CHUNK;
		int n = rts_tcp_send(c, mb->payload, want);

		if (n <= 0)
			return;
		space -= (uint32_t)n < space ? (uint32_t)n : space;
	}
}

static void sender_connected(struct rts_tcp_conn *c, void *user)
{
	struct mb *mb = user;

	rts_tcp_set_nagle(c, false);
	mb->sender = c;
	sender_fill(c, mb);
}

static void sender_more(struct rts_tcp_conn *c, void *user)
{
	sender_fill(c, user);
}

static void sender_acked(struct rts_tcp_conn *c, void *user, uint32_t bytes)
{
	(void)bytes;
	sender_fill(c, user);
}

static void sender_closed(struct rts_tcp_conn *c, void *user, int reason)
{
	struct mb *mb = user;

	(void)c;
	(void)reason;
	mb->sender = NULL;
}

static const struct rts_tcp_handlers sender_handlers = {
	.connected = sender_connected,
	.writable = sender_more,
	.acked = sender_acked,
	.closed = sender_closed,
};

static int receiver_accepted(struct rts_tcp_conn *c, void *listener_user)
{
	struct mb *mb = listener_user;

	rts_tcp_set_user(c, mb);
	mb->receiver = c;
	return 0;
}

static void receiver_data(struct rts_tcp_conn *c, void *user,
			  struct rts_pkt *p, uint32_t off, uint32_t len)
{
	struct mb *mb = user;

	(void)off;
	rts_pkt_free(mb->side[1].ctx, p);
	rts_tcp_consumed(c, len);
	mb->rx_bytes += len;
}

static void receiver_closed(struct rts_tcp_conn *c, void *user, int reason)
{
	struct mb *mb = user;

	(void)c;
	(void)reason;
	mb->receiver = NULL;
}

static const struct rts_tcp_handlers receiver_handlers = {
	.accepted = receiver_accepted,
	.data = receiver_data,
	.closed = receiver_closed,
};

/* ----------------------------------------------------------------- setup */
int mb_workload_start(struct mb *mb)
{
	struct rts_endpoint local = { .ip = mb_side_ip(mb, 1, NULL),
				      .port = MB_PORT };
	struct rts_endpoint remote = local;
	bool pp = mb->opt.workload == MB_PINGPONG;
	int err = 0;

	mb->measure_side = pp ? 0 : 1;
	mb->listener = rts_tcp_listen(mb->side[1].ctx, &local,
				      (uint16_t)(mb->opt.conns + 8),
				      pp ? &server_handlers
					 : &receiver_handlers,
				      mb, &err);
	if (mb->listener == NULL) {
		fprintf(stderr, "membench: listen: %s\n", rts_strerror(err));
		return -1;
	}
	if (!pp) {
		if (rts_tcp_connect(mb->side[0].ctx, NULL, &remote,
				    &sender_handlers, mb, &err) == NULL)
			goto fail;
		return 0;
	}
	for (uint32_t i = 0; i < mb->opt.conns; i++) {
		struct mb_conn *mc = &mb->conns[i];

		mc->mb = mb;
		mc->c = rts_tcp_connect(mb->side[0].ctx, NULL, &remote,
					&client_handlers, mc, &err);
		if (mc->c == NULL)
			goto fail;
	}
	return 0;
fail:
	fprintf(stderr, "membench: connect: %s\n", rts_strerror(err));
	return -1;
}

bool mb_setup_done(struct mb *mb)
{
	if (mb->opt.workload == MB_PINGPONG)
		return mb->n_connected == mb->opt.conns;
	return mb->receiver != NULL && mb->rx_bytes > 0;
}

uint64_t mb_counter(const struct mb *mb)
{
	return mb->opt.workload == MB_PINGPONG ? mb->done : mb->rx_bytes;
}

static uint32_t receiver_mss(const struct mb *mb)
{
	struct rts_tcp_info info;

	if (mb->receiver == NULL)
		return 1448;
	rts_tcp_get_info(mb->receiver, &info);
	return info.mss ? info.mss : 1448;
}

bool mb_transactions_done(const struct mb *mb)
{
	uint64_t n = mb->opt.transactions;

	if (mb->opt.workload == MB_PINGPONG)
		return mb->done >= n;
	return mb->rx_bytes - mb->count_at_start >= n * mb->res.mss;
}

static void begin_phase(struct mb *mb, enum mb_phase ph, uint64_t now)
{
	mb->phase = ph;
	mb->t_phase = now;
	mb->count_at_start = mb_counter(mb);
}

static void finish(struct mb *mb, uint64_t now)
{
	struct mb_result *r = &mb->res;
	uint64_t delta = mb_counter(mb) - mb->count_at_start;

	r->seconds = (double)(now - mb->t_phase) / 1e9;
	if (mb->opt.workload == MB_PINGPONG) {
		r->transactions = delta;
		r->rps = r->seconds > 0 ? (double)delta / r->seconds : 0;
	} else {
		r->bytes = delta;
		r->transactions = delta / r->mss;
		r->gbps = r->seconds > 0
				  ? (double)delta * 8 / r->seconds / 1e9
				  : 0;
	}
	mb->phase = MB_DONE;
}

bool mb_measure_tick(struct mb *mb, uint64_t now)
{
	switch (mb->phase) {
	case MB_SETUP:
		if (!mb_setup_done(mb)) {
			if (now - mb->t_phase > MB_SETUP_TIMEOUT_NS) {
				fprintf(stderr, "membench: set-up did not "
					"complete in 10 s\n");
				mb->phase = MB_DONE;
				return true;
			}
			return false;
		}
		mb->res.mss = receiver_mss(mb);
		if (mb->opt.workload == MB_PINGPONG && !mb->kicked)
			mb_workload_kick(mb);
		/* A fixed count measures instructions: no warm-up needed. */
		begin_phase(mb, mb->opt.transactions ? MB_MEASURE : MB_WARMUP,
			    now);
		return false;
	case MB_WARMUP:
		if ((double)(now - mb->t_phase) >= mb->opt.warmup_s * 1e9)
			begin_phase(mb, MB_MEASURE, now);
		return false;
	case MB_MEASURE:
		if (mb->opt.transactions ? mb_transactions_done(mb)
		    : (double)(now - mb->t_phase) >= mb->opt.duration_s * 1e9) {
			finish(mb, now);
			return true;
		}
		return false;
	case MB_DONE:
	default:
		return true;
	}
}
