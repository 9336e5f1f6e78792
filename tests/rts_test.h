/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — the test harness: a few macros that print TAP.
 *
 *     RTS_TEST(arp_reply) { ... RTS_CHECK(x == 1); RTS_CHECK_EQ(a, b); }
 *     int main(void) { return rts_test_main(); }
 *
 * Each RTS_TEST registers itself; rts_test_main() runs them in order and
 * prints "ok N - name" / "not ok N - name" lines and a "1..N" plan, which
 * meson (protocol: 'tap') and scripts/run-tests.sh count. A test with no
 * executed check fails: a test that asserts nothing is a defect.
 */
#ifndef RTS_TEST_H
#define RTS_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*rts_test_fn)(void);
struct rts_test_case {
	const char *name;
	rts_test_fn fn;
};

#define RTS_TEST_MAX 256
extern struct rts_test_case rts_test_cases[RTS_TEST_MAX];
extern int rts_test_ncases;
extern int rts_test_failed_checks;
extern int rts_test_checks;
extern const char *rts_test_skip_reason;

#define RTS_TEST(name)                                                         \
	static void test_##name(void);                                         \
	__attribute__((constructor)) static void register_##name(void)        \
	{                                                                      \
		if (rts_test_ncases < RTS_TEST_MAX)                            \
			rts_test_cases[rts_test_ncases++] =                    \
				(struct rts_test_case){ #name, test_##name };  \
	}                                                                      \
	static void test_##name(void)

#define RTS_CHECK(cond)                                                        \
	do {                                                                   \
		rts_test_checks++;                                             \
		if (!(cond)) {                                                 \
			rts_test_failed_checks++;                              \
			printf("#   %s:%d: check failed: %s\n", __FILE__,      \
			       __LINE__, #cond);                               \
		}                                                              \
	} while (0)

#define RTS_CHECK_EQ(a, b)                                                     \
	do {                                                                   \
		long long va_ = (long long)(a), vb_ = (long long)(b);          \
		rts_test_checks++;                                             \
		if (va_ != vb_) {                                              \
			rts_test_failed_checks++;                              \
			printf("#   %s:%d: %s == %s: %lld != %lld\n",          \
			       __FILE__, __LINE__, #a, #b, va_, vb_);          \
		}                                                              \
	} while (0)

/* Stop the current test here if a check failed (e.g. before a deref). */
#define RTS_REQUIRE(cond)                                                      \
	do {                                                                   \
		int ok_ = !!(cond); /* evaluated once: it may have effects */  \
		rts_test_checks++;                                             \
		if (!ok_) {                                                    \
			rts_test_failed_checks++;                              \
			printf("#   %s:%d: required: %s\n", __FILE__,          \
			       __LINE__, #cond);                               \
			return;                                                \
		}                                                              \
	} while (0)

/* Mark the current test skipped (with a reason) and return. */
#define RTS_SKIP(reason)                                                       \
	do {                                                                   \
		rts_test_skip_reason = (reason);                               \
		return;                                                        \
	} while (0)

/* Print a figure the test measured (goodput, counts), as a TAP comment. */
#define RTS_NOTE(...)                                                          \
	do {                                                                   \
		printf("# ");                                                  \
		printf(__VA_ARGS__);                                           \
		printf("\n");                                                  \
	} while (0)

int rts_test_main(void);

#endif
