#include "harden.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "cleanup.h"
#include "jget.h"
#include "profile.h"
#include "report.h"

/* The profile named by the annotation, if selectable, else the default. */
static int pick_profile(const json_t *spec, const struct node_config *cfg, const char *source, const char **ret,
			struct cd_error *err)
{
	struct jpath at = { source, "annotations" };
	json_t *ann = NULL;
	const char *want = NULL;
	int r;

	*ret = cfg->default_profile;
	r = jget_object(spec, "annotations", false, &(struct jpath){ source, "" }, &ann, err);
	if (r >= 0 && ann)
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
	    json_pack("{s:s, s:s?, s:s, s:s, s:s, s:s, s:O}", "time", ts, "id", a->id, "command", a->cmd_name, "bundle",
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

static int harden_bundle(const struct runc_args *a, const struct node_config *cfg, struct cd_error *err)
{
	struct bundle b __attribute__((cleanup(bundle_close))) = { .dirfd = -1 };
	struct profile p __attribute__((cleanup(profile_free))) = { 0 };
	cleanup_json json_t *findings = json_array();
	struct rule_ctx ctx = { .findings = findings, .err = err };
	const char *name = NULL;
	int r;

	r = bundle_load(a->bundle, &b, err);
	if (r >= 0)
		r = pick_profile(b.spec, cfg, b.path, &name, err);
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
	if (r < 0)
		return r;
	if (!ctx.denied && ctx.changed)
		r = bundle_save(&b, err);
	log_decision(a, cfg, p.name, &ctx);
	if (r < 0)
		return r;
	if (ctx.denied)
		return cd_err(err, EPERM, "profile %s refuses container %s: %s", p.name, a->id ? a->id : "",
			      ctx.deny_msg);
	return 0;
}

int harden(const struct runc_args *a, const struct node_config *cfg, struct cd_error *err)
{
	switch (a->cmd) {
	case CMD_CREATE:
	case CMD_RUN:
	case CMD_RESTORE: return harden_bundle(a, cfg, err);
	default: return 0;
	}
}
