/*
 * clampctl explain: every finding of a config.json against a profile, each
 * with the benchmark controls it maps to, like a linter. Every rule the
 * profile turns on runs in audit mode, so each sees the config as given.
 */
#include "ctl.h"

#include <string.h>

#include "cleanup.h"
#include "json_text.h"

/* CIS Docker Benchmark v1.6.0 and Kubernetes Pod Security Standards; the first row that matches wins. */
static const struct control {
	const char *rule;
	const char *match; /* in the field or the reason; NULL: any */
	const char *cis, *cis_title;
	const char *pss, *pss_control;
} controls[] = {
	{ "privileged", NULL, "5.4", "Ensure that privileged containers are not used", "Baseline",
	  "Privileged Containers" },
	{ "user", NULL, "4.1", "Ensure that a user for the container has been created", "Restricted",
	  "Running as Non-root user" },
	{ "capabilities", NULL, "5.3", "Ensure that Linux kernel capabilities are restricted within containers",
	  "Restricted", "Capabilities" },
	{ "no_new_privileges", NULL, "5.25",
	  "Ensure that the container is restricted from acquiring additional privileges", "Restricted",
	  "Privilege Escalation" },
	{ "seccomp", NULL, "5.21", "Ensure the default seccomp profile is not Disabled", "Restricted", "Seccomp" },
	{ "readonly_rootfs", NULL, "5.12", "Ensure that the container's root filesystem is mounted as read only", NULL,
	  NULL },
	{ "resources", "memory", "5.10", "Ensure that the memory usage for containers is limited", NULL, NULL },
	{ "resources", "cpu", "5.11", "Ensure that CPU priority is set appropriately on containers", NULL, NULL },
	{ "resources", "pids", "5.28", "Ensure that the PIDs cgroup limit is used", NULL, NULL },
	{ "resources", NULL, "5.24", "Ensure that cgroup usage is confirmed", NULL, NULL },
	{ "host_namespaces", "network", "5.9", "Ensure that the host's network namespace is not shared", "Baseline",
	  "Host Namespaces" },
	{ "host_namespaces", "pid", "5.15", "Ensure that the host's process namespace is not shared", "Baseline",
	  "Host Namespaces" },
	{ "host_namespaces", "ipc", "5.16", "Ensure that the host's IPC namespace is not shared", "Baseline",
	  "Host Namespaces" },
	{ "host_namespaces", "uts", "5.20", "Ensure that the host's UTS namespace is not shared", "Baseline",
	  "Host Namespaces" },
	{ "host_namespaces", "user", "5.30", "Ensure that the host's user namespaces are not shared", "Baseline",
	  "Host Namespaces" },
	{ "host_namespaces", NULL, NULL, NULL, "Baseline", "Host Namespaces" },
	{ "host_mounts", ".sock", "5.31", "Ensure that the Docker socket is not mounted inside any containers",
	  "Baseline", "HostPath Volumes" },
	{ "host_mounts", "ropagation", "5.19", "Ensure mount propagation mode is not set to shared", "Baseline",
	  "HostPath Volumes" },
	{ "host_mounts", NULL, "5.5", "Ensure sensitive host system directories are not mounted on containers",
	  "Baseline", "HostPath Volumes" },
	{ "devices", NULL, "5.17", "Ensure that host devices are not directly exposed to containers", "Baseline",
	  "HostPath Volumes" },
	{ "masked_paths", NULL, NULL, NULL, "Baseline", "/proc Mount Type" },
	{ "sysctls", NULL, NULL, NULL, "Baseline", "Sysctls" },
	{ "rlimits", NULL, "5.18", "Ensure that the default ulimit is overwritten at runtime if needed", NULL, NULL },
	{ "apparmor", NULL, "5.1", "Ensure that, if applicable, an AppArmor Profile is enabled", "Baseline",
	  "AppArmor" },
	{ "selinux", NULL, "5.2", "Ensure that, if applicable, SELinux security options are set", "Baseline",
	  "SELinux" },
};

