/* no_new_privileges: setuid binaries and file capabilities grant nothing. */
#include "rules.h"

static int apply(struct rule_ctx *ctx, const void *conf)
{
	json_t *v = json_object_get(ctx->process, "noNewPrivileges");

	(void)conf;
	if (v && !json_is_null(v) && !json_is_boolean(v))
		return rule_bad_field(ctx, "process.noNewPrivileges", "must be a boolean, not %s", jget_type_name(v));
	if (json_is_true(v))
		return 0;
	if (rule_finding(ctx, "process.noNewPrivileges", v ? json_false() : NULL, json_true(),
			 "the process may gain privileges through setuid binaries or file capabilities"))
		json_object_set_new(ctx->process, "noNewPrivileges", json_true());
	return 0;
}

const struct rule_def rule_no_new_privileges = {
	.name = "no_new_privileges",
	.scope = SCOPE_PROCESS,
	.modes = MODES_ALL,
	.keys = NULL,
	.load = NULL,
	.apply = apply,
};
