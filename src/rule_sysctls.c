/*
 * sysctls: only Kubernetes' safe, namespaced set plus what the profile
 * allows. runc writes a key to /proc/sys with dots as slashes, so
 * "net/ipv4/x" and "net.ipv4.x" are the same key.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "defaults.h"
#include "rules.h"

#define MAX_ALLOW 32

struct sysctl_conf {
	size_t nallow;
	char allow[][128]; /* as many as the profile lists */
};

static const char *const keys[] = { "allow", NULL };

static int load(const json_t *obj, const struct jpath *at, void **ret_conf, struct cd_error *err)
{
	struct sysctl_conf *c;
	json_t *arr = NULL, *v;
	size_t i;
	int r = jget_array(obj, "allow", false, at, &arr, err);

	if (r < 0)
		return r;
	if (json_array_size(arr) > MAX_ALLOW)
		return jget_err(err, E2BIG, at, "allow", "at most %d names", MAX_ALLOW);
	c = calloc(1, sizeof(*c) + json_array_size(arr) * sizeof(c->allow[0]));
	if (!c)
		return cd_err(err, ENOMEM, "out of memory");
	*ret_conf = c;
	json_array_foreach(arr, i, v) {
		const char *s = json_string_value(v);

		if (!s || !*s || strlen(s) >= sizeof(c->allow[0]) || strpbrk(s, "/ *"))
			return jget_err(err, EINVAL, at, "allow", "entry %zu must be a sysctl name like net.ipv4.x", i);
		snprintf(c->allow[c->nallow++], sizeof(c->allow[0]), "%s", s);
	}
	return 0;
}

static bool allowed(const struct sysctl_conf *c, const char *key)
{
	char norm[256];

	if (strlen(key) >= sizeof(norm))
		return false;
	for (size_t i = 0; key[i]; i++)
		norm[i] = key[i] == '/' ? '.' : key[i];
	norm[strlen(key)] = '\0';
	for (const char *const *s = defaults_safe_sysctls; *s; s++)
		if (!strcmp(norm, *s))
			return true;
	for (size_t i = 0; i < c->nallow; i++)
		if (!strcmp(norm, c->allow[i]))
			return true;
	return false;
}

static int apply(struct rule_ctx *ctx, const void *conf)
{
	json_t *linux_obj = json_object_get(ctx->spec, "linux");
	json_t *sys = json_object_get(linux_obj, "sysctl"), *v;
	const char *key;
	void *tmp;

	if (!sys || json_is_null(sys))
		return 0;
	if (!json_is_object(sys))
		return rule_bad_field(ctx, "linux.sysctl", "must be an object, not %s", jget_type_name(sys));
	json_object_foreach_safe(sys, tmp, key, v) {
		char field[300];

		if (allowed(conf, key))
			continue;
		snprintf(field, sizeof(field), "linux.sysctl.%s", key);
		if (rule_finding(ctx, field, json_deep_copy(v), NULL, "not a safe namespaced sysctl"))
			json_object_del(sys, key);
	}
	return 0;
}

const struct rule_def rule_sysctls = {
	.name = "sysctls",
	.scope = SCOPE_CONTAINER,
	.modes = MODES_ALL,
	.keys = keys,
	.load = load,
	.apply = apply,
};
