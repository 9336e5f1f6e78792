/* SPDX-License-Identifier: BSD-3-Clause */
/* rtestack — the test harness runner (see rts_test.h). */
#include "rts_test.h"

struct rts_test_case rts_test_cases[RTS_TEST_MAX];
int rts_test_ncases;
int rts_test_failed_checks;
int rts_test_checks;
const char *rts_test_skip_reason;

int rts_test_main(void)
{
	const char *only = getenv("RTS_TEST_ONLY");
	int failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("1..%d\n", rts_test_ncases);
	for (int i = 0; i < rts_test_ncases; i++) {
		struct rts_test_case *t = &rts_test_cases[i];

		if (only && strcmp(only, t->name) != 0) {
			printf("ok %d - %s # SKIP not selected\n", i + 1, t->name);
			continue;
		}
		rts_test_failed_checks = 0;
		rts_test_checks = 0;
		rts_test_skip_reason = NULL;
		t->fn();
		if (rts_test_skip_reason) {
			printf("ok %d - %s # SKIP %s\n", i + 1, t->name,
			       rts_test_skip_reason);
		} else if (rts_test_failed_checks || rts_test_checks == 0) {
			if (rts_test_checks == 0)
				printf("#   no check executed\n");
			printf("not ok %d - %s\n", i + 1, t->name);
			failed++;
		} else {
			printf("ok %d - %s\n", i + 1, t->name);
		}
	}
	return failed ? 1 : 0;
}
