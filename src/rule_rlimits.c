/*
 * rlimits: the profile caps chosen RLIMIT_* values. At create an absent
 * limit is the runtime's own (clampdown's, across execve): added only when
 * that is above the cap, since raising a hard limit fails. An exec inherits
 * the container's, already capped, so only what it gives is clamped.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "json_text.h"
#include "rules.h"

#define MAX_LIMITS 16

struct rlimits_conf {
	struct {
		char type[24];
		int resource;
		json_int_t max;
	} lim[MAX_LIMITS];
	size_t n;
};

static const char *const keys[] = { "max", NULL };
static const struct {
	const char *name;
	int resource;
} known[] = {
	{ "RLIMIT_AS", RLIMIT_AS },
	{ "RLIMIT_CORE", RLIMIT_CORE },
	{ "RLIMIT_CPU", RLIMIT_CPU },
	{ "RLIMIT_DATA", RLIMIT_DATA },
	{ "RLIMIT_FSIZE", RLIMIT_FSIZE },
	{ "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
	{ "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "RLIMIT_NICE", RLIMIT_NICE },
	{ "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_NPROC", RLIMIT_NPROC },
	{ "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
	{ "RLIMIT_RTTIME", RLIMIT_RTTIME },
	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
	{ "RLIMIT_STACK", RLIMIT_STACK },
};

static int load(const json_t *obj, const struct jpath *at, void **ret_conf, struct cd_error *err)
{
	struct rlimits_conf *c = calloc(1, sizeof(*c));
	char path[160];
	struct jpath mat = { at->file, path };
	json_t *max = NULL, *v;
	const char *key;
	int r;

	if (!c)
		return cd_err(err, ENOMEM, "out of memory");
	*ret_conf = c;
	snprintf(path, sizeof(path), "%s.max", at->path);
	r = jget_object(obj, "max", true, at, &max, err);
	if (r < 0)
		return r;
	json_object_foreach(max, key, v) {
		size_t k = 0;
		int64_t n = 0;

		while (k < sizeof(known) / sizeof(known[0]) && strcmp(known[k].name, key))
			k++;
		if (k == sizeof(known) / sizeof(known[0]))
			return jget_err(err, EINVAL, &mat, key, "not an RLIMIT_* name");
		c->lim[c->n].resource = known[k].resource;
		if (c->n == MAX_LIMITS)
			return jget_err(err, E2BIG, &mat, key, "too many limits");
		r = jget_int(max, key, true, 0, INT64_MAX, &mat, &n, err);
		if (r < 0)
			return r;
		snprintf(c->lim[c->n].type, sizeof(c->lim[0].type), "%s", key);
		c->lim[c->n++].max = n;
	}
	return 0;
}

/* hard or soft above max (a big integer is above any max) */
static bool above(const json_t *v, json_int_t max)
{
	return json_text_is_bigint(v) || !json_is_integer(v) || json_integer_value(v) > max ||
	       json_integer_value(v) < 0;
}

/* An absent limit is the runtime's own, which it inherits from clampdown across execve. */
static int cap_absent(struct rule_ctx *ctx, json_t *rl, const char *type, int resource, json_int_t max,
		      const char *field)
{
	struct rlimit cur;
	json_int_t soft;

	if (!ctx->spec || getrlimit(resource, &cur) < 0 ||
	    (cur.rlim_max != RLIM_INFINITY && cur.rlim_max <= (rlim_t)max))
		return 0;
	soft = cur.rlim_cur != RLIM_INFINITY && cur.rlim_cur < (rlim_t)max ? (json_int_t)cur.rlim_cur : max;
	if (rule_finding(ctx, field, NULL, json_integer(max), "absent: the runtime's own limit is above %lld",
			 (long long)max))
		json_array_append_new(rl, json_pack("{s:s, s:I, s:I}", "type", type, "hard", max, "soft", soft));
	return 0;
}

