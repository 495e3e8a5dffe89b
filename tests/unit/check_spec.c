#include "bundle.h"
#include "json_diff.h"
#include "jget.h"
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

/* A value already serialised goes out as its text, and is no string to the rules. */
START_TEST(raw_value_written_as_its_text)
{
	struct cd_error err;
	json_t *j = json_pack("{s:o, s:i}", "seccomp", json_text_raw("{\"a\":[1,\"x\"]}", 13), "n", 2);
	const char *s = NULL;
	char *text;
	size_t len;

	ck_assert(json_text_is_verbatim(json_object_get(j, "seccomp")));
	ck_assert(!json_text_is_bigint(json_object_get(j, "seccomp")));
	ck_assert_int_ne(jget_string(j, "seccomp", true, &(struct jpath){ "t", "" }, &s, &err), 0);
	ck_assert_int_eq(json_text_dump(j, &text, &len, &err), 0);
	ck_assert_str_eq(text, "{\"seccomp\":{\"a\":[1,\"x\"]},\"n\":2}");
	free(text);
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

static json_t *on_path(const char *text, const char *const *path, int want)
{
	struct cd_error err = { 0 };
	json_t *j = NULL;
	int r = json_text_load_path(text, strlen(text), "t", path, &j, &err);

	ck_assert_msg(r == want, "%s: %d (%s)", text, r, err.msg);
	return j;
}

/* Only the member on the path is built; the rest is checked as strictly. */
START_TEST(path_reader_keeps_one_member)
{
	static const char *const labels[] = { "config", "labels", NULL }, *const ann[] = { "annotations", NULL };
	json_t *j;
	char *text;

	j = on_path("{\"id\":\"x\",\"config\":{\"mounts\":[{}],\"labels\":[\"a=b\"],\"z\":1.5},\"n\":null}", labels, 0);
	ck_assert_int_eq(json_text_dump(j, &text, &(size_t){ 0 }, &(struct cd_error){ 0 }), 0);
	ck_assert_str_eq(text, "{\"config\":{\"labels\":[\"a=b\"]}}");
	free(text);
	json_decref(j);
	/* not there, or under something else than an object: left out */
	j = on_path("{\"config\":[1]}", labels, 0);
	ck_assert_uint_eq(json_object_size(j), 0);
	json_decref(j);
	j = on_path("[{\"annotations\":{}}]", ann, 0);
	ck_assert_uint_eq(json_object_size(j), 0);
	json_decref(j);
	/* refused off the path as on it: bad UTF-8, a bad number, trailing garbage, a scalar root, depth */
	on_path("{\"x\":\"\xff\",\"annotations\":{}}", ann, -EINVAL);
	on_path("{\"x\":01,\"annotations\":{}}", ann, -EINVAL);
	on_path("{\"annotations\":{}} x", ann, -EINVAL);
	on_path("\"annotations\"", ann, -EINVAL);
	on_path("{\"annotations\":{},\"annotations\":{}}", ann, -EINVAL);
	/* duplicates off the path are not built, so not refused */
	json_decref(on_path("{\"x\":1,\"x\":2,\"annotations\":{\"k\":\"v\"}}", ann, 0));
}
END_TEST

/* runc's state.json (30 KB of libcontainer config): its labels, and nothing else, as the whole reader reads them. */
START_TEST(path_reader_on_runc_state)
{
	static const char *const labels[] = { "config", "labels", NULL };
	FILE *in = fopen("tests/fixtures/state/runc-state.json", "r");
	char text[65536];
	size_t len;
	json_t *part = NULL, *whole = NULL;
	struct cd_error err;

	ck_assert_ptr_nonnull(in);
	len = fread(text, 1, sizeof(text), in);
	fclose(in);
	ck_assert_int_eq(json_text_load(text, len, "t", &whole, &err), 0);
	ck_assert_int_eq(json_text_load_path(text, len, "t", labels, &part, &err), 0);
	ck_assert_uint_eq(json_object_size(part), 1);
	ck_assert_uint_eq(json_object_size(json_object_get(part, "config")), 1);
	ck_assert(json_equal(json_object_get(json_object_get(part, "config"), "labels"),
			     json_object_get(json_object_get(whole, "config"), "labels")));
	ck_assert_str_eq(
	    json_string_value(json_array_get(json_object_get(json_object_get(part, "config"), "labels"), 1)),
	    "io.clampdown.profile=baseline");
	ck_assert(!json_path_diff(text, len));
	json_decref(part);
	json_decref(whole);
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
	/* and off the path, where nothing is built: an object and 2048 arrays in it */
	n = 0;
	memcpy(buf, "{\"x\":", 5);
	n = 5;
	for (int i = 0; i < 2048; i++)
		buf[n++] = '[';
	for (int i = 0; i < 2048; i++)
		buf[n++] = ']';
	buf[n++] = '}';
	ck_assert_int_lt(json_text_load_path(buf, n, "t", (const char *const[]){ "a", NULL }, &j, &err), 0);
	ck_assert_msg(strstr(err.msg, "maximum parsing depth"), "%s", err.msg);
	/* one level less is accepted */
	memmove(buf + 5, buf + 6, n - 6), n -= 2, buf[n - 1] = '}';
	ck_assert_int_eq(json_text_load_path(buf, n, "t", (const char *const[]){ "a", NULL }, &j, &err), 0);
	json_decref(j);
}
END_TEST

/* Edge cases of the grammar, each read by json_text and by jansson alike. */
START_TEST(json_agrees_with_jansson)
{
	static const char *const cases[] = {
		"{}",
		"[]",
		" \t\r\n{ } \n",
		"{\"a\":[]}",
		"[[[]]]",
		"[1,]",
		"[,1]",
		"{\"a\":1,}",
		"{,}",
		"{\"a\" 1}",
		"{1:2}",
		"{\"a\":}",
		"[01]",
		"[-01]",
		"[-]",
		"[1.]",
		"[.5]",
		"[1e]",
		"[1e+]",
		"[1E-2]",
		"[-0]",
		"[-0.0]",
		"[0e0]",
		"[1.5e308]",
		"[1e309]",
		"[-1e309]",
		"[1e-400]",
		"[123456789.123456789e-3]",
		"[9223372036854775807]",
		"[-9223372036854775808]",
		"[0.1,0.2,1e22,1e21,1e-7,5e-324,100.0]",
		"[true,false,null]",
		"[tru]",
		"[nul]",
		"[truex]",
		"[True]",
		"[\"\\/\\b\\f\\n\\r\\t\\\"\\\\\"]",
		"[\"\\x\"]",
		"[\"\\u00e9\"]",
		"[\"\\u00E9\\u20ac\"]",
		"[\"\\ud83d\\ude00\"]",
		"[\"\\ud83d\"]",
		"[\"\\ude00\"]",
		"[\"\\ud83dx\"]",
		"[\"\\ud83d\\u0041\"]",
		"[\"\\u12\"]",
		"[\"\\u12g4\"]",
		"[\"\x01\"]",
		"[\"\x1f\"]",
		"[\"\x7f\"]",
		"[\"tab\there\"]",
		"[\"\xc3\xa9\"]",
		"[\"\xc0\xaf\"]",
		"[\"\xc3\"]",
		"[\"\xe2\x82\xac\"]",
		"[\"\xe0\x80\xaf\"]",
		"[\"\xed\xa0\x80\"]",
		"[\"\xf0\x9f\x98\x80\"]",
		"[\"\xf4\x90\x80\x80\"]",
		"[\"\xf5\x80\x80\x80\"]",
		"[\"\x80\"]",
		"[\"abcdefgh\xc3\xa9ijklmnop\"]",
		"[\"abcdefghijklmnopqrstuvwxyz0123456789\"]",
		"{\"\\u0041\":1,\"A\":2}",
		"{\"a\\n\":{\"b\":[1,{}]}}",
		"\"x\"",
		"1",
		"null",
		"",
		"   ",
		"{\"a\":1}}",
		"{\"a\":1} {}",
		"\xef\xbb\xbf{}",
		"[\"abc",
		"[\"abc\\",
		"{\"a\"",
		"{\"a\":1",
		"[1",
		"[\"a\",",
		NULL,
	};

	for (int i = 0; cases[i]; i++) {
		const char *why = json_diff(cases[i], strlen(cases[i])) ?: json_path_diff(cases[i], strlen(cases[i]));

		ck_assert_msg(!why, "%s: %s", cases[i], why);
	}
}
END_TEST

#define FIXTURES "tests/fixtures" /* suites run from the top of the tree */

/* Every fixture, hostile or not, read by json_text and by jansson alike. */
START_TEST(json_fixtures_agree_with_jansson)
{
	FILE *f = popen("ls " FIXTURES "/*.json " FIXTURES "/hostile/*.json", "r");
	char path[4096];
	int n = 0;

	ck_assert_ptr_nonnull(f);
	while (fgets(path, sizeof(path), f)) {
		char *text;
		size_t len;
		FILE *in;

		path[strcspn(path, "\n")] = '\0';
		in = fopen(path, "r");
		ck_assert_ptr_nonnull(in);
		ck_assert_int_eq(fseek(in, 0, SEEK_END), 0);
		len = (size_t)ftell(in);
		rewind(in);
		text = malloc(len + 1);
		ck_assert_uint_eq(fread(text, 1, len, in), len);
		fclose(in);
		ck_assert_msg(!json_diff(text, len), "%s: %s", path, json_diff(text, len));
		ck_assert_msg(!json_path_diff(text, len), "%s: %s", path, json_path_diff(text, len));
		free(text);
		n++;
	}
	pclose(f);
	ck_assert_int_gt(n, 30);
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

START_TEST(folded_keys_renamed)
{
	static const char *const cases[][2] = {
		{ "{\"process\":{\"User\":{\"uid\":0}}}", "{\"process\":{\"user\":{\"uid\":0}}}" },
		{ "{\"process\":{\"USER\":{\"UID\":0}}}", "{\"process\":{\"user\":{\"uid\":0}}}" },
		{ "{\"process\":{\"u\xc5\xbf"
		  "er\":{\"uid\":0}}}",
		  "{\"process\":{\"user\":{\"uid\":0}}}" }, /* long s */
		{ "{\"Process\":{\"args\":[]}}", "{\"process\":{\"args\":[]}}" },
		{ "{\"linux\":{\"resources\":{\"CPU\":{\"cpus\":\"0\"}}}}",
		  "{\"linux\":{\"resources\":{\"cpu\":{\"cpus\":\"0\"}}}}" },
		{ "{\"linux\":{\"resources\":{\"memory\":{\"\xe2\x84\xaa"
		  "ernel\":0}}}}", /* Kelvin sign */
		  "{\"linux\":{\"resources\":{\"memory\":{\"kernel\":0}}}}" },
		{ "{\"root\":{\"readOnly\":false}}", "{\"root\":{\"readonly\":false}}" },
	};
	struct cd_error err;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *j = NULL;
		char *out = NULL;
		size_t n;

		ck_assert_int_eq(json_text_load(cases[i][0], strlen(cases[i][0]), "t", &j, &err), 0);
		ck_assert_msg(spec_schema_check(j, &schema_spec, "config.json", &err) > 0, "%s", cases[i][0]);
		ck_assert_int_eq(json_text_dump(j, &out, &n, &err), 0);
		ck_assert_str_eq(out, cases[i][1]);
		free(out);
		json_decref(j);
	}
	/* a renamed field's value is checked as that field */
	ck_assert_int_lt(check_spec_text("{\"process\":{\"User\":{\"uid\":\"0\"}}}", &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "process.user.uid: must be"));
}
END_TEST

START_TEST(two_spellings_merged_as_go_does)
{
	static const char *const cases[][2] = {
		/* objects merge key by key, the later spelling winning */
		{ "{\"linux\":{\"resources\":{\"cpu\":{\"shares\":100,\"cpus\":\"0\"},\"CPU\":{\"Cpus\":\"1\",\"Mems\":"
		  "\"0\"}}}}",
		  "{\"linux\":{\"resources\":{\"cpu\":{\"shares\":100,\"cpus\":\"1\",\"mems\":\"0\"}}}}" },
		{ "{\"process\":{\"User\":{\"uid\":0},\"user\":{\"uid\":1}}}", "{\"process\":{\"user\":{\"uid\":1}}}" },
		{ "{\"process\":{\"user\":{\"uid\":1},\"User\":{\"uid\":0}}}", "{\"process\":{\"user\":{\"uid\":0}}}" },
		{ "{\"process\":{\"User\":{\"uid\":0},\"USER\":{\"gid\":1}}}",
		  "{\"process\":{\"user\":{\"uid\":0,\"gid\":1}}}" },
		/* anything else: the later replaces */
		{ "{\"process\":{\"noNewPrivileges\":true,\"nonewprivileges\":false}}",
		  "{\"process\":{\"noNewPrivileges\":false}}" },
		{ "{\"process\":{\"args\":[\"a\"],\"Args\":[\"b\"]}}", "{\"process\":{\"args\":[\"b\"]}}" },
		{ "{\"process\":{\"User\":null,\"user\":{\"uid\":1}}}", "{\"process\":{\"user\":{\"uid\":1}}}" },
	};
	struct cd_error err;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *j = NULL;
		char *out = NULL;
		size_t n;

		ck_assert_int_eq(json_text_load(cases[i][0], strlen(cases[i][0]), "t", &j, &err), 0);
		ck_assert_msg(spec_schema_check(j, &schema_spec, "config.json", &err) > 0, "%s: %s", cases[i][0],
			      err.msg);
		ck_assert_int_eq(json_text_dump(j, &out, &n, &err), 0);
		ck_assert_str_eq(out, cases[i][1]);
		free(out);
		json_decref(j);
	}
	/* a null after a value: Go would clear a pointer but not a struct value */
	ck_assert_int_lt(check_spec_text("{\"process\":{\"user\":{\"uid\":1},\"User\":null}}", &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "is null after another spelling"));
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
	tcase_add_test(tc, raw_value_written_as_its_text);
	tcase_add_test(tc, refused_inputs);
	tcase_add_test(tc, deep_nesting_refused);
	tcase_add_test(tc, path_reader_keeps_one_member);
	tcase_add_test(tc, path_reader_on_runc_state);
	tcase_add_test(tc, json_agrees_with_jansson);
	tcase_add_test(tc, json_fixtures_agree_with_jansson);
	tcase_add_test(tc, folded_keys_renamed);
	tcase_add_test(tc, two_spellings_merged_as_go_does);
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
