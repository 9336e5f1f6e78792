/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Congestion control: NewReno (RFC 5681/3465/6582) and CUBIC (RFC 9438)
 * driven by a simulated ACK clock, compared with the RFC formulas.
 */
#include <rtestack/ctx.h>

#include "rts_test.h"
#include "tcp/tcp_cc.h"

#define MSS 1000u
#define NS_PER_MS 1000000ull

/* A bulk sender with an ACK clock: each round sends the window and gets it
 * back in ACKs of @ack_bytes spread evenly over one RTT. */
struct sim {
	const struct rts_tcp_cc_ops *ops;
	struct rts_tcp_cc cc;
	uint64_t now_ns;
	uint32_t rtt_us;
	uint32_t max_step; /* largest cwnd increase seen on one ACK */
};

static void sim_init(struct sim *s, const struct rts_tcp_cc_ops *ops,
		     uint32_t mss, uint32_t iw, uint32_t rtt_us)
{
	memset(s, 0, sizeof(*s));
	s->ops = ops;
	s->rtt_us = rtt_us;
	s->now_ns = 1000 * NS_PER_MS;
	ops->init(&s->cc, mss, iw, s->now_ns);
}

static void sim_ack(struct sim *s, uint32_t acked, uint64_t dt_ns)
{
	uint32_t before = s->cc.cwnd;
	uint32_t flight = s->cc.cwnd > acked ? s->cc.cwnd - acked : 0;

	s->now_ns += dt_ns;
	s->ops->on_ack(&s->cc, acked, s->rtt_us, flight, s->now_ns);
	if (s->cc.cwnd > before && s->cc.cwnd - before > s->max_step)
		s->max_step = s->cc.cwnd - before;
}

static void sim_round(struct sim *s, uint32_t ack_bytes)
{
	uint32_t win = s->cc.cwnd;
	uint32_t n = (win + ack_bytes - 1) / ack_bytes;
	uint64_t dt = (uint64_t)s->rtt_us * 1000 / n;

	for (uint32_t done = 0; done < win;) {
		uint32_t a = win - done < ack_bytes ? win - done : ack_bytes;

		sim_ack(s, a, dt);
		done += a;
	}
}

/* Put the sender into congestion avoidance after a loss at @w_max bytes. */
static void sim_loss_at(struct sim *s, uint32_t w_max)
{
	s->cc.cwnd = w_max;
	s->ops->on_loss(&s->cc, w_max, s->now_ns);
	s->ops->on_recovery_end(&s->cc, s->now_ns);
}

static double cube_root(double x)
{
	double y = x > 1 ? x / 3 : 1;

	for (int i = 0; i < 100; i++)
		y -= (y * y * y - x) / (3 * y * y);
	return y;
}

/* RFC 9438 eqn 1 and 2 in segments. */
static double w_cubic_ref(double w_max, double cwnd_epoch, double t)
{
	double k = cube_root((w_max - cwnd_epoch) / 0.4);

	return 0.4 * (t - k) * (t - k) * (t - k) + w_max;
}

/* ------------------------------------------------------------ shared */

RTS_TEST(cc_get_and_defaults)
{
	struct rts_tcp_cc cc;

	RTS_CHECK(rts_tcp_cc_get(RTS_CC_CUBIC) == &rts_tcp_cc_cubic);
	RTS_CHECK(rts_tcp_cc_get(RTS_CC_NEWRENO) == &rts_tcp_cc_newreno);
	RTS_CHECK(rts_tcp_cc_get(200) == &rts_tcp_cc_newreno);
	RTS_CHECK(strcmp(rts_tcp_cc_cubic.name, "cubic") == 0);
	RTS_CHECK_EQ(rts_tcp_cc_initial_window(1460, 10), 14600);
	RTS_CHECK_EQ(rts_tcp_cc_initial_window(1460, 0), 14600);
	/* RFC 6928: jumbo MSS is limited to max(2*MSS, 14600) */
	RTS_CHECK_EQ(rts_tcp_cc_initial_window(8960, 0), 17920);
	RTS_CHECK_EQ(rts_tcp_cc_initial_window(536, 0), 5360);
	rts_tcp_cc_cubic.init(&cc, 1460, 0, 0);
	RTS_CHECK_EQ(cc.cwnd, 14600);
	RTS_CHECK_EQ(cc.ssthresh, RTS_CC_SSTHRESH_INF);
	RTS_CHECK_EQ(cc.algo, RTS_CC_CUBIC);
	rts_tcp_cc_newreno.init(&cc, 1460, 4 * 1460, 0);
	RTS_CHECK_EQ(cc.cwnd, 4 * 1460);
	RTS_CHECK_EQ(cc.algo, RTS_CC_NEWRENO);
	RTS_CHECK(sizeof(struct rts_tcp_cc) <= 64);
}

