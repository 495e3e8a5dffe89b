/*
 * bandwidth: network rates have no field in config.json, so enforce adds a
 * createRuntime hook that runs clampdown's hook binary beside it
 * ("clampdown-hook hook bandwidth", hook_bandwidth.c) after the prestart
 * hooks that set up the network. The Kubernetes pod annotations
 * kubernetes.io/{egress,ingress}-bandwidth are honoured up to the profile's
 * ceiling. Clampdown's hook is always the last one, and a clampdown hook
 * the profile did not write is removed. Deny adds the hook too, but refuses
 * an annotation above the ceiling, a clampdown hook of the container's own,
 * or a container with no network namespace.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "hook.h"
#include "rules.h"
#include "units.h"

struct bw_conf {
	uint64_t egress, ingress; /* bytes per second, 0: no ceiling */
	uint32_t burst;		  /* bytes, 0: the hook's default */
};

static const char *const keys[] = { "egress", "ingress", "burst", NULL };

static const char *const stages[] = { "prestart",	"createRuntime", "createContainer",
				      "startContainer", "poststart",	 "poststop" };

static int load_rate(const json_t *obj, const char *key, const struct jpath *at, uint64_t *ret, struct cd_error *err)
{
	const char *s = NULL;
	int r = jget_string(obj, key, false, at, &s, err);

	if (r < 0 || !s)
		return r;
	r = units_parse_rate(s, ret);
	if (r < 0)
		return jget_err(err, EINVAL, at, key, "\"%s\" is not a rate above zero (e.g. 100mbit, 1.5gbit, 10mbps)",
				s);
	return 0;
}

static int load(const json_t *obj, const struct jpath *at, void **ret_conf, struct cd_error *err)
{
	struct bw_conf *c = calloc(1, sizeof(*c));
	const char *burst = NULL;
	int64_t b = 0;
	int r;

	if (!c)
		return cd_err(err, ENOMEM, "out of memory");
	*ret_conf = c;
	r = load_rate(obj, "egress", at, &c->egress, err);
	if (r >= 0)
		r = load_rate(obj, "ingress", at, &c->ingress, err);
	if (r >= 0)
		r = jget_string(obj, "burst", false, at, &burst, err);
	if (r < 0 || !burst)
		return r;
	if (units_parse_size(burst, &b) < 0 || b < 1500 || b > UINT32_MAX)
		return jget_err(err, EINVAL, at, "burst", "\"%s\" is not a size from 1500 bytes to 4g", burst);
	c->burst = (uint32_t)b;
	return 0;
}

/* A pod annotation's rate, never above the ceiling (0: none). */
static int annotated(struct rule_ctx *ctx, const char *key, uint64_t ceiling, uint64_t *ret)
{
	json_t *v = json_object_get(json_object_get(ctx->spec, "annotations"), key);
	char field[96];
	uint64_t want = 0;

	*ret = ceiling;
	if (!v)
		return 0;
	snprintf(field, sizeof(field), "annotations.%s", key);
	if (!json_is_string(v) || units_parse_bit_quantity(json_string_value(v), &want) < 0)
		return rule_bad_field(ctx, field, "not a quantity of bits per second (e.g. 10M, 1G)");
	if (ceiling && want > ceiling) {
		rule_finding(ctx, field, json_deep_copy(v), json_sprintf("%" PRIu64, ceiling * 8),
			     "asks %" PRIu64 " bit/s, above the profile's %" PRIu64 ": the profile's applies", want * 8,
			     ceiling * 8);
		return 0;
	}
	*ret = want;
	return 0;
}

