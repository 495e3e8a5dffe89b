/* user: no process runs as uid 0 or with gid 0. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

struct user_conf {
	int64_t uid, gid;
};

static const char *const keys[] = { "uid", "gid", NULL };

static int load(const json_t *obj, const struct jpath *at, void **ret_conf, struct cd_error *err)
{
	struct user_conf *c = calloc(1, sizeof(*c));
	int r;

	if (!c)
		return cd_err(err, ENOMEM, "out of memory");
	*ret_conf = c;
	r = jget_int(obj, "uid", true, 1, UINT32_MAX, at, &c->uid, err);
	c->gid = c->uid;
	if (r >= 0)
		r = jget_int(obj, "gid", false, 1, UINT32_MAX, at, &c->gid, err);
	return r;
}

/* additionalGids without 0; returns NULL when it holds no 0. */
static json_t *without_gid0(struct rule_ctx *ctx, json_t *gids, int *r)
{
	json_t *out, *v;
	bool found = false;
	size_t i;

	json_array_foreach(gids, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > UINT32_MAX) {
			*r = rule_bad_field(ctx, "process.user.additionalGids", "entry %zu is not a uint32", i);
			return NULL;
		}
		found |= json_integer_value(v) == 0;
	}
	if (!found)
		return NULL;
	out = json_array();
	json_array_foreach(gids, i, v)
		if (json_integer_value(v) != 0)
			json_array_append(out, v);
	return out;
}

static int fix_gids(struct rule_ctx *ctx, json_t *user)
{
	json_t *gids = json_object_get(user, "additionalGids"), *clean;
	int r = 0;

	if (!gids || json_is_null(gids))
		return 0;
	if (!json_is_array(gids))
		return rule_bad_field(ctx, "process.user.additionalGids", "must be an array");
	clean = without_gid0(ctx, gids, &r);
	if (!clean)
		return r;
	if (rule_finding(ctx, "process.user.additionalGids", json_deep_copy(gids), json_deep_copy(clean),
			 "supplementary group 0 (root)"))
		json_object_set(user, "additionalGids", clean);
	json_decref(clean);
	return 0;
}

/* A user namespace whose mapping reaches host uid/gid 0 makes some container id host root. */
static int host_root_mapping(struct rule_ctx *ctx, const char *key)
{
	json_t *maps = json_object_get(json_object_get(ctx->spec, "linux"), key), *m;
	char field[64];
	size_t i;

	snprintf(field, sizeof(field), "linux.%s", key);
	if (maps && !json_is_null(maps) && !json_is_array(maps))
		return rule_bad_field(ctx, field, "must be an array");
	json_array_foreach(maps, i, m) {
		json_t *host = json_object_get(m, "hostID"), *size = json_object_get(m, "size");

		if (!json_is_integer(host) || !json_is_integer(size))
			return rule_bad_field(ctx, field, "entry %zu needs integer hostID and size", i);
		if (json_integer_value(host) == 0 && json_integer_value(size) > 0) {
			rule_unfixable(ctx, field, json_deep_copy(m), "maps host id 0 into the container");
			return 0;
		}
	}
	return 0;
}

static int apply(struct rule_ctx *ctx, const void *conf)
{
	const struct user_conf *c = conf;
	struct jpath at = { ctx->source, "process.user" };
	int64_t uid = 0, gid = 0;
	json_t *user = rule_ensure_object(ctx, ctx->process, "user", "process.user");
	int r;

	if (!user)
		return -ctx->err->code;
	/* an absent uid or gid is 0 to runc */
	r = jget_int(user, "uid", false, 0, UINT32_MAX, &at, &uid, ctx->err);
	if (r >= 0)
		r = jget_int(user, "gid", false, 0, UINT32_MAX, &at, &gid, ctx->err);
	if (r < 0)
		return r;
	if (uid == 0 &&
	    rule_finding(ctx, "process.user.uid", json_integer(0), json_integer(c->uid), "the process runs as root")) {
		json_object_set_new(user, "uid", json_integer(c->uid));
		if (gid != c->gid && rule_finding(ctx, "process.user.gid", json_integer(gid), json_integer(c->gid),
						  "root's group goes with root"))
			json_object_set_new(user, "gid", json_integer(gid = c->gid));
	}
	if (gid == 0 && rule_finding(ctx, "process.user.gid", json_integer(0), json_integer(c->gid),
				     "the process runs with group 0 (root)"))
		json_object_set_new(user, "gid", json_integer(c->gid));
	r = fix_gids(ctx, user);
	if (r >= 0 && ctx->spec)
		r = host_root_mapping(ctx, "uidMappings");
	if (r >= 0 && ctx->spec)
		r = host_root_mapping(ctx, "gidMappings");
	return r;
}

