/*
 * The apparmor and selinux rules. This machine has neither LSM, so the rules
 * read a fake sysfs/securityfs tree (lsm_root) that says what a host with
 * them says; the "not there" path is also the one every e2e run takes.
 */
#include "lsm.h"
#include "ruletest.h"
#include "runc_args.h"

#define AA(mode) "\"apparmor\":{\"mode\":\"" mode "\",\"profile\":\"clampdown-default\"}"
#define SE(mode) "\"selinux\":{\"mode\":\"" mode "\",\"type\":\"container_t\"}"

static char *fake_root(bool apparmor, bool selinux)
{
	char *d = unit_tmpdir(), cmd[4200];

	snprintf(cmd, sizeof(cmd),
		 "mkdir -p %s/sys/module/apparmor/parameters %s/sys/kernel/security/apparmor %s/sys/fs/selinux", d, d,
		 d);
	ck_assert_int_eq(system(cmd), 0);
	unit_write(d, "sys/module/apparmor/parameters/enabled", apparmor ? "Y\n" : "N\n");
	unit_write(d, "sys/kernel/security/apparmor/profiles",
		   "docker-default (enforce)\nclampdown-default (enforce)\nclampdown-default-x (complain)\n");
	if (selinux)
		unit_write(d, "sys/fs/selinux/enforce", "1");
	lsm_root = d;
	return d;
}

static const char *str_at(json_t *spec, const char *path)
{
	return json_string_value(at(spec, path));
}

static bool warned(json_t *findings, const char *text)
{
	json_t *f;
	size_t i;

	json_array_foreach(findings, i, f)
		if (json_is_string(json_object_get(f, "warning")) &&
		    strstr(json_string_value(json_object_get(f, "warning")), text))
			return true;
	return false;
}

