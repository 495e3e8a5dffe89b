/*
 * capabilities: every set is cut down to the allow list. A non-root
 * process keeps what it is allowed only through the ambient set
 * (capabilities(7): execve clears permitted for non-root otherwise).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "rules.h"

struct caps_conf {
	uint64_t allow;
};

static const char *const keys[] = { "allow", NULL };
static const char *const sets[] = { "bounding", "effective", "inheritable", "permitted", "ambient", NULL };

static int load(const json_t *obj, const struct jpath *at, void **ret_conf, struct cd_error *err)
{
	struct caps_conf *c = calloc(1, sizeof(*c));
	json_t *allow = NULL, *v;
	size_t i;
	int r;

	if (!c)
		return cd_err(err, ENOMEM, "out of memory");
	*ret_conf = c;
	r = jget_array(obj, "allow", true, at, &allow, err);
	if (r < 0)
		return r;
	json_array_foreach(allow, i, v) {
		int cap = json_is_string(v) ? caps_from_name(json_string_value(v)) : -EINVAL;

		if (cap < 0)
			return jget_err(err, EINVAL, at, "allow", "entry %zu (%s) is not a capability libcap knows", i,
					json_is_string(v) ? json_string_value(v) : jget_type_name(v));
		c->allow |= 1ULL << cap;
	}
	return 0;
}

static json_t *mask_to_array(uint64_t mask)
{
	json_t *a = json_array();

	for (int c = 0; c <= caps_last(); c++)
		if (mask & (1ULL << c))
			json_array_append_new(a, json_string(caps_spec_name(c)));
	return a;
}

/* The caps of a set that are spelled exactly and allowed, as a mask. */
static uint64_t set_mask(const json_t *arr, uint64_t allow, bool *ret_dropped)
{
	uint64_t m = 0;
	json_t *v;
	size_t i;

	*ret_dropped = false;
	json_array_foreach(arr, i, v) {
		int c = json_is_string(v) ? caps_from_spec_name(json_string_value(v)) : -1;

		if (c >= 0 && (allow & (1ULL << c)) && !(m & (1ULL << c)))
			m |= 1ULL << c;
		else
			*ret_dropped = true;
	}
	return m;
}

static void names_of(const json_t *arr, uint64_t kept, char *out, size_t cap)
{
	size_t n = 0;
	json_t *v;
	size_t i;

	out[0] = '\0';
	json_array_foreach(arr, i, v) {
		const char *s = json_is_string(v) ? json_string_value(v) : "(not a string)";
		int c = json_is_string(v) ? caps_from_spec_name(s) : -1;

		if (c >= 0 && (kept & (1ULL << c)))
			continue;
		n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "%s%s", n ? ", " : "", s);
	}
}

static int cut_set(struct rule_ctx *ctx, json_t *caps, const char *set, uint64_t allow, uint64_t *ret_mask)
{
	json_t *arr = json_object_get(caps, set);
	char field[64], removed[256];
	bool dropped;

	snprintf(field, sizeof(field), "process.capabilities.%s", set);
	*ret_mask = 0;
	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return rule_bad_field(ctx, field, "must be an array, not %s", jget_type_name(arr));
	*ret_mask = set_mask(arr, allow, &dropped);
	if (!dropped)
		return 0;
	names_of(arr, *ret_mask, removed, sizeof(removed));
	if (rule_finding(ctx, field, json_deep_copy(arr), mask_to_array(*ret_mask), "not allowed: %s", removed))
		json_object_set_new(caps, set, mask_to_array(*ret_mask));
	return 0;
}

static bool runs_as_root(const json_t *process)
{
	const json_t *uid = json_object_get(json_object_get(process, "user"), "uid");

	return !json_is_integer(uid) || json_integer_value(uid) == 0;
}

/* For a non-root process: what it keeps must be inheritable and ambient too. */
static void make_ambient(struct rule_ctx *ctx, json_t *caps, uint64_t keep, const uint64_t masks[])
{
	for (int s = 2; s <= 4; s += 2) { /* inheritable, ambient */
		char field[64];

		if ((masks[s] & keep) == keep)
			continue;
		snprintf(field, sizeof(field), "process.capabilities.%s", sets[s]);
		if (ctx->mode == MODE_ENFORCE &&
		    rule_finding(ctx, field, mask_to_array(masks[s]), mask_to_array(masks[s] | keep),
				 "a non-root process loses its allowed capabilities at execve unless they are ambient"))
			json_object_set_new(caps, sets[s], mask_to_array(masks[s] | keep));
	}
}

/* Docker's 14 default capabilities: what privileged puts back when the profile has no capability rule */
static uint64_t docker_defaults(void)
{
	static const char *const names[] = {
		"CHOWN",   "DAC_OVERRIDE", "FSETID",	       "FOWNER",     "MKNOD", "NET_RAW",     "SETGID", "SETUID",
		"SETFCAP", "SETPCAP",	   "NET_BIND_SERVICE", "SYS_CHROOT", "KILL",  "AUDIT_WRITE", NULL
	};
	uint64_t m = 0;

	for (int i = 0; names[i]; i++)
		m |= 1ULL << caps_from_name(names[i]);
	return m;
}

static int apply(struct rule_ctx *ctx, const void *conf)
{
	struct caps_conf defaults = { 0 };
	const struct caps_conf *c = conf;

	if (!c) {
		defaults.allow = docker_defaults();
		c = &defaults;
	}
	json_t *caps = json_object_get(ctx->process, "capabilities");
	uint64_t masks[5];
	int r;

	if (!caps || json_is_null(caps)) {
		json_t *full = json_object();
		bool root = runs_as_root(ctx->process);

		for (int s = 0; sets[s]; s++)
			json_object_set_new(full, sets[s], mask_to_array(root && (s == 2 || s == 4) ? 0 : c->allow));
		if (rule_finding(ctx, "process.capabilities", NULL, json_deep_copy(full),
				 "absent: the runtime would keep every capability"))
			json_object_set(ctx->process, "capabilities", full);
		json_decref(full);
		return 0;
	}
	if (!json_is_object(caps))
		return rule_bad_field(ctx, "process.capabilities", "must be an object, not %s", jget_type_name(caps));
	for (int s = 0; sets[s]; s++) {
		r = cut_set(ctx, caps, sets[s], c->allow, &masks[s]);
		if (r < 0)
			return r;
	}
	if (!runs_as_root(ctx->process))
		make_ambient(ctx, caps, masks[1] & masks[3] & masks[0], masks);
	return 0;
}

/* runc exec --cap adds to every set: only allowed exact spellings stay. */
static int exec_flags(struct rule_ctx *ctx, const void *conf)
{
	const struct caps_conf *c = conf;
	struct runc_args *a = ctx->args;

	for (int i = 0; i < a->nocc; i++) {
		const struct runc_flag_occ *o = &a->occ[i];
		int cap;

		if (strcmp(o->name, "cap"))
			continue;
		cap = caps_from_spec_name(o->value);
		if (cap >= 0 && (c->allow & (1ULL << cap)))
			continue;
		if (rule_finding(ctx, "exec --cap", json_string(o->value), NULL, "not allowed: %s", o->value))
			runc_args_drop(a, o);
	}
	return 0;
}

const struct rule_def rule_capabilities = {
	.name = "capabilities",
	.scope = SCOPE_PROCESS,
	.modes = MODES_ALL,
	.keys = keys,
	.load = load,
	.apply = apply,
	.exec_flags = exec_flags,
};
