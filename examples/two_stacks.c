/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Example: rtestack with no DPDK at all — two stacks in one process joined
 * by a wire of your own, to show the three things an embedding needs:
 *
 *   1. a backend: four functions (alloc, free, clone, tx) over buffers you
 *      own — here malloc'ed, each with the struct rts_pkt descriptor in front;
 *   2. a context in memory you provide (rts_ctx_mem_size / rts_ctx_init);
 *   3. a loop that hands received frames to rts_input() with the time now.
 *
 * The client (198.18.0.1) connects to the server (198.18.0.2) on port 7,
 * sends a line, the server echoes it, the client checks it and closes.
 *
 *   cc two_stacks.c $(pkg-config --cflags --libs rtestack) -o two_stacks
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rtestack/rtestack.h>

#define BUF_SIZE 2048
#define WIRE_MAX 256

/* ---- 1. the backend: malloc'ed buffers, a FIFO per direction --------- */
struct wire {
	struct rts_pkt *q[WIRE_MAX];
	unsigned head, tail;
};

struct port {
	struct wire *out;     /* frames we transmit land here */
};

/* Buffers lent out (a frame allocated by one stack is freed by the other
 * once it crossed the wire): 0 at the end proves nothing leaked. */
static unsigned in_use;

static struct rts_pkt *be_alloc(void *be)
{
	struct port *pt = be;
	struct rts_pkt *p = malloc(sizeof(*p) + BUF_SIZE);

	if (p == NULL)
		return NULL;
	memset(p, 0, sizeof(*p));
	p->buf = (uint8_t *)(p + 1);
	p->buf_len = BUF_SIZE;
	p->data = p->buf + RTS_PKT_MIN_HEADROOM;
	(void)pt;
	in_use++;
	return p;
}

static void be_free(void *be, struct rts_pkt *p)
{
	(void)be;
	while (p != NULL) {
		struct rts_pkt *next = p->next;

		free(p);
		in_use--;
		p = next;
	}
}

static void be_tx(void *be, struct rts_pkt **pkts, unsigned n)
{
	struct port *pt = be;

	for (unsigned i = 0; i < n; i++) {
		if (pt->out->tail - pt->out->head < WIRE_MAX)
			pt->out->q[pt->out->tail++ % WIRE_MAX] = pkts[i];
		else
			be_free(be, pkts[i]);   /* a full wire drops, like a NIC */
	}
}

/* No clone (NULL): the stack copies what it keeps for retransmission. */
static const struct rts_backend_ops ops = {
	.alloc = be_alloc, .free = be_free, .clone = NULL, .tx = be_tx,
};

/* ---- the application: an echo server and a client that checks -------- */
static const char greeting[] = "hello from rtestack\n";
static int done, failed;

static void copy_out(const struct rts_pkt *p, uint32_t off, uint32_t len,
		     char *dst)
{
	for (; p != NULL && len > 0; p = p->next, off = 0) {
		uint32_t n;

		if (off >= p->len) {
			off -= p->len;
			continue;
		}
		n = p->len - off < len ? p->len - off : len;
		memcpy(dst, p->data + off, n);
		dst += n;
		len -= n;
	}
}

static void srv_data(struct rts_tcp_conn *c, void *user, struct rts_pkt *p,
		     uint32_t off, uint32_t len)
{
	char buf[256];
	uint32_t n = len < sizeof(buf) ? len : sizeof(buf);

	(void)user;
	copy_out(p, off, n, buf);
	rts_pkt_free(rts_tcp_ctx(c), p);
	rts_tcp_consumed(c, len);
	rts_tcp_send(c, buf, n);
}

static void srv_peer_closed(struct rts_tcp_conn *c, void *user)
{
	(void)user;
	rts_tcp_close(c);
}

static int srv_accepted(struct rts_tcp_conn *c, void *user)
{
	(void)c;
	(void)user;
	return 0;
}

static void cli_connected(struct rts_tcp_conn *c, void *user)
{
	(void)user;
	rts_tcp_send(c, greeting, sizeof(greeting) - 1);
}

