/*
 * clampctl, the operator's tool: the same node config, profiles and rules as
 * the runtime shim, run without starting anything. One file per subcommand.
 */
#ifndef CLAMPDOWN_CTL_H
#define CLAMPDOWN_CTL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "error.h"
#include "node_config.h"
#include "profile.h"

/* Exit statuses, as diff(1) and linters use them. */
enum { CTL_OK = 0, CTL_FOUND = 1, CTL_TROUBLE = 2 };

int ctl_check(int argc, char **argv);
int ctl_diff(int argc, char **argv);
int ctl_explain(int argc, char **argv);
int ctl_log(int argc, char **argv);

/* A config.json judged by a profile, without writing or running anything. */
struct ctl_eval {
	struct node_config cfg;
	struct profile profile;
	json_t *spec;	  /* as the rules left it */
	json_t *original; /* as read */
	json_t *findings;
	char source[4096];
	char bundle_dir[4096];
	bool changed, denied;
	char deny_msg[512];
};

/*
 * How to judge: the rules' own modes; every rule that is on in audit mode (a
 * linter's view); or in enforce mode (a check builds everything, seccomp too).
 */
enum ctl_eval_how { CTL_AS_PROFILE, CTL_AUDIT_ALL, CTL_ENFORCE_ALL };

/*
 * Load the node config, read target (a bundle directory or a config.json
 * file), pick the profile (name, or the one clampdown would pick), and run
 * its rules on the config.
 */
int ctl_evaluate(const char *config, const char *target, const char *profile, enum ctl_eval_how how,
		 struct ctl_eval *ev, struct cd_error *err) __attribute__((nonnull(2, 5, 6), warn_unused_result));
/* Run ev->profile on ev->spec (source and bundle_dir set); fills the rest of ev. */
int ctl_eval_run(struct ctl_eval *ev, const struct node_config *cfg, enum ctl_eval_how how, struct cd_error *err)
    __attribute__((nonnull, warn_unused_result));
void ctl_eval_free(struct ctl_eval *ev);

/* diff's and explain's command line: [--config P] [--profile N] [--json] [--color W] TARGET */
struct ctl_eval_args {
	const char *config, *profile, *target;
	bool json, color;
};
int ctl_eval_args_parse(int argc, char **argv, const char *verb, struct ctl_eval_args *ret) __attribute__((nonnull));

/* The clampdown binary its hooks name: beside clampctl, else the installed one. */
const char *ctl_clampdown_path(void);

/* Colour for humans: "auto" (a terminal without NO_COLOR), "always" or "never". */
int ctl_color_parse(const char *when, bool *ret);
bool ctl_color_auto(FILE *f);
/* SGR sequence or "" when colour is off. */
const char *ctl_sgr(bool on, const char *code);

/* "clampctl: msg" on stderr; returns CTL_TROUBLE. */
int ctl_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print v compactly (at most max characters, then "…"). */
void ctl_print_json(FILE *f, const json_t *v, size_t max);

#endif
