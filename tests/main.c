/*
 * The unit-test runner. Suites come from tests/test_*.c (see Makefile);
 * CK_RUN_SUITE / CK_RUN_CASE select, CK_FORK=no runs in-process for gdb.
 * Exits non-zero on any failure, and also when no test ran, so that a
 * filter that matches nothing cannot pass for a green run.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#define SUITE(name) Suite *name##_suite(void);
#include "suites.inc"
#undef SUITE

int main(void)
{
	SRunner *sr = srunner_create(NULL);
#define SUITE(name) srunner_add_suite(sr, name##_suite());
#include "suites.inc"
#undef SUITE
	srunner_run_all(sr, CK_ENV);
	int ran = srunner_ntests_run(sr);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	printf("%d passed, %d failed\n", ran - failed, failed);
	if (ran == 0) {
		fprintf(stderr, "unit tests: no test ran\n");
		return 1;
	}
	return failed == 0 ? 0 : 1;
}