static int cap_one(struct rule_ctx *ctx, json_t *rl, const char *type, int resource, json_int_t max)
{
	json_t *e, *found = NULL;
	char field[64];
	size_t i;

	snprintf(field, sizeof(field), "process.rlimits.%s", type);
	json_array_foreach(rl, i, e) {
		if (!json_is_object(e) || !json_is_string(json_object_get(e, "type")))
			return rule_bad_field(ctx, "process.rlimits", "entry %zu needs a type", i);
		if (strcmp(json_string_value(json_object_get(e, "type")), type))
			continue;
		if (found)
			return rule_bad_field(ctx, "process.rlimits", "%s is listed twice", type);
		found = e;
	}
	if (!found)
		return cap_absent(ctx, rl, type, resource, max, field);
	if (!above(json_object_get(found, "hard"), max) && !above(json_object_get(found, "soft"), max))
		return 0;
	if (rule_finding(ctx, field, json_deep_copy(found), json_integer(max), "above the profile's %lld",
			 (long long)max)) {
		if (above(json_object_get(found, "hard"), max))
			json_object_set_new(found, "hard", json_integer(max));
		if (above(json_object_get(found, "soft"), max))
			json_object_set_new(found, "soft", json_integer(max));
	}
	return 0;
}

static int apply(struct rule_ctx *ctx, const void *conf)
{
	const struct rlimits_conf *c = conf;
	json_t *rl = json_object_get(ctx->process, "rlimits");

	if (rl && !json_is_null(rl) && !json_is_array(rl))
		return rule_bad_field(ctx, "process.rlimits", "must be an array, not %s", jget_type_name(rl));
	if (!json_is_array(rl))
		json_object_set_new(ctx->process, "rlimits", rl = json_array());
	for (size_t i = 0; i < c->n; i++) {
		int r = cap_one(ctx, rl, c->lim[i].type, c->lim[i].resource, c->lim[i].max);

		if (r < 0)
			return r;
	}
	if (json_array_size(rl) == 0)
		json_object_del(ctx->process, "rlimits");
	return 0;
}

/*
 * crun's exec applies only the rlimits a --process file gives and otherwise
 * inherits its caller's (the engine's: core unlimited, nofile 1M), not the
 * container's. clampdown is that caller across execve: its own limits are
 * lowered to the caps, which a process may always do.
 */
static int exec_flags(struct rule_ctx *ctx, const void *conf)
{
	const struct rlimits_conf *c = conf;
	const enum rule_mode mode = ctx->mode;

	/* not the config's asking: deny lowers them as enforce does */
	if (ctx->mode == MODE_DENY)
		ctx->mode = MODE_ENFORCE;
	for (size_t i = 0; ctx->crun && i < c->n; i++) {
		struct rlimit rl;
		char field[48];

		if (getrlimit(c->lim[i].resource, &rl) < 0 ||
		    (rl.rlim_max != RLIM_INFINITY && rl.rlim_max <= (rlim_t)c->lim[i].max))
			continue;
		snprintf(field, sizeof(field), "exec %s", c->lim[i].type);
		if (!rule_finding(
			ctx, field,
			rl.rlim_max == RLIM_INFINITY ? json_string("unlimited") : json_integer((json_int_t)rl.rlim_max),
			json_integer(c->lim[i].max), "crun's exec inherits its caller's limit, not the container's"))
			continue;
		rl.rlim_max = (rlim_t)c->lim[i].max;
		rl.rlim_cur = rl.rlim_cur < rl.rlim_max ? rl.rlim_cur : rl.rlim_max;
		if (setrlimit(c->lim[i].resource, &rl) < 0)
			return ctx->mode = mode,
			       cd_err_sys(ctx->err, "rlimits: cannot lower %s for crun's exec", c->lim[i].type);
	}
	ctx->mode = mode;
	return 0;
}

const struct rule_def rule_rlimits = {
	.name = "rlimits",
	.scope = SCOPE_PROCESS,
	.modes = MODES_ALL,
	.keys = keys,
	.load = load,
	.apply = apply,
	.exec_flags = exec_flags,
	.exec_flags_with_process = true,
};
