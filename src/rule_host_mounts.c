/*
 * host_mounts: what a container's mounts and root filesystem reach on the
 * host, judged by what they are, not by how config.json spells them.
 * - A bind source is opened as the runtime will find it and the opened
 *   object is judged (host_judge.h): a sensitive path, an alias or hard
 *   link of one, something holding one, a kernel filesystem; for a
 *   recursive bind, every mount below it too. Dropped or refused.
 * - The other binds get nosuid, nodev and ro (unless their destination is
 *   writable) in every spelling the runtimes honour: the plain flags, and
 *   the recursive ones runc and crun apply with mount_setattr after them,
 *   which would undo the plain ones; no id mapping (crun's idmap options,
 *   mount-level uidMappings); no shared propagation. A recursive bind with
 *   mounts below it gets the recursive flags as well.
 * - An entry with "remount" changes whatever is mounted at its destination
 *   (the container's /sys, a host superblock through a bind): dropped. So
 *   is a filesystem type that would mount host storage or the host kernel.
 * - The runtime resolves the source again when it mounts it: it is given
 *   the path clampdown judged, without links, and when someone other than
 *   root could change what that path leads to, the judged object (pin.h).
 * - root.path must be a directory that is not sensitive, holds no
 *   sensitive path and is not on a kernel filesystem.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "host_judge.h"
#include "pathutil.h"
#include "pin.h"
#include "rules.h"

#define MAX_PATHS 32

enum pin_mode { PIN_UNTRUSTED, PIN_ALWAYS, PIN_NEVER };

struct mounts_conf {
	struct jpaths *sensitive, *writable;
	bool readonly_binds;
	enum pin_mode pin;
};

static const char *const keys[] = { "sensitive", "writable", "readonly_binds", "pin", NULL };
static const char *const safe_types[] = { "proc", "sysfs", "tmpfs", "devpts", "mqueue", "cgroup", "cgroup2", NULL };
static const char *const pin_names[] = {
	[PIN_UNTRUSTED] = "untrusted", [PIN_ALWAYS] = "always", [PIN_NEVER] = "never"
};

static int load_pin(const json_t *obj, const struct jpath *at, enum pin_mode *ret, struct cd_error *err)
{
	const char *s = NULL;
	int r = jget_string(obj, "pin", false, at, &s, err);

	for (int i = 0; r >= 0 && s && i <= PIN_NEVER; i++)
		if (!strcmp(s, pin_names[i]))
			return *ret = (enum pin_mode)i, 0;
	return r < 0 || !s ? r : jget_err(err, EINVAL, at, "pin", "\"%s\": must be untrusted, always or never", s);
}

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
	return r < 0 ? r : load_pin(obj, at, &c->pin, err);
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

/* One container's judging. */
struct run {
	struct rule_ctx *ctx;
	const struct mounts_conf *c;
	struct host_judge *judge;
	char *bundle;  /* absolute */
	char *pin_dir; /* cache_dir/pin, or PIN_DIR */
	bool online;   /* host objects opened: a missing one is an error */
	bool can_pin;  /* the rule may rewrite sources and the container mounts in a namespace of its own */
	bool rewrites; /* enforce or deny: sources are handed over as judged */
};

static bool has_opt(const json_t *opts, const char *o)
{
	json_t *v;
	size_t i;

	json_array_foreach(opts, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), o))
			return true;
	return false;
}

