/*
 * devices: only the default device nodes may be created, and the device
 * cgroup starts with deny-all and allows only those. Without a leading
 * deny-all a new device cgroup inherits its parent's allow-all.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "defaults.h"
#include "rules.h"

static bool default_node(const json_t *d)
{
	const char *path = json_string_value(json_object_get(d, "path"));
	const char *type = json_string_value(json_object_get(d, "type"));

	for (const struct default_device *dd = defaults_devices; dd->type; dd++)
		if (dd->path && path && type && !strcmp(dd->path, path) && type[0] == dd->type && !type[1] &&
		    json_integer_value(json_object_get(d, "major")) == dd->major &&
		    json_integer_value(json_object_get(d, "minor")) == dd->minor)
			return true;
	return false;
}

/* Host device nodes are removed; one finding lists them all. */
static int nodes(struct rule_ctx *ctx, json_t *linux_obj)
{
	json_t *devs = json_object_get(linux_obj, "devices"), *kept, *removed, *d;
	size_t i;

	if (!devs || json_is_null(devs))
		return 0;
	if (!json_is_array(devs))
		return rule_bad_field(ctx, "linux.devices", "must be an array, not %s", jget_type_name(devs));
	kept = json_array();
	removed = json_array();
	json_array_foreach(devs, i, d)
		json_array_append(default_node(d) ? kept : removed, d);
	if (json_array_size(removed) && rule_finding(ctx, "linux.devices", json_deep_copy(removed), NULL,
						     "%zu host devices in the container", json_array_size(removed)))
		json_object_set(linux_obj, "devices", kept);
	json_decref(kept);
	json_decref(removed);
	return 0;
}

/* -1, null or absent: a wildcard */
static int64_t dev_num(const json_t *r, const char *key)
{
	const json_t *v = json_object_get(r, key);

	return json_is_integer(v) ? json_integer_value(v) : -1;
}

static bool deny_all(const json_t *r)
{
	const char *type = json_string_value(json_object_get(r, "type"));
	const char *access = json_string_value(json_object_get(r, "access"));

	return json_is_false(json_object_get(r, "allow")) && (!type || !strcmp(type, "a")) &&
	       dev_num(r, "major") == -1 && dev_num(r, "minor") == -1 &&
	       (!access || (strchr(access, 'r') && strchr(access, 'w') && strchr(access, 'm')));
}

static bool default_allow(const json_t *r)
{
	const char *type = json_string_value(json_object_get(r, "type"));
	const char *access = json_string_value(json_object_get(r, "access"));

	if (!json_is_true(json_object_get(r, "allow")))
		return true; /* a deny narrows */
	return type && type[0] && !type[1] && access && strspn(access, "rwm") == strlen(access) &&
	       dev_num(r, "major") >= 0 &&
	       defaults_is_default_device(type[0], dev_num(r, "major"), dev_num(r, "minor"));
}

static int cgroup_rules(struct rule_ctx *ctx, json_t *linux_obj)
{
	json_t *res = rule_ensure_object(ctx, linux_obj, "resources", "linux.resources"), *rules, *out, *r;
	bool ok;
	size_t i;

	if (!res)
		return -ctx->err->code;
	rules = json_object_get(res, "devices");
	if (rules && !json_is_null(rules) && !json_is_array(rules))
		return rule_bad_field(ctx, "linux.resources.devices", "must be an array, not %s",
				      jget_type_name(rules));
	ok = json_array_size(rules) > 0 && deny_all(json_array_get(rules, 0));
	json_array_foreach(rules, i, r)
		ok &= default_allow(r);
	if (ok)
		return 0;
	/*
	 * deny-all, then every default device explicitly: runc drops its own
	 * allow rule for a device the spec lists itself (docker --privileged
	 * lists /dev/null with an allow-all rule), so nothing may be left implied
	 */
	out = json_array();
	json_array_append_new(out, json_pack("{s:b, s:s}", "allow", 0, "access", "rwm"));
	for (const struct default_device *dd = defaults_devices; dd->type; dd++) {
		json_t *rule =
		    json_pack("{s:b, s:s#, s:I}", "allow", 1, "type", &dd->type, 1, "major", (json_int_t)dd->major);

		/* an absent minor is the wildcard: crun writes -1 to devices.allow as it is */
		if (dd->minor >= 0)
			json_object_set_new(rule, "minor", json_integer(dd->minor));
		json_object_set_new(rule, "access", json_string("rwm"));
		json_array_append_new(out, rule);
	}
	if (rule_finding(ctx, "linux.resources.devices", rules ? json_deep_copy(rules) : NULL, json_deep_copy(out),
			 "the device cgroup must start with deny-all and allow only the default devices"))
		json_object_set(res, "devices", out);
	json_decref(out);
	return 0;
}

static int apply(struct rule_ctx *ctx, const void *conf)
{
	json_t *linux_obj = rule_ensure_object(ctx, ctx->spec, "linux", "linux");
	int r;

	(void)conf;
	if (!linux_obj)
		return -ctx->err->code;
	r = nodes(ctx, linux_obj);
	return r < 0 ? r : cgroup_rules(ctx, linux_obj);
}

const struct rule_def rule_devices = {
	.name = "devices",
	.scope = SCOPE_CONTAINER,
	.modes = MODES_ALL,
	.keys = NULL,
	.load = NULL,
	.apply = apply,
};