RTS_TEST(cc_integer_cube_root)
{
	for (uint64_t y = 0; y < 2642245; y += 997) {
		uint64_t c = y * y * y;

		RTS_CHECK_EQ(rts_tcp_cc_cbrt(c), y);
		if (c > 0)
			RTS_CHECK_EQ(rts_tcp_cc_cbrt(c - 1), y - 1);
		RTS_CHECK_EQ(rts_tcp_cc_cbrt(c + 1), y == 0 ? 1 : y);
	}
	RTS_CHECK_EQ(rts_tcp_cc_cbrt(UINT64_MAX), 2642245);
	RTS_CHECK_EQ(rts_tcp_cc_cbrt(7), 1);
	RTS_CHECK_EQ(rts_tcp_cc_cbrt(8), 2);
}

static void check_slow_start_doubles(const struct rts_tcp_cc_ops *ops,
				     uint32_t ack_bytes)
{
	struct sim s;

	sim_init(&s, ops, MSS, 10 * MSS, 10000);
	for (int r = 0; r < 8; r++) {
		uint32_t before = s.cc.cwnd;

		sim_round(&s, ack_bytes);
		RTS_CHECK_EQ(s.cc.cwnd, 2 * before);
	}
	RTS_CHECK_EQ(s.cc.cwnd, 10 * MSS << 8);
}

RTS_TEST(newreno_slow_start_doubles_per_rtt)
{
	check_slow_start_doubles(&rts_tcp_cc_newreno, MSS);
	check_slow_start_doubles(&rts_tcp_cc_newreno, 2 * MSS);
}

RTS_TEST(cubic_slow_start_doubles_per_rtt)
{
	check_slow_start_doubles(&rts_tcp_cc_cubic, MSS);
	check_slow_start_doubles(&rts_tcp_cc_cubic, 2 * MSS);
}

RTS_TEST(slow_start_byte_counting_limits_huge_acks)
{
	struct sim s;

	/* RFC 3465 §2.2: one 64 KB ACK grows cwnd by L = 2*SMSS only. */
	sim_init(&s, &rts_tcp_cc_newreno, MSS, 100 * MSS, 10000);
	sim_ack(&s, 65536, 1000);
	RTS_CHECK_EQ(s.cc.cwnd, 102 * MSS);
	sim_round(&s, 65536);
	RTS_CHECK(s.max_step <= 2 * MSS);

	/* Slow start stops exactly at ssthresh; the rest of the ACK is
	 * counted toward congestion avoidance. */
	sim_init(&s, &rts_tcp_cc_newreno, MSS, 10 * MSS, 10000);
	s.cc.ssthresh = 11 * MSS;
	sim_ack(&s, 2 * MSS, 1000);
	RTS_CHECK_EQ(s.cc.cwnd, 11 * MSS);
	RTS_CHECK_EQ(s.cc.bytes_acked, MSS);
	RTS_CHECK(!rts_tcp_cc_in_slow_start(&s.cc));

	sim_init(&s, &rts_tcp_cc_cubic, MSS, 100 * MSS, 10000);
	sim_ack(&s, 65536, 1000);
	RTS_CHECK_EQ(s.cc.cwnd, 102 * MSS);
}

