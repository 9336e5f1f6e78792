/* SPDX-License-Identifier: BSD-3-Clause */
/* SYN cookies: round trips, every MSS entry, tampering, expiry. */
#include "rts_test.h"
#include "tcp/tcp_syncookie.h"

static const uint64_t key[2] = { 0x1122334455667788ull, 0x99aabbccddeeff00ull };
static const uint64_t other_key[2] = { 0x1122334455667788ull, 0x99aabbccddeeff01ull };

#define TICK_NS (1ull << RTS_SYNCOOKIE_TICK_SHIFT)

static struct rts_tcp_tuple tuple(void)
{
	struct rts_tcp_tuple t;

	memset(&t, 0, sizeof(t));
	t.laddr = rts_ip4(198, 18, 0, 1);
	t.raddr = rts_ip4(198, 18, 7, 9);
	t.lport = 80;
	t.rport = 51234;
	return t;
}

struct made {
	uint32_t cookie, tsval;
	uint32_t peer_isn;
};

static struct made make(const struct rts_tcp_tuple *t,
			const struct rts_syncookie_opts *o, uint64_t now)
{
	struct made m = { .tsval = 0x12345678, .peer_isn = 0xfffffff0 };

	m.cookie = rts_syncookie_make(key, t, m.peer_isn, o, now, &m.tsval);
	return m;
}

static int check(const struct rts_tcp_tuple *t, const struct made *m,
		 bool has_ts, uint64_t now, struct rts_syncookie_opts *out)
{
	return rts_syncookie_check(key, t, m->peer_isn + 1, m->cookie + 1,
				   has_ts, m->tsval, now, out);
}

RTS_TEST(syncookie_round_trip_with_timestamps)
{
	struct rts_tcp_tuple t = tuple();
	uint64_t now = 1000 * TICK_NS + 12345;

	for (int ws = 0; ws <= 15; ws++) {
		for (int sack = 0; sack <= 1; sack++) {
			struct rts_syncookie_opts o = {
				.mss = 1460, .wscale = (uint8_t)ws,
				.sack_ok = sack, .ts_ok = true,
			}, out;
			struct made m = make(&t, &o, now);
			uint8_t want_ws = ws == 15 ? RTS_SYNCOOKIE_NO_WSCALE
					  : (ws > 14 ? 14 : (uint8_t)ws);

			memset(&out, 0xee, sizeof(out));
			RTS_CHECK_EQ(check(&t, &m, true, now, &out),
				     RTS_SYNCOOKIE_OK);
			RTS_CHECK_EQ(out.mss, 1460);
			RTS_CHECK_EQ(out.wscale, want_ws);
			RTS_CHECK_EQ(out.sack_ok, sack);
			RTS_CHECK(out.ts_ok);
			/* TSval only steps back, by less than 64 ticks */
			RTS_CHECK((int32_t)(0x12345678 - m.tsval) >= 0);
			RTS_CHECK(0x12345678 - m.tsval < 64);
		}
	}
}

RTS_TEST(syncookie_round_trip_without_timestamps)
{
	struct rts_tcp_tuple t = tuple();
	struct rts_syncookie_opts o = { .mss = 1440, .wscale = 7,
					.sack_ok = true, .ts_ok = false }, out;
	struct made m = make(&t, &o, 5 * TICK_NS);

	RTS_CHECK_EQ(m.tsval, 0x12345678); /* untouched */
	RTS_CHECK_EQ(check(&t, &m, false, 5 * TICK_NS, &out), RTS_SYNCOOKIE_OK);
	RTS_CHECK_EQ(out.mss, 1440);
	/* no room for WS and SACK without timestamps (the trade-off) */
	RTS_CHECK_EQ(out.wscale, RTS_SYNCOOKIE_NO_WSCALE);
	RTS_CHECK(!out.sack_ok);
	RTS_CHECK(!out.ts_ok);
	/* at time zero too */
	m = make(&t, &o, 0);
	RTS_CHECK_EQ(check(&t, &m, false, 0, &out), RTS_SYNCOOKIE_OK);
}

RTS_TEST(syncookie_every_mss_entry)
{
	struct rts_tcp_tuple t = tuple();
	struct rts_syncookie_opts out;

	for (int i = 0; i < RTS_SYNCOOKIE_MSS_ENTRIES; i++) {
		uint16_t mss = rts_syncookie_mss_table[i];
		uint16_t next = i + 1 < RTS_SYNCOOKIE_MSS_ENTRIES
				? rts_syncookie_mss_table[i + 1] : 65535;
		uint16_t probes[3] = { mss, (uint16_t)(mss + 1),
				       (uint16_t)(next - 1) };

		if (i > 0)
			RTS_CHECK(mss > rts_syncookie_mss_table[i - 1]);
		for (int p = 0; p < 3; p++) {
			struct rts_syncookie_opts o = { .mss = probes[p] };
			struct made m = make(&t, &o, 77 * TICK_NS);

			RTS_CHECK_EQ(check(&t, &m, false, 77 * TICK_NS, &out),
				     RTS_SYNCOOKIE_OK);
			RTS_CHECK_EQ(out.mss, mss); /* never above the peer's */
		}
	}
	/* below the smallest entry, or no MSS option: 536 */
	{
		struct rts_syncookie_opts o = { .mss = 0 };
		struct made m = make(&t, &o, 0);

		RTS_CHECK_EQ(check(&t, &m, false, 0, &out), RTS_SYNCOOKIE_OK);
		RTS_CHECK_EQ(out.mss, 536);
	}
}

