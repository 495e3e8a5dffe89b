/*
 * Hostile config.json files, one per way around a rule. Each must be
 * neutralised in enforce mode (checked in the rewritten JSON) and refused in
 * deny mode; a few are malformed and refused in every mode.
 */
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>

#include "ruletest.h"

#define NS_ALL                                                                                                    \
	"[{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},{\"type\":\"mount\"},{" \
	"\"type\":\"cgroup\"}]"
#define NS_WITH(x)                                                                                                    \
	"[{\"type\":\"network\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},{\"type\":\"mount\"},{\"type\":\"cgroup\"}," x \
	"]"
#define MOUNTS_RULE                                                                                                \
	"\"host_mounts\":{\"mode\":\"%s\",\"sensitive\":[\"/\",\"/etc\",\"/proc\",\"/run/containerd\",\"/var/run/" \
	"docker.sock\"],\"writable\":[\"/data\"]}"
#define BIND(src)                                                                                    \
	"{\"process\":{},\"mounts\":[{\"destination\":\"/host\",\"type\":\"bind\",\"source\":\"" src \
	"\",\"options\":[\"rbind\"]}]}"
#define CAPS_RULE_FMT "\"capabilities\":{\"mode\":\"%s\",\"allow\":[\"NET_BIND_SERVICE\"]}"
#define DEVRULES(x)   "{\"process\":{},\"linux\":{\"resources\":{\"devices\":" x "}}}"

#define PRIVILEGED                                                                                                 \
	"{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_SYS_ADMIN\",\"CAP_CHOWN\"],\"effective\":[\"CAP_SYS_" \
	"ADMIN\"]}},"                                                                                              \
	"\"linux\":{\"devices\":[{\"path\":\"/dev/"                                                                \
	"sda\",\"type\":\"b\",\"major\":8,\"minor\":0}],\"resources\":{\"devices\":[{\"allow\":true,\"access\":"   \
	"\"rwm\"}]}},"                                                                                             \
	"\"mounts\":[{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\",\"options\":[\"rw\"]}]}"

#define MASKED_ALL                                                                                                \
	"[\"/proc/acpi\",\"/proc/asound\",\"/proc/interrupts\",\"/proc/kcore\",\"/proc/keys\",\"/proc/"           \
	"latency_stats\",\"/proc/sched_debug\",\"/proc/scsi\",\"/proc/timer_list\",\"/proc/timer_stats\",\"/sys/" \
	"devices/virtual/powercap\",\"/sys/firmware\"]"
#define RO_ALL "[\"/proc/bus\",\"/proc/fs\",\"/proc/irq\",\"/proc/sys\",\"/proc/sysrq-trigger\"]"

struct hostile {
	const char *name;
	const char *rule; /* with %s for the mode */
	const char *spec;
	const char *after_has;	 /* enforce: the rewritten JSON contains this */
	const char *after_lacks; /* enforce: and not this */
	bool unfixable;		 /* refused even in enforce mode */
};

