/*
 * cgroup_path: linux.cgroupsPath must name a cgroup of the container's own.
 * A container given an existing cgroup with processes in it joins it, and
 * the runtime writes the container's limits onto those processes (runc 1.1
 * only warns, crun says nothing). Refused: such a path (cgroupfs form, in
 * any v1 hierarchy or the v2 one; systemd form slice:prefix:name, by the
 * scope it names), a path holding ".." (runc cleans it away, crun walks up
 * with it), the root cgroup and a relative path (runc puts it below its
 * own cgroup in each hierarchy, crun below the root). Without a
 * cgroupsPath the runtime's own choice is judged: crun's /<id>, runc's
 * <its cgroup>/<id>. exec --cgroup is dropped (deny: refused).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "hostfs.h"
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

/*
 * Whether the cgroup at dirfd has processes, itself or below it: v2 says so
 * in cgroup.events; on v1 each child's cgroup.procs is read.
 */
static bool populated_dir(int dirfd, int depth)
{
	char buf[256];
	cleanup_dir DIR *d = NULL;
	cleanup_close int fd = openat(dirfd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	struct dirent *e;
	ssize_t n;

	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = '\0';
		return strstr(buf, "populated 1") != NULL;
	}
	fd = openat(dirfd, "cgroup.procs", O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && read(fd, buf, 16) > 0)
		return true;
	d = depth < 32 ? fdopendir(dup(dirfd)) : NULL;
	while (d && (e = readdir(d))) {
		cleanup_close int sub = -1;

		if (e->d_name[0] == '.' || e->d_type != DT_DIR)
			continue;
		sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub >= 0 && populated_dir(sub, depth + 1))
			return true;
	}
	return depth >= 32; /* too deep to tell: as if populated */
}

static bool populated_at(int hierfd, const char *rel)
{
	cleanup_close int fd =
	    openat(hierfd, *rel == '/' ? rel + 1 : rel, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	return fd >= 0 && populated_dir(fd, 0);
}

/* dir (below the hierarchy at hier: "" for the root) with processes: the name of the hit, malloc'd. */
static char *hit_at(int root, const char *hier, const char *below, const char *rel)
{
	char path[4096];
	char *hit = NULL;

	snprintf(path, sizeof(path), "%s%s%s/%s", hier, *hier ? "/" : "", strcmp(below, "/") ? below + 1 : "",
		 *rel == '/' ? rel + 1 : rel);
	if (populated_at(root, path) && asprintf(&hit, "/%s", path) < 0)
		hit = NULL;
	return hit;
}

/*
 * The cgroup with processes that rel names, or NULL: in each hierarchy this
 * process is in (/proc/self/cgroup lists them: v1 ones mounted at
 * CGROUP_ROOT/<controllers>, v2 at the root or at unified), below its root,
 * and with also_own below this process's own cgroup there too (runc puts a
 * missing cgroupsPath there). One read and a failed lookup per hierarchy:
 * no readdir, no mountinfo.
 */
static char *populated(const char *rel, bool also_own)
{
	cleanup_close int root = open(CGROUP_ROOT, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
	char text[2048], *save = NULL, *hit = NULL;
	struct statfs sfs;
	bool v2_root;
	ssize_t n;

	if (root < 0)
		return NULL;
	n = fd >= 0 ? read(fd, text, sizeof(text) - 1) : -1;
	text[n > 0 ? n : 0] = '\0';
	v2_root = fstatfs(root, &sfs) == 0 && sfs.f_type == HOST_CGROUP2_MAGIC;
	for (char *l = strtok_r(text, "\n", &save); !hit && l; l = strtok_r(NULL, "\n", &save)) {
		char *c = strchr(l, ':'), *p = c ? strchr(c + 1, ':') : NULL;
		const char *hier;

		if (!p)
			continue;
		*p++ = '\0';
		hier = !c[1] ? (v2_root ? "" : "unified") : !strncmp(c + 1, "name=", 5) ? c + 6 : c + 1;
		if (strchr(hier, '/') || !strcmp(hier, ".."))
			continue;
		hit = hit_at(root, hier, "/", rel);
		if (!hit && also_own && strcmp(p, "/"))
			hit = hit_at(root, hier, p, rel);
	}
	return hit;
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
	const char *id = ctx->args ? ctx->args->id : NULL;
	cleanup_free char *hit = NULL;
	char abs[4400];

	(void)conf;
	if (!path || !*path) {
		/* the runtime's own choice: crun /<id>, runc <its own cgroup>/<id> */
		if (!id || ctx->predicting || strchr(id, '/'))
			return 0;
		hit = populated(id, true);
		if (hit)
			rule_unfixable(ctx, "linux.cgroupsPath", NULL,
				       "none given: the runtime would use %s, which has processes in it", hit);
		return 0;
	}
	if (has_dotdot(path)) {
		rule_unfixable(ctx, "linux.cgroupsPath", json_string(path),
			       "holds \"..\": runc cleans it away, crun walks up with it to someone else's cgroup");
		return 0;
	}
	if (strchr(path, ':') && path[0] != '/') {
		if (judge_systemd(ctx, path, abs, sizeof(abs)))
			return 0;
	} else if (path[0] != '/') {
		rule_unfixable(ctx, "linux.cgroupsPath", json_string(path),
			       "relative: runc puts it below its own cgroup in each hierarchy, crun below the root");
		return 0;
	} else if (path_clean_abs(path, abs, sizeof(abs)) < 0) {
		return rule_bad_field(ctx, "linux.cgroupsPath", "too long");
	}
	if (!strcmp(abs, "/")) {
		rule_unfixable(ctx, "linux.cgroupsPath", json_string(path),
			       "the root cgroup: every process on the host");
		return 0;
	}
	hit = ctx->predicting ? NULL : populated(abs, false);
	if (hit)
		rule_unfixable(ctx, "linux.cgroupsPath", json_string(path),
			       "%s exists with processes in it or below it: the container would join them and its "
			       "limits would be theirs",
			       hit);
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
