#include "profile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "fsutil.h"
#include "json_text.h"
#include "node_config.h"

static const char *const top_keys[] = { "name", "description", "rules", NULL };

static const struct rule_def *find_rule(const char *name)
{
	for (const struct rule_def *const *d = rules_table; *d; d++)
		if (!strcmp((*d)->name, name))
			return *d;
	return NULL;
}

/* "mode" plus the rule's own keys. */
static int check_rule_keys(const json_t *obj, const struct rule_def *def, const struct jpath *at, struct cd_error *err)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)obj, key, v) {
		const char *const *k = def->keys;

		if (!strcmp(key, "mode"))
			continue;
		while (k && *k && strcmp(*k, key))
			k++;
		if (!k || !*k)
			return jget_err(err, EINVAL, at, key, "unknown key for rule %s", def->name);
	}
	return 0;
}

static int load_rule(const char *name, const json_t *obj, const struct jpath *rules_at, struct rule_inst *ret,
		     struct cd_error *err)
{
	char path[160];
	struct jpath at = { rules_at->file, path };
	const char *mode = NULL;
	int r;

	snprintf(path, sizeof(path), "rules.%s", name);
	ret->def = find_rule(name);
	if (!ret->def)
		return jget_err(err, EINVAL, rules_at, name, "unknown rule");
	if (!json_is_object(obj))
		return jget_err(err, EINVAL, rules_at, name, "must be an object");
	r = check_rule_keys(obj, ret->def, &at, err);
	if (r >= 0)
		r = jget_string(obj, "mode", true, &at, &mode, err);
	if (r < 0)
		return r;
	if (rules_mode_parse(mode, &ret->mode) < 0 || !(ret->def->modes & (1u << ret->mode)))
		return jget_err(err, EINVAL, &at, "mode", "\"%s\" is not a mode this rule has", mode);
	return ret->def->load ? ret->def->load(obj, &at, &ret->conf, err) : 0;
}

/* Where a check sends the problems it finds; strict loading (NULL) stops at the first. */
struct problems {
	profile_problem_fn each;
	void *arg;
	int n;
};

static int keep_going(struct problems *pb, int r, const struct cd_error *err)
{
	if (r >= 0 || !pb)
		return r;
	pb->each(pb->arg, err);
	pb->n++;
	return 0;
}

static int load_rules(struct profile *p, const json_t *rules, const struct jpath *at, struct problems *pb,
		      struct cd_error *err)
{
	const char *key;
	json_t *v;
	int r;