static const struct hostile cases[] = {
	/* host namespaces */
	{ "pid namespace missing", "\"host_namespaces\":{\"mode\":\"%s\"}",
	  "{\"process\":{},\"linux\":{\"namespaces\":[{\"type\":\"network\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},{"
	  "\"type\":\"mount\"},{\"type\":\"cgroup\"}]}}",
	  "{\"type\":\"pid\"}", NULL, false },
	{ "pid namespace by /proc/self/ns/pid (the runtime's)", "\"host_namespaces\":{\"mode\":\"%s\"}",
	  "{\"process\":{},\"linux\":{\"namespaces\":" NS_WITH(
	      "{\"type\":\"pid\",\"path\":\"/proc/self/ns/pid\"}") "}}",
	  NULL, "/proc/self", false },
	{ "pid namespace by another spelling of the host's", "\"host_namespaces\":{\"mode\":\"%s\"}",
	  "{\"process\":{},\"linux\":{\"namespaces\":" NS_WITH(
	      "{\"type\":\"pid\",\"path\":\"/proc/self/task/../ns/pid\"}") "}}",
	  NULL, "/proc/self", false },
	{ "host network by /proc/self/ns/net", "\"host_namespaces\":{\"mode\":\"%s\"}",
	  "{\"process\":{},\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\",\"path\":\"/proc/self/"
	  "ns/net\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},{\"type\":\"mount\"},{\"type\":\"cgroup\"}]}}",
	  NULL, NULL, true },
	{ "no network namespace", "\"host_namespaces\":{\"mode\":\"%s\"}",
	  "{\"process\":{},\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},{"
	  "\"type\":\"mount\"},{\"type\":\"cgroup\"}]}}",
	  NULL, NULL, true },
	{ "no namespaces at all", "\"host_namespaces\":{\"mode\":\"%s\"}", "{\"process\":{}}", NULL, NULL, true },
	/* host mounts */
	{ "bind of /", MOUNTS_RULE, BIND("/"), NULL, "\"/host\"", false },
	{ "bind of /etc/../etc", MOUNTS_RULE, BIND("/etc/../etc"), NULL, "\"/host\"", false },
	{ "bind of /etc/ssl (under /etc)", MOUNTS_RULE, BIND("/etc/ssl"), NULL, "\"/host\"", false },
	{ "bind of /run (holds /run/containerd, there or not yet)", MOUNTS_RULE, BIND("/run"), NULL, "\"/host\"",
	  false },
	{ "bind of /proc/self/root", MOUNTS_RULE, BIND("/proc/self/root"), NULL, "\"/host\"", false },
	{ "bind by option with type none", MOUNTS_RULE,
	  "{\"process\":{},\"mounts\":[{\"destination\":\"/host\",\"type\":\"none\",\"source\":\"/"
	  "etc\",\"options\":[\"bind\",\"rw\"]}]}",
	  NULL, "\"/host\"", false },
	{ "block device mounted as ext4", MOUNTS_RULE,
	  "{\"process\":{},\"mounts\":[{\"destination\":\"/disk\",\"type\":\"ext4\",\"source\":\"/dev/sda1\"}]}", NULL,
	  "/dev/sda1", false },
	{ "rshared bind of a harmless path", MOUNTS_RULE,
	  "{\"process\":{},\"mounts\":[{\"destination\":\"/srv\",\"type\":\"bind\",\"source\":\"/"
	  "srv\",\"options\":[\"rbind\",\"rshared\",\"rw\"]}]}",
	  "[\"rbind\",\"rprivate\",\"nosuid\",\"nodev\",\"ro\"]", "rshared", false },
	{ "rshared root propagation", MOUNTS_RULE, "{\"process\":{},\"linux\":{\"rootfsPropagation\":\"rshared\"}}",
	  "\"rootfsPropagation\":\"rprivate\"", NULL, false },
	{ "nosuid undone by a later suid", MOUNTS_RULE,
	  "{\"process\":{},\"mounts\":[{\"destination\":\"/srv\",\"type\":\"bind\",\"source\":\"/"
	  "srv\",\"options\":[\"rbind\",\"nosuid\",\"nodev\",\"ro\",\"suid\",\"dev\",\"rw\"]}]}",
	  "[\"rbind\",\"nosuid\",\"nodev\",\"ro\"]", "suid\",\"dev", false },
	{ "ro undone by a later rw on sysfs", "\"masked_paths\":{\"mode\":\"%s\"}",
	  "{\"process\":{},\"linux\":{\"maskedPaths\":" MASKED_ALL ",\"readonlyPaths\":" RO_ALL
	  "},\"mounts\":[{\"destination\":\"/"
	  "sys\",\"type\":\"sysfs\",\"source\":\"sysfs\",\"options\":[\"ro\",\"rw\"]}]}",
	  "[\"ro\"]", "\"rw\"", false },
	/* devices */
	{ "host disk as a device node", "\"devices\":{\"mode\":\"%s\"}",
	  "{\"process\":{},\"linux\":{\"devices\":[{\"path\":\"/dev/"
	  "sda\",\"type\":\"b\",\"major\":8,\"minor\":0}],\"resources\":{\"devices\":[{\"allow\":false,\"access\":"
	  "\"rwm\"}]}}}",
	  "\"devices\":[]", "/dev/sda", false },
	{ "/dev/null that is really sda", "\"devices\":{\"mode\":\"%s\"}",
	  "{\"process\":{},\"linux\":{\"devices\":[{\"path\":\"/dev/"
	  "null\",\"type\":\"b\",\"major\":8,\"minor\":0}],\"resources\":{\"devices\":[{\"allow\":false,\"access\":"
	  "\"rwm\"}]}}}",
	  NULL, "\"major\":8", false },
	{ "allow-all device cgroup", "\"devices\":{\"mode\":\"%s\"}", DEVRULES("[{\"allow\":true,\"access\":\"rwm\"}]"),
	  "\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3",
	  "\"allow\":true,\"access\"", false },
	{ "no device cgroup rules", "\"devices\":{\"mode\":\"%s\"}", "{\"process\":{}}",
	  "\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,",
	  NULL, false },
	{ "block device allowed after deny-all", "\"devices\":{\"mode\":\"%s\"}",
	  DEVRULES("[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"b\",\"major\":8,\"minor\":0,"
		   "\"access\":\"rw\"}]"),
	  NULL, "\"type\":\"b\"", false },
	{ "wildcard char devices", "\"devices\":{\"mode\":\"%s\"}",
	  DEVRULES("[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"access\":\"rwm\"}]"), NULL,
	  "\"type\":\"c\",\"access\"", false },
	/* masked paths, read-only kernel filesystems */
	{ "no masked paths", "\"masked_paths\":{\"mode\":\"%s\"}",
	  "{\"process\":{},\"linux\":{\"maskedPaths\":[],\"readonlyPaths\":[]}}", "\"/proc/kcore\"", NULL, false },
	{ "writable sysfs", "\"masked_paths\":{\"mode\":\"%s\"}",
	  "{\"process\":{},\"mounts\":[{\"destination\":\"/"
	  "sys\",\"type\":\"sysfs\",\"source\":\"sysfs\",\"options\":[\"nosuid\",\"rw\"]}]}",
	  "[\"nosuid\",\"ro\"]", "\"rw\"", false },
	{ "writable cgroupfs", "\"masked_paths\":{\"mode\":\"%s\"}",
	  "{\"process\":{},\"mounts\":[{\"destination\":\"/sys/fs/"
	  "cgroup\",\"type\":\"cgroup\",\"source\":\"cgroup\"}]}",
	  "[\"ro\"]", NULL, false },
	/* sysctls */
	{ "kernel.core_pattern", "\"sysctls\":{\"mode\":\"%s\"}",
	  "{\"process\":{},\"linux\":{\"sysctl\":{\"kernel.core_pattern\":\"|/tmp/"
	  "x\",\"net.ipv4.tcp_syncookies\":\"1\"}}}",
	  "{\"net.ipv4.tcp_syncookies\":\"1\"}", "core_pattern", false },
	{ "kernel/core_pattern with slashes", "\"sysctls\":{\"mode\":\"%s\"}",
	  "{\"process\":{},\"linux\":{\"sysctl\":{\"kernel/core_pattern\":\"|/tmp/x\"}}}", "\"sysctl\":{}",
	  "core_pattern", false },
	{ "net.ipv4.ip_forward", "\"sysctls\":{\"mode\":\"%s\"}",
	  "{\"process\":{},\"linux\":{\"sysctl\":{\"net.ipv4.ip_forward\":\"1\"}}}", NULL, "ip_forward", false },
	/* rlimits */
	{ "NOFILE of 2^64-1", "\"rlimits\":{\"mode\":\"%s\",\"max\":{\"RLIMIT_NOFILE\":4096}}",
	  "{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":18446744073709551615,\"soft\":1024}]}}",
	  "{\"type\":\"RLIMIT_NOFILE\",\"hard\":4096,\"soft\":1024}", "18446744073709551615", false },
	/* a user namespace that maps a non-zero container uid onto host root */
	{ "uid 1000 mapped to host root", "\"user\":{\"mode\":\"%s\",\"uid\":1000}",
	  "{\"process\":{\"user\":{\"uid\":1000,\"gid\":1000}},\"linux\":{\"uidMappings\":[{\"containerID\":1000,"
	  "\"hostID\":0,\"size\":1}]}}",
	  NULL, NULL, true },
	/* what docker run --privileged carries */
	{ "privileged", "\"privileged\":{\"mode\":\"%s\"}", PRIVILEGED, "\"/proc/kcore\"", "CAP_SYS_ADMIN", false },
	/* the first rules, other spellings */
	{ "caps in ambient only", CAPS_RULE_FMT, "{\"process\":{\"capabilities\":{\"ambient\":[\"CAP_SYS_ADMIN\"]}}}",
	  "\"ambient\":[]", "SYS_ADMIN", false },
	{ "lower-case capability", CAPS_RULE_FMT, "{\"process\":{\"capabilities\":{\"bounding\":[\"cap_sys_admin\"]}}}",
	  "\"bounding\":[]", "sys_admin", false },
	/* what only the runtime reads */
	{ "crun's seccomp plugins", "\"annotations\":{\"mode\":\"%s\"}",
	  "{\"process\":{},\"annotations\":{\"run.oci.seccomp.plugins\":\"/var/lib/x/"
	  "pwn.so\",\"io.kubernetes.pod.name\":"
	  "\"p\"}}",
	  "\"io.kubernetes.pod.name\":\"p\"", "run.oci", false },
	{ "crun's raw BPF", "\"annotations\":{\"mode\":\"%s\"}",
	  "{\"process\":{},\"annotations\":{\"run.oci.seccomp_bpf_data\":\"AAAA\"}}", NULL, "seccomp_bpf_data", false },
	{ "crun's hooks output file", "\"annotations\":{\"mode\":\"%s\"}",
	  "{\"process\":{},\"annotations\":{\"run.oci.hooks.stderr\":\"/etc/cron.d/x\"}}", NULL, "cron.d", false },
	{ "a future run.oci key", "\"annotations\":{\"mode\":\"%s\"}",
	  "{\"process\":{},\"annotations\":{\"run.oci.something_new\":\"1\"}}", NULL, "something_new", false },
	{ "systemd unit properties", "\"annotations\":{\"mode\":\"%s\"}",
	  "{\"process\":{},\"annotations\":{\"org.systemd.property.DeviceAllow\":\"'/dev/sda rwm'\"}}", NULL,
	  "DeviceAllow", false },
	{ "a CRIU config", "\"annotations\":{\"mode\":\"%s\"}",
	  "{\"process\":{},\"annotations\":{\"org.criu.config\":\"/tmp/c\"}}", NULL, "criu", false },
	{ "oci-seccomp-bpf-hook", "\"annotations\":{\"mode\":\"%s\"}",
	  "{\"process\":{},\"annotations\":{\"io.containers.trace-syscall\":\"of:/etc/x\"}}", NULL, "trace-syscall",
	  false },
	{ "a relative namespace path", "\"host_namespaces\":{\"mode\":\"%s\"}",
	  "{\"process\":{},\"linux\":{\"namespaces\":" NS_WITH("{\"type\":\"pid\",\"path\":\"config.json\"}") "}}",
	  NULL, NULL, true },
	{ "OOM score -1000", "\"resources\":{\"mode\":\"%s\",\"oom_score_adj_min\":-997}",
	  "{\"process\":{\"oomScoreAdj\":-1000},\"linux\":{}}", "\"oomScoreAdj\":-997", "-1000", false },
	{ "cgroup.procs in unified", "\"resources\":{\"mode\":\"%s\"}",
	  "{\"process\":{},\"linux\":{\"resources\":{\"unified\":{\"cgroup.procs\":\"1\",\"memory.high\":\"1G\"}}}}",
	  "\"memory.high\"", "cgroup.procs", false },
	{ "an exclusive cpuset partition in unified", "\"resources\":{\"mode\":\"%s\"}",
	  "{\"process\":{},\"linux\":{\"resources\":{\"unified\":{\"cpuset.cpus.partition\":\"root\"}}}}", NULL,
	  "partition", false },
	{ "cgroupsPath with ..", "\"cgroup_path\":{\"mode\":\"%s\"}",
	  "{\"process\":{},\"linux\":{\"cgroupsPath\":\"/kubepods/../system.slice/containerd.service\"}}", NULL, NULL,
	  true },
	{ "the root cgroup", "\"cgroup_path\":{\"mode\":\"%s\"}", "{\"process\":{},\"linux\":{\"cgroupsPath\":\"//\"}}",
	  NULL, NULL, true },
	{ "a systemd path with a slash", "\"cgroup_path\":{\"mode\":\"%s\"}",
	  "{\"process\":{},\"linux\":{\"cgroupsPath\":\"system.slice:x:../y\"}}", NULL, NULL, true },
	{ "pids -1 in unified", "\"resources\":{\"mode\":\"%s\",\"pids\":100}",
	  "{\"process\":{},\"linux\":{\"resources\":{\"pids\":{\"limit\":50},\"unified\":{\"pids.max\":\"max\"}}}}",
	  "\"pids.max\":\"100\"", NULL, false },
};

