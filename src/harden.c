#include "harden.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "cleanup.h"
#include "fsutil.h"
#include "jget.h"
#include "json_text.h"
#include "profile.h"
#include "report.h"
#include "runtime_state.h"
#include "spec_schema.h"
#include "units.h"

int harden_pick_profile(const json_t *ann, const struct node_config *cfg, const char *source, const char **ret,
			struct cd_error *err)
{
	struct jpath at = { source, "annotations" };
	const char *want = NULL;
	int r = 0;

	*ret = cfg->default_profile;
	if (ann)
		r = jget_string(ann, cfg->profile_annotation, false, &at, &want, err);
	if (r < 0 || !want)
		return r;
	if (strcmp(want, cfg->default_profile) && !node_config_selectable(cfg, want))
		return cd_err(err, EPERM, "%s: annotations.%s: profile \"%s\" is not in selectable_profiles of %s",
			      source, cfg->profile_annotation, want, cfg->path);
	*ret = want;
	return 0;
}

static const char *verdict_of(const struct rule_ctx *ctx)
{
	return ctx->denied ? "denied" : ctx->changed ? "rewritten" : "allowed";
}

static void log_decision(const struct runc_args *a, const struct node_config *cfg, const char *profile,
			 const struct rule_ctx *ctx)
{
	cleanup_json json_t *entry = NULL;
	char ts[64], msg[4200];
	int r;

	if (!cfg->decision_log)
		return;
	report_time(ts, sizeof(ts));
	entry = json_pack("{s:s, s:o?, s:s, s:o, s:s, s:s, s:O}", "time", ts, "id", json_text_message(a->id), "command",
			  a->cmd_name, "source", json_text_message(ctx->source), "profile", profile, "verdict",
			  verdict_of(ctx), "findings", ctx->findings);
	if (!entry)
		return;
	r = report_decision(cfg->decision_log, entry);
	if (r < 0) {
		snprintf(msg, sizeof(msg), "warning: cannot write the decision log %s: %s", cfg->decision_log,
			 strerror(-r));
		dprintf(STDERR_FILENO, "clampdown: %s\n", msg);
		report_warning(a, msg);
	}
}

/* Log the decision; a denial becomes the error main() reports. */
static int finish(struct runc_args *a, const struct node_config *cfg, const char *profile, struct rule_ctx *ctx,
		  const char *what, int r, struct cd_error *err)
{
	log_decision(a, cfg, profile, ctx);
	if (r < 0)
		return r;
	if (ctx->denied)
		return cd_err(err, EPERM, "profile %s refuses %s %s: %s", profile, what, a->id ? a->id : "",
			      ctx->deny_msg);
	return 0;
}

/* A profile asked for by annotation but not selectable: refused before any rule, logged all the same. */
static int refuse_selection(struct runc_args *a, const struct node_config *cfg, const char *source, const json_t *ann,
			    struct cd_error *err)
{
	cleanup_json json_t *findings = json_array();
	struct rule_ctx ctx = { .findings = findings, .source = source, .rule = "profile", .mode = MODE_DENY };
	char field[300];

	snprintf(field, sizeof(field), "annotations.%s", cfg->profile_annotation);
	rule_finding(&ctx, field, json_deep_copy(json_object_get(ann, cfg->profile_annotation)), NULL,
		     "not in selectable_profiles of %s", cfg->path);
	log_decision(a, cfg, cfg->default_profile, &ctx);
	return -err->code;
}

/*
 * The runtime is exec'd next, which frees everything at once: taking a
 * config.json's tree apart object by object cost a quarter of the rewrite.
 * (A refusal returns and frees as usual, so valgrind still sees every exit.)
 */
static void left_to_execve(struct bundle *b, struct profile *p, json_t **findings)
{
	b->spec = NULL;
	b->dirfd = -1; /* O_CLOEXEC */
	p->nrules = 0;
	*findings = NULL;
}

/* Keys renamed as runc reads them: noted, and the file is written back whatever the rules do. */
static void respelled(struct rule_ctx *ctx, int n)
{
	if (n <= 0)
		return;
	ctx->rule = "schema";
	rule_warning(ctx, "%d key(s) renamed to the field runc reads them as (\"CPU\" is \"cpu\")", n);
	ctx->changed = true;
}

