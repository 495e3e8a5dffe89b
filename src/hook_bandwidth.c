/*
 * The bandwidth hook (createRuntime, after Docker's prestart network setup):
 * in the container's network namespace, every interface but lo gets a TBF
 * root qdisc for egress, and for ingress an ifb device that its ingress
 * traffic is redirected to (u32 match-all + mirred) with a TBF of its own.
 * Every request replaces, so a re-run changes nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fsutil.h"
#include "hook.h"
#include "hook_impl.h"
#include "json_text.h"
#include "nl.h"
#include "report.h"
#include "tc.h"
#include "units.h"

struct bw_args {
	uint64_t egress, ingress; /* bytes per second, 0: not shaped */
	uint32_t burst;		  /* bytes, 0: tc_tbf_for's default */
	const char *decision_log, *profile;
};

static int parse_u64(const char *flag, const char *v, uint64_t max, uint64_t *ret, struct cd_error *err)
{
	int64_t n = 0;

	if (units_parse_i64(v, &n) < 0 || n < 0 || (uint64_t)n > max)
		return cd_err(err, EINVAL, "--%s=%s: not a number from 0 to %" PRIu64, flag, v, max);
	*ret = (uint64_t)n;
	return 0;
}

static int bw_parse(int argc, char **argv, struct bw_args *a, struct cd_error *err)
{
	uint64_t burst = 0;
	int r = 0;

	for (int i = 3; r >= 0 && i < argc; i++) {
		const char *s = argv[i], *eq = strchr(s, '=');
		size_t n = eq ? (size_t)(eq - s) : strlen(s);

		if (!eq || strncmp(s, "--", 2))
			r = cd_err(err, EINVAL, "%s: expected --flag=value", s);
		else if (n == 8 && !strncmp(s, "--egress", n))
			r = parse_u64("egress", eq + 1, INT64_MAX, &a->egress, err);
		else if (n == 9 && !strncmp(s, "--ingress", n))
			r = parse_u64("ingress", eq + 1, INT64_MAX, &a->ingress, err);
		else if (n == 7 && !strncmp(s, "--burst", n))
			r = parse_u64("burst", eq + 1, UINT32_MAX, &burst, err);
		else if (n == 14 && !strncmp(s, "--decision-log", n))
			a->decision_log = eq + 1;
		else if (n == 9 && !strncmp(s, "--profile", n))
			a->profile = eq + 1;
		else
			r = cd_err(err, EINVAL, "%s: unknown flag", s);
	}
	a->burst = (uint32_t)burst;
	if (r >= 0 && !a->egress && !a->ingress)
		r = cd_err(err, EINVAL, "neither --egress nor --ingress: nothing to shape");
	return r;
}

/* The network namespace of the container's process, refused when it is the runtime's own. */
static int container_netns(pid_t pid, struct cd_error *err)
{
	char path[64];
	struct stat mine, theirs;
	cleanup_close int fd = -1;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cd_err_sys(err, "%s", path);
	if (fstat(fd, &theirs) < 0 || stat("/proc/self/ns/net", &mine) < 0)
		return cd_err_sys(err, "%s: stat", path);
	/* never shape the host's interfaces */
	if (theirs.st_ino == mine.st_ino && theirs.st_dev == mine.st_dev)
		return cd_err(err, EPERM, "%s: the container shares the runtime's network namespace", path);
	return steal_fd(&fd);
}

static const struct nl_link *link_named(const struct nl_link *links, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(links[i].name, name))
			return &links[i];
	return NULL;
}

/* Interfaces clampdown shapes: all but loopbacks and the ifb devices it made. */
static bool shaped(const struct nl_link *l)
{
	return !(l->flags & IFF_LOOPBACK) && strcmp(l->kind, "ifb");
}

static void ifb_name(const struct nl_link *l, char *buf, size_t cap)
{
	snprintf(buf, cap, "cdifb%d", l->ifindex);
}

static int shape_egress(struct nl *nl, const struct nl_link *l, const struct bw_args *a, struct cd_error *err)
{
	struct tc_tbf t;
	char what[64];

	tc_tbf_for(a->egress, a->burst, &t);
	snprintf(what, sizeof(what), "%s: egress tbf qdisc", l->name);
	return nl_request(nl, tc_msg_tbf(nl->buf, 0, l->ifindex, &t), what, err);
}

/* ingress: ifb device (made before, found in links), its TBF, the ingress qdisc and the redirect. */
static int shape_ingress(struct nl *nl, const struct nl_link *l, const struct nl_link *links, size_t n,
			 const struct bw_args *a, struct cd_error *err)
{
	const struct nl_link *ifb;
	struct tc_tbf t;
	char name[IFNAMSIZ], what[96];
	int r;

	ifb_name(l, name, sizeof(name));
	ifb = link_named(links, n, name);
	if (!ifb || strcmp(ifb->kind, "ifb"))
		return cd_err(err, EEXIST, "%s: %s is not an ifb device", l->name, name);
	tc_tbf_for(a->ingress, a->burst, &t);
	snprintf(what, sizeof(what), "%s: ingress tbf qdisc on %s", l->name, name);
	r = nl_request(nl, tc_msg_tbf(nl->buf, 0, ifb->ifindex, &t), what, err);
	if (r >= 0) {
		snprintf(what, sizeof(what), "%s: ingress qdisc", l->name);
		r = nl_request(nl, tc_msg_ingress(nl->buf, 0, l->ifindex), what, err);
	}
	if (r >= 0) {
		snprintf(what, sizeof(what), "%s: u32 filter redirecting to %s", l->name, name);
		r = nl_request(nl, tc_msg_redirect(nl->buf, 0, l->ifindex, ifb->ifindex), what, err);
	}
	return r;
}

