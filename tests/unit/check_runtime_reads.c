/*
 * What only the runtime reads: annotations (and the profile's allow-list),
 * cgroupsPath naming a cgroup with processes (one the test makes), exec
 * --cgroup, device rules on update, restore.
 */
#include <signal.h>
#include <sys/wait.h>

#include "ruletest.h"

START_TEST(annotations_allowed_by_key_or_prefix)
{
	struct result r;

	apply(P("\"annotations\":{\"mode\":\"enforce\",\"allow\":[\"run.oci.keep_original_groups\",\"org.systemd."
		"property."
		"CPU*\"]}"),
	      "{\"process\":{},\"annotations\":{\"run.oci.keep_original_groups\":\"1\",\"org.systemd.property."
	      "CPUWeight\":"
	      "\"10\",\"org.systemd.property.DeviceAllow\":\"x\",\"io.clampdown.profile\":\"restricted\","
	      "\"kubernetes.io/egress-bandwidth\":\"1M\"}}",
	      &r);
	ck_assert_msg(r.rc == 0, "%s", r.err.msg);
	ck_assert_ptr_nonnull(json_object_get(json_object_get(r.spec, "annotations"), "run.oci.keep_original_groups"));
	ck_assert_ptr_nonnull(
	    json_object_get(json_object_get(r.spec, "annotations"), "org.systemd.property.CPUWeight"));
	ck_assert_ptr_null(json_object_get(json_object_get(r.spec, "annotations"), "org.systemd.property.DeviceAllow"));
	/* clampdown's own and Kubernetes' stay */
	ck_assert_ptr_nonnull(json_object_get(json_object_get(r.spec, "annotations"), "io.clampdown.profile"));
	ck_assert_ptr_nonnull(
	    json_object_get(json_object_get(r.spec, "annotations"), "kubernetes.io/egress-bandwidth"));
	ck_assert_uint_eq(json_array_size(r.findings), 1);
	done(&r);
	apply(P("\"annotations\":{\"mode\":\"deny\"}"),
	      "{\"process\":{},\"annotations\":{\"run.oci.handler\":\"krun\"}}", &r);
	ck_assert_msg(r.rc == 0 && r.denied && strstr(r.deny, "annotations.run.oci.handler"), "%s", r.deny);
	done(&r);
}
END_TEST

START_TEST(annotations_allow_checked)
{
	char *dir = unit_tmpdir();
	struct cd_error err;
	struct profile p;

	unit_write(dir, "t.json", P("\"annotations\":{\"mode\":\"enforce\",\"allow\":[\"\"]}"));
	ck_assert_int_lt(profile_load(dir, "t", &p, &err), 0);
	ck_assert_msg(strstr(err.msg, "rules.annotations.allow: entry 0"), "%s", err.msg);
	unit_rmtree(dir);
	free(dir);
}
END_TEST

/* A cgroup of the test's own with a process of its own in it, in the first v1 hierarchy or v2. */
static char *victim_cgroup(pid_t *ret_pid, char *rel, size_t cap)
{
	static const char *const roots[] = { "/sys/fs/cgroup/pids", "/sys/fs/cgroup/unified", "/sys/fs/cgroup" };
	char procs[4400], pid[32];
	pid_t child;
	FILE *f;

	snprintf(rel, cap, "/clampdown-unit-%d", (int)getpid());
	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		char *dir = NULL;

		if (asprintf(&dir, "%s%s", roots[i], rel) < 0 || mkdir(dir, 0755) < 0) {
			free(dir);
			continue;
		}
		child = fork();
		ck_assert_int_ge(child, 0);
		if (child == 0) {
			pause();
			_exit(0);
		}
		snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
		f = fopen(procs, "w");
		ck_assert_ptr_nonnull(f);
		snprintf(pid, sizeof(pid), "%d\n", (int)child);
		fputs(pid, f);
		ck_assert_int_eq(fclose(f), 0);
		*ret_pid = child;
		return dir;
	}
	ck_abort_msg("no cgroup hierarchy to make a cgroup in");
	return NULL;
}