static void run_case(const struct hostile *h, const char *mode, struct result *r)
{
	const char *at = strstr(h->rule, "%s");
	char rule[1024], profile[1200];

	/* the rule's %s is its mode */
	snprintf(rule, sizeof(rule), "%.*s%s%s", (int)(at - h->rule), h->rule, mode, at + 2);
	snprintf(profile, sizeof(profile), P("%s"), rule);
	apply(profile, h->spec, r);
}

START_TEST(hostile_enforce)
{
	const struct hostile *h = &cases[_i];
	struct result r;
	char *out;

	run_case(h, "enforce", &r);
	ck_assert_msg(r.rc == 0, "%s: %s", h->name, r.err.msg);
	if (h->unfixable) {
		ck_assert_msg(r.denied, "%s: not refused", h->name);
		done(&r);
		return;
	}
	ck_assert_msg(r.changed && !r.denied, "%s: changed=%d denied=%d", h->name, r.changed, r.denied);
	out = dump(r.spec);
	ck_assert_msg(!h->after_has || strstr(out, h->after_has), "%s: %s lacks %s", h->name, out, h->after_has);
	ck_assert_msg(!h->after_lacks || !strstr(out, h->after_lacks), "%s: %s has %s", h->name, out, h->after_lacks);
	free(out);
	done(&r);
}
END_TEST