/*
 * An id as runc's exec flags would read it, accepted only in its plain
 * decimal form 1..2^32-1. Anything else ("0", "00", "+0", "0x0",
 * "4294967296", which Go's uint32() wraps to 0) counts as root.
 */
static bool plain_nonzero_id(const char *s, size_t n)
{
	uint64_t v = 0;

	if (n == 0 || n > 10 || s[0] == '0')
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	return v <= UINT32_MAX;
}

static int set_user(struct rule_ctx *ctx, const char *value)
{
	if (runc_args_set_flag(ctx->args, "user", value) < 0)
		return cd_err(ctx->err, E2BIG, "too many flags to add");
	return 0;
}

static int exec_user_flag(struct rule_ctx *ctx, const struct user_conf *c, const struct runc_flag_occ *o)
{
	const char *colon = strchr(o->value, ':');
	size_t ulen = colon ? (size_t)(colon - o->value) : strlen(o->value);
	char want[32];

	if (!plain_nonzero_id(o->value, ulen)) {
		snprintf(want, sizeof(want), "%lld:%lld", (long long)c->uid, (long long)c->gid);
		if (rule_finding(ctx, "exec --user", json_string(o->value), json_string(want),
				 "the process runs as root"))
			return set_user(ctx, want);
	} else if ((colon && !plain_nonzero_id(colon + 1, strlen(colon + 1))) || (!colon && ctx->crun)) {
		/* crun's exec gives a --user without a group the group 0 (runc: the user's) */
		snprintf(want, sizeof(want), "%.*s:%lld", (int)ulen, o->value, (long long)c->gid);
		if (rule_finding(ctx, "exec --user", json_string(o->value), json_string(want),
				 "the process runs with group 0 (root)"))
			return set_user(ctx, want);
	}
	return 0;
}

static int exec_flags(struct rule_ctx *ctx, const void *conf)
{
	struct runc_args *a = ctx->args;
	const struct runc_flag_occ *last_user = NULL;

	for (int i = 0; i < a->nocc; i++) {
		const struct runc_flag_occ *o = &a->occ[i];

		if (!strcmp(o->name, "user"))
			last_user = o; /* a string flag: the last one counts */
		else if (!strcmp(o->name, "additional-gids") && !plain_nonzero_id(o->value, strlen(o->value)) &&
			 rule_finding(ctx, "exec --additional-gids", json_string(o->value), NULL,
				      "supplementary group 0 (root)"))
			runc_args_drop(a, o);
	}
	if (last_user)
		return exec_user_flag(ctx, conf, last_user);
	if (ctx->crun) {
		const struct user_conf *c = conf;
		char want[32];

		snprintf(want, sizeof(want), "%lld:%lld", (long long)c->uid, (long long)c->gid);
		if (rule_finding(ctx, "exec --user", NULL, json_string(want),
				 "crun's exec runs as root unless --user is given"))
			return set_user(ctx, want);
	}
	return 0;
}

const struct rule_def rule_user = {
	.name = "user",
	.scope = SCOPE_PROCESS,
	.modes = MODES_ALL,
	.keys = keys,
	.load = load,
	.apply = apply,
	.exec_flags = exec_flags,
};
