#include "harden.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
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

/* The profile named by the annotation, if selectable, else the default. */
static int pick_profile(const json_t *ann, const struct node_config *cfg, const char *source, const char **ret,
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
	entry =
	    json_pack("{s:s, s:s?, s:s, s:s, s:s, s:s, s:O}", "time", ts, "id", a->id, "command", a->cmd_name, "source",
		      ctx->source, "profile", profile, "verdict", verdict_of(ctx), "findings", ctx->findings);
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

static int harden_bundle(struct runc_args *a, const struct node_config *cfg, struct cd_error *err)
{
	struct bundle b __attribute__((cleanup(bundle_close))) = { .dirfd = -1 };
	struct profile p __attribute__((cleanup(profile_free))) = { 0 };
	cleanup_json json_t *findings = json_array();
	struct rule_ctx ctx = { .findings = findings, .args = a, .err = err };
	const char *name = NULL;
	json_t *ann = NULL;
	int r;

	r = bundle_load(a->bundle, &b, err);
	if (r >= 0)
		r = jget_object(b.spec, "annotations", false, &(struct jpath){ b.path, "" }, &ann, err);
	if (r >= 0)
		r = pick_profile(ann, cfg, b.path, &name, err);
	if (r >= 0)
		r = profile_load(cfg->profile_dir, name, &p, err);
	if (r < 0)
		return r;
	ctx.spec = b.spec;
	ctx.source = b.path;
	ctx.process = json_object_get(b.spec, "process");
	if (!json_is_object(ctx.process))
		return cd_err(err, EINVAL, "%s: process: required, and must be an object", b.path);
	r = profile_apply(&p, SCOPE_CONTAINER | SCOPE_PROCESS, &ctx);
	if (r >= 0 && !ctx.denied && ctx.changed)
		r = bundle_save(&b, err);
	return finish(a, cfg, p.name, &ctx, "container", r, err);
}

/* The profile of a running container, by what its runtime recorded. */
static int container_profile(const struct runc_args *a, const struct node_config *cfg, struct profile *p,
			     struct cd_error *err)
{
	cleanup_json json_t *ann = NULL;
	const char *name = NULL;
	int r = runtime_state_annotations(cfg->runtime, a->root, a->id, &ann, err);

	if (r >= 0)
		r = pick_profile(ann, cfg, "container state", &name, err);
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

/* exec --process FILE: the same process rules as create, the file replaced atomically. */
static int harden_process_file(struct rule_ctx *ctx, const struct profile *p, struct cd_error *err)
{
	const char *path = ctx->args->process_file, *base = NULL;
	cleanup_free char *text = NULL, *out = NULL;
	cleanup_json json_t *proc = NULL;
	cleanup_close int dirfd = open_parent(path, &base, err);
	struct stat st;
	size_t len = 0;
	int r = dirfd < 0 ? dirfd : 0;

	if (r >= 0)
		r = fs_read_at(dirfd, base, true, FS_MAX_FILE, &text, &len, &st, err);
	if (r >= 0)
		r = json_text_load(text, len, path, &proc, err);
	if (r >= 0 && !json_is_object(proc))
		r = cd_err(err, EINVAL, "%s: must be a JSON object", path);
	if (r >= 0)
		r = spec_schema_check(proc, &schema_process, path, err);
	if (r < 0)
		return r;
	ctx->process = proc;
	r = profile_apply(p, SCOPE_PROCESS, ctx);
	if (r < 0 || ctx->denied || !ctx->changed)
		return r;
	r = json_text_dump(proc, &out, &len, err);
	return r < 0 ? r : fs_replace_at(dirfd, base, out, len, &st, err);
}

static int harden_exec(struct runc_args *a, const struct node_config *cfg, struct cd_error *err)
{
	struct profile p __attribute__((cleanup(profile_free))) = { 0 };
	cleanup_json json_t *findings = json_array();
	const char *base = strrchr(cfg->runtime, '/');
	struct rule_ctx ctx = { .findings = findings, .args = a, .err = err };
	int r = container_profile(a, cfg, &p, err);

	ctx.crun = !strncmp(base ? base + 1 : cfg->runtime, "crun", 4);

	if (r < 0)
		return r;
	/* with --process, runc ignores the process flags */
	ctx.source = a->process_file ? a->process_file : "exec flags";
	r = a->process_file ? harden_process_file(&ctx, &p, err) : profile_apply_exec_flags(&p, &ctx);
	return finish(a, cfg, p.name, &ctx, "exec in container", r, err);
}

int harden(struct runc_args *a, const struct node_config *cfg, struct cd_error *err)
{
	switch (a->cmd) {
	case CMD_CREATE:
	case CMD_RUN:
	case CMD_RESTORE: return harden_bundle(a, cfg, err);
	case CMD_EXEC: return harden_exec(a, cfg, err);
	default: return 0;
	}
}
