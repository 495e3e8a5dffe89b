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
#include <unistd.h>

#include "cleanup.h"
#include "fastpath.h"
#include "fsutil.h"
#include "json_text.h"
#include "rules.h"
#include "sc_cache.h"
#include "sc_crun.h"
#include "sc_lsc.h"
#include "sc_profile.h"

#define DEFAULT_FILE "seccomp/default.json"

struct seccomp_conf {
	char *file;	/* the node's profile: dir/rel, as messages and the cache key name it */
	int fd;		/* opened when loaded, read only when a merge is not in the cache */
	struct stat st; /* as opened: its identity keys the cache */
	bool native;	/* architectures "native": the other ABIs get the bad-arch action */
};

static const char *const keys[] = { "profile", "architectures", NULL };

static void free_conf(void *p)
{
	struct seccomp_conf *c = p;

	if (c) {
		free(c->file);
		if (c->fd >= 0)
			close(c->fd);
	}
	free(c);
}

static bool plain_relative(const char *rel)
{
	return *rel && *rel != '/' && !strstr(rel, "..");
}

static int open_profile(struct seccomp_conf *c, const char *profile_file, const char *rel, const struct jpath *at,
			struct cd_error *err)
{
	const char *slash = strrchr(profile_file, '/');
	cleanup_free char *dir = slash ? strndup(profile_file, (size_t)(slash - profile_file)) : strdup(".");
	cleanup_close int dfd = -1;

	if (!dir || asprintf(&c->file, "%s/%s", dir, rel) < 0) {
		c->file = NULL;
		return cd_err(err, ENOMEM, "out of memory");
	}
	dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return cd_err_sys(err, "%s: %s.profile: %s", at->file, at->path, dir);
	c->fd = fs_open_at(dfd, rel, true, 4u << 20, &c->st, err);
	return c->fd < 0 ? cd_err_prefix(err, "%s: %s.profile: ", at->file, at->path) : 0;
}

static int load(const json_t *obj, const struct jpath *at, void **ret_conf, struct cd_error *err)
{
	struct seccomp_conf *c = calloc(1, sizeof(*c));
	const char *rel = DEFAULT_FILE, *abi = "profile";
	int r;

	if (!c)
		return cd_err(err, ENOMEM, "out of memory");
	c->fd = -1;
	*ret_conf = c;
	r = jget_string(obj, "profile", false, at, &rel, err);
	if (r >= 0)
		r = jget_string(obj, "architectures", false, at, &abi, err);
	if (r >= 0 && strcmp(abi, "profile") && strcmp(abi, "native"))
		r = jget_err(err, EINVAL, at, "architectures", "\"%s\" is neither \"profile\" nor \"native\"", abi);
	c->native = !strcmp(abi, "native");
	if (r >= 0 && !plain_relative(rel))
		r = jget_err(err, EINVAL, at, "profile", "\"%s\" must be a path under the profile directory", rel);
	/* an off rule never runs: its profile file is not opened */
	if (r >= 0 && strcmp(json_string_value(json_object_get(obj, "mode")) ?: "", "off"))
		r = open_profile(c, at->file, rel, at, err);
	return r;
}

static json_t *summary(const struct sc_profile *p, bool present)
{
	if (!present)
		return json_string("none");
	return json_sprintf("default %s, rules for %zu syscalls", sc_action_name(&p->def), p->ncalls);
}

/*
 * What a merge decides, made here or read from the cache: the profile
 * config.json gets, the two summaries the decision log shows, whether the
 * container's own profile was unconfined, and the merge's warnings.
 */
struct merged {
	json_t *entry;		      /* {"container", "result", "unconfined", "warnings"} */
	json_t *out;		      /* the profile, when made here */
	struct sc_cache_entry cached; /* else its text, from the cache */
	struct sc_profile res;
	bool checked; /* libseccomp compiled it (it came from the cache) */
};

/*
 * Everything the merge depends on, in one buffer compared whole on a cache
 * hit. The node's profile is known by its name and identity (it is settled:
 * any change to it since shows in its ctime), the container's own profile by
 * its text, which ends the key: *ret_own is its length.
 */
