/*
 * host_namespaces: pid, network, ipc, uts, mount and cgroup are private. A
 * missing entry, or a path that is the host's own namespace (same inode as
 * /proc/1/ns/X or clampdown's own: the string proves nothing), is a finding. Enforce adds or
 * un-joins them, except the network: moving a container off the host's
 * network cannot be done by a rewrite, so that is refused.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "rules.h"

static const struct {
	const char *type, *proc;
} kinds[] = {
	{ "pid", "pid" }, { "network", "net" }, { "ipc", "ipc" },
	{ "uts", "uts" }, { "mount", "mnt" },	{ "cgroup", "cgroup" },
};

#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

/* The entry for a type, refusing duplicates (which runtimes read differently). */
static int find_ns(struct rule_ctx *ctx, json_t *nss, const char *type, json_t **ret, size_t *ret_index)
{
	json_t *e;
	size_t i;

	*ret = NULL;
	json_array_foreach(nss, i, e) {
		const char *t = json_string_value(json_object_get(e, "type"));

		if (!json_is_object(e) || !t)
			return rule_bad_field(ctx, "linux.namespaces", "entry %zu has no type", i);
		if (strcmp(t, type))
			continue;
		if (*ret)
			return rule_bad_field(ctx, "linux.namespaces", "%s is listed twice", type);
		*ret = e;
		*ret_index = i;
	}
	return 0;
}

static void fix(struct rule_ctx *ctx, json_t *nss, json_t *entry, size_t index, size_t k, const char *why)
{
	char field[64];

	snprintf(field, sizeof(field), "linux.namespaces.%s", kinds[k].type);
	if (!strcmp(kinds[k].type, "network")) {
		rule_unfixable(ctx, field, entry ? json_deep_copy(entry) : NULL, "%s: host networking", why);
		return;
	}
	if (!rule_finding(ctx, field, entry ? json_deep_copy(entry) : NULL, json_pack("{s:s}", "type", kinds[k].type),
			  "%s: the host's %s namespace", why, kinds[k].type))
		return;
	if (entry)
		json_array_remove(nss, index);
	json_array_append_new(nss, json_pack("{s:s}", "type", kinds[k].type));
}

static int apply(struct rule_ctx *ctx, const void *conf)
{
	json_t *linux_obj = rule_ensure_object(ctx, ctx->spec, "linux", "linux"), *nss;
	int r;

	(void)conf;
	if (!linux_obj)
		return -ctx->err->code;
	nss = json_object_get(linux_obj, "namespaces");
	if (!nss || json_is_null(nss))
		json_object_set_new(linux_obj, "namespaces", nss = json_array());
	if (!json_is_array(nss))
		return rule_bad_field(ctx, "linux.namespaces", "must be an array, not %s", jget_type_name(nss));
	for (size_t k = 0; k < NKINDS; k++) {
		const char *path;
		json_t *e = NULL;
		size_t at = 0;
		bool host = false;

		r = find_ns(ctx, nss, kinds[k].type, &e, &at);
		if (r < 0)
			return r;
		path = e ? json_string_value(json_object_get(e, "path")) : NULL;
		if (e && json_object_get(e, "path") && !json_is_null(json_object_get(e, "path")) && !path)
			return rule_bad_field(ctx, "linux.namespaces", "%s: path must be a string", kinds[k].type);
		/* runc opens it from the rootfs (the image can put a link there), crun from the bundle */
		if (path && *path && path[0] != '/') {
			char field[64];

			snprintf(field, sizeof(field), "linux.namespaces.%s", kinds[k].type);
			rule_unfixable(
			    ctx, field, json_deep_copy(e),
			    "a relative path: runc opens it inside the rootfs, where the image decides what it is");
			continue;
		}
		if (path && *path && (r = rule_is_host_ns(ctx, path, kinds[k].proc, &host)) < 0)
			return r;
		if (!e)
			fix(ctx, nss, NULL, 0, k, "no namespace of its own");
		else if (host)
			fix(ctx, nss, e, at, k, "joins by path");
	}
	return 0;
}

const struct rule_def rule_host_namespaces = {
	.name = "host_namespaces",
	.scope = SCOPE_CONTAINER,
	.modes = MODES_ALL,
	.keys = NULL,
	.load = NULL,
	.apply = apply,
};
