/*
 * apparmor and selinux: a container or exec that would run unconfined (no
 * label, "unconfined", or SELinux's unconfined_t/spc_t) gets the profile's
 * AppArmor profile or SELinux type. Where the host lacks the LSM, nothing can
 * confine the process: the rule is skipped with a warning in the decision log.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm.h"
#include "rules.h"

struct lsm_conf {
	char name[256]; /* AppArmor profile, or SELinux type */
};

static const char *const apparmor_keys[] = { "profile", NULL };
static const char *const selinux_keys[] = { "type", NULL };

static int load_name(const json_t *obj, const char *key, const struct jpath *at, void **ret_conf, struct cd_error *err)
{
	struct lsm_conf *c = calloc(1, sizeof(*c));
	const char *s = NULL;
	int r;

	if (!c)
		return cd_err(err, ENOMEM, "out of memory");
	*ret_conf = c;
	r = jget_string(obj, key, true, at, &s, err);
	if (r < 0)
		return r;
	if (!*s || strlen(s) >= sizeof(c->name) || strpbrk(s, " \t\n:") || !strcmp(s, "unconfined"))
		return jget_err(err, EINVAL, at, key, "\"%s\" is no confining name", s);
	snprintf(c->name, sizeof(c->name), "%s", s);
	return 0;
}

static int load_apparmor(const json_t *obj, const struct jpath *at, void **ret_conf, struct cd_error *err)
{
	return load_name(obj, "profile", at, ret_conf, err);
}

static int load_selinux(const json_t *obj, const struct jpath *at, void **ret_conf, struct cd_error *err)
{
	return load_name(obj, "type", at, ret_conf, err);
}

/* The LSM is there and the profile's AppArmor profile is loaded; else a warning and nothing to do. */
static int apparmor_ready(struct rule_ctx *ctx, const struct lsm_conf *c, bool *ret)
{
	*ret = lsm_apparmor_enabled();
	if (!*ret) {
		rule_warning(ctx, "AppArmor is not enabled on this host: not applied");
		return 0;
	}
	*ret = lsm_apparmor_loaded(c->name);
	if (!*ret)
		rule_warning(ctx, "AppArmor profile \"%s\" is not loaded on this host: not applied", c->name);
	return 0;
}

static bool apparmor_unconfined(const char *v)
{
	return !v || !*v || !strcmp(v, "unconfined");
}

static int apparmor_apply(struct rule_ctx *ctx, const void *conf)
{
	const struct lsm_conf *c = conf;
	json_t *v = json_object_get(ctx->process, "apparmorProfile");
	bool ready = false;
	int r = apparmor_ready(ctx, c, &ready);

	if (r < 0 || !ready)
		return r;
	if (v && !json_is_string(v))
		return rule_bad_field(ctx, "process.apparmorProfile", "must be a string");
	if (apparmor_unconfined(json_string_value(v)) &&
	    rule_finding(ctx, "process.apparmorProfile", v ? json_incref(v) : NULL, json_string(c->name),
			 "the process would run unconfined"))
		json_object_set_new(ctx->process, "apparmorProfile", json_string(c->name));
	return 0;
}

/* exec --apparmor/--process-label: an unconfining value is replaced; crun's exec also gets the flag when absent. */
static int exec_label_flag(struct rule_ctx *ctx, const char *flag, const char *want, bool unconfined,
			   const struct runc_flag_occ *o)
{
	char field[64];

	snprintf(field, sizeof(field), "exec --%s", flag);
	if (o && !unconfined)
		return 0;
	if (!o && !ctx->crun)
		return 0; /* runc's exec keeps the container's, which create confined */
	if (rule_finding(ctx, field, o ? json_string(o->value) : NULL, json_string(want),
			 o ? "the process would run unconfined" : "crun's exec may not keep the container's label") &&
	    runc_args_set_flag(ctx->args, flag, want) < 0)
		return cd_err(ctx->err, E2BIG, "too many flags to add");
	return 0;
}

