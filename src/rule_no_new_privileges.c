/* no_new_privileges: setuid binaries and file capabilities grant nothing. */
#include <errno.h>
#include <string.h>

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

/*
 * runc exec --no-new-privs=false turns it off (the last one counts); crun's
 * exec has it off unless the flag is given. One bare flag, which both read
 * as true, settles it.
 */
static int exec_flags(struct rule_ctx *ctx, const void *conf)
{
	struct runc_args *a = ctx->args;
	bool off = a->no_new_privs ? !strcmp(a->no_new_privs, "false") : ctx->crun;

	(void)conf;
	if (!off)
		return 0;
	if (rule_finding(ctx, "exec --no-new-privs", a->no_new_privs ? json_false() : NULL, json_true(),
			 a->no_new_privs
			     ? "the process may gain privileges through setuid binaries or file capabilities"
			     : "crun's exec leaves no_new_privileges off unless the flag is given") &&
	    runc_args_set_flag(a, "no-new-privs", NULL) < 0)
		return cd_err(ctx->err, E2BIG, "too many flags to add");
	return 0;
}

const struct rule_def rule_no_new_privileges = {
	.name = "no_new_privileges",
	.scope = SCOPE_PROCESS,
	.modes = MODES_ALL,
	.keys = NULL,
	.load = NULL,
	.apply = apply,
	.exec_flags = exec_flags,
};
