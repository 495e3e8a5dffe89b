#include "node_config.h"
#include "profile.h"
#include "unit.h"

static int load_cfg(const char *text, struct node_config *c, struct cd_error *err)
{
	char *dir = unit_tmpdir(), path[4200];
	int r;

	unit_write(dir, "config.json", text);
	snprintf(path, sizeof(path), "%s/config.json", dir);
	r = node_config_load(path, c, err);
	unit_rmtree(dir);
	free(dir);
	return r;
}

START_TEST(node_config_good)
{
	struct node_config c;
	struct cd_error err;

	ck_assert_int_eq(load_cfg("{\"runtime\":\"/usr/sbin/runc\",\"selectable_profiles\":[\"baseline\"],"
				  "\"decision_log\":null}",
				  &c, &err),
			 0);
	ck_assert_str_eq(c.runtime, "/usr/sbin/runc");
	ck_assert_str_eq(c.default_profile, "restricted");
	ck_assert_str_eq(c.profile_dir, "/etc/clampdown/profiles");
	ck_assert_ptr_null(c.decision_log);
	ck_assert(node_config_selectable(&c, "baseline"));
	ck_assert(!node_config_selectable(&c, "restricted"));
	node_config_free(&c);
}
END_TEST

START_TEST(node_config_bad)
{
	static const struct {
		const char *text, *needle;
	} bad[] = {
		{ "{}", "runtime: required" },
		{ "{\"runtime\":\"runc\"}", "runtime: must be an absolute path" },
		{ "{\"runtime\":5}", "runtime: must be a string" },
		{ "{\"runtime\":\"/r\",\"profiles\":\"/x\"}", "profiles: unknown key" },
		{ "{\"runtime\":\"/r\",\"default_profile\":\"../etc/x\"}", "default_profile" },
		{ "{\"runtime\":\"/r\",\"selectable_profiles\":[\"a/b\"]}", "selectable_profiles" },
		{ "{\"runtime\":\"/r\",\"selectable_profiles\":\"a\"}", "selectable_profiles: must be an array" },
		{ "{\"runtime\":\"/r\",\"decision_log\":\"rel.log\"}", "decision_log" },
		{ "{\"runtime\":\"/r\",\"runtime\":\"/s\"}", "invalid JSON" },
		{ "[]", "must be a JSON object" },
		{ "{\"runtime\":\"/r\"", "invalid JSON" },
	};
	struct node_config c;
	struct cd_error err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(load_cfg(bad[i].text, &c, &err) < 0, "accepted %s", bad[i].text);
		ck_assert_msg(strstr(err.msg, bad[i].needle) && strstr(err.msg, "config.json"), "%s: %s", bad[i].text,
			      err.msg);
		node_config_free(&c);
	}
	ck_assert_int_lt(node_config_load("/nonexistent/config.json", &c, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "/nonexistent/config.json"));
}
END_TEST

START_TEST(runtime_must_not_be_self)
{
	struct node_config c = { .path = "cfg" };
	struct cd_error err;
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	ck_assert_int_gt(n, 0);
	self[n] = '\0';
	c.runtime = self;
	ck_assert_int_eq(node_config_check_runtime(&c, &err), -ELOOP);
	c.runtime = "/nonexistent/runc";
	ck_assert_int_lt(node_config_check_runtime(&c, &err), 0);
	c.runtime = "/etc/passwd";
	ck_assert_int_lt(node_config_check_runtime(&c, &err), 0);
	c.runtime = "/bin/true";
	ck_assert_int_eq(node_config_check_runtime(&c, &err), 0);
}
END_TEST

static int load_profile(const char *name, const char *text, struct profile *p, struct cd_error *err)
{
	char *dir = unit_tmpdir(), file[200];
	int r;

	snprintf(file, sizeof(file), "%s.json", name);
	unit_write(dir, file, text);
	r = profile_load(dir, name, p, err);
	unit_rmtree(dir);
	free(dir);
	return r;
}

START_TEST(shipped_profiles_load)
{
	static const char *const names[] = { "restricted", "baseline", "audit", NULL };
	struct profile p;
	struct cd_error err;

	for (int i = 0; names[i]; i++) {
		ck_assert_msg(profile_load("profiles", names[i], &p, &err) == 0, "%s", err.msg);
		size_t n = 0;

		while (rules_table[n])
			n++;
		ck_assert_uint_eq(p.nrules, n); /* every rule is set, none forgotten */
		profile_free(&p);
	}
}
END_TEST

#define P(rules) "{\"name\":\"t\",\"rules\":{" rules "}}"