static int apparmor_exec_flags(struct rule_ctx *ctx, const void *conf)
{
	const struct lsm_conf *c = conf;
	const struct runc_flag_occ *o = runc_args_last(ctx->args, "apparmor");
	bool ready = false;
	int r = apparmor_ready(ctx, c, &ready);

	if (r < 0 || !ready)
		return r;
	return exec_label_flag(ctx, "apparmor", c->name, o && apparmor_unconfined(o->value), o);
}

/* Whether "user:role:type[:level]" leaves the process unconfined: no label, no type, unconfined_t or spc_t. */
static bool selinux_unconfined(const char *label, char *type, size_t cap)
{
	const char *p = label, *end;

	if (!label || !*label)
		return true;
	for (int i = 0; i < 2 && p; i++)
		p = strchr(p, ':') ? strchr(p, ':') + 1 : NULL;
	if (!p)
		return true;
	end = strchr(p, ':');
	snprintf(type, cap, "%.*s", (int)(end ? (size_t)(end - p) : strlen(p)), p);
	return !strcmp(type, "unconfined_t") || !strcmp(type, "spc_t") || !*type;
}

static void selinux_label(const char *label, const char *type, char *out, size_t cap)
{
	const char *p = label && *label ? strchr(label, ':') : NULL;
	const char *q = p ? strchr(p + 1, ':') : NULL;
	const char *rest = q ? strchr(q + 1, ':') : NULL;

	/* keep user, role and level (the MCS categories the engine chose); the type is the profile's */
	if (q)
		snprintf(out, cap, "%.*s:%s%s", (int)(q - label), label, type, rest ? rest : ":s0");
	else
		snprintf(out, cap, "system_u:system_r:%s:s0", type);
}

static bool selinux_ready(struct rule_ctx *ctx)
{
	if (lsm_selinux_enabled())
		return true;
	rule_warning(ctx, "SELinux is not enabled on this host: not applied");
	return false;
}

static int selinux_apply(struct rule_ctx *ctx, const void *conf)
{
	const struct lsm_conf *c = conf;
	json_t *v = json_object_get(ctx->process, "selinuxLabel");
	char type[256] = "", want[600];

	if (!selinux_ready(ctx))
		return 0;
	if (v && !json_is_string(v))
		return rule_bad_field(ctx, "process.selinuxLabel", "must be a string");
	if (!selinux_unconfined(json_string_value(v), type, sizeof(type)))
		return 0;
	selinux_label(json_string_value(v), c->name, want, sizeof(want));
	if (rule_finding(ctx, "process.selinuxLabel", v ? json_incref(v) : NULL, json_string(want),
			 "the process would run unconfined"))
		json_object_set_new(ctx->process, "selinuxLabel", json_string(want));
	return 0;
}

static int selinux_exec_flags(struct rule_ctx *ctx, const void *conf)
{
	const struct lsm_conf *c = conf;
	const struct runc_flag_occ *o = runc_args_last(ctx->args, "process-label");
	char type[256] = "", want[600];

	if (!selinux_ready(ctx))
		return 0;
	selinux_label(o ? o->value : NULL, c->name, want, sizeof(want));
	return exec_label_flag(ctx, "process-label", want, o && selinux_unconfined(o->value, type, sizeof(type)), o);
}

const struct rule_def rule_apparmor = {
	.name = "apparmor",
	.scope = SCOPE_PROCESS,
	.modes = MODES_ALL,
	.keys = apparmor_keys,
	.load = load_apparmor,
	.apply = apparmor_apply,
	.exec_flags = apparmor_exec_flags,
};

const struct rule_def rule_selinux = {
	.name = "selinux",
	.scope = SCOPE_PROCESS,
	.modes = MODES_ALL,
	.keys = selinux_keys,
	.load = load_selinux,
	.apply = selinux_apply,
	.exec_flags = selinux_exec_flags,
};