RTS_TEST(newreno_avoidance_one_mss_per_rtt)
{
	struct sim s;

	sim_init(&s, &rts_tcp_cc_newreno, MSS, 10 * MSS, 20000);
	s.cc.cwnd = 100 * MSS;
	s.cc.ssthresh = 50 * MSS;
	for (int r = 0; r < 20; r++) {
		uint32_t before = s.cc.cwnd;

		sim_round(&s, 2 * MSS);
		RTS_CHECK(s.cc.cwnd - before <= 2 * MSS);
	}
	/* 20 RTTs: 20 MSS, give or take the carried byte count */
	RTS_CHECK(s.cc.cwnd >= 119 * MSS && s.cc.cwnd <= 121 * MSS);
	RTS_CHECK(s.max_step <= MSS);
}

RTS_TEST(newreno_avoidance_with_tso_acks)
{
	struct sim s;

	/* 64 KB ACKs (TSO/GRO): still one MSS per RTT, one MSS per ACK max */
	sim_init(&s, &rts_tcp_cc_newreno, 1448, 10 * 1448, 20000);
	s.cc.cwnd = 300 * 1448;
	s.cc.ssthresh = 100 * 1448;
	for (int r = 0; r < 30; r++)
		sim_round(&s, 65536);
	RTS_CHECK(s.cc.cwnd >= 328 * 1448 && s.cc.cwnd <= 331 * 1448);
	RTS_CHECK(s.max_step <= 1448);
	RTS_CHECK(s.cc.bytes_acked <= s.cc.cwnd);
}

RTS_TEST(newreno_loss_and_recovery)
{
	struct rts_tcp_cc cc;

	rts_tcp_cc_newreno.init(&cc, MSS, 10 * MSS, 0);
	cc.cwnd = 80 * MSS;
	rts_tcp_cc_newreno.on_loss(&cc, 80 * MSS, 0);
	RTS_CHECK_EQ(cc.ssthresh, 40 * MSS);
	RTS_CHECK_EQ(cc.cwnd, 43 * MSS);
	rts_tcp_cc_recovery_dupack(&cc);
	rts_tcp_cc_recovery_dupack(&cc);
	RTS_CHECK_EQ(cc.cwnd, 45 * MSS);
	/* partial ACK of 3 segments: deflate by 3, add one back */
	rts_tcp_cc_recovery_partial_ack(&cc, 3 * MSS);
	RTS_CHECK_EQ(cc.cwnd, 43 * MSS);
	rts_tcp_cc_recovery_partial_ack(&cc, 100);
	RTS_CHECK_EQ(cc.cwnd, 43 * MSS - 100);
	rts_tcp_cc_recovery_partial_ack(&cc, 1000 * MSS);
	RTS_CHECK_EQ(cc.cwnd, MSS);
	rts_tcp_cc_newreno.on_recovery_end(&cc, 0);
	RTS_CHECK_EQ(cc.cwnd, 40 * MSS);
	RTS_CHECK(!rts_tcp_cc_in_slow_start(&cc));

	/* FlightSize small: ssthresh floors at 2*SMSS */
	rts_tcp_cc_newreno.on_loss(&cc, MSS, 0);
	RTS_CHECK_EQ(cc.ssthresh, 2 * MSS);
	RTS_CHECK_EQ(cc.cwnd, 5 * MSS);
}

RTS_TEST(newreno_timeout)
{
	struct sim s;

	sim_init(&s, &rts_tcp_cc_newreno, MSS, 10 * MSS, 10000);
	s.cc.cwnd = 60 * MSS;
	s.ops->on_timeout(&s.cc, 50 * MSS, s.now_ns);
	RTS_CHECK_EQ(s.cc.cwnd, MSS);
	RTS_CHECK_EQ(s.cc.ssthresh, 25 * MSS); /* FlightSize / 2 */
	/* Repeated RTO of the same segment: ssthresh is held (RFC 5681) */
	s.ops->on_timeout(&s.cc, MSS, s.now_ns);
	RTS_CHECK_EQ(s.cc.ssthresh, 25 * MSS);
	RTS_CHECK_EQ(s.cc.cwnd, MSS);
	/* Slow start from one segment up to ssthresh, then linear */
	for (int r = 0; r < 5; r++)
		sim_round(&s, MSS);
	RTS_CHECK_EQ(s.cc.cwnd, 25 * MSS);
	sim_round(&s, MSS);
	RTS_CHECK_EQ(s.cc.cwnd, 26 * MSS);
	/* A new timeout after progress halves again */
	s.ops->on_timeout(&s.cc, 26 * MSS, s.now_ns);
	RTS_CHECK_EQ(s.cc.ssthresh, 13 * MSS);
}

