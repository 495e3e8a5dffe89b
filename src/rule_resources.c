/*
 * resources: memory, CPU and pids limits are set where absent and clamped
 * where larger; "unlimited" (-1, 0, "max") counts as larger. cgroup v2
 * unified keys are clamped as well, since runc writes them last, and the
 * cgroup's own files (cgroup.procs, cgroup.subtree_control...) are no
 * resources. An OOM score below the profile's floor is raised to it. On
 * update, device rules are removed: crun applies them (runc ignores them).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "units.h"

#define DEFAULT_PERIOD 100000

struct res_conf {
	int64_t memory; /* bytes; 0: not limited by the profile */
	double cpus;	/* 0: not limited */
	int64_t pids;	/* 0: not limited */
	int64_t oom_min;
	bool has_oom_min;
};

static const char *const keys[] = { "memory", "cpus", "pids", "oom_score_adj_min", NULL };

static int load(const json_t *obj, const struct jpath *at, void **ret_conf, struct cd_error *err)
{
	struct res_conf *c = calloc(1, sizeof(*c));
	const char *mem = NULL;
	int r;

	if (!c)
		return cd_err(err, ENOMEM, "out of memory");
	*ret_conf = c;
	r = jget_string(obj, "memory", false, at, &mem, err);
	if (r >= 0 && mem && (units_parse_size(mem, &c->memory) < 0 || c->memory < (4 << 20)))
		r = jget_err(err, EINVAL, at, "memory", "\"%s\" is not a size of at least 4m", mem);
	if (r >= 0)
		r = jget_number(obj, "cpus", false, at, &c->cpus, err);
	if (r >= 0 && (c->cpus != 0 && (!(c->cpus >= 0.01) || c->cpus > 4096)))
		r = jget_err(err, EINVAL, at, "cpus", "must be between 0.01 and 4096");
	if (r >= 0)
		r = jget_int(obj, "pids", false, 1, INT32_MAX, at, &c->pids, err);
	c->oom_min = -1000;
	if (r >= 0)
		r = jget_int(obj, "oom_score_adj_min", false, -1000, 1000, at, &c->oom_min, err);
	c->has_oom_min = c->oom_min > -1000;
	return r;
}

/* -1000 exempts the process from the OOM killer: the kernel kills the node's daemons first. */
static int oom_score(struct rule_ctx *ctx, const struct res_conf *c)
{
	struct jpath at = { ctx->source, "process" };
	int64_t v = 0;
	int r = jget_int(ctx->process, "oomScoreAdj", false, INT32_MIN, INT32_MAX, &at, &v, ctx->err);

	if (r < 0 || !c->has_oom_min || !json_object_get(ctx->process, "oomScoreAdj") || v >= c->oom_min)
		return r;
	if (rule_finding(ctx, "process.oomScoreAdj", json_integer(v), json_integer(c->oom_min),
			 "below the profile's floor: the OOM killer would take the node's daemons first"))
		json_object_set_new(ctx->process, "oomScoreAdj", json_integer(c->oom_min));
	return 0;
}

/* A limit field: <= 0 (absent) means unlimited. Clamps to max. */
static int clamp_limit(struct rule_ctx *ctx, json_t *obj, const char *key, const char *field, int64_t max,
		       const char *what)
{
	struct jpath at = { ctx->source, field };
	int64_t v = 0;
	int r = jget_int(obj, key, false, INT64_MIN, INT64_MAX, &at, &v, ctx->err);

	if (r < 0)
		return r;
	if (v > 0 && v <= max)
		return 0;
	if (rule_finding(ctx, field, json_object_get(obj, key) ? json_integer(v) : NULL, json_integer(max),
			 v > 0 ? "%s above the profile's limit" : "%s unlimited", what))
		json_object_set_new(obj, key, json_integer(max));
	return 0;
}

static int memory(struct rule_ctx *ctx, json_t *res, const struct res_conf *c)
{
	struct jpath at = { ctx->source, "linux.resources.memory" };
	json_t *mem = rule_ensure_object(ctx, res, "memory", "linux.resources.memory");
	int64_t swap = 0, limit;
	int r;

	if (!mem)
		return -ctx->err->code;
	r = clamp_limit(ctx, mem, "limit", "linux.resources.memory.limit", c->memory, "memory");
	if (r < 0)
		return r;
	limit = json_integer_value(json_object_get(mem, "limit"));
	/* memory+swap; only clamped when given: the file may not exist without swap accounting */
	if (!json_object_get(mem, "swap") || json_is_null(json_object_get(mem, "swap")))
		return 0;
	r = jget_int(mem, "swap", false, INT64_MIN, INT64_MAX, &at, &swap, ctx->err);
	if (r < 0)
		return r;
	if (swap > 0 && swap <= limit)
		return 0;
	if (rule_finding(ctx, "linux.resources.memory.swap", json_integer(swap), json_integer(limit),
			 "memory+swap above the memory limit"))
		json_object_set_new(mem, "swap", json_integer(limit));
	return 0;
}

