#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>

#include <time.h>

#include "arena.h"
#include "fsutil.h"
#include "json_text.h"
#include "pathutil.h"
#include "units.h"
#include "unit.h"

START_TEST(sizes)
{
	int64_t v;

	ck_assert_int_eq(units_parse_size("512", &v), 0);
	ck_assert_int_eq(v, 512);
	ck_assert_int_eq(units_parse_size("64m", &v), 0);
	ck_assert_int_eq(v, 64 << 20);
	ck_assert_int_eq(units_parse_size("1G", &v), 0);
	ck_assert_int_eq(v, 1 << 30);
	ck_assert_int_eq(units_parse_size("2kb", &v), 0);
	ck_assert_int_eq(v, 2048);
	ck_assert_int_eq(units_parse_size("8t", &v), 0);
	ck_assert_int_eq(v, 8LL << 40);
	ck_assert_int_lt(units_parse_size("", &v), 0);
	ck_assert_int_lt(units_parse_size("m", &v), 0);
	ck_assert_int_lt(units_parse_size("-1m", &v), 0);
	ck_assert_int_lt(units_parse_size("1.5g", &v), 0);
	ck_assert_int_lt(units_parse_size("1 g", &v), 0);
	ck_assert_int_lt(units_parse_size("1mm", &v), 0);
	ck_assert_int_lt(units_parse_size("9999999t", &v), 0);
	ck_assert_int_lt(units_parse_size("99999999999999999999", &v), 0);
}
END_TEST

START_TEST(integers)
{
	int64_t v;

	ck_assert_int_eq(units_parse_i64("-5", &v), 0);
	ck_assert_int_eq(v, -5);
	ck_assert_int_lt(units_parse_i64(" 5", &v), 0);
	ck_assert_int_lt(units_parse_i64("+5", &v), 0);
	ck_assert_int_lt(units_parse_i64("5x", &v), 0);
	ck_assert_int_lt(units_parse_i64("", &v), 0);
	ck_assert_int_lt(units_parse_i64("9223372036854775808", &v), 0);
}
END_TEST

