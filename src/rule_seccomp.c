/*
 * seccomp: every container runs under a filter at least as strict as the
 * node's profile. A container that brings its own (Docker's default, a pod's
 * Localhost profile) gets the intersection: per syscall and argument values
 * the stricter action of the two. deny refuses unconfined containers.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "fsutil.h"
#include "json_text.h"
#include "rules.h"
#include "sc_cache.h"
#include "sc_lsc.h"
#include "sc_profile.h"

#define DEFAULT_FILE "seccomp/default.json"

struct seccomp_conf {
	json_t *profile;
	char file[4096];
};

static const char *const keys[] = { "profile", NULL };

static void free_conf(void *p)
{
	struct seccomp_conf *c = p;

	if (c)
		json_decref(c->profile);
	free(c);
}

static bool plain_relative(const char *rel)
{
	return *rel && *rel != '/' && !strstr(rel, "..");
}

static int read_profile(struct seccomp_conf *c, const char *profile_file, const char *rel, const struct jpath *at,
			struct cd_error *err)
{
	cleanup_free char *text = NULL;
	cleanup_close int dfd = -1;
	const char *slash = strrchr(profile_file, '/');
	char dir[4096];
	struct stat st;
	size_t len = 0;
	int r;

	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - profile_file) : 1, slash ? profile_file : ".");
	snprintf(c->file, sizeof(c->file), "%s/%s", dir, rel);
	dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return cd_err_sys(err, "%s: %s.profile: %s", at->file, at->path, dir);
	r = fs_read_at(dfd, rel, true, 4u << 20, &text, &len, &st, err);
	if (r < 0)
		return cd_err_prefix(err, "%s: %s.profile: ", at->file, at->path);
	return json_text_load(text, len, c->file, &c->profile, err);
}

static int load(const json_t *obj, const struct jpath *at, void **ret_conf, struct cd_error *err)
{
	struct seccomp_conf *c = calloc(1, sizeof(*c));
	const char *rel = DEFAULT_FILE;
	int r;

	if (!c)
		return cd_err(err, ENOMEM, "out of memory");
	*ret_conf = c;
	r = jget_string(obj, "profile", false, at, &rel, err);
	if (r >= 0 && !plain_relative(rel))
		r = jget_err(err, EINVAL, at, "profile", "\"%s\" must be a path under the profile directory", rel);
	/* an off rule never runs: its profile file is not read */
	if (r >= 0 && strcmp(json_string_value(json_object_get(obj, "mode")) ?: "", "off"))
		r = read_profile(c, at->file, rel, at, err);
	return r;
}

static json_t *summary(const struct sc_profile *p, bool present)
{
	if (!present)
		return json_string("none");
	return json_sprintf("default %s, rules for %zu syscalls", sc_action_name(&p->def), p->ncalls);
}

static void report_warnings(struct rule_ctx *ctx, json_t *warnings)
{
	size_t i;
	json_t *w;

	json_array_foreach(warnings, i, w)
		rule_warning(ctx, "%s", json_string_value(w));
}

/* libseccomp must compile the merged filter; a filter compiled before is not compiled again. */
static int validate(struct rule_ctx *ctx, const struct sc_profile *res, const char *file)
{
	uint64_t key = sc_cache_key(res);
	char what[4400];
	int r;

	if (sc_cache_hit(ctx->cache_dir, key))
		return 0;
	snprintf(what, sizeof(what), "%s: linux.seccomp merged with %s", ctx->source, file);
	r = sc_lsc_compile(res, what, ctx->err);
	if (r >= 0)
		sc_cache_store(ctx->cache_dir, key);
	return r;
}

static int container_profile(struct rule_ctx *ctx, const json_t *sec, struct sc_profile *ret)
{
	struct jpath at = { ctx->source, "linux.seccomp" };

	if (sec && !json_is_null(sec))
		return sc_profile_parse(sec, SC_SRC_CONTAINER, NULL, &at, ret, ctx->err);
	/* unconfined: every syscall on every architecture */
	*ret = (struct sc_profile){ .def = sc_action_of(SC_ALLOW), .arches = UINT32_MAX };
	return 0;
}

static int install(struct rule_ctx *ctx, const struct sc_profile *a, const struct sc_profile *res, json_t *out,
		   bool present, const char *file)
{
	bool unconfined = !present || sc_profile_unconfined(a);
	json_t *linux_obj;
	int r;

	if (!rule_finding(ctx, "linux.seccomp", summary(a, present), summary(res, true), "%s: %s",
			  !present     ? "no seccomp profile, installed the node's"
			  : unconfined ? "default action runs every syscall, intersected with the node's"
				       : "intersected with the node's (per syscall the stricter action)",
			  file))
		return 0;
	r = validate(ctx, res, file);
	if (r < 0)
		return r;
	linux_obj = rule_ensure_object(ctx, ctx->spec, "linux", "linux");
	if (!linux_obj)
		return -EINVAL;
	return json_object_set(linux_obj, "seccomp", out) < 0 ? cd_err(ctx->err, ENOMEM, "out of memory") : 0;
}

static int merge(struct rule_ctx *ctx, const struct seccomp_conf *conf, const struct sc_profile *a, const json_t *sec)
{
	cleanup_json json_t *warnings = json_array(), *out = NULL;
	json_t *caps = json_object_get(json_object_get(ctx->process, "capabilities"), "bounding");
	struct sc_profile b = { 0 }, res = { 0 };
	struct jpath at = { conf->file, "" };
	struct sc_render rd;
	int r;

	sc_render_host(&rd, json_is_array(caps) ? caps : NULL, warnings);
	r = sc_profile_parse(conf->profile, SC_SRC_NODE, &rd, &at, &b, ctx->err);
	if (r >= 0)
		r = sc_profile_intersect(a, &b, 1u << sc_arch_native(), warnings, &res, ctx->err);
	if (r >= 0 && !(out = sc_profile_to_json(&res)))
		r = cd_err(ctx->err, ENOMEM, "out of memory");
	if (r >= 0)
		report_warnings(ctx, warnings);
	if (r >= 0 && !(sec && json_equal(out, (json_t *)sec)))
		r = install(ctx, a, &res, out, sec && !json_is_null(sec), conf->file);
	sc_profile_free(&b);
	sc_profile_free(&res);
	return r;
}

static int apply(struct rule_ctx *ctx, const void *cv)
{
	json_t *linux_obj = json_object_get(ctx->spec, "linux");
	json_t *sec = json_object_get(linux_obj, "seccomp");
	struct sc_profile a = { 0 };
	int r;

	if (linux_obj && !json_is_object(linux_obj))
		return rule_bad_field(ctx, "linux", "must be an object, not %s", jget_type_name(linux_obj));
	r = container_profile(ctx, sec, &a);
	if (r < 0)
		return r;
	if (ctx->mode == MODE_DENY) {
		if (!sec || json_is_null(sec))
			rule_unfixable(ctx, "linux.seccomp", NULL, "no seccomp profile");
		else if (sc_profile_unconfined(&a))
			rule_unfixable(ctx, "linux.seccomp.defaultAction", json_string(sc_action_name(&a.def)),
				       "the default action runs every syscall");
	} else {
		r = merge(ctx, cv, &a, sec);
	}
	sc_profile_free(&a);
	return r;
}

const struct rule_def rule_seccomp = {
	.name = "seccomp",
	.scope = SCOPE_CONTAINER,
	.modes = MODES_ALL,
	.keys = keys,
	.load = load,
	.apply = apply,
	.free_conf = free_conf,
};