static int cpu(struct rule_ctx *ctx, json_t *res, const struct res_conf *c)
{
	struct jpath at = { ctx->source, "linux.resources.cpu" };
	json_t *cpu = rule_ensure_object(ctx, res, "cpu", "linux.resources.cpu");
	int64_t quota = 0, period = 0, want;
	int r;

	if (!cpu)
		return -ctx->err->code;
	r = jget_int(cpu, "quota", false, INT64_MIN, INT64_MAX, &at, &quota, ctx->err);
	if (r >= 0)
		r = jget_int(cpu, "period", false, 0, INT64_MAX, &at, &period, ctx->err);
	if (r < 0)
		return r;
	if (period == 0)
		period = DEFAULT_PERIOD;
	want = (int64_t)llround(c->cpus * (double)period);
	if (want < 1000)
		want = 1000;
	if (quota > 0 && quota <= want)
		return 0;
	if (rule_finding(ctx, "linux.resources.cpu.quota", json_object_get(cpu, "quota") ? json_integer(quota) : NULL,
			 json_integer(want),
			 quota > 0 ? "CPU above the profile's %g CPUs" : "CPU unlimited (profile: %g CPUs)", c->cpus)) {
		json_object_set_new(cpu, "quota", json_integer(want));
		json_object_set_new(cpu, "period", json_integer(period));
	}
	return 0;
}

static int pids(struct rule_ctx *ctx, json_t *res, const struct res_conf *c)
{
	json_t *p = rule_ensure_object(ctx, res, "pids", "linux.resources.pids");

	if (!p)
		return -ctx->err->code;
	return clamp_limit(ctx, p, "limit", "linux.resources.pids.limit", c->pids, "pids");
}

/* A strict cgroup v2 number ("max" and kernel suffixes count as unlimited). */
static bool unified_number(const char *s, int64_t *ret)
{
	return units_parse_i64(s, ret) == 0 && *ret >= 0;
}

/* cpu.max is "QUOTA PERIOD" or "max PERIOD" (period optional). */
static void parse_cpu_max(const char *s, int64_t *quota, int64_t *period)
{
	char q[32];
	const char *sp = strchr(s, ' ');
	size_t n = sp ? (size_t)(sp - s) : strlen(s);

	*quota = -1;
	*period = DEFAULT_PERIOD;
	if (n >= sizeof(q))
		return;
	memcpy(q, s, n);
	q[n] = '\0';
	if (sp && (!unified_number(sp + 1, period) || *period == 0)) {
		*period = DEFAULT_PERIOD;
		return;
	}
	if (!unified_number(q, quota))
		*quota = -1;
}

static int unified_key(struct rule_ctx *ctx, json_t *u, const char *key, const char *val, const struct res_conf *c)
{
	char field[160], want[64];
	int64_t v = -1, period = DEFAULT_PERIOD;
	bool ok;

	snprintf(field, sizeof(field), "linux.resources.unified.%s", key);
	if (!strcmp(key, "memory.max") && c->memory) {
		ok = unified_number(val, &v) && v > 0 && v <= c->memory;
		snprintf(want, sizeof(want), "%" PRId64, c->memory);
	} else if (!strcmp(key, "memory.swap.max") && c->memory) {
		ok = !strcmp(val, "0");
		snprintf(want, sizeof(want), "0");
	} else if (!strcmp(key, "pids.max") && c->pids) {
		ok = unified_number(val, &v) && v > 0 && v <= c->pids;
		snprintf(want, sizeof(want), "%" PRId64, c->pids);
	} else if (!strcmp(key, "cpu.max") && c->cpus) {
		int64_t lim;

		parse_cpu_max(val, &v, &period);
		lim = (int64_t)llround(c->cpus * (double)period);
		lim = lim < 1000 ? 1000 : lim;
		ok = v > 0 && v <= lim;
		snprintf(want, sizeof(want), "%" PRId64 " %" PRId64, lim, period);
	} else {
		return 0;
	}
	if (!ok && rule_finding(ctx, field, json_string(val), json_string(want),
				"would undo the profile's limit (runc writes unified keys last)"))
		json_object_set_new(u, key, json_string(want));
	return 0;
}

