/* Shared helpers for the Check suites. */
#ifndef CLAMPDOWN_UNIT_H
#define CLAMPDOWN_UNIT_H

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A fresh directory under /tmp for one test. */
static inline char *unit_tmpdir(void)
{
	char *d = strdup("/tmp/clampdown-unit-XXXXXX");

	ck_assert_ptr_nonnull(mkdtemp(d));
	return d;
}

static inline void unit_write(const char *dir, const char *name, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static inline void unit_rmtree(const char *dir)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Run one suite; the exit status tells make whether it failed. */
static inline int unit_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#define UNIT_TEST(suite, tc, fn) tcase_add_test(tc, fn)

#endif