START_TEST(cgroups_path_of_a_populated_cgroup)
{
	char rel[128], spec[512];
	struct result r;
	pid_t child;
	char *dir = victim_cgroup(&child, rel, sizeof(rel));

	snprintf(spec, sizeof(spec), "{\"process\":{},\"linux\":{\"cgroupsPath\":\"%s\"}}", rel);
	apply(P("\"cgroup_path\":{\"mode\":\"enforce\"}"), spec, &r);
	ck_assert_msg(r.rc == 0 && r.denied && strstr(r.deny, "exists with processes in it"), "%s", r.deny);
	done(&r);
	/* relative: crun puts it below the root, runc below its own cgroup */
	snprintf(spec, sizeof(spec), "{\"process\":{},\"linux\":{\"cgroupsPath\":\"%s\"}}", rel + 1);
	apply(P("\"cgroup_path\":{\"mode\":\"enforce\"}"), spec, &r);
	ck_assert_msg(r.rc == 0 && r.denied, "%s", r.deny);
	done(&r);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	/* empty now: a container may take it */
	snprintf(spec, sizeof(spec), "{\"process\":{},\"linux\":{\"cgroupsPath\":\"%s\"}}", rel);
	apply(P("\"cgroup_path\":{\"mode\":\"enforce\"}"), spec, &r);
	ck_assert_msg(r.rc == 0 && !r.denied, "%s", r.deny);
	done(&r);
	ck_assert_int_eq(rmdir(dir), 0);
	free(dir);
	/* the systemd form names the scope the runtime makes: a new one is fine */
	apply(P("\"cgroup_path\":{\"mode\":\"enforce\"}"),
	      "{\"process\":{},\"linux\":{\"cgroupsPath\":\"system.slice:clampdown-unit:nonexistent\"}}", &r);
	ck_assert_msg(r.rc == 0 && !r.denied, "%s", r.deny);
	done(&r);
}
END_TEST

/* processes in a child cgroup populate the parent: the container would take them in */
START_TEST(cgroups_path_populated_below)
{
	char rel[128], spec[512], child_dir[4500], procs[4600], pid[32];
	struct result r;
	pid_t child;
	char *dir;
	FILE *f;

	snprintf(rel, sizeof(rel), "/clampdown-unit-below-%d", (int)getpid());
	if (asprintf(&dir, "/sys/fs/cgroup/pids%s", rel) < 0 || mkdir(dir, 0755) < 0)
		ck_abort_msg("cannot make %s", rel);
	snprintf(child_dir, sizeof(child_dir), "%s/child", dir);
	ck_assert_int_eq(mkdir(child_dir, 0755), 0);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		pause();
		_exit(0);
	}
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", child_dir);
	f = fopen(procs, "w");
	ck_assert_ptr_nonnull(f);
	snprintf(pid, sizeof(pid), "%d\n", (int)child);
	fputs(pid, f);
	ck_assert_int_eq(fclose(f), 0);
	snprintf(spec, sizeof(spec), "{\"process\":{},\"linux\":{\"cgroupsPath\":\"%s\"}}", rel);
	apply(P("\"cgroup_path\":{\"mode\":\"enforce\"}"), spec, &r);
	ck_assert_msg(r.rc == 0 && r.denied && strstr(r.deny, "or below it"), "%s", r.deny);
	done(&r);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	ck_assert_int_eq(rmdir(child_dir), 0);
	ck_assert_int_eq(rmdir(dir), 0);
	free(dir);
}
END_TEST

START_TEST(annotation_keys_with_equals)
{
	struct result r;

	apply(P("\"annotations\":{\"mode\":\"enforce\",\"allow\":[\"*\"]}"),
	      "{\"process\":{},\"annotations\":{\"org.criu.config=/tmp/x\":\"evil.conf\",\"a\":\"b\"}}", &r);
	ck_assert_msg(r.rc == 0, "%s", r.err.msg);
	ck_assert_ptr_null(json_object_get(json_object_get(r.spec, "annotations"), "org.criu.config=/tmp/x"));
	ck_assert_ptr_nonnull(json_object_get(json_object_get(r.spec, "annotations"), "a"));
	done(&r);
}
END_TEST