bool harden_runtime_is_crun(const struct node_config *cfg)
{
	const char *base = strrchr(cfg->runtime, '/');

	return !strncmp(base ? base + 1 : cfg->runtime, "crun", 4);
}

static int harden_bundle(struct runc_args *a, const struct node_config *cfg, struct cd_error *err)
{
	struct bundle b __attribute__((cleanup(bundle_close))) = { .dirfd = -1 };
	struct profile p __attribute__((cleanup(profile_free))) = { 0 };
	cleanup_json json_t *findings = json_array();
	struct rule_ctx ctx = { .findings = findings, .args = a, .err = err, .crun = harden_runtime_is_crun(cfg) };
	const char *name = NULL;
	json_t *ann = NULL;
	int r;

	r = bundle_load(a->bundle, &b, err);
	if (r >= 0)
		r = jget_object(b.spec, "annotations", false, &(struct jpath){ b.path, "" }, &ann, err);
	if (r >= 0)
		r = harden_pick_profile(ann, cfg, b.path, &name, err);
	if (r == -EPERM)
		return refuse_selection(a, cfg, b.path, ann, err);
	if (r >= 0)
		r = profile_load(cfg->profile_dir, name, &p, err);
	if (r < 0)
		return r;
	ctx.spec = b.spec;
	ctx.source = b.path;
	ctx.bundle_dir = b.dir;
	ctx.cache_dir = cfg->cache_dir;
	ctx.decision_log = cfg->decision_log;
	ctx.profile = p.name;
	ctx.process = json_object_get(b.spec, "process");
	if (!json_is_object(ctx.process))
		return cd_err(err, EINVAL, "%s: process: required, and must be an object", b.path);
	respelled(&ctx, b.respelled);
	r = profile_apply(&p, SCOPE_CONTAINER | SCOPE_PROCESS, &ctx);
	if (r >= 0 && !ctx.denied && ctx.changed)
		r = bundle_save(&b, err);
	r = finish(a, cfg, p.name, &ctx, "container", r, err);
	if (r >= 0)
		left_to_execve(&b, &p, &findings);
	return r;
}

/* The profile of a running container, by what its runtime recorded. */
static int container_profile(const struct runc_args *a, const struct node_config *cfg, struct profile *p,
			     struct cd_error *err)
{
	cleanup_json json_t *ann = NULL;
	const char *name = NULL;
	int r = runtime_state_annotations(cfg->runtime, a->root, a->id, &ann, err);

	if (r >= 0)
		r = harden_pick_profile(ann, cfg, "container state", &name, err);
	return r < 0 ? r : profile_load(cfg->profile_dir, name, p, err);
}

/* Open the directory of path (O_RDONLY, for fsync) and point *ret_base at its last component. */
static int open_parent(const char *path, const char **ret_base, struct cd_error *err)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];
	int fd;

	*ret_base = slash ? slash + 1 : path;
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return cd_err_sys(err, "%s: cannot open its directory", path);
	return fd;
}

/* A memfd holding text, at offset 0. */
static int memfd_with(const char *name, unsigned flags, const char *text, size_t len, struct cd_error *err)
{
	int fd = memfd_create(name, flags);
	size_t off = 0;

	if (fd < 0)
		return cd_err_sys(err, "memfd_create");
	while (off < len) {
		ssize_t k = write(fd, text + off, len - off);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			close(fd);
			return cd_err_sys(err, "cannot buffer %s", name);
		}
		off += (size_t)k;
	}
	if (lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		return cd_err_sys(err, "cannot buffer %s", name);
	}
	return fd;
}

/*
 * A process file that is a pipe or a link to one (-p /dev/fd/63) can be read
 * only once: runc gets what was judged from a memfd left open across the
 * execve, named /proc/self/fd/N in its place.
 */