	json_object_foreach((json_t *)rules, key, v) {
		struct rule_inst *ri;

		if (p->nrules == PROFILE_MAX_RULES)
			return jget_err(err, E2BIG, at, key, "too many rules");
		ri = &p->rules[p->nrules];
		r = load_rule(key, v, at, ri, err);
		p->nrules++;
		/* a broken rule stays listed, off, so its conf is freed and it never runs */
		if (r < 0)
			ri->mode = MODE_OFF;
		r = keep_going(pb, r, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int check_name(const struct profile *p, const json_t *root, const struct jpath *top, struct cd_error *err)
{
	const char *name = NULL;
	int r = jget_string(root, "name", true, top, &name, err);

	if (r >= 0 && strcmp(name, p->name))
		r = jget_err(err, EINVAL, top, "name", "\"%s\" does not match the file name \"%s.json\"", name,
			     p->name);
	return r;
}

static int load_top(struct profile *p, const json_t *root, struct problems *pb, struct cd_error *err)
{
	struct jpath top = { p->path, "" }, rules_at = { p->path, "rules" };
	const char *desc = NULL;
	json_t *rules = NULL;
	int r;

	if (!json_is_object(root))
		return cd_err(err, EINVAL, "%s: must be a JSON object", p->path);
	r = keep_going(pb, jget_known_keys(root, top_keys, &top, err), err);
	if (r >= 0)
		r = keep_going(pb, check_name(p, root, &top, err), err);
	if (r >= 0)
		r = keep_going(pb, jget_string(root, "description", false, &top, &desc, err), err);
	if (r >= 0)
		r = jget_object(root, "rules", true, &top, &rules, err);
	if (r >= 0)
		r = load_rules(p, rules, &rules_at, pb, err);
	return r;
}

static int load_file(const char *dir, const char *name, struct profile *ret, struct problems *pb, struct cd_error *err)
{
	cleanup_free char *text = NULL;
	cleanup_json json_t *root = NULL;
	cleanup_close int dirfd = -1;
	char file[160];
	struct stat st;
	size_t len = 0;
	int r;

	*ret = (struct profile){ 0 };
	if (!node_config_valid_profile_name(name))
		return cd_err(err, EINVAL, "\"%s\" is not a profile name", name);
	snprintf(ret->name, sizeof(ret->name), "%s", name);
	snprintf(file, sizeof(file), "%s.json", name);
	if (asprintf(&ret->path, "%s/%s", dir, file) < 0)
		return ret->path = NULL, cd_err(err, ENOMEM, "out of memory");
	dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		cd_err_sys(err, "profile directory %s", dir);
		return cd_err_hint(err, "set the node config's \"profile_dir\" to the directory holding the profiles");
	}
	r = fs_read_at(dirfd, file, false, 1u << 20, &text, &len, &st, err);
	if (r < 0) {
		cd_err_prefix(err, "profile %s/", dir);
		return cd_err_hint(err, "every profile the node config names (\"default_profile\", "
					"\"selectable_profiles\") must be a regular file NAME.json in \"profile_dir\"");
	}
	r = json_text_load(text, len, ret->path, &root, err);
	if (r >= 0)
		r = load_top(ret, root, pb, err);
	return r;
}

int profile_load(const char *dir, const char *name, struct profile *ret, struct cd_error *err)
{
	int r = load_file(dir, name, ret, NULL, err);

	if (r < 0)
		profile_free(ret);
	return r;
}

int profile_check(const char *dir, const char *name, struct profile *ret, profile_problem_fn each, void *arg)
{
	struct problems pb = { each, arg, 0 };
	struct cd_error err = { 0 };

	if (load_file(dir, name, ret, &pb, &err) < 0)
		keep_going(&pb, -EINVAL, &err);
	return pb.n;
}

/* The profile's entry for a rule, or NULL when absent or off. */
static const struct rule_inst *instance(const struct profile *p, const struct rule_def *d)
{
	for (size_t i = 0; i < p->nrules; i++)
		if (p->rules[i].def == d && p->rules[i].mode != MODE_OFF)
			return &p->rules[i];
	return NULL;
}

/* Rules run in table order whatever order the profile lists them in. */
int profile_apply(const struct profile *p, unsigned scope, struct rule_ctx *ctx)
{
	const struct rule_inst *sc = instance(p, &rule_seccomp);

	ctx->seccomp_enforced = sc && sc->mode == MODE_ENFORCE;
	for (const struct rule_def *const *d = rules_table; *d; d++) {
		const struct rule_inst *ri = instance(p, *d);
		int r;

		if (!ri || !((*d)->scope & scope))
			continue;
		ctx->rule = ri->def->name;
		ctx->mode = ri->mode;
		r = ri->def->apply(ctx, ri->conf);
		if (r < 0)
			return r;
	}
	return 0;
}

int profile_apply_exec_flags(const struct profile *p, struct rule_ctx *ctx)
{
	for (const struct rule_def *const *d = rules_table; *d; d++) {
		const struct rule_inst *ri = instance(p, *d);
		int r;

		if (!ri || !(*d)->exec_flags || (ctx->args->process_file && !(*d)->exec_flags_with_process))
			continue;
		ctx->rule = ri->def->name;
		ctx->mode = ri->mode;
		r = ri->def->exec_flags(ctx, ri->conf);
		if (r < 0)
			return r;
	}
	return 0;
}

void profile_free(struct profile *p)
{
	for (size_t i = 0; i < p->nrules; i++) {
		if (p->rules[i].def && p->rules[i].def->free_conf)
			p->rules[i].def->free_conf(p->rules[i].conf);
		else
			free(p->rules[i].conf);
		p->rules[i].conf = NULL;
	}
	p->nrules = 0;
	free(p->path);
	p->path = NULL;
}