START_TEST(namespace_paths_must_be_namespaces_behind_trusted_directories)
{
	char *dir = unit_tmpdir(), spec[4600], p[4300];
	struct result r;

	unit_write(dir, "file", "");
	snprintf(spec, sizeof(spec),
		 "{\"process\":{},\"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":\"%s/file\"}]}}", dir);
	apply(P("\"host_namespaces\":{\"mode\":\"enforce\"}"), spec, &r);
	ck_assert_msg(r.rc < 0 && strstr(r.err.msg, "is not a namespace file"), "%s", r.err.msg);
	done(&r);
	/* a link to another process's namespace in a directory others can write: swappable before the runtime opens it */
	snprintf(p, sizeof(p), "%s/open", dir);
	ck_assert_int_eq(mkdir(p, 0777), 0);
	ck_assert_int_eq(chmod(p, 0777), 0);
	snprintf(p, sizeof(p), "%s/open/ns", dir);
	ck_assert_int_eq(symlink("/proc/self/ns/ipc", p), 0);
	snprintf(spec, sizeof(spec), "{\"process\":{},\"linux\":{\"namespaces\":[{\"type\":\"ipc\",\"path\":\"%s\"}]}}",
		 p);
	apply(P("\"host_namespaces\":{\"mode\":\"enforce\"}"), spec, &r);
	ck_assert_msg(r.rc < 0 && strstr(r.err.msg, "can be changed by others than root"), "%s", r.err.msg);
	done(&r);
	unit_rmtree(dir);
	free(dir);
}
END_TEST

static void with_args(const char *profile, char **argv, int argc, json_t *resources, struct result *res, char *out,
		      size_t cap)
{
	char *dir = unit_tmpdir();
	struct runc_args a;
	struct profile p;
	struct rule_ctx ctx = { 0 };
	char **rargv;

	memset(res, 0, sizeof(*res));
	res->findings = json_array();
	unit_write(dir, "t.json", profile);
	ck_assert_msg(profile_load(dir, "t", &p, &res->err) == 0, "%s", res->err.msg);
	ck_assert_msg(runc_args_parse(argc, argv, &a, &res->err) == 0, "%s", res->err.msg);
	ctx = (struct rule_ctx){ .findings = res->findings, .err = &res->err, .args = &a, .source = "t" };
	if (a.cmd == CMD_EXEC) {
		res->rc = profile_apply_exec_flags(&p, &ctx);
	} else if (resources) {
		ctx.resources = resources;
		res->rc = profile_apply(&p, SCOPE_UPDATE, &ctx);
	} else {
		ck_assert_int_eq(json_text_load("{\"process\":{}}", 14, "t", &res->spec, &res->err), 0);
		ctx.spec = res->spec;
		ctx.process = json_object_get(res->spec, "process");
		res->rc = profile_apply(&p, SCOPE_CONTAINER, &ctx);
	}
	res->denied = ctx.denied;
	snprintf(res->deny, sizeof(res->deny), "%s", ctx.deny_msg);
	rargv = runc_args_runtime_argv(&a, "runc");
	out[0] = 0;
	for (char **v = rargv; *v; v++)
		snprintf(out + strlen(out), cap - strlen(out), "%s%s", v == rargv ? "" : " ", *v);
	free(rargv);
	runc_args_free(&a);
	profile_free(&p);
	unit_rmtree(dir);
	free(dir);
}