START_TEST(paths)
{
	char out[64];

	static const char *const cases[][2] = {
		{ "/tmp", "/tmp" },
		{ "/tmp/", "/tmp" },
		{ "//tmp//x/", "/tmp/x" },
		{ "tmp", "/tmp" },
		{ "/a/../tmp", "/tmp" },
		{ "/../../tmp", "/tmp" },
		{ "/./tmp/.", "/tmp" },
		{ "/", "/" },
		{ "", "/" },
		{ "/a/b/../../..", "/" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(path_clean_abs(cases[i][0], out, sizeof(out)), 0);
		ck_assert_str_eq(out, cases[i][1]);
	}
	ck_assert_int_lt(path_clean_abs("/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
					out, sizeof(out)),
			 0);
	ck_assert(path_is_under("/tmp/x", "/tmp"));
	ck_assert(path_is_under("/tmp", "/tmp"));
	ck_assert(!path_is_under("/tmpx", "/tmp"));
	ck_assert(path_is_under("/anything", "/"));
}
END_TEST

/* Check forks per test: the arena stays in this test's process. */
START_TEST(jansson_on_the_arena)
{
	json_t *root, *big, *arr, *back;
	struct cd_error err;
	char *text, *pad = malloc(100001);
	size_t len;

	arena_for_jansson();
	memset(pad, 'x', 100000);
	pad[100000] = '\0';
	root = json_object();
	arr = json_array();
	ck_assert_int_eq(json_object_set_new(root, "list", arr), 0);
	/* small values from blocks, across many of them; each aligned for any type */
	for (int i = 0; i < 20000; i++) {
		json_t *v = json_integer(i);

		ck_assert_uint_eq((uintptr_t)v % alignof(max_align_t), 0);
		ck_assert_int_eq(json_array_append_new(arr, v), 0);
	}
	/* a large one on its own, freed when its value is */
	big = json_string(pad);
	ck_assert_ptr_nonnull(big);
	ck_assert_int_eq(json_object_set_new(root, "big", big), 0);
	ck_assert_int_eq(json_object_set_new(root, "gone", json_string(pad)), 0);
	ck_assert_int_eq(json_object_del(root, "gone"), 0);
	ck_assert_int_eq(json_text_dump(root, &text, &len, &err), 0);
	/* the same tree read back (also from the arena) */
	ck_assert_int_eq(json_text_load(text, len, "arena", &back, &err), 0);
	ck_assert(json_equal(root, back));
	ck_assert_int_eq(strncmp(text, "{\"list\":[0,1,2,", 15), 0);
	ck_assert_int_eq(json_string_length(json_object_get(back, "big")), 100000);
	json_decref(back);
	free(text);
	json_decref(root);
	free(pad);
}
END_TEST

/* Opening checks the file before any read; a read starts at 0 and must find the size opened. */
START_TEST(files)
{
	char *dir = unit_tmpdir(), *text = NULL;
	struct cd_error err;
	struct timespec now;
	struct stat st;
	size_t len;
	int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC), fd;

	unit_write(dir, "f", "0123456789");
	ck_assert_int_eq(symlinkat("f", dfd, "link"), 0);
	ck_assert_int_eq(mkdirat(dfd, "d", 0700), 0);
	ck_assert_int_eq(fs_open_at(dfd, "link", true, 100, &st, &err), -ELOOP);
	ck_assert_int_eq(fs_open_at(dfd, "d", true, 100, &st, &err), -EINVAL);
	ck_assert_int_eq(fs_open_at(dfd, "f", true, 9, &st, &err), -EFBIG);
	ck_assert_int_eq(fs_open_at(dfd, "none", true, 100, &st, &err), -ENOENT);
	fd = fs_open_at(dfd, "f", true, 100, &st, &err);
	ck_assert_int_ge(fd, 0);
	ck_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	ck_assert_int_eq(lseek(fd, 4, SEEK_SET), 4);
	ck_assert_int_eq(fs_read_opened(fd, "f", &st, &text, &len, &err), 0);
	ck_assert_str_eq(text, "0123456789");
	free(text);
	unit_write(dir, "f", "012345678");
	ck_assert_int_eq(fs_read_opened(fd, "f", &st, &text, &len, &err), -EAGAIN);
	close(fd);
	close(dfd);
	unit_rmtree(dir);
	free(dir);
	/* known by identity only once its last change is over a second old, and never from the future */
	clock_gettime(CLOCK_REALTIME, &now);
	st.st_ctim = now;
	ck_assert(!fs_settled(&st));
	st.st_ctim.tv_sec = now.tv_sec - 1;
	ck_assert(!fs_settled(&st));
	st.st_ctim.tv_sec = now.tv_sec - 3;
	ck_assert(fs_settled(&st));
	st.st_ctim.tv_sec = now.tv_sec + 100;
	ck_assert(!fs_settled(&st));
}
END_TEST

/* Log text jansson would refuse: a character cut at the end is dropped, other stray bytes become '?'. */
START_TEST(messages_survive_bad_utf8)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain \xc3\xa9t\xc3\xa9", "plain \xc3\xa9t\xc3\xa9" },
		{ "cut \xc3", "cut " },
		{ "cut \xe2\x82", "cut " },
		{ "cut \xf0\x9f\x98", "cut " },
		{ "id\xff\xfe.1", "id??.1" },
		{ "lone \xa9 tail", "lone ? tail" },
		{ "overlong \xc0\xaf", "overlong ??" },
		{ "surrogate \xed\xa0\x80", "surrogate ???" },
		{ "lead then ascii \xc3x", "lead then ascii ?x" },
	};
	json_t *v;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v = json_text_message(cases[i].in);
		ck_assert_ptr_nonnull(v);
		ck_assert_str_eq(json_string_value(v), cases[i].out);
		json_decref(v);
	}
	ck_assert_ptr_null(json_text_message(NULL));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, sizes);
	tcase_add_test(tc, integers);
	tcase_add_test(tc, paths);
	tcase_add_test(tc, jansson_on_the_arena);
	tcase_add_test(tc, files);
	tcase_add_test(tc, messages_survive_bad_utf8);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(suite());
}