START_TEST(hostile_deny)
{
	const struct hostile *h = &cases[_i];
	struct result r;

	run_case(h, "deny", &r);
	ck_assert_msg(r.rc == 0 && r.denied && !r.changed, "%s: rc=%d denied=%d", h->name, r.rc, r.denied);
	done(&r);
	run_case(h, "audit", &r);
	ck_assert_msg(r.rc == 0 && !r.denied && !r.changed && json_array_size(r.findings) > 0, "%s: audit", h->name);
	done(&r);
}
END_TEST

/* A namespace the test makes itself is not the host's: joining it is fine (a pod's sandbox). */
START_TEST(joining_a_private_namespace_is_fine)
{
	char spec[600];
	struct result r;
	pid_t child = fork();

	ck_assert_int_ge(child, 0);
	if (child == 0) {
		if (unshare(CLONE_NEWUTS) < 0)
			_exit(1);
		pause();
		_exit(0);
	}
	usleep(100000);
	snprintf(spec, sizeof(spec), "{\"process\":{},\"linux\":{\"namespaces\":" NS_WITH("{\"type\":\"pid\"}") "}}");
	/* replace the uts entry with a path into the child's */
	snprintf(
	    spec, sizeof(spec),
	    "{\"process\":{},\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"ipc\"},"
	    "{\"type\":\"uts\",\"path\":\"/proc/%d/ns/uts\"},{\"type\":\"mount\"},{\"type\":\"cgroup\"}]}}",
	    (int)child);
	apply(P("\"host_namespaces\":{\"mode\":\"deny\"}"), spec, &r);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	ck_assert_msg(r.rc == 0 && !r.denied, "%s %s", r.err.msg, r.deny);
	done(&r);
}
END_TEST