static void check_idle(const struct rts_tcp_cc_ops *ops)
{
	struct rts_tcp_cc cc;

	ops->init(&cc, MSS, 10 * MSS, 0);
	cc.cwnd = 90 * MSS;
	ops->on_idle(&cc, 200000, 0);
	RTS_CHECK_EQ(cc.cwnd, 10 * MSS);
	cc.cwnd = 4 * MSS; /* restart window is min(IW, cwnd) */
	ops->on_idle(&cc, 200000, 0);
	RTS_CHECK_EQ(cc.cwnd, 4 * MSS);
}

RTS_TEST(idle_restart_window)
{
	check_idle(&rts_tcp_cc_newreno);
	check_idle(&rts_tcp_cc_cubic);
}

static void check_app_limited(const struct rts_tcp_cc_ops *ops)
{
	struct rts_tcp_cc cc;

	ops->init(&cc, MSS, 10 * MSS, 0);
	/* A sender using 2 of 10 segments does not grow its window. */
	for (int i = 0; i < 1000; i++)
		ops->on_ack(&cc, MSS, 1000, MSS, (uint64_t)i * 1000000);
	RTS_CHECK_EQ(cc.cwnd, 10 * MSS);
	/* Half the window in flight: validated, grows again. */
	ops->on_ack(&cc, MSS, 1000, 4 * MSS, 2000000000ull);
	RTS_CHECK_EQ(cc.cwnd, 11 * MSS);
}

RTS_TEST(app_limited_does_not_grow)
{
	check_app_limited(&rts_tcp_cc_newreno);
	check_app_limited(&rts_tcp_cc_cubic);
}

/* ------------------------------------------------------------- CUBIC */

RTS_TEST(cubic_beta_on_loss)
{
	struct rts_tcp_cc cc;

	rts_tcp_cc_cubic.init(&cc, MSS, 10 * MSS, 0);
	cc.cwnd = 100 * MSS;
	rts_tcp_cc_cubic.on_loss(&cc, 100 * MSS, 0);
	RTS_CHECK_EQ(cc.ssthresh, 70 * MSS);      /* β_cubic = 0.7 */
	RTS_CHECK_EQ(cc.cwnd, 73 * MSS);          /* + 3 SMSS (RFC 6582) */
	RTS_CHECK_EQ(cc.u.cubic.w_max, 100 * MSS);
	RTS_CHECK_EQ(cc.u.cubic.cwnd_prior, 100 * MSS);
	rts_tcp_cc_cubic.on_recovery_end(&cc, 0);
	RTS_CHECK_EQ(cc.cwnd, 70 * MSS);
	/* ssthresh never below 2 SMSS */
	cc.cwnd = 2 * MSS;
	rts_tcp_cc_cubic.on_loss(&cc, 2 * MSS, 0);
	RTS_CHECK_EQ(cc.ssthresh, 2 * MSS);
}

RTS_TEST(cubic_fast_convergence)
{
	struct rts_tcp_cc cc;

	rts_tcp_cc_cubic.init(&cc, MSS, 10 * MSS, 0);
	cc.cwnd = 100 * MSS;
	rts_tcp_cc_cubic.on_loss(&cc, 0, 0);
	RTS_CHECK_EQ(cc.u.cubic.w_max, 100 * MSS);
	rts_tcp_cc_cubic.on_recovery_end(&cc, 0);
	/* Loss again below the old plateau: W_max = cwnd * (1 + β) / 2 */
	cc.cwnd = 80 * MSS;
	rts_tcp_cc_cubic.on_loss(&cc, 0, 0);
	RTS_CHECK_EQ(cc.u.cubic.w_max, 68 * MSS);
	RTS_CHECK_EQ(cc.ssthresh, 56 * MSS);
	rts_tcp_cc_cubic.on_recovery_end(&cc, 0);
	/* Loss above the plateau: W_max = cwnd */
	cc.cwnd = 90 * MSS;
	rts_tcp_cc_cubic.on_loss(&cc, 0, 0);
	RTS_CHECK_EQ(cc.u.cubic.w_max, 90 * MSS);
}