static int hand_over_process(struct runc_args *a, const char *text, size_t len, struct cd_error *err)
{
	static char arg[64];
	const struct runc_flag_occ *o = runc_args_last(a, "process");
	const struct runc_flag_occ *pf = runc_args_last(a, "preserve-fds");
	const char *listen = getenv("LISTEN_FDS");
	long keep = 3 + (pf ? strtol(pf->value, NULL, 10) : 0) + (listen ? strtol(listen, NULL, 10) : 0);
	int fd = memfd_with("clampdown-process", MFD_ALLOW_SEALING, text, len, err), moved;

	if (fd < 0)
		return fd;
	/* sealed, and above the fds --preserve-fds (and crun's LISTEN_FDS) hand to the process */
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
		return close(fd), cd_err_sys(err, "cannot seal the process file's copy");
	if (keep < 3 || keep > 65536)
		return close(fd), cd_err(err, EINVAL, "--preserve-fds: not a number clampdown can keep clear of");
	if (fd < keep) {
		moved = fcntl(fd, F_DUPFD, (int)keep);
		close(fd);
		if (moved < 0)
			return cd_err_sys(err, "cannot keep the process file's copy clear of the preserved fds");
		fd = moved;
	}
	snprintf(arg, sizeof(arg), "%s/proc/self/fd/%d", o->value_index >= 0 ? "" : "--process=", fd);
	a->override[o->value_index >= 0 ? o->value_index : o->index] = arg;
	return 0;
}

/* Read the process file: in place if it is a regular file (*dirfd, *base set), else once. */
static int read_process_file(const char *path, int *dirfd, const char **base, char **text, size_t *len, struct stat *st,
			     struct cd_error *err)
{
	cleanup_close int fd = -1;

	if (lstat(path, st) == 0 && !S_ISREG(st->st_mode)) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return cd_err_sys(err, "%s: cannot open", path);
		return fs_read_fd(fd, path, FS_MAX_FILE, text, len, err);
	}
	*dirfd = open_parent(path, base, err);
	if (*dirfd < 0)
		return *dirfd;
	return fs_read_at(*dirfd, *base, true, FS_MAX_FILE, text, len, st, err);
}

/* exec --process FILE: the same process rules as create, the file replaced atomically (or handed over). */
static int harden_process_file(struct rule_ctx *ctx, const struct profile *p, struct cd_error *err)
{
	const char *path = ctx->args->process_file, *base = NULL;
	cleanup_free char *text = NULL, *out = NULL;
	cleanup_json json_t *proc = NULL;
	cleanup_close int dirfd = -1;
	struct stat st;
	size_t len = 0, n;
	int r = read_process_file(path, &dirfd, &base, &text, &len, &st, err);

	if (r >= 0)
		r = spec_schema_load(text, len, &schema_process, path, &proc, err);
	if (r < 0)
		return r;
	respelled(ctx, r);
	ctx->process = proc;
	r = profile_apply(p, SCOPE_PROCESS, ctx);
	if (r < 0 || ctx->denied || (!ctx->changed && dirfd >= 0))
		return r;
	if (ctx->changed && (r = json_text_dump(proc, &out, &n, err)) < 0)
		return r;
	if (dirfd < 0)
		return hand_over_process(ctx->args, out ?: text, out ? n : len, err);
	return fs_replace_at(dirfd, base, out, n, &st, err);
}

static int harden_exec(struct runc_args *a, const struct node_config *cfg, struct cd_error *err)
{
	struct profile p __attribute__((cleanup(profile_free))) = { 0 };
	cleanup_json json_t *findings = json_array();
	struct rule_ctx ctx = { .findings = findings, .args = a, .err = err, .crun = harden_runtime_is_crun(cfg) };
	int r = container_profile(a, cfg, &p, err);

	if (r < 0)
		return r;
	/* with --process, runc ignores the process flags */
	ctx.source = a->process_file ? a->process_file : "exec flags";
	r = a->process_file ? harden_process_file(&ctx, &p, err) : 0;
	if (r >= 0)
		r = profile_apply_exec_flags(&p, &ctx);
	return finish(a, cfg, p.name, &ctx, "exec in container", r, err);
}

/* The JSON runc update reads goes to it on stdin from a memfd (the only copy, once read). */
static int feed_stdin(const char *text, size_t len, struct cd_error *err)
{
	cleanup_close int fd = memfd_with("clampdown-update", MFD_CLOEXEC, text, len, err);

	if (fd < 0)
		return fd;
	if (dup2(fd, STDIN_FILENO) < 0)
		return cd_err_sys(err, "cannot hand the update to the runtime");
	return 0;
}