RTS_TEST(syncookie_tampered_rejected)
{
	struct rts_tcp_tuple t = tuple(), t2;
	struct rts_syncookie_opts o = { .mss = 1460, .wscale = 9,
					.sack_ok = true, .ts_ok = true }, out;
	uint64_t now = 4242 * TICK_NS;
	struct made m = make(&t, &o, now), bad;

	RTS_REQUIRE(check(&t, &m, true, now, &out) == RTS_SYNCOOKIE_OK);
	for (int b = 0; b < 32; b++) { /* every bit of the cookie */
		bad = m;
		bad.cookie ^= 1u << b;
		RTS_CHECK(check(&t, &bad, true, now, &out) < 0);
	}
	for (int b = 0; b < 32; b++) { /* the peer's ISN is bound */
		bad = m;
		bad.peer_isn ^= 1u << b;
		RTS_CHECK_EQ(check(&t, &bad, true, now, &out),
			     RTS_SYNCOOKIE_BAD_HASH);
	}
	for (int b = 0; b < 6; b++) { /* the echoed option bits */
		bad = m;
		bad.tsval ^= 1u << b;
		RTS_CHECK_EQ(check(&t, &bad, true, now, &out),
			     RTS_SYNCOOKIE_BAD_HASH);
	}
	/* timestamps dropped from the ACK although the SYN had them */
	RTS_CHECK_EQ(check(&t, &m, false, now, &out), RTS_SYNCOOKIE_BAD_HASH);
	/* another tuple, another key */
	t2 = t;
	t2.rport++;
	RTS_CHECK_EQ(check(&t2, &m, true, now, &out), RTS_SYNCOOKIE_BAD_HASH);
	t2 = t;
	t2.raddr = rts_ip4(198, 18, 7, 10);
	RTS_CHECK_EQ(check(&t2, &m, true, now, &out), RTS_SYNCOOKIE_BAD_HASH);
	RTS_CHECK_EQ(rts_syncookie_check(other_key, &t, m.peer_isn + 1,
					 m.cookie + 1, true, m.tsval, now, &out),
		     RTS_SYNCOOKIE_BAD_HASH);
}

RTS_TEST(syncookie_expiry)
{
	struct rts_tcp_tuple t = tuple();
	struct rts_syncookie_opts o = { .mss = 1460 }, out;
	uint64_t now = 100 * TICK_NS + TICK_NS - 1; /* end of a tick */
	struct made m = make(&t, &o, now);

	for (uint64_t age = 0; age <= RTS_SYNCOOKIE_MAX_AGE; age++)
		RTS_CHECK_EQ(check(&t, &m, false, now + age * TICK_NS, &out),
			     RTS_SYNCOOKIE_OK);
	/* Accepted for at least MAX_AGE ticks: > 60 s */
	RTS_CHECK(RTS_SYNCOOKIE_MAX_AGE * TICK_NS > 60000000000ull);
	RTS_CHECK_EQ(check(&t, &m, false,
			   now + (RTS_SYNCOOKIE_MAX_AGE + 1) * TICK_NS, &out),
		     RTS_SYNCOOKIE_EXPIRED);
	/* From the future (the clock went back): rejected */
	RTS_CHECK(check(&t, &m, false, now - TICK_NS, &out) < 0);
	/* A full turn of the 5-bit counter later: the tick is wrong */
	RTS_CHECK(check(&t, &m, false, now + 32 * TICK_NS, &out) < 0);
	/* made at tick 0, checked with a clock that cannot be that old */
	m = make(&t, &o, 3 * TICK_NS);
	RTS_CHECK_EQ(check(&t, &m, false, 1 * TICK_NS, &out),
		     RTS_SYNCOOKIE_EXPIRED);
}

RTS_TEST(syncookie_blind_forgery)
{
	struct rts_tcp_tuple t = tuple();
	struct rts_syncookie_opts out;
	uint64_t x = 0x9e3779b97f4a7c15ull, now = 9999 * TICK_NS;
	int accepted = 0, expired = 0;

	for (int i = 0; i < 200000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		int r = rts_syncookie_check(key, &t, (uint32_t)x,
					    (uint32_t)(x >> 32), i & 1,
					    (uint32_t)(x >> 16), now, &out);
		accepted += r == RTS_SYNCOOKIE_OK;
		expired += r == RTS_SYNCOOKIE_EXPIRED;
	}
	RTS_NOTE("200000 random ACKs: %d accepted, %d expired", accepted,
		 expired);
	RTS_CHECK_EQ(accepted, 0);
	RTS_CHECK(expired > 100000); /* 24 of 32 tick values are stale */
}

int main(void)
{
	return rts_test_main();
}