static const struct control *control_of(const json_t *f)
{
	const char *rule = json_string_value(json_object_get(f, "rule")) ?: "";
	const char *field = json_string_value(json_object_get(f, "field")) ?: "";
	const char *reason = json_string_value(json_object_get(f, "reason")) ?: "";

	for (size_t i = 0; i < sizeof(controls) / sizeof(controls[0]); i++) {
		const struct control *c = &controls[i];

		if (!strcmp(c->rule, rule) && (!c->match || strstr(field, c->match) || strstr(reason, c->match)))
			return c;
	}
	return NULL;
}

static void print_line(const struct ctl_eval *ev, const json_t *f, bool color)
{
	const struct control *c = control_of(f);
	const char *warning = json_string_value(json_object_get(f, "warning"));
	const char *rule = json_string_value(json_object_get(f, "rule"));

	if (warning) {
		printf("%s: %snote%s: %s [%s]\n", ev->source, ctl_sgr(color, "\033[36m"), ctl_sgr(color, "\033[0m"),
		       warning, rule);
		return;
	}
	printf("%s: %s%s%s: %s [%s]\n", ev->source, ctl_sgr(color, "\033[1m"),
	       json_string_value(json_object_get(f, "field")), ctl_sgr(color, "\033[0m"),
	       json_string_value(json_object_get(f, "reason")), rule);
	if (c && c->cis)
		printf("    CIS Docker Benchmark %s: %s\n", c->cis, c->cis_title);
	if (c && c->pss)
		printf("    Kubernetes Pod Security Standards, %s: %s\n", c->pss, c->pss_control);
	if (!c)
		printf("    no CIS Docker Benchmark or Pod Security Standards control\n");
}

static json_t *annotated(const json_t *f)
{
	const struct control *c = control_of(f);
	json_t *out = json_deep_copy(f);

	json_object_del(out, "action");
	if (c && c->cis)
		json_object_set_new(out, "cis_docker",
				    json_pack("{s:s, s:s, s:s}", "benchmark", "CIS Docker Benchmark v1.6.0", "id",
					      c->cis, "title", c->cis_title));
	if (c && c->pss)
		json_object_set_new(out, "k8s_pss",
				    json_pack("{s:s, s:s}", "level", c->pss, "control", c->pss_control));
	return out;
}

static size_t count_findings(const json_t *findings)
{
	size_t n = 0, i;
	json_t *f;

	json_array_foreach(findings, i, f)
		n += !json_object_get(f, "warning");
	return n;
}

static int print_json(const struct ctl_eval *ev)
{
	cleanup_json json_t *list = json_array(), *out = NULL;
	cleanup_free char *text = NULL;
	struct cd_error err;
	size_t len = 0, i;
	json_t *f;

	json_array_foreach(ev->findings, i, f)
		json_array_append_new(list, annotated(f));
	out = json_pack("{s:s, s:s, s:O}", "source", ev->source, "profile", ev->profile.name, "findings", list);
	if (!out || json_text_dump(out, &text, &len, &err) < 0)
		return ctl_fail("out of memory");
	puts(text);
	return 0;
}

int ctl_explain(int argc, char **argv)
{
	struct ctl_eval ev __attribute__((cleanup(ctl_eval_free))) = { 0 };
	struct ctl_eval_args o = { 0 };
	struct cd_error err = { 0 };
	size_t i, n;
	json_t *f;

	if (ctl_eval_args_parse(argc, argv, "explain", &o) < 0)
		return CTL_TROUBLE;
	if (ctl_evaluate(o.config, o.target, o.profile, CTL_AUDIT_ALL, &ev, &err) < 0)
		return ctl_fail("%s", err.msg);
	n = count_findings(ev.findings);
	if (o.json && print_json(&ev))
		return CTL_TROUBLE;
	if (!o.json) {
		json_array_foreach(ev.findings, i, f)
			print_line(&ev, f, o.color);
		printf("%zu finding%s against profile %s\n", n, n == 1 ? "" : "s", ev.profile.name);
	}
	return n ? CTL_FOUND : CTL_OK;
}