/* update --resources FILE|-: judged as JSON, passed on through stdin. */
static int harden_update_json(struct rule_ctx *ctx, const struct profile *p, struct cd_error *err)
{
	struct runc_args *a = ctx->args;
	const struct runc_flag_occ *o = runc_args_last(a, "resources");
	cleanup_free char *text = NULL, *out = NULL;
	cleanup_json json_t *res = NULL;
	bool from_stdin = !strcmp(a->resources, "-");
	struct stat st;
	size_t len = 0;
	int r;

	r = from_stdin ? fs_read_fd(STDIN_FILENO, "update --resources -", FS_MAX_FILE, &text, &len, err)
		       : fs_read_at(AT_FDCWD, a->resources, false, FS_MAX_FILE, &text, &len, &st, err);
	if (r >= 0)
		r = spec_schema_load(text, len, &schema_resources, ctx->source, &res, err);
	if (r < 0)
		return r;
	respelled(ctx, r);
	ctx->resources = res;
	r = profile_apply(p, SCOPE_UPDATE, ctx);
	if (r < 0 || ctx->denied || (!ctx->changed && !from_stdin))
		return r;
	if (ctx->changed)
		r = json_text_dump(res, &out, &len, err);
	if (r < 0)
		return r;
	if (o->value_index >= 0)
		a->override[o->value_index] = "-";
	else
		a->override[o->index] = "--resources=-";
	return feed_stdin(out ? out : text, len, err);
}

/* The update flags clampdown judges, and the JSON field each stands for. */
static const struct update_flag {
	const char *flag, *obj, *key;
	bool ram;
} update_flags[] = {
	{ "memory", "memory", "limit", true },	  { "memory-swap", "memory", "swap", true },
	{ "pids-limit", "pids", "limit", false }, { "cpu-quota", "cpu", "quota", false },
	{ "cpu-period", "cpu", "period", false },
};

/* Go's strconv.ParseInt(v, 0, 64), as urfave/cli reads --pids-limit */
static int parse_go_int0(const char *v, int64_t *ret)
{
	char *end = NULL;
	long long n;

	errno = 0;
	n = strtoll(v, &end, 0);
	if (errno || !*v || *end)
		return -EINVAL;
	*ret = n;
	return 0;
}

/* A flag value as the runtime reads it; what it would refuse is refused here too. */
static int update_flag_value(const struct update_flag *f, const char *v, bool crun, int64_t *ret, struct cd_error *err)
{
	int r;

	if (crun)
		r = units_parse_i64(v, ret);
	else if (f->ram)
		r = !strcmp(v, "-1") ? (*ret = -1, 0) : units_parse_ram(v, ret);
	else if (!strcmp(f->flag, "pids-limit"))
		r = parse_go_int0(v, ret);
	else
		r = units_parse_i64(v, ret);
	if (r < 0)
		return cd_err(err, EINVAL, "update --%s %s: not a value the runtime reads", f->flag, v);
	return 0;
}

/* crun pastes numeric update flags into JSON as they are: only plain integers may pass. */
static int crun_numeric_flags(const struct runc_args *a, struct cd_error *err)
{
	for (int i = 0; i < a->nocc; i++) {
		const char *n = a->occ[i].name, *v = a->occ[i].value;
		int64_t x;

		if (!strcmp(n, "resources") || !strncmp(n, "cpuset-", 7) || !strcmp(n, "help") ||
		    !strcmp(n, "l3-cache-schema") || !strcmp(n, "mem-bw-schema"))
			continue;
		if (units_parse_i64(v, &x) < 0)
			return cd_err(err, EINVAL, "update --%s %s: crun reads only plain integers here", n, v);
	}
	return 0;
}

/* update with flags: judged as the JSON they stand for; a clamped flag replaces every given spelling of it. */
static int occurrences(const struct runc_args *a, const char *flag)
{
	int n = 0;

	for (int i = 0; i < a->nocc; i++)
		n += !strcmp(a->occ[i].name, flag);
	return n;
}

