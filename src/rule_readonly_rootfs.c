/*
 * readonly_rootfs: root.readonly, with a tmpfs at each listed path that has
 * no mount yet. runc gives a tmpfs the mode of the directory it covers
 * (an image's /run is usually 0755 root), so the tmpfs also belongs to the
 * process's uid/gid: mode=1777 alone would not make it writable.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathutil.h"
#include "rules.h"
#include "units.h"

#define MAX_TMPFS 16

struct tmpfs_conf {
	char path[256];
	int64_t size;
};

struct rootfs_conf {
	size_t ntmpfs;
	struct tmpfs_conf tmpfs[]; /* as many as the profile lists */
};

static const char *const keys[] = { "tmpfs", NULL };
static const char *const tmpfs_keys[] = { "path", "size", NULL };

static int load_tmpfs(const json_t *e, const struct jpath *at, struct tmpfs_conf *t, struct cd_error *err)
{
	const char *path = NULL, *size = NULL;
	int r = json_is_object(e) ? 0 : jget_err(err, EINVAL, at, NULL, "must be an object");

	if (r >= 0)
		r = jget_known_keys(e, tmpfs_keys, at, err);
	if (r >= 0)
		r = jget_string(e, "path", true, at, &path, err);
	if (r >= 0 && (path[0] != '/' || path_clean_abs(path, t->path, sizeof(t->path)) < 0 || !strcmp(t->path, "/")))
		r = jget_err(err, EINVAL, at, "path", "\"%s\" must be an absolute path below /", path);
	if (r >= 0)
		r = jget_string(e, "size", true, at, &size, err);
	if (r >= 0 && (units_parse_size(size, &t->size) < 0 || t->size <= 0))
		r = jget_err(err, EINVAL, at, "size", "\"%s\" is not a size (e.g. 64m)", size);
	return r;
}

static int load(const json_t *obj, const struct jpath *at, void **ret_conf, struct cd_error *err)
{
	struct rootfs_conf *c;
	json_t *arr = NULL, *e;
	size_t i;
	int r = jget_array(obj, "tmpfs", false, at, &arr, err);

	if (r < 0)
		return r;
	if (json_array_size(arr) > MAX_TMPFS)
		return jget_err(err, E2BIG, at, "tmpfs", "at most %d entries", MAX_TMPFS);
	c = calloc(1, sizeof(*c) + json_array_size(arr) * sizeof(c->tmpfs[0]));
	if (!c)
		return cd_err(err, ENOMEM, "out of memory");
	*ret_conf = c;
	json_array_foreach(arr, i, e) {
		char path[192];
		struct jpath eat = { at->file, path };

		snprintf(path, sizeof(path), "%s.tmpfs[%zu]", at->path, i);
		r = load_tmpfs(e, &eat, &c->tmpfs[i], err);
		if (r < 0)
			return r;
		c->ntmpfs++;
	}
	return 0;
}

/* Index of the first mount at or under path (-1: none); *exact when at it. */
static int find_mount(const json_t *mounts, const char *path, bool *exact)
{
	char dest[4096];
	json_t *m;
	size_t i;

	*exact = false;
	json_array_foreach(mounts, i, m) {
		const char *d = json_string_value(json_object_get(m, "destination"));

		if (!d || path_clean_abs(d, dest, sizeof(dest)) < 0 || !path_is_under(dest, path))
			continue;
		*exact = !strcmp(dest, path);
		return (int)i;
	}
	return -1;
}

static json_t *tmpfs_mount(const struct tmpfs_conf *t, const json_t *process)
{
	const json_t *user = json_object_get(process, "user");
	json_int_t uid = json_integer_value(json_object_get(user, "uid"));
	json_int_t gid = json_integer_value(json_object_get(user, "gid"));
	json_t *opts = json_pack("[s,s,s,s]", "nosuid", "nodev", "noexec", "mode=1777");
	char buf[64];

	snprintf(buf, sizeof(buf), "size=%" PRId64, t->size);
	json_array_append_new(opts, json_string(buf));
	if (uid != 0) {
		snprintf(buf, sizeof(buf), "uid=%lld", (long long)uid);
		json_array_append_new(opts, json_string(buf));
		snprintf(buf, sizeof(buf), "gid=%lld", (long long)gid);
		json_array_append_new(opts, json_string(buf));
	}
	return json_pack("{s:s, s:s, s:s, s:o}", "destination", t->path, "type", "tmpfs", "source", "tmpfs", "options",
			 opts);
}

/* Scratch space is only added when rewriting; a missing one is no violation. */
static int add_tmpfs(struct rule_ctx *ctx, const struct tmpfs_conf *t)
{
	json_t *mounts = json_object_get(ctx->spec, "mounts"), *m;
	bool exact;
	int at;

	if (!mounts || json_is_null(mounts)) {
		mounts = json_array();
		json_object_set_new(ctx->spec, "mounts", mounts);
	}
	if (!json_is_array(mounts))
		return rule_bad_field(ctx, "mounts", "must be an array, not %s", jget_type_name(mounts));
	at = find_mount(mounts, t->path, &exact);
	if (exact)
		return 0;
	m = tmpfs_mount(t, ctx->process);
	if (rule_finding(ctx, "mounts", NULL, json_deep_copy(m), "%s is not writable on a read-only root", t->path)) {
		/* before anything mounted below it, which it would otherwise hide */
		if (at >= 0)
			json_array_insert(mounts, (size_t)at, m);
		else
			json_array_append(mounts, m);
	}
	json_decref(m);
	return 0;
}

static int apply(struct rule_ctx *ctx, const void *conf)
{
	const struct rootfs_conf *c = conf;
	json_t *root = rule_ensure_object(ctx, ctx->spec, "root", "root"), *ro;
	int r;

	if (!root)
		return -ctx->err->code;
	ro = json_object_get(root, "readonly");
	if (ro && !json_is_null(ro) && !json_is_boolean(ro))
		return rule_bad_field(ctx, "root.readonly", "must be a boolean, not %s", jget_type_name(ro));
	if (json_is_true(ro))
		return 0;
	if (!rule_finding(ctx, "root.readonly", ro ? json_false() : NULL, json_true(),
			  "the root filesystem is writable"))
		return 0;
	json_object_set_new(root, "readonly", json_true());
	for (size_t i = 0; i < c->ntmpfs; i++) {
		r = add_tmpfs(ctx, &c->tmpfs[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

const struct rule_def rule_readonly_rootfs = {
	.name = "readonly_rootfs",
	.scope = SCOPE_CONTAINER,
	.modes = MODES_ALL,
	.keys = keys,
	.load = load,
	.apply = apply,
};
