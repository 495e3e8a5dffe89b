/* Applying a profile to a config.json in memory, for the rule suites. */
#ifndef CLAMPDOWN_RULETEST_H
#define CLAMPDOWN_RULETEST_H

#include "json_text.h"
#include "profile.h"
#include "unit.h"

struct result {
	json_t *spec;
	json_t *findings;
	bool changed, denied;
	int rc;
	char deny[512];
	struct cd_error err;
};

#define P(rules)     "{\"name\":\"t\",\"rules\":{" rules "}}"
#define USER(mode)   "\"user\":{\"mode\":\"" mode "\",\"uid\":1000,\"gid\":1001}"
#define CAPS(mode)   "\"capabilities\":{\"mode\":\"" mode "\",\"allow\":[\"NET_BIND_SERVICE\",\"CHOWN\"]}"
#define NNP(mode)    "\"no_new_privileges\":{\"mode\":\"" mode "\"}"
#define ROOTFS(mode) "\"readonly_rootfs\":{\"mode\":\"" mode "\",\"tmpfs\":[{\"path\":\"/tmp\",\"size\":\"64m\"}]}"
#define RES(mode)    "\"resources\":{\"mode\":\"" mode "\",\"memory\":\"512m\",\"cpus\":0.5,\"pids\":100}"

/* The bundle directory rules see (NULL: the current directory). */
static const char *ruletest_bundle_dir;
/* clampdown's path as rules see it (NULL: /proc/self/exe) */
static const char *ruletest_self_exe;
/* the node config's cache_dir (NULL: none), the runtime (crun or runc), clampctl's prediction */
static const char *ruletest_cache_dir;
static bool ruletest_crun, ruletest_predicting;

static inline void apply(const char *profile, const char *spec, struct result *res)
{
	char *dir = unit_tmpdir();
	struct profile p;
	struct rule_ctx ctx = { 0 };

	memset(res, 0, sizeof(*res));
	unit_write(dir, "t.json", profile);
	ck_assert_msg(profile_load(dir, "t", &p, &res->err) == 0, "%s", res->err.msg);
	unit_rmtree(dir);
	free(dir);
	ck_assert_msg(json_text_load(spec, strlen(spec), "config.json", &res->spec, &res->err) == 0, "%s",
		      res->err.msg);
	res->findings = json_array();
	ctx = (struct rule_ctx){ .spec = res->spec,
				 .process = json_object_get(res->spec, "process"),
				 .source = "config.json",
				 .bundle_dir = ruletest_bundle_dir,
				 .self_exe = ruletest_self_exe,
				 .cache_dir = ruletest_cache_dir,
				 .crun = ruletest_crun,
				 .predicting = ruletest_predicting,
				 .findings = res->findings,
				 .err = &res->err };
	res->rc = profile_apply(&p, SCOPE_CONTAINER | SCOPE_PROCESS, &ctx);
	res->changed = ctx.changed;
	res->denied = ctx.denied;
	snprintf(res->deny, sizeof(res->deny), "%s", ctx.deny_msg);
	profile_free(&p);
}

static inline void done(struct result *r)
{
	json_decref(r->spec);
	json_decref(r->findings);
}

static inline json_t *at(json_t *j, const char *path)
{
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *k = strtok_r(buf, ".", &save); k && j; k = strtok_r(NULL, ".", &save))
		j = json_object_get(j, k);
	return j;
}

static inline json_int_t int_at(json_t *j, const char *path)
{
	json_t *v = at(j, path);

	ck_assert_msg(json_is_integer(v), "%s is not an integer", path);
	return json_integer_value(v);
}

static inline char *dump(json_t *j)
{
	struct cd_error err;
	char *s = NULL;
	size_t n;

	ck_assert_int_eq(json_text_dump(j, &s, &n, &err), 0);
	return s;
}

#endif