static int harden_update_flags(struct rule_ctx *ctx, const struct profile *p, struct cd_error *err)
{
	const size_t n = sizeof(update_flags) / sizeof(update_flags[0]);
	cleanup_json json_t *res = json_object();
	int64_t given[sizeof(update_flags) / sizeof(update_flags[0])];
	int r;

	for (size_t i = 0; i < n; i++) {
		const struct runc_flag_occ *o = runc_args_last(ctx->args, update_flags[i].flag);
		json_t *obj;

		if (!o)
			continue;
		r = update_flag_value(&update_flags[i], o->value, ctx->crun, &given[i], err);
		if (r < 0)
			return r;
		obj = json_object_get(res, update_flags[i].obj);
		if (!obj)
			json_object_set_new(res, update_flags[i].obj, obj = json_object());
		json_object_set_new(obj, update_flags[i].key, json_integer(given[i]));
	}
	ctx->resources = res;
	r = profile_apply(p, SCOPE_UPDATE, ctx);
	for (size_t i = 0; r >= 0 && i < n; i++) {
		json_t *v = json_object_get(json_object_get(res, update_flags[i].obj), update_flags[i].key);
		char val[32];

		/* a flag given twice is runc's last but crun's first (its JSON keeps the first key): one is left */
		if (!v || (runc_args_last(ctx->args, update_flags[i].flag) && json_integer_value(v) == given[i] &&
			   occurrences(ctx->args, update_flags[i].flag) < 2))
			continue;
		snprintf(val, sizeof(val), "%lld", (long long)json_integer_value(v));
		if (runc_args_set_flag(ctx->args, update_flags[i].flag, val) < 0)
			r = cd_err(err, E2BIG, "too many flags to add");
	}
	return r;
}

static int harden_update(struct runc_args *a, const struct node_config *cfg, struct cd_error *err)
{
	struct profile p __attribute__((cleanup(profile_free))) = { 0 };
	cleanup_json json_t *findings = json_array();
	struct rule_ctx ctx = { .findings = findings, .args = a, .err = err, .crun = harden_runtime_is_crun(cfg) };
	int r = container_profile(a, cfg, &p, err);

	if (r >= 0 && ctx.crun && !a->resources)
		r = crun_numeric_flags(a, err);
	if (r < 0)
		return r;
	/* crun stops reading flags at the id (runc reorders): added flags go before it */
	if (ctx.crun)
		a->extra_at = a->id_index;
	/* with --resources, the runtime ignores the other flags */
	ctx.source =
	    a->resources ? (!strcmp(a->resources, "-") ? "update --resources -" : a->resources) : "update flags";
	r = a->resources ? harden_update_json(&ctx, &p, err) : harden_update_flags(&ctx, &p, err);
	return finish(a, cfg, p.name, &ctx, "update of container", r, err);
}

/*
 * crun's argv is read by getopt: "-p=f" is the file "=f", "-pid-file=f" is -p
 * with "id-file=f", and --rootless is an alias of --root. clampdown reads runc's
 * (Go) grammar, so what the two read apart is refused.
 */
static int crun_grammar(const struct runc_args *a, const struct node_config *cfg, struct cd_error *err)
{
	if (!harden_runtime_is_crun(cfg) || !runc_args_hardens(a))
		return 0;
	if (a->getopt_differs)
		return cd_err(err, EINVAL,
			      "%s: crun reads a flag with one dash as a one-letter flag and its value; "
			      "spell long flags with two dashes",
			      a->getopt_differs);
	if (a->rootless)
		return cd_err(err, EINVAL, "--rootless %s: crun reads it as --root (another state directory)",
			      a->rootless);
	return 0;
}

int harden(struct runc_args *a, const struct node_config *cfg, struct cd_error *err)
{
	int r = crun_grammar(a, cfg, err);

	if (r < 0)
		return r;
	switch (a->cmd) {
	case CMD_CREATE:
	case CMD_RUN:
	case CMD_RESTORE: return harden_bundle(a, cfg, err);
	case CMD_EXEC: return harden_exec(a, cfg, err);
	case CMD_UPDATE: return harden_update(a, cfg, err);
	default: return 0;
	}
}
