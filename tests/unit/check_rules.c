#include "ruletest.h"

/* Applying the same profile to its own output changes nothing. */
static void assert_idempotent(const char *profile, struct result *r)
{
	char *once = dump(r->spec);
	struct result again;
	char *twice;

	apply(profile, once, &again);
	ck_assert_int_eq(again.rc, 0);
	ck_assert_msg(!again.changed, "second pass changed: %s", json_dumps(again.findings, 0));
	twice = dump(again.spec);
	ck_assert_str_eq(once, twice);
	free(once);
	free(twice);
	done(&again);
}

START_TEST(user_enforce)
{
	struct result r;

	apply(P(USER("enforce")), "{\"process\":{\"user\":{\"uid\":0,\"gid\":0,\"additionalGids\":[10,0,0,20]}}}", &r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert(r.changed);
	ck_assert_int_eq(int_at(r.spec, "process.user.uid"), 1000);
	ck_assert_int_eq(int_at(r.spec, "process.user.gid"), 1001);
	ck_assert_str_eq(json_dumps(at(r.spec, "process.user.additionalGids"), JSON_COMPACT), "[10,20]");
	assert_idempotent(P(USER("enforce")), &r);
	done(&r);
	/* absent user and uid: runc reads them as 0 */
	apply(P(USER("enforce")), "{\"process\":{}}", &r);
	ck_assert_int_eq(int_at(r.spec, "process.user.uid"), 1000);
	done(&r);
	/* a non-root uid with gid 0 */
	apply(P(USER("enforce")), "{\"process\":{\"user\":{\"uid\":5,\"gid\":0}}}", &r);
	ck_assert_int_eq(int_at(r.spec, "process.user.uid"), 5);
	ck_assert_int_eq(int_at(r.spec, "process.user.gid"), 1001);
	done(&r);
}
END_TEST

START_TEST(user_deny_audit_and_bad_types)
{
	struct result r;

	apply(P(USER("deny")), "{\"process\":{\"user\":{\"uid\":0}}}", &r);
	ck_assert(r.denied);
	ck_assert_ptr_nonnull(strstr(r.deny, "process.user.uid"));
	done(&r);
	apply(P(USER("deny")), "{\"process\":{\"user\":{\"uid\":7,\"gid\":7,\"additionalGids\":[0]}}}", &r);
	ck_assert(r.denied);
	done(&r);
	apply(P(USER("audit")), "{\"process\":{\"user\":{\"uid\":0}}}", &r);
	ck_assert(!r.denied && !r.changed);
	ck_assert_int_eq(int_at(r.spec, "process.user.uid"), 0);
	ck_assert_uint_ge(json_array_size(r.findings), 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(r.findings, 0), "action")), "audited");
	done(&r);
	/* types runc would also refuse must not be misread */
	apply(P(USER("enforce")), "{\"process\":{\"user\":{\"uid\":0.0}}}", &r);
	ck_assert_int_lt(r.rc, 0);
	done(&r);
	apply(P(USER("enforce")), "{\"process\":{\"user\":{\"uid\":18446744073709551616}}}", &r);
	ck_assert_int_lt(r.rc, 0);
	ck_assert_ptr_nonnull(strstr(r.err.msg, "process.user.uid"));
	done(&r);
	apply(P(USER("enforce")), "{\"process\":{\"user\":{\"uid\":4294967296}}}", &r);
	ck_assert_int_lt(r.rc, 0);
	done(&r);
	apply(P(USER("enforce")), "{\"process\":{\"user\":\"root\"}}", &r);
	ck_assert_int_lt(r.rc, 0);
	done(&r);
}
END_TEST

static const char *caps_spec =
    "{\"process\":{\"user\":{\"uid\":0},\"capabilities\":{"
    "\"bounding\":[\"CAP_SYS_ADMIN\",\"CAP_NET_BIND_SERVICE\",\"cap_sys_module\",\"CAP_CHOWN\",\"CAP_CHOWN\"],"
    "\"effective\":[\"CAP_SYS_ADMIN\"],\"permitted\":[\"CAP_NET_BIND_SERVICE\",\"CAP_SYS_PTRACE\"],"
    "\"inheritable\":[\"CAP_DAC_OVERRIDE\"],\"ambient\":[\"CAP_SYS_ADMIN\",5]}}}";

