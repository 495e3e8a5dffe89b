/*
 * runc's command line, parsed as runc 1.1 parses it: Go's flag package for
 * the global flags (stops at the first non-flag), urfave/cli v1's argument
 * reordering for create/run/restore, none for exec.
 */
#ifndef CLAMPDOWN_RUNC_ARGS_H
#define CLAMPDOWN_RUNC_ARGS_H

#include <stdbool.h>

#include "error.h"

enum cd_command {
	CMD_NONE, /* no command: runc prints help */
	CMD_CREATE,
	CMD_RUN,
	CMD_RESTORE,
	CMD_EXEC,
	CMD_UPDATE,
	CMD_OTHER, /* everything clampdown passes straight through */
};

#define RUNC_MAX_OCC   128
#define RUNC_MAX_EXTRA 16

/* One subcommand flag as given: where it is, so a rule can drop or outvote it. */
struct runc_flag_occ {
	const char *name;  /* canonical long name: "user", "cap", "pids-limit" */
	const char *value; /* the value; "true"/"false" for booleans */
	int index;	   /* argv index of the flag */
	int value_index;   /* argv index of a separate value, or -1 */
};

struct runc_args {
	int argc;
	char **argv;
	/* global flags (last one wins) */
	const char *log_path;
	const char *log_format;
	const char *root;
	const char *clampdown_config;
	const char *rootless;	    /* runc: rootless mode; crun 1.8: another spelling of --root */
	const char *getopt_differs; /* a "-xyz" token, which getopt (crun) and Go (runc) read apart */
	bool help, version;
	/* how the runtime's argv differs: per index NULL (keep), RUNC_ARG_DROP or a replacement */
	const char **override;
	/* tokens inserted before argv[extra_at] (argc: at the end) */
	const char *extra[RUNC_MAX_EXTRA];
	int nextra;
	int extra_at;
	/* the command */
	int cmd_index;
	enum cd_command cmd;
	const char *cmd_name;
	/* create/run/restore/exec/update */
	const char *bundle; /* NULL: the current directory */
	const char *id;
	int id_index;
	bool sub_help;
	/* every exec/update flag, in order */
	struct runc_flag_occ occ[RUNC_MAX_OCC];
	int nocc;
	/* exec */
	const char *process_file;
	const char *no_new_privs; /* NULL when not given, else "true"/"false" */
	/* update */
	const char *resources;
};

/* Parse argv; refuses what runc would refuse and what clampdown cannot tell apart. */
int runc_args_parse(int argc, char **argv, struct runc_args *ret, struct cd_error *err)
    __attribute__((nonnull, warn_unused_result));

extern const char RUNC_ARG_DROP[];

/* The last occurrence of an exec/update flag (the one runc reads), or NULL. */
const struct runc_flag_occ *runc_args_last(const struct runc_args *a, const char *name) __attribute__((nonnull));

/* Remove a flag and its value from the runtime's argv. */
void runc_args_drop(struct runc_args *a, const struct runc_flag_occ *o) __attribute__((nonnull));

/*
 * Make --name=value the only occurrence of a flag: every given spelling is
 * dropped (runc keeps the last, crun's update the first) and one is added.
 * value NULL adds the bare boolean flag.
 */
int runc_args_set_flag(struct runc_args *a, const char *name, const char *value)
    __attribute__((nonnull(1, 2), warn_unused_result));

/* True for the commands whose bundle or process clampdown hardens. */
bool runc_args_hardens(const struct runc_args *a) __attribute__((nonnull));

/*
 * The argv for the runtime: argv[0] = runtime, clampdown's own flag removed.
 * One allocation holding pointers and strings, independent of a and runtime.
 */
char **runc_args_runtime_argv(const struct runc_args *a, const char *runtime)
    __attribute__((nonnull, warn_unused_result));

/* Free what parsing and runc_args_set_flag allocated; the fields that point into argv stay valid. */
void runc_args_free(struct runc_args *a) __attribute__((nonnull));

#endif
