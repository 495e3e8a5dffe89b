/*
 * cgroup_path: linux.cgroupsPath must name a cgroup of the container's own.
 * A container given an existing cgroup with processes in it joins it, and
 * the runtime writes the container's limits onto those processes (runc 1.1
 * only warns, crun says nothing). Refused: such a path (cgroupfs form, in
 * any v1 hierarchy or the v2 one; systemd form slice:prefix:name, by the
 * scope it names), a path holding ".." (runc cleans it away, crun walks up
 * with it), and the root cgroup. A relative path is judged where each
 * runtime puts it: runc below its own cgroup, crun below the root. exec
 * --cgroup is dropped (deny: refused).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "pathutil.h"
#include "rules.h"

#define CGROUP_ROOT "/sys/fs/cgroup"

static bool has_dotdot(const char *p)
{
	for (const char *s = p; (s = strstr(s, "..")); s += 2)
		if ((s == p || s[-1] == '/' || s[-1] == ':') && (s[2] == '\0' || s[2] == '/' || s[2] == ':'))
			return true;
	return false;
}

/* Whether dirfd/rel/cgroup.procs lists a process. */
static bool populated_at(int dirfd, const char *rel)
{
	char path[4400], buf[16];
	cleanup_close int fd = -1;

	snprintf(path, sizeof(path), "%s/cgroup.procs", *rel == '/' ? rel + 1 : rel);
	fd = openat(dirfd, *path == '/' ? path + 1 : path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	return fd >= 0 && read(fd, buf, sizeof(buf)) > 0;
}

/* rel (below the root of each hierarchy) has processes in the v2 hierarchy or any v1 one. */
static bool populated(const char *rel)
{
	cleanup_dir DIR *d = NULL;
	cleanup_close int root = open(CGROUP_ROOT, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *e;

	if (root < 0)
		return false;
	if (populated_at(root, rel)) /* cgroup v2 mounted at the root */
		return true;
	d = fdopendir(dup(root));
	while (d && (e = readdir(d))) {
		cleanup_close int h = -1;

		if (e->d_name[0] == '.' || e->d_type != DT_DIR)
			continue;
		h = openat(root, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (h >= 0 && populated_at(h, rel))
			return true;
	}
	return false;
}

/* clampdown's own cgroup (the runtime's, after execve) in the v2 hierarchy or the first v1 line. */
static char *own_cgroup(void)
{
	cleanup_file FILE *f = fopen("/proc/self/cgroup", "re");
	char line[4400], *path = NULL;

	while (f && !path && fgets(line, sizeof(line), f)) {
		char *c = strchr(line, ':'), *p = c ? strchr(c + 1, ':') : NULL;

		if (p) {
			p[strcspn(p, "\n")] = '\0';
			path = strdup(p + 1);
		}
	}
	return path;
}

/* "a-b.slice" lives at /a.slice/a-b.slice, as systemd nests slices. */
static void slice_path(const char *slice, char *out, size_t cap)
{
	size_t n = 0;

	out[0] = '\0';
	if (!strcmp(slice, "-.slice"))
		return;
	for (const char *dash = slice; (dash = strchr(dash, '-')); dash++)
		n += (size_t)snprintf(out + n, cap > n ? cap - n : 0, "/%.*s.slice", (int)(dash - slice), slice);
	snprintf(out + n, cap > n ? cap - n : 0, "/%s", slice);
}

static int judge_systemd(struct rule_ctx *ctx, const char *path, char *ret, size_t cap)
{
	char slice[256], prefix[256], name[256], sp[1024];

	if (sscanf(path, "%255[^:]:%255[^:]:%255s", slice, prefix, name) != 3 || strchr(slice, '/') ||
	    strchr(prefix, '/') || strchr(name, '/')) {
		rule_unfixable(ctx, "linux.cgroupsPath", json_string(path),
			       "a systemd cgroup path is slice:prefix:name, three names");
		return 1;
	}
	slice_path(*slice ? slice : "system.slice", sp, sizeof(sp));
	if (strlen(name) > 6 && !strcmp(name + strlen(name) - 6, ".slice"))
		snprintf(ret, cap, "%s/%s", sp, name);
	else
		snprintf(ret, cap, "%s/%s-%s.scope", sp, prefix, name);
	return 0;
}

static int apply(struct rule_ctx *ctx, const void *conf)
{
	json_t *linux_obj = json_object_get(ctx->spec, "linux");
	const char *path = json_string_value(json_object_get(linux_obj, "cgroupsPath"));
	char abs[4400], clean[4400], alt[4400] = "";
	cleanup_free char *own = NULL;

	(void)conf;
	if (!path || !*path)
		return 0;
	if (has_dotdot(path)) {
		rule_unfixable(ctx, "linux.cgroupsPath", json_string(path),
			       "holds \"..\": runc cleans it away, crun walks up with it to someone else's cgroup");
		return 0;
	}
	if (strchr(path, ':') && path[0] != '/') {
		if (judge_systemd(ctx, path, abs, sizeof(abs)))
			return 0;
	} else if (path_clean_abs(path, abs, sizeof(abs)) < 0) {
		return rule_bad_field(ctx, "linux.cgroupsPath", "too long");
	}
	if (!strcmp(abs, "/")) {
		rule_unfixable(ctx, "linux.cgroupsPath", json_string(path),
			       "the root cgroup: every process on the host");
		return 0;
	}
	/* runc puts a relative path below its own cgroup */
	if (path[0] != '/' && !strchr(path, ':') && (own = own_cgroup()) &&
	    path_clean_abs(own, clean, sizeof(clean)) == 0)
		snprintf(alt, sizeof(alt), "%s%s", strcmp(clean, "/") ? clean : "", abs);
	if (populated(abs) || (*alt && populated(alt)))
		rule_unfixable(ctx, "linux.cgroupsPath", json_string(path),
			       "%s exists with processes in it: the container would join them and its limits would "
			       "be theirs",
			       *alt && populated(alt) ? alt : abs);
	return 0;
}

/*
 * exec --cgroup puts the process in another cgroup than the container's:
 * runc 1.1 checks the joined path by string prefix (a sibling named like
 * the container passes), crun joins it with no ".." check at all. With or
 * without --process. Enforce drops the flag: the process joins the
 * container's own cgroup, as without it.
 */
static int exec_flags(struct rule_ctx *ctx, const void *conf)
{
	struct runc_args *a = ctx->args;
	const struct runc_flag_occ *o = runc_args_last(a, "cgroup");

	(void)conf;
	if (!o || !rule_finding(ctx, "exec --cgroup", json_string(o->value ? o->value : ""), NULL,
				"the process would leave the container's cgroup and its limits"))
		return 0;
	for (int i = 0; i < a->nocc; i++)
		if (!strcmp(a->occ[i].name, "cgroup"))
			runc_args_drop(a, &a->occ[i]);
	return 0;
}

const struct rule_def rule_cgroup_path = {
	.name = "cgroup_path",
	.scope = SCOPE_CONTAINER,
	.modes = MODES_ALL,
	.keys = NULL,
	.load = NULL,
	.apply = apply,
	.exec_flags = exec_flags,
	.exec_flags_with_process = true,
};
