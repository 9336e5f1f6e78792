/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The in-memory link on its own: pool accounting and clones, seeded
 * impairments (same seed, same result), rate and delay, checksum offload
 * marks, the SPSC ring across two threads and cross-thread frees.
 */
#include "memlink.h"
#include "ml_ring.h"
#include "rts_test.h"

#include <pthread.h>

/* ---------------------------------------------------------------- frames */
static uint16_t csum16(const uint8_t *d, uint32_t len, uint32_t sum)
{
	for (uint32_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(d[i] << 8 | d[i + 1]);
	if (len & 1)
		sum += (uint32_t)d[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

#define FRAME_HDR (14 + 20 + 8)

/*
 * An Ethernet/IPv4/UDP frame from 198.18.0.1 to 198.18.0.2 whose payload
 * starts with the 32-bit @seq. @offload: leave the IP checksum zero and the
 * pseudo-header sum in the UDP field, flagged for the device.
 */
static struct rts_pkt *make_frame(struct ml_pool *pool, uint32_t seq,
				  uint32_t payload, bool offload)
{
	struct rts_pkt *p = ml_pool_alloc(pool);
	uint8_t *f;
	uint32_t l4 = 8 + payload, psum;

	if (p == NULL)
		return NULL;
	f = rts_pkt_append(p, FRAME_HDR + payload);
	if (f == NULL) {
		ml_pkt_free(pool, p);
		return NULL;
	}
	memset(f, 0, FRAME_HDR + payload);
	memcpy(f, "\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00", 14);
	f[14] = 0x45;
	put16(f + 16, (uint16_t)(20 + l4));
	f[22] = 64;
	f[23] = 17;
	memcpy(f + 26, "\xc6\x12\x00\x01\xc6\x12\x00\x02", 8);
	put16(f + 34, 1234);
	put16(f + 36, 5678);
	put16(f + 38, (uint16_t)l4);
	for (uint32_t i = 0; i < payload; i++)
		f[FRAME_HDR + i] = (uint8_t)(seq * 7 + i);
	if (payload >= 4) {
		f[42] = (uint8_t)(seq >> 24);
		f[43] = (uint8_t)(seq >> 16);
		f[44] = (uint8_t)(seq >> 8);
		f[45] = (uint8_t)seq;
	}
	psum = csum16(f + 26, 8, 17 + l4);
	if (offload) {
		put16(f + 40, (uint16_t)psum);
		p->ol_flags = RTS_PKT_TX_IPV4 | RTS_PKT_TX_IP_CSUM |
			      RTS_PKT_TX_UDP_CSUM;
		p->l2_len = 14;
		p->l3_len = 20;
		return p;
	}
	put16(f + 24, (uint16_t)~csum16(f + 14, 20, 0));
	put16(f + 40, (uint16_t)~csum16(f + 34, l4, psum));
	return p;
}

static uint32_t frame_seq(const struct rts_pkt *p)
{
	uint8_t b[4];

	ml_pkt_read(p, 42, b, 4);
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

static bool frame_csums_ok(const struct rts_pkt *p)
{
	uint8_t f[2048];
	uint32_t len = ml_pkt_read(p, 0, f, sizeof(f));
	uint32_t l4 = len - 34;

	return csum16(f + 14, 20, 0) == 0xffff &&
	       csum16(f + 34, l4, csum16(f + 26, 8, 17 + l4)) == 0xffff;
}

/* ------------------------------------------------------------------ pool */
RTS_TEST(pool_alloc_free_accounting)
{
	struct ml_pool_config pc;
	struct rts_pkt *p[16];
	struct ml_pool *pool;
	struct ml_pool_stats st;

	ml_pool_config_default(&pc);
	pc.n_bufs = 16;
	pool = ml_pool_create(&pc);
	RTS_REQUIRE(pool != NULL);
	for (int i = 0; i < 16; i++) {
		p[i] = ml_pool_alloc(pool);
		RTS_REQUIRE(p[i] != NULL);
		RTS_CHECK_EQ(rts_pkt_headroom(p[i]), RTS_PKT_MIN_HEADROOM);
		RTS_CHECK_EQ(rts_pkt_tailroom(p[i]), 2048);
		RTS_CHECK(p[i]->len == 0 && p[i]->pkt_len == 0 &&
			  p[i]->next == NULL && p[i]->ol_flags == 0);
	}
	RTS_CHECK(ml_pool_alloc(pool) == NULL);
	RTS_CHECK_EQ(ml_pool_in_use(pool), 16);
	/* A chain is freed whole. */
	p[0]->next = p[1];
	ml_pkt_free(pool, p[0]);
	RTS_CHECK_EQ(ml_pool_in_use(pool), 14);
	for (int i = 2; i < 16; i++)
		ml_pkt_free(pool, p[i]);
	RTS_CHECK_EQ(ml_pool_in_use(pool), 0);
	ml_pool_get_stats(pool, &st);
	RTS_CHECK_EQ(st.allocs, 16);
	RTS_CHECK_EQ(st.alloc_fails, 1);
	RTS_CHECK_EQ(st.bufs_high_water, 16);
	ml_pool_destroy(pool);
}

RTS_TEST(pool_jumbo_buffers)
{
	struct ml_pool_config pc;
	struct ml_pool *pool;
	struct rts_pkt *p, *c;

	ml_pool_config_default(&pc);
	pc.n_bufs = 8;
	pc.data_size = 9216;
	pool = ml_pool_create(&pc);
	RTS_REQUIRE(pool != NULL);
	p = ml_pool_alloc(pool);
	RTS_REQUIRE(p != NULL);
	RTS_CHECK(rts_pkt_append(p, 9014) != NULL);
	RTS_CHECK_EQ(p->pkt_len, 9014);
	/* A copy into small buffers becomes a chain. */
	pc.data_size = 2048;
	struct ml_pool *small = ml_pool_create(&pc);
	RTS_REQUIRE(small != NULL);
	memset(p->data, 0xab, p->len);
	c = ml_pkt_copy(small, p);
	RTS_REQUIRE(c != NULL);
	RTS_CHECK_EQ(c->pkt_len, 9014);
	RTS_CHECK_EQ(ml_pool_in_use(small), 5);
	ml_pkt_free(small, c);
	ml_pkt_free(pool, p);
	RTS_CHECK_EQ(ml_pool_in_use(small) + ml_pool_in_use(pool), 0);
	ml_pool_destroy(small);
	ml_pool_destroy(pool);
}

RTS_TEST(pool_clone_shares_data_until_last_ref)
{
	struct ml_pool_config pc;
	struct ml_pool *pool;
	struct rts_pkt *p, *seg2, *c, *cc;

	ml_pool_config_default(&pc);
	pc.n_bufs = 4;
	pc.n_clones = 4;
	pool = ml_pool_create(&pc);
	RTS_REQUIRE(pool != NULL);
	p = ml_pool_alloc(pool);
	seg2 = ml_pool_alloc(pool);
	RTS_REQUIRE(p && seg2);
	memcpy(rts_pkt_append(p, 5), "hello", 5);
	memcpy(rts_pkt_append(seg2, 5), "world", 5);
	seg2->pkt_len = 0;
	p->next = seg2;
	p->pkt_len = 10;
	p->ol_flags = RTS_PKT_TX_TCP_CSUM;
	c = ml_pool_clone(pool, p);
	RTS_REQUIRE(c != NULL);
	RTS_CHECK(c->data == p->data && c->next && c->next->data == seg2->data);
	RTS_CHECK_EQ(c->pkt_len, 10);
	RTS_CHECK_EQ(c->ol_flags, RTS_PKT_TX_TCP_CSUM);
	RTS_CHECK_EQ(ml_pool_in_use(pool), 4); /* 2 buffers + 2 clones */
	/* A clone of a clone refers to the same data owner. */
	cc = ml_pool_clone(pool, c->next);
	RTS_REQUIRE(cc != NULL);
	RTS_CHECK(ml_pool_clone(pool, p) == NULL); /* out of clone slots */
	p->data[0] = 'H';
	RTS_CHECK(c->data[0] == 'H');
	/* Freeing the original keeps the data while clones live. */
	ml_pkt_free(pool, p);
	RTS_CHECK_EQ(ml_pool_in_use(pool), 5);
	RTS_CHECK(memcmp(c->next->data, "world", 5) == 0);
	ml_pkt_free(pool, c);
	RTS_CHECK_EQ(ml_pool_in_use(pool), 2); /* seg2's data + cc */
	RTS_CHECK(memcmp(cc->data, "world", 5) == 0);
	ml_pkt_free(pool, cc);
	RTS_CHECK_EQ(ml_pool_in_use(pool), 0);
	/* Every buffer is usable again. */
	for (int i = 0; i < 4; i++)
		RTS_CHECK(ml_pool_alloc(pool) != NULL);
	ml_pool_destroy(pool);
}

/* ------------------------------------------------------------------ link */
struct rig {
	struct ml_pool *pool[2];
	struct ml_link *link;
	struct rts_backend_ops ops;
};

static bool rig_init(struct rig *r, const struct ml_link_config *base,
		     uint32_t n_bufs)
{
	struct ml_pool_config pc;
	struct ml_link_config lc = *base;

	ml_pool_config_default(&pc);
	pc.n_bufs = n_bufs;
	pc.threaded = base->threaded;
	for (int s = 0; s < 2; s++) {
		r->pool[s] = ml_pool_create(&pc);
		lc.pool[s] = r->pool[s];
	}
	r->link = ml_link_create(&lc);
	r->ops = *ml_backend_ops();
	return r->link != NULL;
}

static uint32_t rig_fini(struct rig *r)
{
	uint32_t left;

	ml_link_destroy(r->link);
	left = ml_pool_in_use(r->pool[0]) + ml_pool_in_use(r->pool[1]);
	ml_pool_destroy(r->pool[0]);
	ml_pool_destroy(r->pool[1]);
	return left;
}

/* Send @n frames A->B, one per µs of virtual time; record what arrives. */
struct trace {
	uint64_t hash;
	uint32_t received, out_of_order, dups, bad_csum;
	uint32_t max_seq;
	uint64_t last_arrival;
};

static void trace_frame(struct trace *t, const struct rts_pkt *p,
			uint8_t *seen, uint64_t now)
{
	uint32_t seq = frame_seq(p);
	bool ok = frame_csums_ok(p);

	t->hash = (t->hash ^ seq ^ ((uint64_t)ok << 40)) * 0x100000001b3ull;
	t->received++;
	t->bad_csum += !ok;
	if (ok && seq < t->max_seq)
		t->out_of_order++;
	if (ok && seq > t->max_seq)
		t->max_seq = seq;
	if (ok && seen[seq]++)
		t->dups++;
	t->last_arrival = now;
}

static void pump(struct rig *r, struct trace *t, uint32_t n, uint64_t gap_ns)
{
	struct ml_ep *a = ml_link_ep(r->link, 0), *b = ml_link_ep(r->link, 1);
	uint8_t *seen = calloc(n + 1, 1);
	struct rts_pkt *in[32];
	uint64_t now = 1000;

	memset(t, 0, sizeof(*t));
	t->hash = 0xcbf29ce484222325ull;
	for (uint32_t seq = 1; seq <= n; seq++, now += gap_ns) {
		struct rts_pkt *p = make_frame(r->pool[0], seq, 64, false);
		unsigned k;

		ml_link_set_now(r->link, now);
		r->ops.tx(a, &p, 1);
		k = ml_ep_rx_burst(b, in, 32, now);
		for (unsigned i = 0; i < k; i++) {
			trace_frame(t, in[i], seen, now);
			r->ops.free(b, in[i]);
		}
	}
	/* Let everything still in flight arrive. */
	for (uint64_t at; (at = ml_ep_next_arrival(b)) != UINT64_MAX;) {
		unsigned k = ml_ep_rx_burst(b, in, 32, at);

		for (unsigned i = 0; i < k; i++) {
			trace_frame(t, in[i], seen, at);
			r->ops.free(b, in[i]);
		}
	}
	free(seen);
}

static void impaired_config(struct ml_link_config *lc, uint64_t seed)
{
	ml_link_config_default(lc);
	lc->seed = seed;
	lc->dir[0].loss_ppm = ML_PCT(2);
	lc->dir[0].reorder_ppm = ML_PCT(3);
	lc->dir[0].dup_ppm = ML_PCT(1);
	lc->dir[0].corrupt_ppm = ML_PCT(1);
}

RTS_TEST(link_impairments_are_deterministic)
{
	bool ok;
	struct ml_link_config lc;
	struct ml_dir_stats st[3];
	struct trace t[3];
	struct rig r;
	const uint32_t n = 20000;

	for (int run = 0; run < 3; run++) {
		impaired_config(&lc, run == 2 ? 43 : 42);
		ok = rig_init(&r, &lc, 256);
		RTS_REQUIRE(ok);
		pump(&r, &t[run], n, 1000);
		ml_link_get_stats(r.link, 0, &st[run]);
		RTS_CHECK_EQ(rig_fini(&r), 0);
	}
	RTS_CHECK_EQ(t[0].hash, t[1].hash);
	RTS_CHECK(memcmp(&st[0], &st[1], sizeof(st[0])) == 0);
	RTS_CHECK(t[0].hash != t[2].hash);
	RTS_NOTE("lost %llu dup %llu corrupt %llu reordered %llu of %u",
		 (unsigned long long)st[0].lost,
		 (unsigned long long)st[0].duplicated,
		 (unsigned long long)st[0].corrupted,
		 (unsigned long long)st[0].reordered, n);
	/* The rates are what was asked for (binomial, ±30%). */
	RTS_CHECK(st[0].lost > n * 2 / 100 * 7 / 10 &&
		  st[0].lost < n * 2 / 100 * 13 / 10);
	RTS_CHECK(st[0].reordered > n * 3 / 100 * 7 / 10 &&
		  st[0].reordered < n * 3 / 100 * 13 / 10);
	RTS_CHECK(st[0].duplicated > n / 100 * 7 / 10 &&
		  st[0].duplicated < n / 100 * 13 / 10);
	RTS_CHECK(st[0].corrupted > n / 100 * 7 / 10 &&
		  st[0].corrupted < n / 100 * 13 / 10);
	/* What the receiver saw agrees with the counters. */
	RTS_CHECK_EQ(t[0].received, n - st[0].lost + st[0].duplicated);
	RTS_CHECK_EQ(t[0].received, st[0].delivered);
	RTS_CHECK_EQ(t[0].bad_csum, st[0].corrupted);
	RTS_CHECK(t[0].out_of_order > 0);
	RTS_CHECK(t[0].dups > 0);
}

RTS_TEST(link_perfect_wire_keeps_order)
{
	bool ok;
	struct ml_link_config lc;
	struct ml_dir_stats st;
	struct trace t;
	struct rig r;

	ml_link_config_default(&lc);
	ok = rig_init(&r, &lc, 64);
	RTS_REQUIRE(ok);
	pump(&r, &t, 5000, 0);
	ml_link_get_stats(r.link, 0, &st);
	RTS_CHECK_EQ(t.received, 5000);
	RTS_CHECK_EQ(t.out_of_order + t.dups + t.bad_csum, 0);
	RTS_CHECK_EQ(st.frames, 5000);
	RTS_CHECK_EQ(st.delivered, 5000);
	RTS_CHECK_EQ(rig_fini(&r), 0);
}

RTS_TEST(link_delay_and_rate)
{
	bool ok;
	struct ml_link_config lc;
	struct trace t;
	struct rig r;
	const uint32_t n = 1000;

	ml_link_config_default(&lc);
	lc.dir[0].delay_ns = 50000;
	lc.dir[0].rate_bps = 1000000000ull; /* 1 Gbit/s */
	ok = rig_init(&r, &lc, 2048);
	RTS_REQUIRE(ok);
	/* All sent at once: (106 + 24) bytes = 1040 ns each on the wire. */
	pump(&r, &t, n, 0);
	RTS_CHECK_EQ(t.received, n);
	RTS_CHECK_EQ(t.last_arrival, 1000 + 50000 + (uint64_t)n * 1040);
	RTS_CHECK_EQ(rig_fini(&r), 0);

	/* A queue limit tail-drops what does not fit. */
	lc.dir[0].queue_limit = 10000; /* bytes */
	ok = rig_init(&r, &lc, 2048);
	RTS_REQUIRE(ok);
	pump(&r, &t, n, 0);
	struct ml_dir_stats st;
	ml_link_get_stats(r.link, 0, &st);
	RTS_CHECK(st.queue_drops > 0);
	RTS_CHECK_EQ(t.received + st.queue_drops, n);
	RTS_NOTE("queue drops %llu", (unsigned long long)st.queue_drops);
	RTS_CHECK_EQ(rig_fini(&r), 0);
}

static enum ml_action corrupt_seq_3(void *arg, int dir,
				    const struct rts_pkt *f)
{
	(void)arg;
	return dir == 0 && frame_seq(f) == 3 ? ML_CORRUPT : ML_PASS;
}

/* Send frames 1..4 through a fresh link in @mode; marks land in @marks. */
static void send_four(enum ml_csum_mode mode, bool offload_tx,
		      uint32_t marks[4], bool csum_ok[4], uint32_t *left)
{
	struct ml_link_config lc;
	struct rts_pkt *in[8], *f[4];
	struct rig r;
	unsigned k;

	ml_link_config_default(&lc);
	lc.csum = mode;
	if (!rig_init(&r, &lc, 16))
		return;
	ml_link_set_filter(r.link, corrupt_seq_3, NULL);
	for (uint32_t s = 0; s < 4; s++)
		f[s] = make_frame(r.pool[0], s + 1, 100, offload_tx);
	r.ops.tx(ml_link_ep(r.link, 0), f, 4);
	k = ml_ep_rx_burst(ml_link_ep(r.link, 1), in, 8, 0);
	for (unsigned i = 0; i < k && i < 4; i++) {
		marks[i] = in[i]->ol_flags;
		csum_ok[i] = frame_csums_ok(in[i]);
		r.ops.free(ml_link_ep(r.link, 1), in[i]);
	}
	*left = rig_fini(&r) + (k != 4);
}

RTS_TEST(offload_marks)
{
	bool made;
	const uint32_t good = RTS_PKT_RX_IP_CSUM_GOOD | RTS_PKT_RX_L4_CSUM_GOOD;
	uint32_t marks[4] = { 0 }, left = 99;
	bool ok[4] = { false };
	struct ml_link_config lc;
	struct rts_if_caps caps;
	struct rig r;

	/* Software mode: no capabilities, no marks. */
	send_four(ML_CSUM_SW, false, marks, ok, &left);
	RTS_CHECK_EQ(left, 0);
	for (int i = 0; i < 4; i++)
		RTS_CHECK_EQ(marks[i], 0);
	RTS_CHECK(ok[0] && ok[1] && !ok[2] && ok[3]);

	/* Offload: checksums left as the stack left them, marks GOOD... */
	send_four(ML_CSUM_OFFLOAD, true, marks, ok, &left);
	RTS_CHECK_EQ(left, 0);
	RTS_CHECK_EQ(marks[0], good);
	RTS_CHECK(!ok[0]); /* nobody computed them */
	/* ...except where the link damaged the frame. */
	RTS_CHECK(marks[2] & (RTS_PKT_RX_IP_CSUM_BAD | RTS_PKT_RX_L4_CSUM_BAD));
	RTS_CHECK((marks[2] & good) != good);

	/* Verify mode completes TX checksums and marks the truth. */
	send_four(ML_CSUM_OFFLOAD_VERIFY, true, marks, ok, &left);
	RTS_CHECK_EQ(left, 0);
	RTS_CHECK(ok[0] && ok[1] && !ok[2] && ok[3]);
	RTS_CHECK_EQ(marks[0], good);
	RTS_CHECK_EQ(marks[3], good);
	RTS_CHECK(marks[2] & (RTS_PKT_RX_IP_CSUM_BAD | RTS_PKT_RX_L4_CSUM_BAD));

	ml_link_config_default(&lc);
	made = rig_init(&r, &lc, 4);
	RTS_REQUIRE(made);
	ml_ep_caps(ml_link_ep(r.link, 0), &caps);
	RTS_CHECK_EQ(caps.flags & (RTS_CAP_TX_L4_CSUM | RTS_CAP_RX_L4_CSUM), 0);
	RTS_CHECK_EQ(rig_fini(&r), 0);
	lc.csum = ML_CSUM_OFFLOAD;
	made = rig_init(&r, &lc, 4);
	RTS_REQUIRE(made);
	ml_ep_caps(ml_link_ep(r.link, 1), &caps);
	RTS_CHECK(caps.flags & RTS_CAP_TX_IP_CSUM);
	RTS_CHECK(caps.flags & RTS_CAP_TX_L4_CSUM);
	RTS_CHECK(caps.flags & RTS_CAP_TX_L4_CSUM6);
	RTS_CHECK(caps.flags & RTS_CAP_RX_IP_CSUM);
	RTS_CHECK(caps.flags & RTS_CAP_RX_L4_CSUM);
	RTS_CHECK_EQ(rig_fini(&r), 0);
}

RTS_TEST(corruption_never_touches_sender_data)
{
	bool ok;
	struct ml_link_config lc;
	struct rts_pkt *f, *keep, *in[4];
	uint8_t before[200];
	struct rig r;

	ml_link_config_default(&lc);
	ok = rig_init(&r, &lc, 16);
	RTS_REQUIRE(ok);
	ml_link_set_filter(r.link, corrupt_seq_3, NULL);
	f = make_frame(r.pool[0], 3, 100, false);
	keep = r.ops.clone(ml_link_ep(r.link, 0), f); /* "retransmit copy" */
	RTS_REQUIRE(keep != NULL);
	memcpy(before, keep->data, keep->len);
	r.ops.tx(ml_link_ep(r.link, 0), &f, 1);
	RTS_CHECK_EQ(ml_ep_rx_burst(ml_link_ep(r.link, 1), in, 4, 0), 1);
	RTS_CHECK(!frame_csums_ok(in[0]));
	RTS_CHECK(memcmp(before, keep->data, keep->len) == 0);
	r.ops.free(ml_link_ep(r.link, 1), in[0]);
	r.ops.free(ml_link_ep(r.link, 0), keep);
	RTS_CHECK_EQ(rig_fini(&r), 0);
}

/* ------------------------------------------------------------------ ring */
RTS_TEST(spsc_ring_single_thread)
{
	struct ml_ring *r = ml_ring_create(5);
	void *out[16];
	uintptr_t v[16];

	RTS_REQUIRE(r != NULL);
	RTS_CHECK_EQ(ml_ring_capacity(r), 8);
	for (uintptr_t i = 0; i < 16; i++)
		v[i] = i + 1;
	/* Wrap the indices several times. */
	for (int round = 0; round < 5; round++) {
		RTS_CHECK_EQ(ml_ring_enqueue_burst(r, (void **)v, 16), 8);
		RTS_CHECK(!ml_ring_enqueue(r, (void *)v[0]));
		RTS_CHECK_EQ(ml_ring_count(r), 8);
		RTS_CHECK_EQ(ml_ring_dequeue_burst(r, out, 3), 3);
		RTS_CHECK_EQ((uintptr_t)out[0], 1);
		RTS_CHECK_EQ(ml_ring_dequeue_burst(r, out, 16), 5);
		RTS_CHECK_EQ((uintptr_t)out[4], 8);
		RTS_CHECK(ml_ring_dequeue(r) == NULL);
	}
	ml_ring_destroy(r);
}

#define RING_ITEMS 500000u

static void *ring_producer(void *arg)
{
	struct ml_ring *r = arg;
	uintptr_t next = 1;

	while (next <= RING_ITEMS) {
		void *burst[32];
		unsigned n = 0, done;

		while (n < 32 && next + n <= RING_ITEMS) {
			burst[n] = (void *)(next + n);
			n++;
		}
		done = ml_ring_enqueue_burst(r, burst, n);
		next += done;
	}
	return NULL;
}

RTS_TEST(spsc_ring_two_threads_in_order)
{
	int rc;
	struct ml_ring *r = ml_ring_create(256);
	uintptr_t expect = 1;
	uint32_t errors = 0;
	pthread_t th;

	RTS_REQUIRE(r != NULL);
	rc = pthread_create(&th, NULL, ring_producer, r);
	RTS_REQUIRE(rc == 0);
	while (expect <= RING_ITEMS) {
		void *out[32];
		unsigned n = ml_ring_dequeue_burst(r, out, 32);

		for (unsigned i = 0; i < n; i++, expect++)
			errors += (uintptr_t)out[i] != expect;
	}
	pthread_join(th, NULL);
	RTS_CHECK_EQ(errors, 0);
	RTS_CHECK_EQ(expect, RING_ITEMS + 1);
	RTS_CHECK_EQ(ml_ring_count(r), 0);
	ml_ring_destroy(r);
}

/* B's thread receives every frame, clones half of them, frees them all. */
struct xthread {
	struct rig *r;
	uint32_t n, got, bad;
};

static void *receiver_thread(void *arg)
{
	struct xthread *x = arg;
	struct ml_ep *b = ml_link_ep(x->r->link, 1);

	while (x->got < x->n) {
		struct rts_pkt *in[32];
		unsigned k = ml_ep_rx_burst(b, in, 32, 0);

		for (unsigned i = 0; i < k; i++) {
			struct rts_pkt *c = NULL;

			if (frame_seq(in[i]) != x->got + 1)
				x->bad++;
			if (x->got & 1)
				c = x->r->ops.clone(b, in[i]);
			x->r->ops.free(b, in[i]);
			if (c)
				x->r->ops.free(b, c);
			x->got++;
		}
	}
	return NULL;
}

RTS_TEST(threaded_link_and_cross_thread_frees)
{
	bool ok;
	int rc;
	struct ml_link_config lc;
	struct xthread x;
	pthread_t th;
	struct rig r;
	struct ml_ep *a;
	uint32_t sent = 0;

	ml_link_config_default(&lc);
	lc.threaded = true;
	lc.csum = ML_CSUM_OFFLOAD;
	ok = rig_init(&r, &lc, 128);
	RTS_REQUIRE(ok);
	a = ml_link_ep(r.link, 0);
	x = (struct xthread){ &r, 50000, 0, 0 };
	rc = pthread_create(&th, NULL, receiver_thread, &x);
	RTS_REQUIRE(rc == 0);
	/* The pool has 128 buffers: frees must come back for this to end. */
	while (sent < x.n) {
		struct rts_pkt *p = make_frame(r.pool[0], sent + 1, 16, false);

		if (p == NULL)
			continue;
		r.ops.tx(a, &p, 1);
		sent++;
	}
	pthread_join(th, NULL);
	RTS_CHECK_EQ(x.got, x.n);
	RTS_CHECK_EQ(x.bad, 0);
	RTS_CHECK_EQ(rig_fini(&r), 0);
}

/* -------------------------------------------------------------- scenario */
static bool never(void *arg)
{
	(void)arg;
	return false;
}

RTS_TEST(scenario_driver_runs_and_finishes_clean)
{
	struct ml_scen_opts o;
	struct ml_scen *sc;
	uint64_t t0;

	ml_scen_opts_default(&o);
	sc = ml_scen_create(&o);
	RTS_REQUIRE(sc != NULL);
	RTS_CHECK(ml_scen_ctx(sc, 0) != NULL && ml_scen_ctx(sc, 1) != NULL);
	t0 = ml_scen_now(sc);
	RTS_CHECK_EQ(t0, ML_SCEN_START_NS);
	/* Whatever the stack does at start (gratuitous ARP), it settles. */
	RTS_CHECK(!ml_scen_run_until(sc, never, NULL, 5000000000ull));
	RTS_CHECK_EQ(ml_scen_now(sc), t0 + 5000000000ull);
	ml_scen_run_for(sc, 1000000);
	RTS_CHECK_EQ(ml_scen_now(sc), t0 + 5001000000ull);
	RTS_CHECK_EQ(ml_scen_finish(sc), 0);
	ml_scen_destroy(sc);
}

int main(void)
{
	return rts_test_main();
}