START_TEST(not_there_is_skipped_with_a_warning)
{
	char *d = fake_root(false, false);
	struct result r;

	apply(P(AA("enforce") "," SE("enforce")), "{\"process\":{\"args\":[\"sh\"]}}", &r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert(!r.changed);
	ck_assert(warned(r.findings, "AppArmor is not enabled"));
	ck_assert(warned(r.findings, "SELinux is not enabled"));
	done(&r);
	unit_rmtree(d);
	free(d);
}
END_TEST

START_TEST(apparmor_unconfined_gets_the_profile)
{
	static const char *const unconfined[] = { "{\"args\":[\"sh\"]}", "{\"args\":[\"sh\"],\"apparmorProfile\":\"\"}",
						  "{\"args\":[\"sh\"],\"apparmorProfile\":\"unconfined\"}" };
	char *d = fake_root(true, false), spec[256];
	struct result r;

	for (size_t i = 0; i < 3; i++) {
		snprintf(spec, sizeof(spec), "{\"process\":%s}", unconfined[i]);
		apply(P(AA("enforce")), spec, &r);
		ck_assert_msg(r.rc == 0, "%s", r.err.msg);
		ck_assert_str_eq(str_at(r.spec, "process.apparmorProfile"), "clampdown-default");
		done(&r);
		apply(P(AA("deny")), spec, &r);
		ck_assert(r.denied);
		ck_assert_msg(strstr(r.deny, "process.apparmorProfile") != NULL, "%s", r.deny);
		done(&r);
	}
	/* another loaded profile is the container's choice */
	apply(P(AA("deny")), "{\"process\":{\"args\":[\"sh\"],\"apparmorProfile\":\"docker-default\"}}", &r);
	ck_assert(!r.denied);
	ck_assert(!r.changed);
	done(&r);
	unit_rmtree(d);
	free(d);
}
END_TEST

START_TEST(apparmor_profile_not_loaded_is_skipped)
{
	char *d = fake_root(true, false);
	struct result r;

	/* a prefix of a loaded profile's name is not that profile */
	apply(P("\"apparmor\":{\"mode\":\"deny\",\"profile\":\"clampdown\"}"), "{\"process\":{\"args\":[\"sh\"]}}", &r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert(!r.denied);
	ck_assert(warned(r.findings, "\"clampdown\" is not loaded"));
	done(&r);
	unit_rmtree(d);
	free(d);
}
END_TEST

START_TEST(selinux_unconfined_types_replaced)
{
	static const struct {
		const char *label, *want;
	} cases[] = {
		{ "", "system_u:system_r:container_t:s0" },
		{ "system_u:system_r:spc_t:s0:c1,c2", "system_u:system_r:container_t:s0:c1,c2" },
		{ "unconfined_u:unconfined_r:unconfined_t:s0", "unconfined_u:unconfined_r:container_t:s0" },
		{ "system_u:system_r", "system_u:system_r:container_t:s0" },
		{ "system_u:system_r:svirt_lxc_net_t:s0:c5", "system_u:system_r:svirt_lxc_net_t:s0:c5" },
	};
	char *d = fake_root(false, true), spec[256];
	struct result r;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(spec, sizeof(spec), "{\"process\":{\"args\":[\"sh\"],\"selinuxLabel\":\"%s\"}}",
			 cases[i].label);
		apply(P(SE("enforce")), spec, &r);
		ck_assert_msg(r.rc == 0, "%s", r.err.msg);
		ck_assert_str_eq(str_at(r.spec, "process.selinuxLabel"), cases[i].want);
		done(&r);
	}
	unit_rmtree(d);
	free(d);
}
END_TEST

/* exec flags through the rules, as harden.c runs them; returns the runtime's argv joined. */
static void exec_with(const char *profile, bool crun, char **argv, int argc, char *out, size_t cap)
{
	char *dir = unit_tmpdir();
	struct runc_args a;
	struct profile p;
	struct cd_error err = { 0 };
	json_t *findings = json_array();
	struct rule_ctx ctx = { .findings = findings, .err = &err, .crun = crun, .source = "exec flags" };
	char **rargv;

	unit_write(dir, "t.json", profile);
	ck_assert_msg(profile_load(dir, "t", &p, &err) == 0, "%s", err.msg);
	ck_assert_msg(runc_args_parse(argc, argv, &a, &err) == 0, "%s", err.msg);
	ctx.args = &a;
	ck_assert_msg(profile_apply_exec_flags(&p, &ctx) == 0, "%s", err.msg);
	rargv = runc_args_runtime_argv(&a, "runc");
	out[0] = 0;
	for (char **v = rargv; *v; v++)
		snprintf(out + strlen(out), cap - strlen(out), "%s%s", v == rargv ? "" : " ", *v);
	free(rargv);
	profile_free(&p);
	json_decref(findings);
	unit_rmtree(dir);
	free(dir);
}

START_TEST(exec_label_flags)
{
	char *d = fake_root(true, true), out[512];
	char *aa[] = { "clampdown", "exec", "--apparmor", "unconfined", "id", "sh", NULL };
	char *aa_ok[] = { "clampdown", "exec", "--apparmor=docker-default", "id", "sh", NULL };
	char *se[] = { "clampdown", "exec", "--process-label", "system_u:system_r:spc_t:s0", "id", "sh", NULL };
	char *none[] = { "clampdown", "exec", "id", "sh", NULL };

	exec_with(P(AA("enforce") "," SE("enforce")), false, aa, 6, out, sizeof(out));
	ck_assert_str_eq(out, "runc exec --apparmor=clampdown-default id sh");
	exec_with(P(AA("enforce") "," SE("enforce")), false, aa_ok, 5, out, sizeof(out));
	ck_assert_str_eq(out, "runc exec --apparmor=docker-default id sh");
	exec_with(P(AA("enforce") "," SE("enforce")), false, se, 6, out, sizeof(out));
	ck_assert_str_eq(out, "runc exec --process-label=system_u:system_r:container_t:s0 id sh");
	/* runc's exec keeps the container's labels; crun's is given them */
	exec_with(P(AA("enforce") "," SE("enforce")), false, none, 4, out, sizeof(out));
	ck_assert_str_eq(out, "runc exec id sh");
	exec_with(P(AA("enforce") "," SE("enforce")), true, none, 4, out, sizeof(out));
	ck_assert_str_eq(
	    out, "runc exec --apparmor=clampdown-default --process-label=system_u:system_r:container_t:s0 id sh");
	/* deny: refused, nothing added */
	exec_with(P(AA("deny")), false, aa, 6, out, sizeof(out));
	ck_assert_str_eq(out, "runc exec --apparmor unconfined id sh");
	unit_rmtree(d);
	free(d);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("lsm");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, not_there_is_skipped_with_a_warning);
	tcase_add_test(tc, apparmor_unconfined_gets_the_profile);
	tcase_add_test(tc, apparmor_profile_not_loaded_is_skipped);
	tcase_add_test(tc, selinux_unconfined_types_replaced);
	tcase_add_test(tc, exec_label_flags);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