/* Whether the container gets a network namespace of its own (not the host's). */
static int own_netns(struct rule_ctx *ctx, bool *ret, bool *ret_new)
{
	json_t *nss = json_object_get(json_object_get(ctx->spec, "linux"), "namespaces"), *e;
	size_t i;

	*ret = false;
	*ret_new = true;
	json_array_foreach(nss, i, e) {
		const char *path = json_string_value(json_object_get(e, "path"));
		bool host = false;
		int r;

		if (!json_is_object(e) || !json_is_string(json_object_get(e, "type")) ||
		    strcmp(json_string_value(json_object_get(e, "type")), "network"))
			continue;
		if (path && *path && (r = rule_is_host_ns(ctx, path, "net", &host)) < 0)
			return r;
		*ret = !host;
		/* crun joins every entry with a path, whatever the order: any one is not a new namespace */
		*ret_new &= !path || !*path;
	}
	return 0;
}

/*
 * A network namespace the runtime creates holds only its loopback until a
 * hook moves an interface in: with no prestart or createRuntime hook to run
 * before clampdown's, the hook would find nothing to shape. Starting it costs
 * the runtime a fork, an exec and a wait on every start (about 4 ms in runc).
 */
static bool nothing_to_shape(const json_t *spec)
{
	const json_t *hooks = json_object_get(spec, "hooks");

	return !json_array_size(json_object_get(hooks, "prestart")) &&
	       !json_array_size(json_object_get(hooks, "createRuntime"));
}

static bool is_clampdown_hook(const json_t *h, const char *self, const char *hook_bin)
{
	const char *path = json_string_value(json_object_get(h, "path"));
	const char *a1 = json_string_value(json_array_get(json_object_get(h, "args"), 1));
	const char *base = path ? strrchr(path, '/') : NULL;

	if (!path || !a1 || strcmp(a1, "hook"))
		return false;
	base = base ? base + 1 : path;
	return !strcmp(path, self) || !strcmp(path, hook_bin) || !strcmp(base, "clampdown") ||
	       !strcmp(base, HOOK_BINARY);
}

/* A clampdown hook in config.json that clampdown did not put there this time is removed. */
static int strip_own(struct rule_ctx *ctx, const char *self, const char *hook_bin)
{
	json_t *hooks = json_object_get(ctx->spec, "hooks");

	for (size_t s = 0; json_is_object(hooks) && s < sizeof(stages) / sizeof(stages[0]); s++) {
		json_t *list = json_object_get(hooks, stages[s]);
		char field[64];

		for (size_t i = 0; i < json_array_size(list);) {
			json_t *h = json_array_get(list, i);

			snprintf(field, sizeof(field), "hooks.%s[%zu]", stages[s], i);
			if (!is_clampdown_hook(h, self, hook_bin) ||
			    !rule_finding(ctx, field, json_deep_copy(h), NULL,
					  "a clampdown hook: only the one this profile writes, last, runs")) {
				i++;
				continue;
			}
			json_array_remove(list, i);
		}
	}
	return 0;
}

static json_t *hook_of(const char *self, uint64_t egress, uint64_t ingress, const struct bw_conf *c,
		       const struct rule_ctx *ctx)
{
	json_t *args = json_pack("[s, s, s]", "clampdown", "hook", "bandwidth");

	if (egress)
		json_array_append_new(args, json_sprintf("--egress=%" PRIu64, egress));
	if (ingress)
		json_array_append_new(args, json_sprintf("--ingress=%" PRIu64, ingress));
	if (c->burst)
		json_array_append_new(args, json_sprintf("--burst=%" PRIu32, c->burst));
	if (ctx->decision_log)
		json_array_append_new(args, json_sprintf("--decision-log=%s", ctx->decision_log));
	if (ctx->profile)
		json_array_append_new(args, json_sprintf("--profile=%s", ctx->profile));
	return json_pack("{s:s, s:o, s:i}", "path", self, "args", args, "timeout", 30);
}

