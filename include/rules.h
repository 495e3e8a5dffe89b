/*
 * Hardening rules. Each rule is one struct rule_def: how its profile entry
 * is read (load) and what it does to a spec (apply). The table in rules.c
 * lists them in the order they run; adding a rule is a file and a row.
 */
#ifndef CLAMPDOWN_RULES_H
#define CLAMPDOWN_RULES_H

#include <jansson.h>
#include <stdbool.h>

#include "error.h"
#include "jget.h"
#include "runc_args.h"

enum rule_mode { MODE_OFF, MODE_AUDIT, MODE_DENY, MODE_ENFORCE };

#define MODES_ALL ((1u << MODE_OFF) | (1u << MODE_AUDIT) | (1u << MODE_DENY) | (1u << MODE_ENFORCE))

/* What a rule hardens: a whole container, or a process (create and exec). */
enum rule_scope { SCOPE_CONTAINER = 1, SCOPE_PROCESS = 2, SCOPE_UPDATE = 4 };

struct rule_ctx {
	json_t *spec;		  /* config.json; NULL when hardening an exec process */
	json_t *process;	  /* the process being hardened */
	json_t *resources;	  /* runc update's resources; 0 there means "unchanged" */
	const char *process_path; /* "process" or the process file */
	const char *source;	  /* file name for errors */
	const char *bundle_dir;	  /* relative mount sources are under it (NULL: the current directory) */
	const char *cache_dir;	  /* node config cache_dir (may be NULL) */
	const char *decision_log; /* node config decision_log (may be NULL), for clampdown's hooks */
	const char *profile;	  /* the profile's name */
	const char *self_exe;	  /* clampdown's path for its hooks (NULL: /proc/self/exe) */
	const char *rule;	  /* the running rule */
	enum rule_mode mode;	  /* its mode */
	struct runc_args *args;	  /* the command line, for rules that judge exec flags */
	bool crun;		  /* crun: its exec, update and mount grammars differ from runc's */
	bool predicting;	  /* clampctl: what clampdown would write; installed files are not looked for */
	bool seccomp_enforced;	  /* the seccomp rule enforces: it replaces or removes run.oci.seccomp_bpf_data */
	json_t *findings;	  /* array, for the decision log */
	bool changed;
	bool denied;
	char deny_msg[512];
	struct cd_error *err;
};

struct rule_def {
	const char *name;
	unsigned scope;
	unsigned modes;		 /* the modes this rule accepts */
	const char *const *keys; /* its keys besides "mode" */
	int (*load)(const json_t *obj, const struct jpath *at, void **ret_conf, struct cd_error *err);
	int (*apply)(struct rule_ctx *ctx, const void *conf);
	/* exec without --process: judge runc's flags (may be NULL) */
	int (*exec_flags)(struct rule_ctx *ctx, const void *conf);
	/* and with --process too: flags the runtime reads beside the file (--cgroup) */
	bool exec_flags_with_process;
	/* frees what load made (NULL: free()) */
	void (*free_conf)(void *conf);
};

extern const struct rule_def rule_privileged;
extern const struct rule_def rule_annotations;
extern const struct rule_def rule_user;
extern const struct rule_def rule_capabilities;
extern const struct rule_def rule_no_new_privileges;
extern const struct rule_def rule_seccomp;
extern const struct rule_def rule_readonly_rootfs;
extern const struct rule_def rule_resources;
extern const struct rule_def rule_cgroup_path;
extern const struct rule_def rule_restore;
extern const struct rule_def rule_host_namespaces;
extern const struct rule_def rule_host_mounts;
extern const struct rule_def rule_devices;
extern const struct rule_def rule_masked_paths;
extern const struct rule_def rule_sysctls;
extern const struct rule_def rule_rlimits;
extern const struct rule_def rule_apparmor;
extern const struct rule_def rule_selinux;
extern const struct rule_def rule_bandwidth;

/* The rules, in the order they run (user before capabilities: caps need the final uid). */
extern const struct rule_def *const rules_table[];

const char *rules_mode_name(enum rule_mode m);
int rules_mode_parse(const char *s, enum rule_mode *ret) __attribute__((nonnull));

/*
 * Record that field breaks the running rule (before/after are stolen, may
 * be NULL). Returns true when the caller should rewrite (enforce mode).
 */
bool rule_finding(struct rule_ctx *ctx, const char *field, json_t *before, json_t *after, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* A finding no rewrite can fix: refused in enforce and deny modes, recorded in audit. */
void rule_unfixable(struct rule_ctx *ctx, const char *field, json_t *before, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Error about a spec field the rule cannot read (the container is refused). */
int rule_bad_field(struct rule_ctx *ctx, const char *field, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A note for the decision log that is no finding: nothing is rewritten or refused for it. */
void rule_warning(struct rule_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Whether the namespace file path (relative: to the bundle) is the host's
 * own namespace of kind proc ("net", "pid", ...): the same inode as pid 1's
 * or clampdown's. Errors when path cannot be read.
 */
int rule_is_host_ns(struct rule_ctx *ctx, const char *path, const char *proc, bool *ret);

/* The object at parent[key], created when absent or null; NULL (and an error) when not an object. */
json_t *rule_ensure_object(struct rule_ctx *ctx, json_t *parent, const char *key, const char *field);

#endif