START_TEST(profile_bad)
{
	static const struct {
		const char *text, *needle;
	} bad[] = {
		{ "{\"name\":\"other\",\"rules\":{}}", "name: \"other\" does not match" },
		{ "{\"name\":\"t\"}", "rules: required" },
		{ "{\"name\":\"t\",\"rules\":{},\"extra\":1}", "extra: unknown key" },
		{ P("\"usr\":{\"mode\":\"enforce\"}"), "rules.usr: unknown rule" },
		{ P("\"seccomp\":{\"mode\":\"enforce\",\"profile\":\"/etc/seccomp.json\"}"),
		  "rules.seccomp.profile: \"/etc/seccomp.json\" must be a path under the profile directory" },
		{ P("\"seccomp\":{\"mode\":\"enforce\",\"profile\":\"../x.json\"}"), "must be a path under" },
		{ P("\"seccomp\":{\"mode\":\"enforce\",\"profile\":\"missing.json\"}"),
		  "rules.seccomp.profile: missing.json" },
		{ P("\"seccomp\":{\"mode\":\"enforce\",\"filter\":\"x\"}"), "rules.seccomp.filter: unknown key" },
		{ P("\"seccomp\":{\"mode\":\"enforce\",\"architectures\":\"all\"}"),
		  "rules.seccomp.architectures: \"all\" is neither \"profile\" nor \"native\"" },
		{ P("\"user\":{\"mode\":\"enforced\",\"uid\":1}"), "rules.user.mode" },
		{ P("\"user\":{\"uid\":1}"), "rules.user.mode: required" },
		{ P("\"user\":{\"mode\":\"enforce\",\"uid\":0}"), "rules.user.uid: 0 is out of range" },
		{ P("\"user\":{\"mode\":\"enforce\",\"uid\":\"1\"}"), "rules.user.uid: must be an integer" },
		{ P("\"user\":{\"mode\":\"enforce\",\"uid\":1,\"gid\":4294967296}"), "rules.user.gid" },
		{ P("\"user\":{\"mode\":\"enforce\",\"uid\":1,\"name\":\"x\"}"), "rules.user.name: unknown key" },
		{ P("\"capabilities\":{\"mode\":\"enforce\",\"allow\":[\"NET_BIND_SERVIC\"]}"), "NET_BIND_SERVIC" },
		{ P("\"capabilities\":{\"mode\":\"enforce\",\"allow\":[1]}"), "rules.capabilities.allow" },
		{ P("\"capabilities\":{\"mode\":\"enforce\"}"), "rules.capabilities.allow: required" },
		{ P("\"readonly_rootfs\":{\"mode\":\"enforce\",\"tmpfs\":[{\"path\":\"tmp\",\"size\":\"1m\"}]}"),
		  "rules.readonly_rootfs.tmpfs[0].path" },
		{ P("\"readonly_rootfs\":{\"mode\":\"enforce\",\"tmpfs\":[{\"path\":\"/tmp\",\"size\":\"1q\"}]}"),
		  "rules.readonly_rootfs.tmpfs[0].size" },
		{ P("\"readonly_rootfs\":{\"mode\":\"enforce\",\"tmpfs\":[{\"path\":\"/..\",\"size\":\"1m\"}]}"),
		  "tmpfs[0].path" },
		{ P("\"resources\":{\"mode\":\"enforce\",\"memory\":\"lots\"}"), "rules.resources.memory" },
		{ P("\"resources\":{\"mode\":\"enforce\",\"memory\":\"99999999999999999999g\"}"),
		  "rules.resources.memory" },
		{ P("\"resources\":{\"mode\":\"enforce\",\"cpus\":-1}"), "rules.resources.cpus" },
		{ P("\"resources\":{\"mode\":\"enforce\",\"pids\":0}"), "rules.resources.pids" },
		{ P("\"no_new_privileges\":{\"mode\":\"enforce\",\"x\":1}"), "rules.no_new_privileges.x" },
		{ P("\"no_new_privileges\":{\"mode\":\"enforce\"},\"no_new_privileges\":{\"mode\":\"off\"}"),
		  "invalid JSON" },
	};
	struct profile p;
	struct cd_error err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(load_profile("t", bad[i].text, &p, &err) < 0, "accepted %s", bad[i].text);
		ck_assert_msg(strstr(err.msg, bad[i].needle) && strstr(err.msg, "t.json"), "%s: %s", bad[i].text,
			      err.msg);
	}
	ck_assert_int_lt(profile_load("profiles", "../profiles/restricted", &p, &err), 0);
	ck_assert_int_lt(profile_load("profiles", "missing", &p, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "missing.json"));
}
END_TEST

START_TEST(capability_spellings_in_profile)
{
	struct profile p;
	struct cd_error err;

	ck_assert_int_eq(load_profile("t",
				      P("\"capabilities\":{\"mode\":\"enforce\",\"allow\":[\"net_bind_service\","
					"\"CAP_CHOWN\",\"Kill\"]}"),
				      &p, &err),
			 0);
	profile_free(&p);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, node_config_good);
	tcase_add_test(tc, node_config_bad);
	tcase_add_test(tc, runtime_must_not_be_self);
	tcase_add_test(tc, shipped_profiles_load);
	tcase_add_test(tc, profile_bad);
	tcase_add_test(tc, capability_spellings_in_profile);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(suite());
}