START_TEST(ordinary_container_is_not_privileged)
{
	struct result r;

	/* runc spec's default: no seccomp, but masked paths, deny-all devices, three caps */
	apply(P("\"privileged\":{\"mode\":\"deny\"}"),
	      "{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_KILL\"]}},\"linux\":{\"maskedPaths\":[\"/proc/"
	      "kcore\"],"
	      "\"readonlyPaths\":[\"/proc/sys\"],\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}}}",
	      &r);
	ck_assert(r.rc == 0 && !r.denied && json_array_size(r.findings) == 0);
	done(&r);
}
END_TEST

/* deny refuses what a bind asks for, but adds what a harmless one (Docker's /etc/hosts) leaves out */
START_TEST(deny_tightens_a_harmless_bind)
{
	char rule[512], profile[600];
	struct result r;

	snprintf(rule, sizeof(rule), MOUNTS_RULE, "deny");
	snprintf(profile, sizeof(profile), P("%s"), rule);
	apply(profile,
	      "{\"process\":{},\"mounts\":[{\"destination\":\"/etc/hosts\",\"type\":\"bind\",\"source\":\"/"
	      "srv\",\"options\":[\"rbind\",\"rprivate\"]}]}",
	      &r);
	ck_assert_msg(r.rc == 0 && !r.denied && r.changed, "%s", r.deny);
	ck_assert_str_eq(json_dumps(at(json_array_get(json_object_get(r.spec, "mounts"), 0), "options"), JSON_COMPACT),
			 "[\"rbind\",\"rprivate\",\"nosuid\",\"nodev\",\"ro\"]");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(r.findings, 0), "action")), "rewritten");
	done(&r);
	apply(profile,
	      "{\"process\":{},\"mounts\":[{\"destination\":\"/srv\",\"type\":\"bind\",\"source\":\"/"
	      "srv\",\"options\":[\"rbind\",\"suid\"]}]}",
	      &r);
	ck_assert(r.rc == 0 && r.denied && strstr(r.deny, "mounts[0]"));
	done(&r);
}
END_TEST