/* Drive CA after a loss at @w_max_segs and compare with eqn 1 at each RTT:
 * cwnd aims at W_cubic(t + RTT), so it lies between W(t) and W(t + RTT). */
static void check_cubic_curve(uint32_t mss, uint32_t w_max_segs,
			      uint32_t ack_bytes, uint32_t rtt_ms,
			      double *cwnd_at_k, double *cwnd_at_2k)
{
	struct sim s;
	double w_max = w_max_segs, k, tol = 2.0;
	double prev_growth = -1, max_err = 0;
	int concave_ok = 1, convex_ok = 1;
	uint64_t t0;

	sim_init(&s, &rts_tcp_cc_cubic, mss, 10 * mss, rtt_ms * 1000);
	sim_loss_at(&s, w_max_segs * mss);
	k = cube_root(w_max * 0.3 / 0.4);
	t0 = s.now_ns;
	*cwnd_at_k = *cwnd_at_2k = 0;
	for (int r = 0; r < 400; r++) {
		double before = (double)s.cc.cwnd / mss, now, t, lo, hi;

		sim_round(&s, ack_bytes);
		now = (double)s.cc.cwnd / mss;
		t = (double)(s.now_ns - t0) / 1e9;
		lo = w_cubic_ref(w_max, 0.7 * w_max, t) - tol;
		hi = w_cubic_ref(w_max, 0.7 * w_max, t + rtt_ms / 1000.0) + tol;
		if (now < lo || now > hi) {
			RTS_NOTE("t=%.3f cwnd=%.2f expected [%.2f, %.2f]", t,
				 now, lo, hi);
			RTS_CHECK(now >= lo && now <= hi);
			return;
		}
		if (now - w_cubic_ref(w_max, 0.7 * w_max, t) > max_err)
			max_err = now - w_cubic_ref(w_max, 0.7 * w_max, t);
		/* concave: growth per RTT shrinks before K; convex after */
		if (t > 0.5 && t < k - 0.5 && prev_growth >= 0 &&
		    now - before > prev_growth + 0.6)
			concave_ok = 0;
		if (t > k + 0.5 && now - before < prev_growth - 0.6)
			convex_ok = 0;
		prev_growth = now - before;
		if (*cwnd_at_k == 0 && t >= k)
			*cwnd_at_k = now;
		if (t >= 2 * k) {
			*cwnd_at_2k = now;
			break;
		}
	}
	RTS_NOTE("mss %u W_max %u ack %u: K=%.3fs cwnd(K)=%.2f cwnd(2K)=%.2f "
		 "W(2K)=%.2f, max cwnd - W(t) %.2f segs", mss, w_max_segs, ack_bytes,
		 k, *cwnd_at_k, *cwnd_at_2k,
		 w_cubic_ref(w_max, 0.7 * w_max, 2 * k), max_err);
	RTS_CHECK(concave_ok);
	RTS_CHECK(convex_ok);
	RTS_CHECK(*cwnd_at_k >= w_max - tol && *cwnd_at_k <= w_max + tol + 2);
	RTS_CHECK(*cwnd_at_2k > w_max * 1.05);
}

RTS_TEST(cubic_follows_the_curve)
{
	double at_k, at_2k;

	/* RTTs long enough that the cubic curve stays above W_est */
	check_cubic_curve(MSS, 100, 2 * MSS, 200, &at_k, &at_2k);
	RTS_CHECK(at_k > 0);
	check_cubic_curve(1448, 250, 1448, 200, &at_k, &at_2k);
	RTS_CHECK(at_k > 0);
}

