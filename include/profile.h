/* Profiles: profile_dir/NAME.json, validated as a whole when loaded. */
#ifndef CLAMPDOWN_PROFILE_H
#define CLAMPDOWN_PROFILE_H

#include <jansson.h>

#include "error.h"
#include "rules.h"

#define PROFILE_MAX_RULES 32

struct rule_inst {
	const struct rule_def *def;
	enum rule_mode mode;
	void *conf;
};

struct profile {
	char name[129];
	char *path; /* dir/name.json, as messages name it */
	struct rule_inst rules[PROFILE_MAX_RULES];
	size_t nrules;
};

/* Load dir/name.json; unknown keys, capability names, sizes and modes are errors. */
int profile_load(const char *dir, const char *name, struct profile *ret, struct cd_error *err)
    __attribute__((nonnull, warn_unused_result));

typedef void (*profile_problem_fn)(void *arg, const struct cd_error *e);

/*
 * Load as profile_load does, but give every problem to each() and go on past
 * a broken rule (left off). Returns how many problems there were; *ret must
 * be freed either way.
 */
int profile_check(const char *dir, const char *name, struct profile *ret, profile_problem_fn each, void *arg)
    __attribute__((nonnull(1, 2, 3, 4)));

/* Run every rule of scope on ctx, in table order. */
int profile_apply(const struct profile *p, unsigned scope, struct rule_ctx *ctx) __attribute__((nonnull));

/* Run every rule's exec_flags hook on ctx->args, in table order. */
int profile_apply_exec_flags(const struct profile *p, struct rule_ctx *ctx) __attribute__((nonnull));

void profile_free(struct profile *p);

#endif