static char *merge_key(const struct seccomp_conf *conf, const struct sc_render *rd, const json_t *sec, size_t *ret_len,
		       size_t *ret_own)
{
	cleanup_free char *caps = NULL, *own = NULL;
	size_t ncaps = 4, nown = 4, len;
	char id[FASTPATH_ID_MAX], *key = NULL;
	int n;

	if ((rd->caps && json_text_dump(rd->caps, &caps, &ncaps, &(struct cd_error){ 0 }) < 0) ||
	    (sec && json_text_dump(sec, &own, &nown, &(struct cd_error){ 0 }) < 0))
		return NULL;
	fastpath_id(&conf->st, id);
	/* the node profile's name too: its warnings name it */
	len = ncaps + nown + strlen(conf->file) + sizeof(id) + 256;
	key = malloc(len);
	if (!key)
		return NULL;
	n = snprintf(key, len, "libseccomp %s arch %d %s %s kernel %d.%d.%d\ncaps %zu %s\nnode %s%s\n%scontainer %zu ",
		     sc_lsc_version(), sc_arch_native(), rd->goarch ?: "", rd->machine ?: "", rd->kernel[0],
		     rd->kernel[1], rd->kernel[2], ncaps, caps ?: "null", conf->file, conf->native ? " native" : "", id,
		     nown);
	if (n < 0 || (size_t)n + nown > len) {
		free(key);
		return NULL;
	}
	memcpy(key + n, own ?: "null", nown);
	*ret_len = (size_t)n + nown;
	*ret_own = nown;
	return key;
}

static bool entry_ok(const json_t *e)
{
	const json_t *w = json_object_get(e, "warnings"), *x;
	size_t i;

	if (!json_is_string(json_object_get(e, "container")) || !json_is_string(json_object_get(e, "result")) ||
	    !json_is_boolean(json_object_get(e, "unconfined")) || !json_is_array(w))
		return false;
	json_array_foreach(w, i, x)
		if (!json_is_string(x))
			return false;
	x = json_object_get(e, "crun_bpf");
	return !x || json_is_string(x);
}

/* The merge made here: the container's profile and the node's, intersected. */
static int make_merge(struct rule_ctx *ctx, const struct seccomp_conf *conf, struct sc_render *rd, const json_t *sec,
		      struct merged *m)
{
	struct jpath at = { ctx->source, "linux.seccomp" }, nat = { conf->file, "" };
	struct sc_profile a = { 0 }, b = { 0 };
	cleanup_json json_t *node = NULL;
	cleanup_free char *text = NULL;
	bool present = sec && !json_is_null(sec);
	size_t len = 0;
	int r;

	if (present)
		r = sc_profile_parse(sec, SC_SRC_CONTAINER, NULL, &at, &a, ctx->err);
	else /* unconfined: every syscall on every architecture */
		a = (struct sc_profile){ .def = sc_action_of(SC_ALLOW), .arches = UINT32_MAX }, r = 0;
	if (r >= 0)
		r = fs_read_opened(conf->fd, conf->file, &conf->st, &text, &len, ctx->err);
	if (r >= 0)
		r = json_text_load(text, len, conf->file, &node, ctx->err);
	if (r >= 0)
		r = sc_profile_parse(node, SC_SRC_NODE, rd, &nat, &b, ctx->err);
	if (r >= 0 && conf->native)
		b.arches = 1u << sc_arch_native();
	if (r >= 0)
		r = sc_profile_intersect(&a, &b, 1u << sc_arch_native(), rd->warnings, &m->res, ctx->err);
	if (r >= 0) {
		m->out = sc_profile_to_json(&m->res);
		m->entry = json_pack("{s:o?, s:o?, s:b, s:O}", "container", summary(&a, present), "result",
				     summary(&m->res, true), "unconfined", !present || sc_profile_unconfined(&a),
				     "warnings", rd->warnings);
		if (!m->out || !m->entry || !entry_ok(m->entry))
			r = cd_err(ctx->err, ENOMEM, "out of memory");
	}
	sc_profile_free(&a);
	sc_profile_free(&b);
	return r;
}

