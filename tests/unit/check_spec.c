#include "bundle.h"
#include "json_text.h"
#include "spec_schema.h"
#include "unit.h"

static char *roundtrip(const char *in)
{
	struct cd_error err;
	json_t *j = NULL;
	char *out = NULL;
	size_t len = 0;

	ck_assert_msg(json_text_load(in, strlen(in), "t", &j, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(json_text_dump(j, &out, &len, &err), 0);
	ck_assert_uint_eq(strlen(out), len);
	json_decref(j);
	return out;
}

START_TEST(big_integers_round_trip)
{
	const char *in = "{\"swappiness\":18446744073709551615,\"rl\":[{\"hard\":18446744073709551615,"
			 "\"soft\":9223372036854775807}],\"neg\":-9223372036854775809,\"min\":-9223372036854775808,"
			 "\"s\":\"18446744073709551615\",\"r\":1.5}";
	char *out = roundtrip(in);

	ck_assert_str_eq(out, in);
	free(out);
}
END_TEST

START_TEST(big_integer_is_visible_as_such)
{
	struct cd_error err;
	json_t *j = NULL;

	ck_assert_int_eq(json_text_load("{\"a\":18446744073709551615,\"b\":5}", 32, "t", &j, &err), 0);
	ck_assert(json_text_is_bigint(json_object_get(j, "a")));
	ck_assert_str_eq(json_text_bigint_digits(json_object_get(j, "a")), "18446744073709551615");
	ck_assert(!json_text_is_bigint(json_object_get(j, "b")));
	json_decref(j);
}
END_TEST

START_TEST(refused_inputs)
{
	static const char *const bad[] = {
		"{\"a\":1,\"a\":2}",		     /* duplicate key */
		"{\"p\":{\"user\":{},\"user\":{}}}", /* duplicate nested */
		"{\"a\":\"x\\u0000y\"}",	     /* NUL escape */
		"{\"a\":1} x",			     /* trailing garbage */
		"{\"a\":012345678901234567890}",     /* leading zero big number */
		"{\"a\":1e99999}",		     /* real overflow */
		"{\"a\":",			     /* truncated */
		"{\"a\":\"\xff\"}",		     /* invalid UTF-8 */
		NULL,
	};
	struct cd_error err;
	json_t *j = NULL;

	for (int i = 0; bad[i]; i++)
		ck_assert_msg(json_text_load(bad[i], strlen(bad[i]), "t", &j, &err) < 0, "accepted %s", bad[i]);
	ck_assert_int_lt(json_text_load("{\"a\":1}\0", 8, "t", &j, &err), 0);
}
END_TEST

START_TEST(deep_nesting_refused)
{
	char buf[5000];
	struct cd_error err;
	json_t *j = NULL;
	size_t n = 0;

	for (int i = 0; i < 2049; i++)
		buf[n++] = '[';
	for (int i = 0; i < 2049; i++)
		buf[n++] = ']';
	ck_assert_int_lt(json_text_load(buf, n, "t", &j, &err), 0);
}
END_TEST

static int check_spec_text(const char *text, struct cd_error *err)
{
	json_t *j = NULL;
	int r = json_text_load(text, strlen(text), "config.json", &j, err);

	if (r == 0)
		r = spec_schema_check(j, &schema_spec, "config.json", err);
	json_decref(j);
	return r;
}

START_TEST(folded_keys_refused)
{
	static const char *const bad[] = {
		"{\"process\":{\"User\":{\"uid\":0}}}",
		"{\"process\":{\"USER\":{\"uid\":0}}}",
		"{\"process\":{\"u\xc5\xbf"
		"er\":{\"uid\":0}}}", /* long s */
		"{\"Process\":{}}",
		"{\"process\":{\"user\":{\"UID\":0}}}",
		"{\"process\":{\"capabilities\":{\"Bounding\":[]}}}",
		"{\"linux\":{\"resources\":{\"Memory\":{}}}}",
		"{\"linux\":{\"resources\":{\"pids\":{\"LIMIT\":-1}}}}",
		"{\"linux\":{\"namespaces\":[{\"TYPE\":\"pid\"}]}}",
		"{\"mounts\":[{\"Destination\":\"/x\"}]}",
		"{\"root\":{\"readOnly\":false}}",
		"{\"process\":{\"noNewPrivileges\":true,\"nonewprivileges\":false}}",
		"{\"linux\":{\"seccomp\":{\"syscalls\":[{\"Action\":\"SCMP_ACT_ALLOW\"}]}}}",
		"{\"hooks\":{\"preStart\":[]}}",
		"{\"linux\":{\"sysctl\":{},\"Sysctl\":{}}}",
		"{\"process\":{\"rlimits\":[{\"Hard\":1}]}}",
		"{\"linux\":{\"resources\":{\"memory\":{\"\xe2\x84\xaa"
		"ernel\":0}}}}", /* Kelvin sign */
		NULL,
	};
	struct cd_error err;

	for (int i = 0; bad[i]; i++)
		ck_assert_msg(check_spec_text(bad[i], &err) < 0, "accepted %s", bad[i]);
	ck_assert_ptr_nonnull(strstr(err.msg, "\"kernel\""));
}
END_TEST

START_TEST(map_keys_and_unknown_fields_are_free)
{
	struct cd_error err;

	/* annotations and unified are maps: any key is fine; unknown fields pass */
	ck_assert_int_eq(check_spec_text("{\"annotations\":{\"User\":\"x\",\"Process\":\"y\"},"
					 "\"linux\":{\"resources\":{\"unified\":{\"Memory.Max\":\"1\"}},"
					 "\"sysctl\":{\"User\":\"1\"}},\"process\":{\"user\":{\"uid\":1},"
					 "\"x-vendor\":{\"User\":1}},\"somethingElse\":{\"User\":1}}",
					 &err),
			 0);
}
END_TEST

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 1 << 16);

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_gt(fread(buf, 1, (1 << 16) - 1, f), 0);
	fclose(f);
	return buf;
}

