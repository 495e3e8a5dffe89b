/*
 * host_mounts: a bind mount of a sensitive host path, or of a directory
 * holding one, is dropped or refused; so is a filesystem type that would
 * mount host storage (ext4 on /dev/sda1). Other binds get nosuid,nodev and
 * ro unless their destination is listed as writable; shared propagation
 * becomes rprivate. Host paths are compared after resolving ".." and links.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathutil.h"
#include "rules.h"

#define MAX_PATHS 32

struct mounts_conf {
	struct jpaths *sensitive, *writable;
	bool readonly_binds;
};

static const char *const keys[] = { "sensitive", "writable", "readonly_binds", NULL };
static const char *const safe_types[] = { "proc", "sysfs", "tmpfs", "devpts", "mqueue", "cgroup", "cgroup2", NULL };

static int load(const json_t *obj, const struct jpath *at, void **ret_conf, struct cd_error *err)
{
	struct mounts_conf *c = calloc(1, sizeof(*c));
	int r;

	if (!c)
		return cd_err(err, ENOMEM, "out of memory");
	*ret_conf = c;
	c->readonly_binds = true;
	r = jget_paths(obj, "sensitive", at, MAX_PATHS, &c->sensitive, err);
	if (r >= 0 && !json_object_get(obj, "sensitive"))
		r = jget_err(err, EINVAL, at, "sensitive", "required");
	if (r >= 0)
		r = jget_paths(obj, "writable", at, MAX_PATHS, &c->writable, err);
	if (r >= 0)
		r = jget_bool(obj, "readonly_binds", false, at, &c->readonly_binds, err);
	return r;
}

static void free_conf(void *p)
{
	struct mounts_conf *c = p;

	if (c) {
		free(c->sensitive);
		free(c->writable);
	}
	free(c);
}

/*
 * The host path as the kernel will find it: runc joins a relative source to
 * the bundle directory, then the kernel follows links. Lexically cleaned
 * when it does not exist.
 */
static void resolve(const char *base, const char *path, char *out, size_t cap)
{
	char joined[PATH_MAX], buf[PATH_MAX];

	if (path[0] != '/' && base)
		snprintf(joined, sizeof(joined), "%s/%s", base, path);
	else
		snprintf(joined, sizeof(joined), "%s", path);
	if (realpath(joined, buf))
		snprintf(out, cap, "%s", buf);
	else if (path_clean_abs(joined, out, cap) < 0)
		snprintf(out, cap, "/");
}

/* The sensitive paths, resolved once per container and only if it has a bind mount. */
struct resolved {
	size_t n;
	char *path[];
};

static void resolved_free(struct resolved *res)
{
	for (size_t k = 0; res && k < res->n; k++)
		free(res->path[k]);
	free(res);
}

static struct resolved *resolve_sensitive(const struct mounts_conf *c)
{
	struct resolved *res = calloc(1, sizeof(*res) + c->sensitive->n * sizeof(char *));
	char buf[PATH_MAX];

	for (; res && res->n < c->sensitive->n; res->n++) {
		resolve(NULL, c->sensitive->v[res->n], buf, sizeof(buf));
		res->path[res->n] = strdup(buf);
		if (!res->path[res->n])
			return resolved_free(res), NULL;
	}
	return res;
}

/* The sensitive path that src is, lies under, or contains; NULL if none. */
static const char *sensitive_match(const struct mounts_conf *c, const struct resolved *res, const char *src)
{
	for (size_t i = 0; i < res->n; i++) {
		const char *s = res->path[i];

		if (!strcmp(src, s) || (strcmp(s, "/") && path_is_under(src, s)) || path_is_under(s, src))
			return c->sensitive->v[i];
	}
	return NULL;
}

static bool has_opt(const json_t *opts, const char *o)
{
	json_t *v;
	size_t i;

	json_array_foreach(opts, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), o))
			return true;
	return false;
}

/*
 * nosuid, nodev, ro (unless writable), no shared propagation; NULL when
 * nothing changes. runc applies options in order, so a later "suid", "dev"
 * or "rw" would undo an earlier safe one: those are removed, not outvoted.
 * *ret_removed tells whether the config asked for something unsafe.
 */
static json_t *bind_options(const struct mounts_conf *c, const json_t *opts, const char *dest, bool *ret_removed)
{
	bool ro = c->readonly_binds && !jpaths_has(c->writable, dest);
	json_t *out = json_array(), *v;
	bool changed = false;
	size_t i;

	json_array_foreach(opts, i, v) {
		const char *o = json_string_value(v);

		if (o && (!strcmp(o, "shared") || !strcmp(o, "rshared"))) {
			json_array_append_new(out, json_string("rprivate"));
			changed = *ret_removed = true;
		} else if (o && (!strcmp(o, "suid") || !strcmp(o, "dev") || (ro && !strcmp(o, "rw")))) {
			changed = *ret_removed = true;
		} else {
			json_array_append(out, v);
		}
	}
	for (const char *const *need = (const char *const[]){ "nosuid", "nodev", "ro", NULL }; *need; need++) {
		if ((strcmp(*need, "ro") || ro) && !has_opt(out, *need)) {
			json_array_append_new(out, json_string(*need));
			changed = true;
		}
	}
	if (!changed)
		json_decref(out);
	return changed ? out : NULL;
}

