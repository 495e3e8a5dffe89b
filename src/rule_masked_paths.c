/*
 * masked_paths: at least the masked and read-only /proc and /sys paths
 * containerd and Docker use (plus the profile's), and sysfs and cgroupfs
 * mounted read-only. A procfs, sysfs or cgroupfs mounted anywhere but its
 * own place is dropped: the masks name /proc and /sys, and a second proc at
 * /proc2 would show /proc2/sys and /proc2/kcore unmasked (runc and crun
 * mount these types wherever they are asked to).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "defaults.h"
#include "pathutil.h"
#include "rules.h"

#define MAX_EXTRA 32

struct masked_conf {
	struct jpaths *masked, *readonly;
};

static const char *const keys[] = { "masked", "readonly", NULL };

static int load(const json_t *obj, const struct jpath *at, void **ret_conf, struct cd_error *err)
{
	struct masked_conf *c = calloc(1, sizeof(*c));
	int r;

	if (!c)
		return cd_err(err, ENOMEM, "out of memory");
	*ret_conf = c;
	r = jget_paths(obj, "masked", at, MAX_EXTRA, &c->masked, err);
	return r < 0 ? r : jget_paths(obj, "readonly", at, MAX_EXTRA, &c->readonly, err);
}

static void free_conf(void *p)
{
	struct masked_conf *c = p;

	if (c) {
		free(c->masked);
		free(c->readonly);
	}
	free(c);
}

static bool has_path(const json_t *arr, const char *p)
{
	char clean[4096];
	json_t *v;
	size_t i;

	json_array_foreach(arr, i, v)
		if (json_is_string(v) && path_clean_abs(json_string_value(v), clean, sizeof(clean)) == 0 &&
		    !strcmp(clean, p))
			return true;
	return false;
}

/* Add each missing path to linux.<key>, as one finding. */
static int ensure_paths(struct rule_ctx *ctx, json_t *linux_obj, const char *key, const char *const *defs,
			const struct jpaths *extra)
{
	json_t *arr = json_object_get(linux_obj, key), *missing = json_array(), *v;
	char field[32];
	size_t i;

	if (arr && !json_is_null(arr) && !json_is_array(arr))
		return json_decref(missing), rule_bad_field(ctx, key, "must be an array");
	for (; *defs; defs++)
		if (!has_path(arr, *defs))
			json_array_append_new(missing, json_string(*defs));
	for (i = 0; extra && i < extra->n; i++)
		if (!has_path(arr, extra->v[i]))
			json_array_append_new(missing, json_string(extra->v[i]));
	snprintf(field, sizeof(field), "linux.%s", key);
	if (json_array_size(missing) && rule_finding(ctx, field, NULL, json_deep_copy(missing),
						     "%zu default paths missing", json_array_size(missing))) {
		if (!json_is_array(arr))
			json_object_set_new(linux_obj, key, arr = json_array());
		json_array_foreach(missing, i, v)
			json_array_append(arr, v);
	}
	json_decref(missing);
	return 0;
}

/*
 * sysfs and cgroupfs: "ro", and no "rw" (runc applies options in order: a
 * later rw wins) nor "rrw" (crun clears read-only with mount_setattr after)
 */
static void ro_kernel_mounts(struct rule_ctx *ctx, json_t *mounts)
{
	json_t *m;
	size_t i;

	json_array_foreach(mounts, i, m) {
		const char *type = json_string_value(json_object_get(m, "type"));
		json_t *opts = json_object_get(m, "options"), *fixed, *v;
		bool ro = false, rw = false;
		char field[48];
		size_t k;

		if (!type || (strcmp(type, "sysfs") && strcmp(type, "cgroup") && strcmp(type, "cgroup2")))
			continue;
		fixed = json_array();
		json_array_foreach(opts, k, v) {
			bool is_rw = json_is_string(v) &&
				     (!strcmp(json_string_value(v), "rw") || !strcmp(json_string_value(v), "rrw"));

			ro |= json_is_string(v) && !strcmp(json_string_value(v), "ro");
			rw |= is_rw;
			if (!is_rw)
				json_array_append(fixed, v);
		}
		if (!ro)
			json_array_append_new(fixed, json_string("ro"));
		snprintf(field, sizeof(field), "mounts[%zu].options", i);
		if ((!ro || rw) && rule_finding(ctx, field, opts ? json_deep_copy(opts) : NULL, json_deep_copy(fixed),
						"%s writable inside the container", type))
			json_object_set(m, "options", fixed);
		json_decref(fixed);
	}
}

/* Where each kernel filesystem the masks know belongs. */
static bool own_place(const char *type, const char *dest)
{
	char clean[4096];

	if (path_clean_abs(dest, clean, sizeof(clean)) < 0)
		return false;
	if (!strcmp(type, "proc"))
		return !strcmp(clean, "/proc");
	if (!strcmp(type, "sysfs"))
		return !strcmp(clean, "/sys");
	return path_is_under(clean, "/sys/fs/cgroup"); /* cgroup v1 hierarchies mount below it */
}

static void kernel_fs_in_place(struct rule_ctx *ctx, json_t *mounts)
{
	size_t i = 0;

	while (i < json_array_size(mounts)) {
		json_t *m = json_array_get(mounts, i), *o;
		const char *type = json_string_value(json_object_get(m, "type"));
		const char *dest = json_string_value(json_object_get(m, "destination"));
		bool bind = false;
		char field[32];
		size_t k;

		if (!type || !dest ||
		    (strcmp(type, "proc") && strcmp(type, "sysfs") && strcmp(type, "cgroup") &&
		     strcmp(type, "cgroup2")) ||
		    own_place(type, dest)) {
			i++;
			continue;
		}
		json_array_foreach(json_object_get(m, "options"), k, o)
			bind |= json_is_string(o) &&
				(!strcmp(json_string_value(o), "bind") || !strcmp(json_string_value(o), "rbind"));
		snprintf(field, sizeof(field), "mounts[%zu]", i);
		if (!bind && rule_finding(ctx, field, json_deep_copy(m), NULL,
					  "a %s mount at %s is outside the paths the masks cover", type, dest)) {
			json_array_remove(mounts, i);
			continue;
		}
		i++;
	}
}

static int apply(struct rule_ctx *ctx, const void *conf)
{
	static const struct masked_conf none;
	const struct masked_conf *c = conf ? conf : &none; /* NULL: the defaults only (privileged) */
	json_t *linux_obj = rule_ensure_object(ctx, ctx->spec, "linux", "linux");
	int r;

	if (!linux_obj)
		return -ctx->err->code;
	r = ensure_paths(ctx, linux_obj, "maskedPaths", defaults_masked_paths, c->masked);
	if (r >= 0)
		r = ensure_paths(ctx, linux_obj, "readonlyPaths", defaults_readonly_paths, c->readonly);
	if (r >= 0)
		kernel_fs_in_place(ctx, json_object_get(ctx->spec, "mounts"));
	if (r >= 0)
		ro_kernel_mounts(ctx, json_object_get(ctx->spec, "mounts"));
	return r;
}

const struct rule_def rule_masked_paths = {
	.name = "masked_paths",
	.scope = SCOPE_CONTAINER,
	.modes = MODES_ALL,
	.keys = keys,
	.load = load,
	.apply = apply,
	.free_conf = free_conf,
};