/*
 * libseccomp must compile the merged filter before it is used or remembered:
 * compiled as crun compiles it, whose BPF the entry keeps for crun (crun_bpf).
 */
static int check_and_remember(struct rule_ctx *ctx, struct merged *m, const char *file, const char *key, size_t klen)
{
	cleanup_free char *bpf = NULL, *text = NULL;
	size_t len;
	int r;

	if (m->checked)
		return 0;
	r = sc_crun_bpf(m->out, &bpf, &len, ctx->err);
	if (r < 0)
		return cd_err_prefix(ctx->err, "%s: linux.seccomp merged with %s: ", ctx->source, file);
	if (json_object_set_new(m->entry, "crun_bpf", json_stringn(bpf, len)) < 0)
		return cd_err(ctx->err, ENOMEM, "out of memory");
	m->checked = true;
	if (key && json_text_dump(m->out, &text, &len, &(struct cd_error){ 0 }) >= 0)
		sc_cache_put(ctx->cache_dir, key, klen, m->entry, text, len);
	return 0;
}

static int install(struct rule_ctx *ctx, const struct seccomp_conf *conf, struct merged *m, bool present,
		   const char *key, size_t klen)
{
	json_t *e = m->entry, *linux_obj, *out;
	bool unconfined = json_is_true(json_object_get(e, "unconfined"));
	int r;

	if (!rule_finding(ctx, "linux.seccomp", json_incref(json_object_get(e, "container")),
			  json_incref(json_object_get(e, "result")), "%s: %s",
			  !present     ? "no seccomp profile, installed the node's"
			  : unconfined ? "default action runs every syscall, intersected with the node's"
				       : "intersected with the node's (per syscall the stricter action)",
			  conf->file))
		return 0;
	r = check_and_remember(ctx, m, conf->file, key, klen);
	if (r < 0)
		return r;
	linux_obj = rule_ensure_object(ctx, ctx->spec, "linux", "linux");
	if (!linux_obj)
		return -EINVAL;
	/* from the cache, the text it was written as: parsed only to be written again otherwise */
	out = m->out ? json_incref(m->out) : json_text_raw(m->cached.out, m->cached.out_len);
	return json_object_set_new(linux_obj, "seccomp", out) < 0 ? cd_err(ctx->err, ENOMEM, "out of memory") : 0;
}

/*
 * crun: the merged filter as the BPF crun would build from it, in its
 * run.oci.seccomp_bpf_data annotation, so that crun does not compile it on
 * every start. Made once per merge and kept in its cache entry.
 */
static int crun_bpf(struct rule_ctx *ctx, const struct seccomp_conf *conf, struct merged *m, const char *key,
		    size_t klen)
{
	const char *b64, *old;
	json_t *ann;
	int r = 0;

	/* a merge made here and not installed (the container's own profile is the result) */
	if (m->out)
		r = check_and_remember(ctx, m, conf->file, key, klen);
	b64 = json_string_value(json_object_get(m->entry, "crun_bpf"));
	if (r < 0 || !b64)
		return r < 0 ? r : cd_err(ctx->err, EINVAL, "%s: seccomp cache entry without its BPF", ctx->source);
	ann = rule_ensure_object(ctx, ctx->spec, "annotations", "annotations");
	if (!ann)
		return -EINVAL;
	old = json_string_value(json_object_get(ann, SC_CRUN_ANNOTATION));
	/* the one it wrote before (a bundle hardened again): kept as it is */
	if (old && !strcmp(old, b64))
		return 0;
	if (old)
		rule_finding(ctx, "annotations." SC_CRUN_ANNOTATION, json_string("(BPF)"), json_string("(BPF)"),
			     "replaced by the merged filter's: crun installs this BPF in place of linux.seccomp");
	ctx->changed = true;
	return json_object_set_new(ann, SC_CRUN_ANNOTATION, json_string(b64)) < 0
		   ? cd_err(ctx->err, ENOMEM, "out of memory")
		   : 0;
}

/*
 * crun installs a run.oci.seccomp_bpf_data annotation's BPF in place of
 * linux.seccomp, whatever that says: one the container brings is no filter
 * this rule judged (the annotations rule may be off).
 */