static bool safe_type(const char *t)
{
	for (const char *const *s = safe_types; *s; s++)
		if (t && !strcmp(t, *s))
			return true;
	return false;
}

/* One mount: returns 1 when it was removed. */
static int check_mount(struct rule_ctx *ctx, const struct mounts_conf *c, struct resolved **res, json_t *mounts,
		       size_t i)
{
	json_t *m = json_array_get(mounts, i), *opts = json_object_get(m, "options"), *fixed;
	const char *type = json_string_value(json_object_get(m, "type"));
	const char *src = json_string_value(json_object_get(m, "source"));
	const char *dest = json_string_value(json_object_get(m, "destination")), *hit;
	char field[64], rsrc[PATH_MAX], cdest[PATH_MAX];
	bool bind = (type && !strcmp(type, "bind")) || has_opt(opts, "bind") || has_opt(opts, "rbind");
	const enum rule_mode mode = ctx->mode;
	bool removed = false;

	snprintf(field, sizeof(field), "mounts[%zu]", i);
	if (!json_is_object(m) || !dest || (opts && !json_is_array(opts)))
		return rule_bad_field(ctx, field, "must be an object with a destination and an options array");
	if (!bind && !safe_type(type)) {
		if (rule_finding(ctx, field, json_deep_copy(m), NULL, "filesystem type \"%s\" would mount host storage",
				 type ? type : ""))
			return json_array_remove(mounts, i), 1;
		return 0;
	}
	if (!bind)
		return 0;
	if (!src)
		return rule_bad_field(ctx, field, "a bind mount needs a source");
	if (!*res && !(*res = resolve_sensitive(c)))
		return cd_err(ctx->err, ENOMEM, "out of memory");
	resolve(ctx->bundle_dir, src, rsrc, sizeof(rsrc));
	hit = sensitive_match(c, *res, rsrc);
	if (hit) {
		if (rule_finding(ctx, field, json_deep_copy(m), NULL, "bind mount of %s (%s is sensitive)", rsrc, hit))
			return json_array_remove(mounts, i), 1;
		return 0;
	}
	if (path_clean_abs(dest, cdest, sizeof(cdest)) < 0)
		return rule_bad_field(ctx, field, "destination too long");
	fixed = bind_options(c, opts, cdest, &removed);
	/*
	 * deny refuses a bind that asks for suid, dev, rw or shared propagation, but
	 * adds what a harmless one (Docker's /etc/hosts) merely leaves out, as enforce does
	 */
	if (fixed && ctx->mode == MODE_DENY && !removed)
		ctx->mode = MODE_ENFORCE;
	if (fixed && rule_finding(ctx, field, json_deep_copy(opts), json_deep_copy(fixed),
				  "a host bind mount needs nosuid,nodev%s and no shared propagation",
				  has_opt(fixed, "ro") ? ",ro" : ""))
		json_object_set(m, "options", fixed);
	ctx->mode = mode;
	json_decref(fixed);
	return 0;
}

static int apply(struct rule_ctx *ctx, const void *conf)
{
	const struct mounts_conf *c = conf;
	json_t *mounts = json_object_get(ctx->spec, "mounts");
	json_t *linux_obj = json_object_get(ctx->spec, "linux");
	const char *prop = json_string_value(json_object_get(linux_obj, "rootfsPropagation"));
	struct resolved *res = NULL;
	size_t i = 0;
	int r = 0;

	if (mounts && !json_is_null(mounts) && !json_is_array(mounts))
		return rule_bad_field(ctx, "mounts", "must be an array, not %s", jget_type_name(mounts));
	while (r >= 0 && i < json_array_size(mounts)) {
		r = check_mount(ctx, c, &res, mounts, i);
		if (r == 0)
			i++;
	}
	resolved_free(res);
	if (r < 0)
		return r;
	if (prop && (!strcmp(prop, "shared") || !strcmp(prop, "rshared")) &&
	    rule_finding(ctx, "linux.rootfsPropagation", json_string(prop), json_string("rprivate"),
			 "mounts would propagate back to the host"))
		json_object_set_new(linux_obj, "rootfsPropagation", json_string("rprivate"));
	return 0;
}

const struct rule_def rule_host_mounts = {
	.name = "host_mounts",
	.scope = SCOPE_CONTAINER,
	.modes = MODES_ALL,
	.keys = keys,
	.load = load,
	.apply = apply,
	.free_conf = free_conf,
};