START_TEST(capabilities_all_five_sets)
{
	struct result r;

	apply(P(CAPS("enforce")), caps_spec, &r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_str_eq(json_dumps(at(r.spec, "process.capabilities.bounding"), JSON_COMPACT),
			 "[\"CAP_CHOWN\",\"CAP_NET_BIND_SERVICE\"]");
	ck_assert_str_eq(json_dumps(at(r.spec, "process.capabilities.effective"), JSON_COMPACT), "[]");
	ck_assert_str_eq(json_dumps(at(r.spec, "process.capabilities.permitted"), JSON_COMPACT),
			 "[\"CAP_NET_BIND_SERVICE\"]");
	ck_assert_str_eq(json_dumps(at(r.spec, "process.capabilities.inheritable"), JSON_COMPACT), "[]");
	ck_assert_str_eq(json_dumps(at(r.spec, "process.capabilities.ambient"), JSON_COMPACT), "[]");
	assert_idempotent(P(CAPS("enforce")), &r);
	done(&r);
	apply(P(CAPS("deny")), "{\"process\":{\"capabilities\":{\"ambient\":[\"CAP_SYS_ADMIN\"]}}}", &r);
	ck_assert(r.denied);
	ck_assert_ptr_nonnull(strstr(r.deny, "ambient"));
	done(&r);
}
END_TEST

START_TEST(capabilities_absent_means_all)
{
	struct result r;

	apply(P(CAPS("enforce")), "{\"process\":{\"user\":{\"uid\":0}}}", &r);
	ck_assert(r.changed);
	ck_assert_str_eq(json_dumps(at(r.spec, "process.capabilities.bounding"), JSON_COMPACT),
			 "[\"CAP_CHOWN\",\"CAP_NET_BIND_SERVICE\"]");
	ck_assert_str_eq(json_dumps(at(r.spec, "process.capabilities.ambient"), JSON_COMPACT), "[]");
	assert_idempotent(P(CAPS("enforce")), &r);
	done(&r);
	apply(P(CAPS("deny")), "{\"process\":{\"capabilities\":null}}", &r);
	ck_assert(r.denied);
	done(&r);
}
END_TEST

START_TEST(capabilities_non_root_get_ambient)
{
	struct result r;

	/* the user rule runs first, so the capability rule sees uid 1000 */
	apply(P(USER("enforce") "," CAPS("enforce")),
	      "{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_NET_BIND_SERVICE\",\"CAP_KILL\"],"
	      "\"effective\":[\"CAP_NET_BIND_SERVICE\",\"CAP_KILL\"],\"permitted\":[\"CAP_NET_BIND_SERVICE\","
	      "\"CAP_KILL\"]}}}",
	      &r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_str_eq(json_dumps(at(r.spec, "process.capabilities.ambient"), JSON_COMPACT),
			 "[\"CAP_NET_BIND_SERVICE\"]");
	ck_assert_str_eq(json_dumps(at(r.spec, "process.capabilities.inheritable"), JSON_COMPACT),
			 "[\"CAP_NET_BIND_SERVICE\"]");
	assert_idempotent(P(USER("enforce") "," CAPS("enforce")), &r);
	done(&r);
	/* missing ambient is no violation: deny mode does not refuse it */
	apply(P(CAPS("deny")),
	      "{\"process\":{\"user\":{\"uid\":5},\"capabilities\":{\"bounding\":[\"CAP_CHOWN\"],"
	      "\"effective\":[\"CAP_CHOWN\"],\"permitted\":[\"CAP_CHOWN\"]}}}",
	      &r);
	ck_assert(!r.denied);
	done(&r);
}
END_TEST

START_TEST(no_new_privileges)
{
	struct result r;

	apply(P(NNP("enforce")), "{\"process\":{\"noNewPrivileges\":false}}", &r);
	ck_assert(json_is_true(at(r.spec, "process.noNewPrivileges")));
	assert_idempotent(P(NNP("enforce")), &r);
	done(&r);
	apply(P(NNP("enforce")), "{\"process\":{}}", &r);
	ck_assert(json_is_true(at(r.spec, "process.noNewPrivileges")));
	done(&r);
	apply(P(NNP("deny")), "{\"process\":{}}", &r);
	ck_assert(r.denied);
	done(&r);
	apply(P(NNP("enforce")), "{\"process\":{\"noNewPrivileges\":\"true\"}}", &r);
	ck_assert_int_lt(r.rc, 0);
	done(&r);
	apply(P(NNP("deny")), "{\"process\":{\"noNewPrivileges\":true}}", &r);
	ck_assert(!r.denied && !r.changed);
	ck_assert_uint_eq(json_array_size(r.findings), 0);
	done(&r);
}
END_TEST

START_TEST(readonly_rootfs_and_tmpfs)
{
	struct result r;
	json_t *m;

	apply(
	    P(USER("enforce") "," ROOTFS("enforce")),
	    "{\"process\":{},\"root\":{\"path\":\"rootfs\"},\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\"},"
	    "{\"destination\":\"/tmp//data/\",\"type\":\"bind\",\"source\":\"/srv\"}]}",
	    &r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert(json_is_true(at(r.spec, "root.readonly")));
	/* inserted before the mount below /tmp, which it would otherwise hide */
	m = json_array_get(json_object_get(r.spec, "mounts"), 1);
	ck_assert_str_eq(json_string_value(json_object_get(m, "destination")), "/tmp");
	ck_assert_str_eq(json_dumps(json_object_get(m, "options"), JSON_COMPACT),
			 "[\"nosuid\",\"nodev\",\"noexec\",\"mode=1777\",\"size=67108864\",\"uid=1000\",\"gid=1001\"]");
	assert_idempotent(P(USER("enforce") "," ROOTFS("enforce")), &r);
	done(&r);
	/* an existing /tmp mount (any spelling) is kept */
	apply(P(ROOTFS("enforce")), "{\"process\":{},\"mounts\":[{\"destination\":\"/tmp/./\",\"type\":\"bind\"}]}",
	      &r);
	ck_assert_uint_eq(json_array_size(json_object_get(r.spec, "mounts")), 1);
	done(&r);
	apply(P(ROOTFS("deny")), "{\"process\":{},\"root\":{\"path\":\"r\",\"readonly\":false}}", &r);
	ck_assert(r.denied);
	done(&r);
	apply(P(ROOTFS("enforce")), "{\"process\":{},\"root\":{\"readonly\":1}}", &r);
	ck_assert_int_lt(r.rc, 0);
	done(&r);
}
END_TEST

START_TEST(resources_set_and_clamp)
{
	struct result r;

	apply(P(RES("enforce")), "{\"process\":{}}", &r);
	ck_assert_int_eq(int_at(r.spec, "linux.resources.memory.limit"), 512 << 20);
	ck_assert_int_eq(int_at(r.spec, "linux.resources.cpu.quota"), 50000);
	ck_assert_int_eq(int_at(r.spec, "linux.resources.cpu.period"), 100000);
	ck_assert_int_eq(int_at(r.spec, "linux.resources.pids.limit"), 100);
	assert_idempotent(P(RES("enforce")), &r);
	done(&r);
	/* -1 (unlimited) and larger values are clamped; smaller ones kept */
	apply(P(RES("enforce")),
	      "{\"process\":{},\"linux\":{\"resources\":{\"memory\":{\"limit\":-1,\"swap\":-1},"
	      "\"cpu\":{\"quota\":-1,\"period\":200000},\"pids\":{\"limit\":-1}}}}",
	      &r);
	ck_assert_int_eq(int_at(r.spec, "linux.resources.memory.limit"), 512 << 20);
	ck_assert_int_eq(int_at(r.spec, "linux.resources.memory.swap"), 512 << 20);
	ck_assert_int_eq(int_at(r.spec, "linux.resources.cpu.quota"), 100000);
	ck_assert_int_eq(int_at(r.spec, "linux.resources.pids.limit"), 100);
	done(&r);
	apply(P(RES("enforce")),
	      "{\"process\":{},\"linux\":{\"resources\":{\"memory\":{\"limit\":1048576},"
	      "\"cpu\":{\"quota\":10000},\"pids\":{\"limit\":5}}}}",
	      &r);
	ck_assert(!r.changed);
	ck_assert_int_eq(int_at(r.spec, "linux.resources.memory.limit"), 1048576);
	done(&r);
	apply(P(RES("deny")), "{\"process\":{},\"linux\":{\"resources\":{\"pids\":{\"limit\":0}}}}", &r);
	ck_assert(r.denied);
	done(&r);
	apply(P(RES("enforce")),
	      "{\"process\":{},\"linux\":{\"resources\":{\"memory\":{\"limit\":9223372036854775808}}}}", &r);
	ck_assert_int_lt(r.rc, 0);
	done(&r);
}
END_TEST

START_TEST(resources_unified_cannot_undo)
{
	struct result r;
	json_t *u;

	apply(P(RES("enforce")),
	      "{\"process\":{},\"linux\":{\"resources\":{\"unified\":{\"memory.max\":\"max\","
	      "\"pids.max\":\"max\",\"cpu.max\":\"max 100000\",\"memory.swap.max\":\"max\",\"memory.high\":\"max\","
	      "\"io.weight\":\"100\"}}}}",
	      &r);
	ck_assert_int_eq(r.rc, 0);
	u = at(r.spec, "linux.resources.unified");
	ck_assert_str_eq(json_string_value(json_object_get(u, "memory.max")), "536870912");
	ck_assert_str_eq(json_string_value(json_object_get(u, "pids.max")), "100");
	ck_assert_str_eq(json_string_value(json_object_get(u, "cpu.max")), "50000 100000");
	ck_assert_str_eq(json_string_value(json_object_get(u, "memory.swap.max")), "0");
	ck_assert_str_eq(json_string_value(json_object_get(u, "memory.high")), "max");
	assert_idempotent(P(RES("enforce")), &r);
	done(&r);
	/* other spellings of big values */
	apply(P(RES("enforce")),
	      "{\"process\":{},\"linux\":{\"resources\":{\"unified\":{\"memory.max\":\"1G\","
	      "\"pids.max\":\" 5\",\"cpu.max\":\"900000\"}}}}",
	      &r);
	u = at(r.spec, "linux.resources.unified");
	ck_assert_str_eq(json_string_value(json_object_get(u, "memory.max")), "536870912");
	ck_assert_str_eq(json_string_value(json_object_get(u, "pids.max")), "100");
	ck_assert_str_eq(json_string_value(json_object_get(u, "cpu.max")), "50000 100000");
	done(&r);
	apply(P(RES("enforce")), "{\"process\":{},\"linux\":{\"resources\":{\"unified\":{\"../pids.max\":\"max\"}}}}",
	      &r);
	ck_assert_int_lt(r.rc, 0);
	done(&r);
	apply(P(RES("deny")),
	      "{\"process\":{},\"linux\":{\"resources\":{\"memory\":{\"limit\":1048576},\"cpu\":"
	      "{\"quota\":1000},\"pids\":{\"limit\":5},\"unified\":{\"pids.max\":\"max\"}}}}",
	      &r);
	ck_assert(r.denied);
	ck_assert_ptr_nonnull(strstr(r.deny, "unified.pids.max"));
	done(&r);
}
END_TEST

START_TEST(rules_run_in_table_order)
{
	struct result r;

	/* profile lists capabilities before user; the result is the same */
	apply(P(CAPS("enforce") "," USER("enforce")), "{\"process\":{\"user\":{\"uid\":0}}}", &r);
	ck_assert_str_eq(json_dumps(at(r.spec, "process.capabilities.ambient"), JSON_COMPACT),
			 "[\"CAP_CHOWN\",\"CAP_NET_BIND_SERVICE\"]");
	done(&r);
}
END_TEST

/* A field or reason cut at its buffer's end inside a UTF-8 sequence: the finding is logged, trimmed, never lost. */
START_TEST(findings_keep_text_cut_mid_character)
{
	struct rule_ctx ctx = { .findings = json_array(), .rule = "sysctls", .mode = MODE_ENFORCE };
	char field[65], longer[1000] = "";
	const json_t *f;

	for (int i = 0; i < 300; i++)
		strcat(longer, "\xc3\xa9"); /* é */
	/* 13 + 2k bytes: the 65-byte buffer keeps 64, one byte of the last character */
	snprintf(field, sizeof(field), "linux.sysctl.%s", longer);
	ck_assert_int_eq((unsigned char)field[63], 0xc3);
	ck_assert(rule_finding(&ctx, field, NULL, json_string("x"), "%s", longer));
	ck_assert_uint_eq(json_array_size(ctx.findings), 1);
	f = json_array_get(ctx.findings, 0);
	ck_assert_uint_eq(strlen(json_string_value(json_object_get(f, "field"))), 63);
	/* the 384-byte reason buffer keeps 383 bytes: 191 characters and half of one */
	ck_assert_uint_eq(strlen(json_string_value(json_object_get(f, "reason"))), 382);
	ck_assert_str_eq(json_string_value(json_object_get(f, "after")), "x");
	ck_assert_str_eq(json_string_value(json_object_get(f, "action")), "rewritten");
	ck_assert(json_is_null(json_object_get(f, "before")));
	ck_assert(ctx.changed);
	json_decref(ctx.findings);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("rules");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, user_enforce);
	tcase_add_test(tc, user_deny_audit_and_bad_types);
	tcase_add_test(tc, capabilities_all_five_sets);
	tcase_add_test(tc, capabilities_absent_means_all);
	tcase_add_test(tc, capabilities_non_root_get_ambient);
	tcase_add_test(tc, no_new_privileges);
	tcase_add_test(tc, readonly_rootfs_and_tmpfs);
	tcase_add_test(tc, resources_set_and_clamp);
	tcase_add_test(tc, resources_unified_cannot_undo);
	tcase_add_test(tc, rules_run_in_table_order);
	tcase_add_test(tc, findings_keep_text_cut_mid_character);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(suite());
}