static void cli_data(struct rts_tcp_conn *c, void *user, struct rts_pkt *p,
		     uint32_t off, uint32_t len)
{
	static char got[256];
	static uint32_t have;

	(void)user;
	if (have + len <= sizeof(got))
		copy_out(p, off, len, got + have);
	have += len;
	rts_pkt_free(rts_tcp_ctx(c), p);
	rts_tcp_consumed(c, len);
	if (have >= sizeof(greeting) - 1) {
		failed = have != sizeof(greeting) - 1 ||
			 memcmp(got, greeting, have) != 0;
		printf("client got back: %.*s", (int)have, got);
		rts_tcp_close(c);
	}
}

static void cli_closed(struct rts_tcp_conn *c, void *user, int reason)
{
	(void)c;
	(void)user;
	if (reason != RTS_TCP_CLOSED_NORMAL)
		failed = 1;
	done = 1;
}

static const struct rts_tcp_handlers srv_h = {
	.accepted = srv_accepted, .data = srv_data,
	.peer_closed = srv_peer_closed,
};
static const struct rts_tcp_handlers cli_h = {
	.connected = cli_connected, .data = cli_data, .closed = cli_closed,
};

/* ---- 2. contexts ------------------------------------------------------ */
static struct rts_ctx *make_ctx(struct port *pt, uint8_t last, void **mem)
{
	struct rts_config cfg;
	struct rts_ip ip = rts_ip4(198, 18, 0, last);
	size_t size;

	rts_config_default(&cfg);
	cfg.mac = (struct rts_mac){ { 0x02, 0, 0, 0, 0, last } };
	cfg.seed[0] = (uint64_t)time(NULL);
	cfg.seed[1] = last;
	rts_config_add_addr(&cfg, &ip, 24);
	size = rts_ctx_mem_size(&cfg);
	*mem = aligned_alloc(64, (size + 63) & ~(size_t)63);
	if (*mem == NULL)
		return NULL;
	return rts_ctx_init(*mem, size, &cfg, &ops, pt, 0);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- 3. the loop: frames from the wire into the other stack ---------- */
static void deliver(struct rts_ctx *ctx, struct wire *w, uint64_t now)
{
	struct rts_pkt *burst[32];
	unsigned n = 0;

	while (n < 32 && w->head != w->tail)
		burst[n++] = w->q[w->head++ % WIRE_MAX];
	rts_input(ctx, burst, n, now);
}

int main(void)
{
	struct wire a_to_b = { 0 }, b_to_a = { 0 };
	struct port pa = { .out = &a_to_b }, pb = { .out = &b_to_a };
	void *ma, *mb;
	struct rts_ctx *a = make_ctx(&pa, 1, &ma), *b = make_ctx(&pb, 2, &mb);
	struct rts_endpoint srv = { .ip = rts_ip4(198, 18, 0, 2), .port = 7 };
	uint64_t start = now_ns();
	int err = 0;

	if (a == NULL || b == NULL) {
		fprintf(stderr, "two_stacks: context set-up failed\n");
		return 1;
	}
	if (rts_tcp_listen(b, &(struct rts_endpoint){ .port = 7 }, 0, &srv_h,
			   NULL, &err) == NULL ||
	    rts_tcp_connect(a, NULL, &srv, &cli_h, NULL, &err) == NULL) {
		fprintf(stderr, "two_stacks: %s\n", rts_strerror(err));
		return 1;
	}
	rts_flush(a);
	while (!done && now_ns() - start < 5000000000ull) {
		uint64_t now = now_ns();

		deliver(b, &a_to_b, now);   /* a's frames reach b ... */
		deliver(a, &b_to_a, now);   /* ... and b's reach a */
	}
	/* Let the last FIN/ACKs cross, then tear down. */
	for (int i = 0; i < 100; i++) {
		deliver(b, &a_to_b, now_ns());
		deliver(a, &b_to_a, now_ns());
	}
	rts_ctx_fini(a, now_ns());
	rts_ctx_fini(b, now_ns());
	while (a_to_b.head != a_to_b.tail)
		be_free(&pa, a_to_b.q[a_to_b.head++ % WIRE_MAX]);
	while (b_to_a.head != b_to_a.tail)
		be_free(&pb, b_to_a.q[b_to_a.head++ % WIRE_MAX]);
	printf("two_stacks: %s, buffers still lent: %u\n",
	       done && !failed ? "echo verified" : "FAILED", in_use);
	free(ma);
	free(mb);
	return done && !failed && in_use == 0 ? 0 : 1;
}