static int unified(struct rule_ctx *ctx, json_t *res, const struct res_conf *c)
{
	json_t *u = json_object_get(res, "unified"), *v;
	const char *key;
	void *tmp;
	int r;

	if (!u || json_is_null(u))
		return 0;
	if (!json_is_object(u))
		return rule_bad_field(ctx, "linux.resources.unified", "must be an object, not %s", jget_type_name(u));
	json_object_foreach_safe(u, tmp, key, v) {
		if (!json_is_string(v))
			return rule_bad_field(ctx, "linux.resources.unified", "\"%s\" must be a string", key);
		if (strchr(key, '/'))
			return rule_bad_field(ctx, "linux.resources.unified", "\"%s\" is not a file name", key);
		/*
		 * the cgroup's own files (processes moved in, controllers handed down, the
		 * tree reshaped), and cpuset's exclusive partitions, which take CPUs away
		 * from every other cgroup
		 */
		if (!strncmp(key, "cgroup.", 7) || !strncmp(key, "cpuset.cpus.partition", 21) ||
		    !strncmp(key, "cpuset.cpus.exclusive", 21)) {
			char field[160];

			snprintf(field, sizeof(field), "linux.resources.unified.%s", key);
			if (rule_finding(ctx, field, json_incref(v), NULL,
					 "not a limit of the container's own: the cgroup's core files, or CPUs taken "
					 "from others"))
				json_object_del(u, key);
			continue;
		}
		r = unified_key(ctx, u, key, json_string_value(v), c);
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * runc update: 0 leaves a value unchanged, -1 lifts it. Only what is given
 * is judged; a CPU quota or period given alone is pinned to a known pair,
 * since the current one cannot be seen from here.
 */
static int update_limit(struct rule_ctx *ctx, json_t *obj, const char *key, const char *field, int64_t max)
{
	struct jpath at = { ctx->source, field };
	int64_t v = 0;
	int r = jget_int(obj, key, false, INT64_MIN, INT64_MAX, &at, &v, ctx->err);

	if (r < 0 || v == 0 || (v > 0 && v <= max))
		return r;
	if (rule_finding(ctx, field, json_integer(v), json_integer(max),
			 v < 0 ? "would lift the limit" : "above the profile's limit"))
		json_object_set_new(obj, key, json_integer(max));
	return 0;
}

static int update_cpu(struct rule_ctx *ctx, json_t *cpu, const struct res_conf *c)
{
	struct jpath at = { ctx->source, "resources.cpu" };
	int64_t q = 0, p = 0, lim;
	int r = jget_int(cpu, "quota", false, INT64_MIN, INT64_MAX, &at, &q, ctx->err);

	if (r >= 0)
		r = jget_int(cpu, "period", false, 0, INT64_MAX, &at, &p, ctx->err);
	if (r < 0 || (q == 0 && p == 0))
		return r;
	lim = (int64_t)llround(c->cpus * (double)(p ? p : DEFAULT_PERIOD));
	lim = lim < 1000 ? 1000 : lim;
	if (q > 0 && q <= lim && p > 0)
		return 0;
	if (rule_finding(ctx, "resources.cpu", json_pack("{s:I, s:I}", "quota", (json_int_t)q, "period", (json_int_t)p),
			 json_pack("{s:I, s:I}", "quota", (json_int_t)(q > 0 && q < lim ? q : lim), "period",
				   (json_int_t)(p ? p : DEFAULT_PERIOD)),
			 q < 0	   ? "would lift the CPU limit"
			 : q > lim ? "above the profile's %g CPUs"
				   : "quota and period must be given together",
			 c->cpus)) {
		json_object_set_new(cpu, "quota", json_integer(q > 0 && q < lim ? q : lim));
		json_object_set_new(cpu, "period", json_integer(p ? p : DEFAULT_PERIOD));
	}
	return 0;
}

static int apply_update(struct rule_ctx *ctx, const struct res_conf *c)
{
	json_t *res = ctx->resources;
	json_t *mem = json_object_get(res, "memory"), *cpu = json_object_get(res, "cpu");
	json_t *pid = json_object_get(res, "pids");
	int r = 0;

	if (c->memory && json_is_object(mem)) {
		r = update_limit(ctx, mem, "limit", "resources.memory.limit", c->memory);
		if (r >= 0)
			r = update_limit(ctx, mem, "swap", "resources.memory.swap", c->memory);
	}
	if (r >= 0 && c->cpus && json_is_object(cpu))
		r = update_cpu(ctx, cpu, c);
	if (r >= 0 && c->pids && json_is_object(pid))
		r = update_limit(ctx, pid, "limit", "resources.pids.limit", c->pids);
	/* crun applies device rules on update (a new eBPF program, or devices.allow); runc skips them */
	if (r >= 0 && json_array_size(json_object_get(res, "devices")) &&
	    rule_finding(ctx, "resources.devices", json_deep_copy(json_object_get(res, "devices")), NULL,
			 "device rules on update would open the container's device cgroup (crun applies them)"))
		json_object_del(res, "devices");
	return r < 0 ? r : unified(ctx, res, c);
}

static int apply(struct rule_ctx *ctx, const void *conf)
{
	const struct res_conf *c = conf;
	json_t *linux_obj, *res;
	int r = 0;

	if (ctx->resources)
		return apply_update(ctx, c);
	linux_obj = rule_ensure_object(ctx, ctx->spec, "linux", "linux");
	if (!linux_obj)
		return -ctx->err->code;
	res = rule_ensure_object(ctx, linux_obj, "resources", "linux.resources");
	if (!res)
		return -ctx->err->code;
	if (c->memory)
		r = memory(ctx, res, c);
	if (r >= 0 && c->cpus)
		r = cpu(ctx, res, c);
	if (r >= 0 && c->pids)
		r = pids(ctx, res, c);
	if (r >= 0)
		r = unified(ctx, res, c);
	if (r >= 0)
		r = oom_score(ctx, c);
	return r;
}

const struct rule_def rule_resources = {
	.name = "resources",
	.scope = SCOPE_CONTAINER | SCOPE_UPDATE,
	.modes = MODES_ALL,
	.keys = keys,
	.load = load,
	.apply = apply,
};
