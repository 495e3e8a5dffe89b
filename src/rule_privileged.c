/*
 * privileged: recognise a privileged container by what it carries (all
 * capabilities, no seccomp, no masked or read-only paths, host devices, an
 * allow-all device rule, writable /sys or cgroupfs). Deny refuses it;
 * enforce puts back the defaults it removed: Docker's capabilities, masked
 * and read-only paths, default devices, read-only sysfs and cgroupfs.
 */
#include <stdio.h>
#include <string.h>

#include "caps.h"
#include "defaults.h"
#include "rules.h"

static bool has_cap(const json_t *caps, const char *set, const char *name)
{
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(caps, set), i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), name))
			return true;
	return false;
}

static bool empty_list(const json_t *linux_obj, const char *key)
{
	return json_array_size(json_object_get(linux_obj, key)) == 0;
}

static bool host_devices(const json_t *linux_obj)
{
	json_t *d;
	size_t i;

	json_array_foreach(json_object_get(linux_obj, "devices"), i, d) {
		const char *type = json_string_value(json_object_get(d, "type"));

		if (!type || !defaults_is_default_device(type[0], json_integer_value(json_object_get(d, "major")),
							 json_integer_value(json_object_get(d, "minor"))))
			return true;
	}
	return false;
}

static bool allow_all_devices(const json_t *linux_obj)
{
	json_t *r;
	size_t i;

	json_array_foreach(json_object_get(json_object_get(linux_obj, "resources"), "devices"), i, r) {
		const char *type = json_string_value(json_object_get(r, "type"));

		if (json_is_true(json_object_get(r, "allow")) && (!type || !strcmp(type, "a")))
			return true;
	}
	return false;
}

/* sysfs or cgroupfs without "ro", or with an "rw" (applied in order, it wins) */
static bool writable_kernel_fs(const json_t *spec)
{
	json_t *m, *o;
	size_t i, k;

	json_array_foreach(json_object_get(spec, "mounts"), i, m) {
		const char *type = json_string_value(json_object_get(m, "type"));
		bool ro = false, rw = false;

		if (!type || (strcmp(type, "sysfs") && strcmp(type, "cgroup") && strcmp(type, "cgroup2")))
			continue;
		json_array_foreach(json_object_get(m, "options"), k, o) {
			ro |= json_is_string(o) && !strcmp(json_string_value(o), "ro");
			rw |= json_is_string(o) && !strcmp(json_string_value(o), "rw");
		}
		if (!ro || rw)
			return true;
	}
	return false;
}

/* The markers present, as a list for the finding. */
static json_t *markers(const json_t *spec, const json_t *process)
{
	const json_t *linux_obj = json_object_get(spec, "linux"), *caps = json_object_get(process, "capabilities");
	json_t *m = json_array();

	if (!caps || json_is_null(caps) || has_cap(caps, "bounding", "CAP_SYS_ADMIN"))
		json_array_append_new(m, json_string("all capabilities"));
	if (!json_is_object(json_object_get(linux_obj, "seccomp")))
		json_array_append_new(m, json_string("no seccomp"));
	if (empty_list(linux_obj, "maskedPaths"))
		json_array_append_new(m, json_string("no masked paths"));
	if (empty_list(linux_obj, "readonlyPaths"))
		json_array_append_new(m, json_string("no read-only paths"));
	if (host_devices(linux_obj))
		json_array_append_new(m, json_string("host devices"));
	if (allow_all_devices(linux_obj))
		json_array_append_new(m, json_string("allow-all device rule"));
	if (writable_kernel_fs(spec))
		json_array_append_new(m, json_string("writable /sys or cgroupfs"));
	return m;
}

static bool is_privileged(const json_t *m)
{
	bool caps = false, devs = false;
	json_t *v;
	size_t i;

	json_array_foreach(m, i, v) {
		caps |= !strcmp(json_string_value(v), "all capabilities");
		devs |= !strncmp(json_string_value(v), "host devices", 12) ||
			!strcmp(json_string_value(v), "allow-all device rule");
	}
	return (caps && devs) || json_array_size(m) >= 4;
}

static int apply(struct rule_ctx *ctx, const void *conf)
{
	json_t *m = markers(ctx->spec, ctx->process);
	bool fix;
	int r = 0;

	(void)conf;
	if (!is_privileged(m)) {
		json_decref(m);
		return 0;
	}
	fix = rule_finding(ctx, "container", m, NULL, "privileged: carries %zu of the markers", json_array_size(m));
	if (!fix)
		return 0;
	/* the defaults, recorded as this rule's findings */
	r = rule_capabilities.apply(ctx, NULL);
	if (r >= 0)
		r = rule_devices.apply(ctx, NULL);
	if (r >= 0)
		r = rule_masked_paths.apply(ctx, NULL);
	return r;
}

const struct rule_def rule_privileged = {
	.name = "privileged",
	.scope = SCOPE_CONTAINER,
	.modes = MODES_ALL,
	.keys = NULL,
	.load = NULL,
	.apply = apply,
};