START_TEST(exec_cgroup_dropped)
{
	char *argv[] = { "runc", "exec", "--cgroup", "../..", "--cgroup=pids:/x", "ctr", "sh", NULL };
	char *argv_p[] = { "runc", "exec", "-p", "/dev/null", "--cgroup", "..", "ctr", NULL };
	char out[512];
	struct result r;

	with_args(P("\"cgroup_path\":{\"mode\":\"enforce\"}"), argv, 7, NULL, &r, out, sizeof(out));
	ck_assert_msg(r.rc == 0 && !r.denied, "%s", r.err.msg);
	ck_assert_str_eq(out, "runc exec ctr sh");
	done(&r);
	with_args(P("\"cgroup_path\":{\"mode\":\"deny\"}"), argv_p, 7, NULL, &r, out, sizeof(out));
	ck_assert_msg(r.rc == 0 && r.denied && strstr(r.deny, "exec --cgroup"), "%s", r.deny);
	done(&r);
}
END_TEST

START_TEST(update_devices_removed)
{
	char *argv[] = { "runc", "update", "-r", "-", "ctr", NULL };
	json_t *res = json_pack("{s:[{s:b, s:s}], s:{s:I}}", "devices", "allow", 1, "access", "rwm", "pids", "limit",
				(json_int_t)10);
	char out[512];
	struct result r;

	with_args(P("\"resources\":{\"mode\":\"enforce\",\"pids\":100}"), argv, 5, res, &r, out, sizeof(out));
	ck_assert_msg(r.rc == 0, "%s", r.err.msg);
	ck_assert_ptr_null(json_object_get(res, "devices"));
	ck_assert_ptr_nonnull(json_object_get(res, "pids"));
	json_decref(res);
	done(&r);
}
END_TEST

START_TEST(restore_refused)
{
	char *argv[] = { "runc", "restore", "--image-path", "/tmp/x", "ctr", NULL };
	char out[512];
	struct result r;

	with_args(P("\"restore\":{\"mode\":\"deny\"}"), argv, 5, NULL, &r, out, sizeof(out));
	ck_assert_msg(r.rc == 0 && r.denied && strstr(r.deny, "rule restore"), "%s", r.deny);
	done(&r);
	with_args(P("\"restore\":{\"mode\":\"enforce\"}"), argv, 5, NULL, &r, out, sizeof(out));
	ck_assert_msg(r.rc == 0 && r.denied, "%s", r.deny);
	done(&r);
	with_args(P("\"restore\":{\"mode\":\"off\"}"), argv, 5, NULL, &r, out, sizeof(out));
	ck_assert(r.rc == 0 && !r.denied);
	done(&r);
}
END_TEST

/* without a cgroupsPath, crun takes /<id> (runc <its own>/<id>): an id naming a populated cgroup */
START_TEST(default_cgroup_of_the_id)
{
	char rel[128], id[128], out[512];
	char *argv[] = { "runc", "create", id, NULL };
	struct result r;
	pid_t child;
	char *dir = victim_cgroup(&child, rel, sizeof(rel));

	snprintf(id, sizeof(id), "%s", rel + 1);
	with_args(P("\"cgroup_path\":{\"mode\":\"enforce\"}"), argv, 3, NULL, &r, out, sizeof(out));
	ck_assert_msg(r.rc == 0 && r.denied && strstr(r.deny, "none given: the runtime would use"), "%s", r.deny);
	done(&r);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	with_args(P("\"cgroup_path\":{\"mode\":\"enforce\"}"), argv, 3, NULL, &r, out, sizeof(out));
	ck_assert_msg(r.rc == 0 && !r.denied, "%s", r.deny);
	done(&r);
	ck_assert_int_eq(rmdir(dir), 0);
	free(dir);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("runtime_reads");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, annotations_allowed_by_key_or_prefix);
	tcase_add_test(tc, annotations_allow_checked);
	tcase_add_test(tc, cgroups_path_of_a_populated_cgroup);
	tcase_add_test(tc, exec_cgroup_dropped);
	tcase_add_test(tc, update_devices_removed);
	tcase_add_test(tc, restore_refused);
	tcase_add_test(tc, cgroups_path_populated_below);
	tcase_add_test(tc, annotation_keys_with_equals);
	tcase_add_test(tc, default_cgroup_of_the_id);
	tcase_add_test(tc, namespace_paths_must_be_namespaces_behind_trusted_directories);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(suite());
}