START_TEST(bundle_save_atomic_keeps_mode)
{
	char *dir = unit_tmpdir(), path[4200], *text;
	struct bundle b;
	struct cd_error err;
	struct stat st;

	unit_write(dir, "config.json", "{\"process\":{\"rlimits\":[{\"hard\":18446744073709551615}]},\"x\":1}");
	snprintf(path, sizeof(path), "%s/config.json", dir);
	ck_assert_int_eq(chmod(path, 0640), 0);
	ck_assert_msg(bundle_load(dir, &b, &err) == 0, "%s", err.msg);
	json_object_set_new(b.spec, "y", json_true());
	ck_assert_msg(bundle_save(&b, &err) == 0, "%s", err.msg);
	bundle_close(&b);
	text = read_all(path);
	ck_assert_str_eq(text, "{\"process\":{\"rlimits\":[{\"hard\":18446744073709551615}]},\"x\":1,\"y\":true}");
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0640);
	free(text);
	/* nothing else left in the bundle */
	snprintf(path, sizeof(path), "test $(ls -A '%s' | wc -l) -eq 1", dir);
	ck_assert_int_eq(system(path), 0);
	unit_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(bundle_refuses_symlink_fifo_dir)
{
	char *dir = unit_tmpdir(), path[4200];
	struct bundle b;
	struct cd_error err;

	snprintf(path, sizeof(path), "%s/config.json", dir);
	ck_assert_int_eq(symlink("/etc/passwd", path), 0);
	ck_assert_int_lt(bundle_load(dir, &b, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "symbolic link"));
	bundle_close(&b);
	unlink(path);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_lt(bundle_load(dir, &b, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "not a regular file"));
	bundle_close(&b);
	unlink(path);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	ck_assert_int_lt(bundle_load(dir, &b, &err), 0);
	bundle_close(&b);
	rmdir(path);
	ck_assert_int_lt(bundle_load(dir, &b, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "config.json"));
	bundle_close(&b);
	unit_rmtree(dir);
	free(dir);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("spec");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, big_integers_round_trip);
	tcase_add_test(tc, big_integer_is_visible_as_such);
	tcase_add_test(tc, refused_inputs);
	tcase_add_test(tc, deep_nesting_refused);
	tcase_add_test(tc, folded_keys_refused);
	tcase_add_test(tc, map_keys_and_unknown_fields_are_free);
	tcase_add_test(tc, bundle_save_atomic_keeps_mode);
	tcase_add_test(tc, bundle_refuses_symlink_fifo_dir);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(suite());
}