/* CAP_NET_ADMIN in any set lets the container take its qdiscs down. */
static void warn_net_admin(struct rule_ctx *ctx)
{
	json_t *caps = json_object_get(ctx->process, "capabilities"), *set, *c;
	const char *name;
	size_t i;

	json_object_foreach(caps, name, set) {
		json_array_foreach(set, i, c) {
			if (json_is_string(c) && !strcmp(json_string_value(c), "CAP_NET_ADMIN")) {
				rule_warning(ctx,
					     "process.capabilities.%s keeps CAP_NET_ADMIN: the container can "
					     "remove its own shaping",
					     name);
				return;
			}
		}
	}
}

static int add_hook(struct rule_ctx *ctx, json_t *hook)
{
	const char *path = json_string_value(json_object_get(hook, "path"));
	json_t *hooks, *list;

	/* a hook that is not there would fail the start in the runtime with less to go on */
	if (!ctx->predicting && access(path, X_OK) < 0)
		return cd_err_sys(
		    ctx->err, "bandwidth: cannot run the hook %s (install it beside clampdown: make install)", path);
	hooks = rule_ensure_object(ctx, ctx->spec, "hooks", "hooks");
	if (!hooks)
		return -ctx->err->code;
	list = json_object_get(hooks, "createRuntime");
	if (!list || json_is_null(list))
		json_object_set_new(hooks, "createRuntime", list = json_array());
	if (!json_is_array(list))
		return rule_bad_field(ctx, "hooks.createRuntime", "must be an array, not %s", jget_type_name(list));
	json_array_append(list, hook);
	return 0;
}

static int apply(struct rule_ctx *ctx, const void *conf)
{
	const struct bw_conf *c = conf;
	char self[PATH_MAX], hook_bin[PATH_MAX];
	uint64_t egress = 0, ingress = 0;
	ssize_t n = ctx->self_exe ? (ssize_t)snprintf(self, sizeof(self), "%s", ctx->self_exe)
				  : readlink("/proc/self/exe", self, sizeof(self) - 1);
	cleanup_json json_t *hook = NULL;
	bool own = false, fresh = false;
	int r;

	if (n < 0 || (size_t)n >= sizeof(self))
		return cd_err_sys(ctx->err, "bandwidth: cannot find clampdown's own path");
	self[n] = 0;
	r = hook_path(self, hook_bin, sizeof(hook_bin), ctx->err);
	if (r >= 0)
		r = strip_own(ctx, self, hook_bin);
	if (r >= 0)
		r = annotated(ctx, "kubernetes.io/egress-bandwidth", c->egress, &egress);
	if (r >= 0)
		r = annotated(ctx, "kubernetes.io/ingress-bandwidth", c->ingress, &ingress);
	if (r >= 0 && (egress || ingress))
		r = own_netns(ctx, &own, &fresh);
	if (r < 0 || (!egress && !ingress) || (own && fresh && nothing_to_shape(ctx->spec)))
		return r;
	if (!own && ctx->mode == MODE_DENY)
		rule_unfixable(ctx, "linux.namespaces.network", NULL, "no network namespace of its own: cannot shape");
	else if (!own)
		rule_warning(ctx, "no network namespace of its own: bandwidth not shaped");
	if (!own || ctx->denied)
		return 0;
	warn_net_admin(ctx);
	hook = hook_of(hook_bin, egress, ingress, c, ctx);
	if (!hook)
		return cd_err(ctx->err, ENOMEM, "out of memory");
	/* deny refuses what enforce would correct; the shaping itself is no correction, so it is added */
	if (ctx->mode == MODE_DENY) {
		ctx->changed = true;
		return add_hook(ctx, hook);
	}
	if (rule_finding(ctx, "hooks.createRuntime", NULL, json_incref(hook),
			 "egress %" PRIu64 " bit/s, ingress %" PRIu64
			 " bit/s (0: unshaped): clampdown's hook shapes it",
			 egress * 8, ingress * 8))
		r = add_hook(ctx, hook);
	return r;
}

const struct rule_def rule_bandwidth = {
	.name = "bandwidth",
	.scope = SCOPE_CONTAINER,
	.modes = MODES_ALL,
	.keys = keys,
	.load = load,
	.apply = apply,
};