/* One ifb per shaped interface, then the links again to learn their indexes. */
static int make_ifbs(struct nl *nl, struct nl_link **links, size_t *n, struct cd_error *err)
{
	char name[IFNAMSIZ], what[64];
	int r = 0;

	for (size_t i = 0; r >= 0 && i < *n; i++) {
		if (!shaped(&(*links)[i]))
			continue;
		ifb_name(&(*links)[i], name, sizeof(name));
		snprintf(what, sizeof(what), "%s: create ifb device %s", (*links)[i].name, name);
		r = nl_request(nl, tc_msg_ifb(nl->buf, 0, name), what, err);
	}
	if (r < 0)
		return r;
	free(*links);
	*links = NULL;
	return nl_links(nl, links, n, err);
}

static json_t *shaped_entry(const struct nl_link *l, const struct bw_args *a)
{
	json_t *e = json_pack("{s:s}", "interface", l->name);

	if (e && a->egress)
		json_object_set_new(e, "egress_bytes_per_second", json_text_uint64(a->egress));
	if (e && a->ingress)
		json_object_set_new(e, "ingress_bytes_per_second", json_text_uint64(a->ingress));
	return e;
}

static int shape_all(int nsfd, const struct bw_args *a, json_t *done, struct cd_error *err)
{
	struct nl nl __attribute__((cleanup(nl_close))) = { 0 };
	cleanup_free struct nl_link *links = NULL;
	size_t n = 0, before;
	int r = nl_open(nsfd, &nl, err);

	if (r >= 0)
		r = nl_links(&nl, &links, &n, err);
	if (r >= 0 && a->ingress)
		r = make_ifbs(&nl, &links, &n, err);
	before = n;
	for (size_t i = 0; r >= 0 && i < before; i++) {
		const struct nl_link l = links[i];

		if (!shaped(&l))
			continue;
		if (a->egress)
			r = shape_egress(&nl, &l, a, err);
		if (r >= 0 && a->ingress)
			r = shape_ingress(&nl, &l, links, n, a, err);
		if (r >= 0)
			json_array_append_new(done, shaped_entry(&l, a));
	}
	return r;
}

static void log_run(const struct bw_args *a, const char *id, json_t *done)
{
	cleanup_json json_t *e = NULL;
	char ts[64];
	bool none = json_array_size(done) == 0;

	if (!a->decision_log)
		return;
	report_time(ts, sizeof(ts));
	e = json_pack("{s:s, s:s?, s:s, s:s, s:s?, s:s, s:O, s:[]}", "time", ts, "id", id, "command", "hook bandwidth",
		      "source", "container state", "profile", a->profile, "verdict", none ? "unshaped" : "shaped",
		      "shaped", done, "findings");
	if (e && none)
		json_array_append_new(json_object_get(e, "findings"),
				      json_pack("{s:s, s:s, s:s}", "rule", "bandwidth", "field", "network interfaces",
						"reason", "no interface but lo: nothing to shape"));
	/* the log is for the operator; the container's fate does not hang on it */
	if (e)
		(void)report_decision(a->decision_log, e);
}

/* The state the runtime passes on stdin: its pid and id. */
static int read_state(json_t **ret, pid_t *ret_pid, const char **ret_id, struct cd_error *err)
{
	cleanup_free char *text = NULL;
	json_t *pid;
	size_t len = 0;
	int r = fs_read_fd(STDIN_FILENO, "container state", 1u << 20, &text, &len, err);

	if (r >= 0)
		r = json_text_load(text, len, "container state", ret, err);
	if (r < 0)
		return r;
	pid = json_object_get(*ret, "pid");
	if (!json_is_integer(pid) || json_integer_value(pid) <= 0 || json_integer_value(pid) > INT32_MAX)
		return cd_err(err, EINVAL, "container state: pid: required, a positive integer");
	*ret_pid = (pid_t)json_integer_value(pid);
	*ret_id = json_string_value(json_object_get(*ret, "id"));
	return 0;
}

int hook_bandwidth(int argc, char **argv, struct cd_error *err)
{
	struct bw_args a = { 0 };
	cleanup_json json_t *state = NULL, *done = json_array();
	cleanup_close int nsfd = -1;
	const char *id = NULL;
	pid_t pid = 0;
	int r = bw_parse(argc, argv, &a, err);

	if (r >= 0)
		r = read_state(&state, &pid, &id, err);
	if (r >= 0)
		r = nsfd = container_netns(pid, err);
	if (r >= 0)
		r = shape_all(nsfd, &a, done, err);
	if (r >= 0)
		log_run(&a, id, done);
	return r;
}
