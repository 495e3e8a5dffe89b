/*
 * restore: a container restored from a checkpoint gets its processes'
 * credentials, capabilities, seccomp filter, rlimits, OOM score and LSM
 * labels from the CRIU image, which no rule sees: config.json gives only
 * the rootfs, mounts, namespaces and cgroups (runc v1.1.5 Restore, crun
 * 1.8.1 libcrun_container_restore). Refused unless the profile turns this
 * rule off; audit lets it through and records it.
 */
#include "rules.h"

static int apply(struct rule_ctx *ctx, const void *conf)
{
	(void)conf;
	if (ctx->args && ctx->args->cmd == CMD_RESTORE)
		rule_unfixable(ctx, "restore", NULL,
			       "the checkpoint brings back credentials, capabilities and a seccomp filter that "
			       "config.json does not show (set the profile's restore rule off to allow restores)");
	return 0;
}

const struct rule_def rule_restore = {
	.name = "restore",
	.scope = SCOPE_CONTAINER,
	.modes = MODES_ALL,
	.keys = NULL,
	.load = NULL,
	.apply = apply,
};