static bool in_list(const char *s, const char *const *list)
{
	for (; s && *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

/*
 * Where the runtime looks for path: a relative one in the bundle, joined and
 * cleaned by runc (Go's filepath.Join), joined and left to the kernel by crun.
 */
static char *runtime_path(const struct run *rn, const char *path)
{
	char *joined = NULL, clean[PATH_MAX];

	if (path[0] == '/')
		return strdup(path);
	if (asprintf(&joined, "%s/%s", rn->bundle, path) < 0)
		return NULL;
	if (rn->ctx->crun || path_clean_abs(joined, clean, sizeof(clean)) < 0)
		return joined;
	free(joined);
	return strdup(clean);
}

/* A source that cannot be opened: judged by its spelling where nothing else is there to judge. */
static int unopened(struct run *rn, const char *field, const char *path, int code, struct host_verdict *v)
{
	char clean[PATH_MAX];

	*v = (struct host_verdict){ .trusted = true };
	if (rn->online && rn->rewrites)
		return cd_err(rn->ctx->err, code, "%s: %s: %s cannot be opened: %s (rule host_mounts)", rn->ctx->source,
			      field, path, strerror(code));
	if (path_clean_abs(path, clean, sizeof(clean)) < 0)
		return rule_bad_field(rn->ctx, field, "path too long");
	v->bad = host_judge_spelled(rn->judge, clean, v->why, sizeof(v->why));
	return 0;
}

/* Open path as the runtime will and judge it; o->fd < 0 when it could not be opened. */
static int open_judged(struct run *rn, const char *field, const char *path, unsigned flags, struct host_obj *o,
		       struct host_verdict *v)
{
	int r = host_open(AT_FDCWD, path, o, rn->ctx->err);

	if (r < 0)
		return unopened(rn, field, path, -r, v);
	r = host_judge_object(rn->judge, o, flags, v, rn->ctx->err);
	/* clampdown's own pins: what is bound there is judged where it is bound from */
	if (r >= 0 && !v->bad && o->path && path_is_under(o->path, rn->pin_dir)) {
		v->bad = true;
		snprintf(v->why, sizeof(v->why), "is clampdown's own %s", rn->pin_dir);
	}
	return r;
}

/* Ids of a mount remapped: crun's idmap and idmap=... options, and OCI's mount-level mappings. */
static bool is_idmap(const char *o)
{
	return o && (!strncmp(o, "idmap", 5) || !strncmp(o, "ridmap", 6));
}

static void drop_idmaps(struct rule_ctx *ctx, json_t *m, const char *field)
{
	json_t *opts = json_object_get(m, "options"), *kept = json_array(), *v;
	bool maps = json_object_get(m, "uidMappings") || json_object_get(m, "gidMappings"), any = maps;
	size_t i;

	json_array_foreach(opts, i, v) {
		if (is_idmap(json_string_value(v)))
			any = true;
		else
			json_array_append(kept, v);
	}
	if (any && rule_finding(ctx, field, NULL, NULL,
				"an id-mapped mount shows files of other owners (host root's) as the container's")) {
		if (opts)
			json_object_set(m, "options", kept);
		json_object_del(m, "uidMappings");
		json_object_del(m, "gidMappings");
	}
	json_decref(kept);
}

struct optfix {
	bool ro;	/* read-only wanted */
	bool recursive; /* the runtime binds the mounts below it too */
	bool below;	/* and there are some */
	bool flatten;	/* made non-recursive */
};

/* The non-recursive spelling (crun makes a bind recursive for any r-propagation). */
static const char *flat(const char *o)
{
	static const char *const pairs[][2] = {
		{ "rbind", "bind" }, { "rprivate", "private" }, { "rslave", "slave" }, { "runbindable", "unbindable" }
	};

	for (size_t i = 0; o && i < sizeof(pairs) / sizeof(pairs[0]); i++)
		if (!strcmp(o, pairs[i][0]))
			return pairs[i][1];
	return NULL;
}

/* What would undo nosuid, nodev or ro: runc and crun apply options in order, the recursive ones last. */
static bool undoes(const char *o, bool ro)
{
	static const char *const always[] = { "suid", "dev", "rsuid", "rdev", NULL };
	static const char *const when_ro[] = { "rw", "rrw", NULL };

	return in_list(o, always) || (ro && in_list(o, when_ro));
}

static void need(json_t *out, const char *o, bool *changed)
{
	if (!has_opt(out, o)) {
		json_array_append_new(out, json_string(o));
		*changed = true;
	}
}

/* The safe options; NULL when nothing changes. *ret_removed: the config asked for something unsafe. */
static json_t *bind_options(const json_t *opts, const struct optfix *f, bool *ret_removed)
{
	bool rec = f->recursive && !f->flatten, changed = false;
	json_t *out = json_array(), *v;
	size_t i;

	json_array_foreach(opts, i, v) {
		const char *o = json_string_value(v);

		if (o && (!strcmp(o, "shared") || !strcmp(o, "rshared"))) {
			json_array_append_new(out, json_string(rec ? "rprivate" : "private"));
			changed = *ret_removed = true;
		} else if (undoes(o, f->ro)) {
			changed = *ret_removed = true;
		} else if (f->flatten && flat(o)) {
			json_array_append_new(out, json_string(flat(o)));
			changed = true;
		} else {
			json_array_append(out, v);
		}
	}
	need(out, "nosuid", &changed);
	need(out, "nodev", &changed);
	if (f->ro)
		need(out, "ro", &changed);
	if (f->flatten && !has_opt(out, "bind"))
		need(out, "bind", &changed);
	if (rec && f->below) {
		need(out, "rnosuid", &changed);
		need(out, "rnodev", &changed);
		if (f->ro)
			need(out, "rro", &changed);
	}
	if (!changed)
		json_decref(out);
	return changed ? out : NULL;
}

static bool is_recursive(const struct run *rn, const json_t *opts)
{
	return has_opt(opts, "rbind") || (rn->ctx->crun && (has_opt(opts, "rprivate") || has_opt(opts, "rslave") ||
							    has_opt(opts, "rshared") || has_opt(opts, "runbindable")));
}

/* The mounts a recursive bind of o takes along: judged; *f says what the options need. */
static int judge_below(struct run *rn, json_t *m, const char *field, const struct host_obj *o, struct optfix *f)
{
	char why[512];
	size_t n = 0;
	bool bad = false;
	int r;

	if (!f->recursive || !S_ISDIR(o->mode) || !rn->online)
		return 0;
	r = host_judge_below(rn->judge, o, &n, &bad, why, sizeof(why), rn->ctx->err);
	if (r < 0)
		return r;
	f->below = n > 0;
	if (bad && rule_finding(rn->ctx, field, json_deep_copy(json_object_get(m, "options")), NULL,
				"%s: bound without the mounts below it", why))
		f->flatten = true;
	return 0;
}

static int fix_options(struct run *rn, json_t *m, const char *field, const struct optfix *f)
{
	json_t *opts = json_object_get(m, "options"), *fixed;
	const enum rule_mode mode = rn->ctx->mode;
	bool removed = false;

	fixed = bind_options(opts, f, &removed);
	/*
	 * deny refuses a bind that asks for suid, dev, rw or shared propagation, but
	 * adds what a harmless one (Docker's /etc/hosts) merely leaves out, as enforce does
	 */
	if (fixed && mode == MODE_DENY && !removed)
		rn->ctx->mode = MODE_ENFORCE;
	if (fixed && rule_finding(rn->ctx, field, json_deep_copy(opts), json_deep_copy(fixed),
				  "a host bind mount needs nosuid,nodev%s%s and no shared propagation",
				  f->ro ? ",ro" : "", f->recursive && !f->flatten && f->below ? ", below it too" : ""))
		json_object_set(m, "options", fixed);
	rn->ctx->mode = mode;
	json_decref(fixed);
	return 0;
}

/*
 * The path the runtime is given for o: its own when nobody but root can
 * change what it leads to, else o itself, pinned. *ret_pin when it must be.
 */
static int trust(struct run *rn, const char *field, struct host_obj *o, const struct host_verdict *v, const char *path,
		 bool *ret_pin, bool *ret_refused)
{
	const char *dir = v->untrusted;
	bool trusted = v->trusted;

	*ret_pin = *ret_refused = false;
	if (trusted && rn->c->pin != PIN_ALWAYS)
		return 0;
	if (!rn->can_pin) {
		if (!trusted && rn->online) {
			rule_unfixable(rn->ctx, field, json_string(path),
				       "%s can be changed by others than root: the runtime could be made to mount "
				       "something else than what was judged",
				       dir);
			*ret_refused = rn->ctx->mode != MODE_AUDIT;
		}
		return 0;
	}
	*ret_pin = true;
	if (pin_entered())
		return 0;
	/* o was opened in the host's namespace: open it again in clampdown's own, and judge that */
	host_close(o);
	return pin_enter(rn->ctx->err);
}

static int source_as_judged(struct run *rn, json_t *m, const char *field, const struct host_obj *o, bool pin,
			    bool recursive, const char *path)
{
	cleanup_free char *pinned = NULL;
	const char *src = json_string_value(json_object_get(m, "source"));
	int r;

	if (!rn->rewrites || rn->ctx->denied)
		return 0;
	if (pin) {
		r = pin_object(rn->pin_dir, o, recursive, &pinned, rn->ctx->err);
		if (r < 0)
			return r;
		rule_warning(rn->ctx, "%s: %s pinned at %s (%s)", field, path, pinned,
			     rn->c->pin == PIN_ALWAYS ? "pin: always" : "a directory above it is not root's alone");
	}
	if (!strcmp(src, pinned ? pinned : o->path))
		return 0;
	json_object_set_new(m, "source", json_string(pinned ? pinned : o->path));
	rn->ctx->changed = true;
	return 0;
}

/* A bind mount: returns 1 when it was removed. */
static int check_bind(struct run *rn, json_t *mounts, size_t i, const char *field, const char *dest)
{
	json_t *m = json_array_get(mounts, i);
	const char *src = json_string_value(json_object_get(m, "source"));
	struct host_obj o __attribute__((cleanup(host_close))) = { .fd = -1 };
	cleanup_free char *path = NULL;
	struct optfix f = { .ro = rn->c->readonly_binds && !jpaths_has(rn->c->writable, dest) };
	struct host_verdict v;
	bool pin = false, refused = false;
	int r;

	if (!src)
		return rule_bad_field(rn->ctx, field, "a bind mount needs a source");
	path = runtime_path(rn, src);
	if (!path)
		return cd_err(rn->ctx->err, ENOMEM, "out of memory");
	if (rn->can_pin && rn->c->pin == PIN_ALWAYS && (r = pin_enter(rn->ctx->err)) < 0)
		return r;
	r = open_judged(rn, field, path, 0, &o, &v);
	if (r >= 0 && !v.bad && o.fd >= 0) {
		r = trust(rn, field, &o, &v, path, &pin, &refused);
		if (r >= 0 && o.fd < 0)
			r = open_judged(rn, field, path, 0, &o, &v);
	}
	if (r < 0 || refused)
		return r;
	if (v.bad) {
		if (rule_finding(rn->ctx, field, json_deep_copy(m), NULL, "bind mount of %s: %s",
				 o.path ? o.path : path, v.why))
			return json_array_remove(mounts, i), 1;
		return 0;
	}
	/* a writable destination stays so for what engines put there: a tmpfs (shm) or a file (termination-log) */
	if (!f.ro && o.fd >= 0 && o.fstype != HOST_TMPFS_MAGIC && !S_ISREG(o.mode))
		f.ro = rn->c->readonly_binds;
	f.recursive = is_recursive(rn, json_object_get(m, "options"));
	r = o.fd >= 0 ? judge_below(rn, m, field, &o, &f) : 0;
	if (r >= 0)
		r = fix_options(rn, m, field, &f);
	if (r >= 0 && o.fd >= 0)
		r = source_as_judged(rn, m, field, &o, pin, f.recursive && !f.flatten, path);
	return r;
}

/* One mount: returns 1 when it was removed. */
static int check_mount(struct run *rn, json_t *mounts, size_t i)
{
	json_t *m = json_array_get(mounts, i), *opts = json_object_get(m, "options");
	const char *type = json_string_value(json_object_get(m, "type"));
	const char *dest = json_string_value(json_object_get(m, "destination"));
	char field[64], cdest[PATH_MAX];

	snprintf(field, sizeof(field), "mounts[%zu]", i);
	if (!json_is_object(m) || !dest || (opts && !json_is_null(opts) && !json_is_array(opts)))
		return rule_bad_field(rn->ctx, field, "must be an object with a destination and an options array");
	if (has_opt(opts, "remount")) {
		if (rule_finding(rn->ctx, field, json_deep_copy(m), NULL,
				 "\"remount\" changes what is already mounted at %s (the container's own kernel "
				 "filesystems, or a host filesystem through a bind)",
				 dest))
			return json_array_remove(mounts, i), 1;
		return 0;
	}
	drop_idmaps(rn->ctx, m, field);
	opts = json_object_get(m, "options");
	if (has_opt(opts, "bind") || has_opt(opts, "rbind") || (type && !strcmp(type, "bind"))) {
		if (path_clean_abs(dest, cdest, sizeof(cdest)) < 0)
			return rule_bad_field(rn->ctx, field, "destination too long");
		return check_bind(rn, mounts, i, field, cdest);
	}
	if (in_list(type, safe_types))
		return 0;
	if (rule_finding(rn->ctx, field, json_deep_copy(m), NULL, "filesystem type \"%s\" would mount %s",
			 type ? type : "", type && host_kernel_fs_named(type) ? "the host's kernel" : "host storage"))
		return json_array_remove(mounts, i), 1;
	return 0;
}

/* root.path: the runtime binds it recursively onto itself and runs the container on it. */
static int check_root(struct run *rn)
{
	json_t *root = json_object_get(rn->ctx->spec, "root");
	const char *spelled = json_string_value(json_object_get(root, "path"));
	struct host_obj o __attribute__((cleanup(host_close))) = { .fd = -1 };
	cleanup_free char *path = NULL;
	struct host_verdict v;
	int r;

	if (!spelled)
		return 0;
	path = runtime_path(rn, spelled);
	if (!path)
		return cd_err(rn->ctx->err, ENOMEM, "out of memory");
	r = open_judged(rn, "root.path", path, HOST_JUDGE_OWN_FS, &o, &v);
	if (r < 0)
		return r;
	if (!v.bad && o.fd >= 0 && !S_ISDIR(o.mode))
		v.bad = snprintf(v.why, sizeof(v.why), "is not a directory") > 0;
	if (v.bad) {
		rule_unfixable(rn->ctx, "root.path", json_string(spelled),
			       "%s %s: the container would run on the host's own files", o.path ? o.path : path, v.why);
		return 0;
	}
	if (o.fd < 0)
		return 0;
	/* both runtimes bind the root recursively onto itself: the mounts below it come along */
	if (rn->online &&
	    (r = host_judge_below(rn->judge, &o, &(size_t){ 0 }, &v.bad, v.why, sizeof(v.why), rn->ctx->err)) < 0)
		return r;
	if (v.bad) {
		rule_unfixable(rn->ctx, "root.path", json_string(spelled), "%s: %s", o.path, v.why);
		return 0;
	}
	if (!v.trusted) {
		rule_unfixable(rn->ctx, "root.path", json_string(spelled),
			       "%s can be changed by others than root: the runtime could be made to run the "
			       "container on something else than what was judged",
			       v.untrusted);
		return 0;
	}
	/* the judged path, without links (runc requires that; crun follows what it finds then) */
	if (rn->rewrites && !rn->ctx->denied && strcmp(path, o.path)) {
		json_object_set_new(root, "path", json_string(o.path));
		rn->ctx->changed = true;
	}
	return 0;
}

/* Only a container mounting in a namespace of its own can be handed pinned sources. */
static bool own_mount_ns(const json_t *spec)
{
	json_t *nss = json_object_get(json_object_get(spec, "linux"), "namespaces"), *e;
	size_t i;

	json_array_foreach(nss, i, e) {
		const char *t = json_string_value(json_object_get(e, "type"));
		const char *p = json_string_value(json_object_get(e, "path"));

		if (t && !strcmp(t, "mount"))
			return !p || !*p;
	}
	return false;
}

/* The bundle as an absolute path: the runtime's working directory, where relative paths start. */
static char *bundle_abs(const char *dir)
{
	cleanup_free char *cwd = NULL;
	char *abs = NULL;

	if (dir && dir[0] == '/')
		return strdup(dir);
	cwd = getcwd(NULL, 0);
	if (cwd && asprintf(&abs, "%s/%s", cwd, dir ? dir : ".") < 0)
		abs = NULL;
	return abs;
}

static int run_init(struct run *rn, struct rule_ctx *ctx, const struct mounts_conf *c)
{
	*rn = (struct run){ .ctx = ctx, .c = c, .bundle = bundle_abs(ctx->bundle_dir), .online = !ctx->predicting };
	rn->rewrites = ctx->mode == MODE_ENFORCE || ctx->mode == MODE_DENY;
	rn->can_pin = rn->rewrites && rn->online && c->pin != PIN_NEVER && own_mount_ns(ctx->spec);
	rn->judge = host_judge_new(c->sensitive);
	if (ctx->cache_dir && asprintf(&rn->pin_dir, "%s/pin", ctx->cache_dir) < 0)
		rn->pin_dir = NULL;
	else if (!ctx->cache_dir)
		rn->pin_dir = strdup(PIN_DIR);
	if (!rn->pin_dir)
		return cd_err(ctx->err, ENOMEM, "out of memory");
	return rn->bundle && rn->judge ? 0 : cd_err(ctx->err, ENOMEM, "out of memory");
}

static void run_free(struct run *rn)
{
	host_judge_free(rn->judge);
	free(rn->bundle);
	free(rn->pin_dir);
}

static int apply(struct rule_ctx *ctx, const void *conf)
{
	json_t *mounts = json_object_get(ctx->spec, "mounts");
	json_t *linux_obj = json_object_get(ctx->spec, "linux");
	const char *prop = json_string_value(json_object_get(linux_obj, "rootfsPropagation"));
	struct run rn __attribute__((cleanup(run_free))) = { 0 };
	size_t i = 0;
	int r;

	if (mounts && !json_is_null(mounts) && !json_is_array(mounts))
		return rule_bad_field(ctx, "mounts", "must be an array, not %s", jget_type_name(mounts));
	r = run_init(&rn, ctx, conf);
	if (r >= 0)
		r = check_root(&rn);
	while (r >= 0 && i < json_array_size(mounts)) {
		r = check_mount(&rn, mounts, i);
		if (r == 0)
			i++;
	}
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