RTS_TEST(cubic_tso_acks_match_small_acks)
{
	double k_small, k_tso, end_small, end_tso;
	struct sim s;

	check_cubic_curve(1448, 1000, 2 * 1448, 100, &k_small, &end_small);
	check_cubic_curve(1448, 1000, 65536, 100, &k_tso, &end_tso);
	RTS_CHECK(k_tso > k_small * 0.98 && k_tso < k_small * 1.02);
	RTS_CHECK(end_tso > end_small * 0.97 && end_tso < end_small * 1.03);

	/* No single 64 KB ACK pushes cwnd beyond the 1.5 cwnd target cap,
	 * and each step is proportional to the bytes it ACKs. */
	sim_init(&s, &rts_tcp_cc_cubic, 1448, 14480, 100000);
	sim_loss_at(&s, 1000 * 1448);
	for (int r = 0; r < 80; r++)
		sim_round(&s, 65536);
	RTS_CHECK(s.max_step <= 65536 / 2);
	RTS_NOTE("largest step on one 64 KB ACK: %u bytes", s.max_step);
}

RTS_TEST(cubic_reno_friendly_region)
{
	struct sim s;
	double w_est = 14, t;

	/* Small window and short RTT: Reno's AIMD outgrows the cubic
	 * curve, so cwnd follows W_est (α = 9/17, then 1 past cwnd_prior). */
	sim_init(&s, &rts_tcp_cc_cubic, MSS, 10 * MSS, 50000);
	sim_loss_at(&s, 20 * MSS);
	for (int r = 0; r < 20; r++) {
		sim_round(&s, MSS);
		w_est += w_est >= 20 ? 1.0 : 9.0 / 17;
	}
	t = 20 * 0.05;
	RTS_NOTE("cwnd %.2f segs, W_est model %.2f, W_cubic(t) %.2f",
		 (double)s.cc.cwnd / MSS, w_est, w_cubic_ref(20, 14, t));
	RTS_CHECK((double)s.cc.cwnd / MSS > w_cubic_ref(20, 14, t) + 5);
	RTS_CHECK((double)s.cc.cwnd / MSS > w_est - 1.5);
	RTS_CHECK((double)s.cc.cwnd / MSS < w_est + 1.5);
}

RTS_TEST(cubic_timeout)
{
	struct sim s;

	sim_init(&s, &rts_tcp_cc_cubic, MSS, 10 * MSS, 100000);
	s.cc.cwnd = 100 * MSS;
	s.ops->on_timeout(&s.cc, 100 * MSS, s.now_ns);
	RTS_CHECK_EQ(s.cc.cwnd, MSS);
	RTS_CHECK_EQ(s.cc.ssthresh, 70 * MSS);
	s.ops->on_timeout(&s.cc, MSS, s.now_ns); /* repeated: held */
	RTS_CHECK_EQ(s.cc.ssthresh, 70 * MSS);
	RTS_CHECK_EQ(s.cc.cwnd, MSS);
	/* slow start back to ssthresh: 1, 2, 4, ..., 64, 70 */
	for (int r = 0; r < 6; r++)
		sim_round(&s, MSS);
	RTS_CHECK_EQ(s.cc.cwnd, 64 * MSS);
	RTS_CHECK(!(s.cc.flags & RTS_CC_F_EPOCH));
	sim_round(&s, MSS); /* reaches 70, the rest of the round is CA */
	RTS_CHECK(s.cc.cwnd >= 70 * MSS && s.cc.cwnd < 71 * MSS);
	/* The first CA stage after an RTO uses K = 0, W_max = cwnd_epoch */
	RTS_CHECK(s.cc.flags & RTS_CC_F_EPOCH);
	RTS_CHECK(!(s.cc.flags & RTS_CC_F_AFTER_RTO));
	RTS_CHECK_EQ(s.cc.u.cubic.k, 0);
	RTS_CHECK_EQ(s.cc.u.cubic.w_max, 70 * MSS);
	for (int r = 0; r < 20; r++)
		sim_round(&s, MSS);
	RTS_CHECK(s.cc.cwnd > 75 * MSS); /* grows from there */
}

int main(void)
{
	return rts_test_main();
}