static void foreign_bpf(struct rule_ctx *ctx)
{
	json_t *ann = json_object_get(ctx->spec, "annotations");
	json_t *v = json_object_get(ann, SC_CRUN_ANNOTATION);
	const char *field = "annotations." SC_CRUN_ANNOTATION;

	/* enforce with crun compares it with its own (crun_bpf) */
	if (!v || (ctx->crun && ctx->mode == MODE_ENFORCE))
		return;
	if (ctx->mode == MODE_DENY)
		rule_unfixable(ctx, field, json_string("(BPF)"), "crun installs this BPF in place of linux.seccomp");
	else if (rule_finding(ctx, field, json_string("(BPF)"), NULL,
			      "removed: crun installs this BPF in place of linux.seccomp"))
		json_object_del(ann, SC_CRUN_ANNOTATION);
}

static int merge(struct rule_ctx *ctx, const struct seccomp_conf *conf, const json_t *sec)
{
	cleanup_json json_t *warnings = json_array();
	json_t *caps = json_object_get(json_object_get(ctx->process, "capabilities"), "bounding"), *w;
	cleanup_free char *key = NULL;
	struct merged m = { 0 };
	struct sc_render rd;
	size_t klen = 0, nown = 0, i;
	bool same;
	int r = 0;

	if (!warnings)
		return cd_err(ctx->err, ENOMEM, "out of memory");
	sc_render_host(&rd, json_is_array(caps) ? caps : NULL, warnings);
	/*
	 * A profile changed within the last second is read, not known by its
	 * identity. (Changed after it was opened, it is read as changed, and its
	 * entry is stored under an identity no later stat will show.)
	 */
	key = ctx->cache_dir && fs_settled(&conf->st) ? merge_key(conf, &rd, sec, &klen, &nown) : NULL;
	/* an entry is stored with the filter's BPF, once libseccomp compiled it */
	if (key && sc_cache_get(ctx->cache_dir, key, klen, &m.cached) && entry_ok(m.cached.meta) &&
	    json_object_get(m.cached.meta, "crun_bpf")) {
		m.entry = json_incref(m.cached.meta);
		m.checked = true;
	} else if (sc_cache_entry_free(&m.cached), (r = make_merge(ctx, conf, &rd, sec, &m)) < 0) {
		goto out;
	}
	json_array_foreach(json_object_get(m.entry, "warnings"), i, w)
		rule_warning(ctx, "%s", json_string_value(w));
	/* the container's own text ends the key: the same bytes are the same profile */
	same = sec && (m.out ? json_equal(m.out, (json_t *)sec)
			     : nown == m.cached.out_len && !memcmp(key + klen - nown, m.cached.out, nown));
	if (!same)
		r = install(ctx, conf, &m, sec && !json_is_null(sec), key, klen);
	if (r >= 0 && ctx->crun && ctx->mode == MODE_ENFORCE)
		r = crun_bpf(ctx, conf, &m, key, klen);
out:
	json_decref(m.entry);
	json_decref(m.out);
	sc_cache_entry_free(&m.cached);
	sc_profile_free(&m.res);
	return r;
}

static int apply(struct rule_ctx *ctx, const void *cv)
{
	json_t *linux_obj = json_object_get(ctx->spec, "linux");
	json_t *sec = json_object_get(linux_obj, "seccomp");
	struct jpath at = { ctx->source, "linux.seccomp" };
	struct sc_profile a = { 0 };
	int r;

	if (linux_obj && !json_is_object(linux_obj))
		return rule_bad_field(ctx, "linux", "must be an object, not %s", jget_type_name(linux_obj));
	foreign_bpf(ctx);
	if (ctx->mode != MODE_DENY)
		return merge(ctx, cv, sec);
	if (!sec || json_is_null(sec))
		return rule_unfixable(ctx, "linux.seccomp", NULL, "no seccomp profile"), 0;
	r = sc_profile_parse(sec, SC_SRC_CONTAINER, NULL, &at, &a, ctx->err);
	if (r >= 0 && sc_profile_unconfined(&a))
		rule_unfixable(ctx, "linux.seccomp.defaultAction", json_string(sc_action_name(&a.def)),
			       "the default action runs every syscall");
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