/* runc resolves a relative bind source in the bundle, wherever clampdown runs from */
START_TEST(relative_source_resolved_in_the_bundle)
{
	char *dir = unit_tmpdir(), link[4200];
	struct result r;

	snprintf(link, sizeof(link), "%s/hostroot", dir);
	ck_assert_int_eq(symlink("/", link), 0);
	ruletest_bundle_dir = dir;
	apply(P("\"host_mounts\":{\"mode\":\"enforce\",\"sensitive\":[\"/\"]}"),
	      "{\"process\":{},\"mounts\":[{\"destination\":\"/h\",\"type\":\"bind\",\"source\":\"hostroot\","
	      "\"options\":[\"rbind\"]}]}",
	      &r);
	ck_assert_msg(r.rc == 0, "%s", r.err.msg);
	ck_assert_msg(json_array_size(json_object_get(r.spec, "mounts")) == 0, "the bind of the host's / stayed");
	done(&r);
	/* a relative namespace path too: hostroot/proc/self/ns/pid is the runtime's own */
	apply(P("\"host_namespaces\":{\"mode\":\"deny\"}"),
	      "{\"process\":{},\"linux\":{\"namespaces\":" NS_WITH(
		  "{\"type\":\"pid\",\"path\":\"hostroot/proc/self/ns/pid\"}") "}}",
	      &r);
	ruletest_bundle_dir = NULL;
	ck_assert_msg(r.rc == 0 && r.denied, "%s", r.err.msg);
	done(&r);
	unit_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(malformed_refused)
{
	static const char *const bad[][2] = {
		{ "\"host_namespaces\":{\"mode\":\"enforce\"}",
		  "{\"process\":{},\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"pid\"}]}}" },
		{ "\"host_namespaces\":{\"mode\":\"enforce\"}",
		  "{\"process\":{},\"linux\":{\"namespaces\":[{\"type\":\"pid\",\"path\":\"/nonexistent\"}]}}" },
		{ "\"rlimits\":{\"mode\":\"enforce\",\"max\":{\"RLIMIT_CORE\":0}}",
		  "{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"hard\":0},{\"type\":\"RLIMIT_CORE\",\"hard\":"
		  "9}]}}" },
		{ "\"sysctls\":{\"mode\":\"enforce\"}", "{\"process\":{},\"linux\":{\"sysctl\":[]}}" },
	};
	struct result r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char profile[512];

		snprintf(profile, sizeof(profile), P("%s"), bad[i][0]);
		apply(profile, bad[i][1], &r);
		ck_assert_msg(r.rc < 0, "accepted %s", bad[i][1]);
		done(&r);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("hostile");
	TCase *tc = tcase_create("core");
	int n = (int)(sizeof(cases) / sizeof(cases[0]));

	tcase_add_loop_test(tc, hostile_enforce, 0, n);
	tcase_add_loop_test(tc, hostile_deny, 0, n);
	tcase_add_test(tc, joining_a_private_namespace_is_fine);
	tcase_add_test(tc, malformed_refused);
	tcase_add_test(tc, relative_source_resolved_in_the_bundle);
	tcase_add_test(tc, deny_tightens_a_harmless_bind);
	tcase_add_test(tc, ordinary_container_is_not_privileged);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(suite());
}
