#include "runc_args.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"

/* A flag: its names, whether it takes a value, and where that value goes. */
struct flag_def {
	const char *name;
	const char *alias;
	bool value;
	int slot;
};

enum slot {
	S_IGNORE,
	S_LOG,
	S_LOG_FORMAT,
	S_ROOT,
	S_CLAMPDOWN_CONFIG,
	S_HELP,
	S_VERSION,
	S_BUNDLE,
	S_PROCESS,
	S_NNP,
	S_ROOTLESS,
	S_RESOURCES,
};

static const struct flag_def global_flags[] = {
	{ "debug", NULL, false, S_IGNORE },
	{ "log", NULL, true, S_LOG },
	{ "log-format", NULL, true, S_LOG_FORMAT },
	{ "root", NULL, true, S_ROOT },
	{ "criu", NULL, true, S_IGNORE },
	{ "systemd-cgroup", NULL, false, S_IGNORE },
	{ "rootless", NULL, true, S_ROOTLESS },
	{ "help", "h", false, S_HELP },
	{ "version", "v", false, S_VERSION },
	{ "clampdown-config", NULL, true, S_CLAMPDOWN_CONFIG },
	{ NULL, NULL, false, 0 },
};

#define HELP_FLAG                          \
	{                                  \
		"help", "h", false, S_HELP \
	}
#define END_FLAGS                    \
	{                            \
		NULL, NULL, false, 0 \
	}

static const struct flag_def create_flags[] = {
	{ "bundle", "b", true, S_BUNDLE },
	{ "console-socket", NULL, true, S_IGNORE },
	{ "pid-file", NULL, true, S_IGNORE },
	{ "no-pivot", NULL, false, S_IGNORE },
	{ "no-new-keyring", NULL, false, S_IGNORE },
	{ "preserve-fds", NULL, true, S_IGNORE },
	HELP_FLAG,
	END_FLAGS,
};

static const struct flag_def run_flags[] = {
	{ "bundle", "b", true, S_BUNDLE },
	{ "console-socket", NULL, true, S_IGNORE },
	{ "detach", "d", false, S_IGNORE },
	{ "keep", NULL, false, S_IGNORE },
	{ "pid-file", NULL, true, S_IGNORE },
	{ "no-subreaper", NULL, false, S_IGNORE },
	{ "no-pivot", NULL, false, S_IGNORE },
	{ "no-new-keyring", NULL, false, S_IGNORE },
	{ "preserve-fds", NULL, true, S_IGNORE },
	HELP_FLAG,
	END_FLAGS,
};

static const struct flag_def restore_flags[] = {
	{ "console-socket", NULL, true, S_IGNORE },
	{ "image-path", NULL, true, S_IGNORE },
	{ "work-path", NULL, true, S_IGNORE },
	{ "tcp-established", NULL, false, S_IGNORE },
	{ "ext-unix-sk", NULL, false, S_IGNORE },
	{ "shell-job", NULL, false, S_IGNORE },
	{ "file-locks", NULL, false, S_IGNORE },
	{ "manage-cgroups-mode", NULL, true, S_IGNORE },
	{ "bundle", "b", true, S_BUNDLE },
	{ "detach", "d", false, S_IGNORE },
	{ "pid-file", NULL, true, S_IGNORE },
	{ "no-subreaper", NULL, false, S_IGNORE },
	{ "no-pivot", NULL, false, S_IGNORE },
	{ "empty-ns", NULL, true, S_IGNORE },
	{ "auto-dedup", NULL, false, S_IGNORE },
	{ "lazy-pages", NULL, false, S_IGNORE },
	{ "lsm-profile", NULL, true, S_IGNORE },
	{ "lsm-mount-context", NULL, true, S_IGNORE },
	HELP_FLAG,
	END_FLAGS,
};

static const struct flag_def exec_flags[] = {
	{ "console-socket", NULL, true, S_IGNORE },
	{ "cwd", NULL, true, S_IGNORE },
	{ "env", "e", true, S_IGNORE },
	{ "tty", "t", false, S_IGNORE },
	{ "user", "u", true, S_IGNORE },
	{ "additional-gids", "g", true, S_IGNORE },
	{ "process", "p", true, S_PROCESS },
	{ "detach", "d", false, S_IGNORE },
	{ "pid-file", NULL, true, S_IGNORE },
	{ "process-label", NULL, true, S_IGNORE },
	{ "apparmor", NULL, true, S_IGNORE },
	{ "no-new-privs", NULL, false, S_NNP },
	{ "cap", "c", true, S_IGNORE },
	{ "preserve-fds", NULL, true, S_IGNORE },
	{ "cgroup", NULL, true, S_IGNORE },
	{ "ignore-paused", NULL, false, S_IGNORE },
	HELP_FLAG,
	END_FLAGS,
};

static const struct flag_def update_flags[] = {
	{ "resources", "r", true, S_RESOURCES },
	{ "blkio-weight", NULL, true, S_IGNORE },
	{ "cpu-period", NULL, true, S_IGNORE },
	{ "cpu-quota", NULL, true, S_IGNORE },
	{ "cpu-share", NULL, true, S_IGNORE },
	{ "cpu-rt-period", NULL, true, S_IGNORE },
	{ "cpu-rt-runtime", NULL, true, S_IGNORE },
	{ "cpuset-cpus", NULL, true, S_IGNORE },
	{ "cpuset-mems", NULL, true, S_IGNORE },
	{ "kernel-memory", NULL, true, S_IGNORE },
	{ "kernel-memory-tcp", NULL, true, S_IGNORE },
	{ "memory", NULL, true, S_IGNORE },
	{ "memory-reservation", NULL, true, S_IGNORE },
	{ "memory-swap", NULL, true, S_IGNORE },
	{ "pids-limit", NULL, true, S_IGNORE },
	{ "l3-cache-schema", NULL, true, S_IGNORE },
	{ "mem-bw-schema", NULL, true, S_IGNORE },
	HELP_FLAG,
	END_FLAGS,
};

struct command_def {
	const char *name;
	enum cd_command cmd;
	const struct flag_def *flags;
	bool reorder; /* urfave/cli moves flags before positional args */
};

static const struct command_def commands[] = {
	{ "create", CMD_CREATE, create_flags, true },	 { "run", CMD_RUN, run_flags, true },
	{ "restore", CMD_RESTORE, restore_flags, true }, { "exec", CMD_EXEC, exec_flags, false },
	{ "update", CMD_UPDATE, update_flags, true },	 { NULL, CMD_OTHER, NULL, false },
};

static const struct flag_def *find_flag(const struct flag_def *t, const char *name, size_t len)
{
	for (; t->name; t++) {
		if (strlen(t->name) == len && !memcmp(t->name, name, len))
			return t;
		if (t->alias && strlen(t->alias) == len && !memcmp(t->alias, name, len))
			return t;
	}
	return NULL;
}

/* strconv.ParseBool */
static int parse_go_bool(const char *s, bool *ret)
{
	static const char *const yes[] = { "1", "t", "T", "TRUE", "true", "True", NULL };
	static const char *const no[] = { "0", "f", "F", "FALSE", "false", "False", NULL };

	for (int i = 0; yes[i]; i++) {
		if (!strcmp(s, yes[i]))
			return *ret = true, 0;
		if (!strcmp(s, no[i]))
			return *ret = false, 0;
	}
	return -EINVAL;
}

static void store(struct runc_args *a, int slot, const char *value)
{
	switch (slot) {
	case S_LOG: a->log_path = value; break;
	case S_LOG_FORMAT: a->log_format = value; break;
	case S_ROOT: a->root = value; break;
	case S_CLAMPDOWN_CONFIG: a->clampdown_config = value; break;
	case S_BUNDLE: a->bundle = value; break;
	case S_PROCESS: a->process_file = value; break;
	case S_RESOURCES: a->resources = value; break;
	case S_NNP: a->no_new_privs = value; break;
	case S_ROOTLESS: a->rootless = value; break;
	default: break;
	}
}

enum step { STEP_FLAG, STEP_STOP, STEP_END };

const char RUNC_ARG_DROP[] = "";

/* argv index of a token: reordering moves pointers, never copies strings */
static int index_of(const struct runc_args *a, const char *tok)
{
	for (int i = 0; i < a->argc; i++)
		if (a->argv[i] == tok)
			return i;
	return -1;
}

static int record(struct runc_args *a, const struct flag_def *f, const char *flag_tok, const char *value_tok,
		  const char *value)
{
	struct runc_flag_occ *o;

	if (a->nocc == RUNC_MAX_OCC)
		return -E2BIG;
	o = &a->occ[a->nocc++];
	o->name = f->name;
	o->value = value;
	o->index = index_of(a, flag_tok);
	o->value_index = value_tok ? index_of(a, value_tok) : -1;
	return 0;
}

/*
 * One step of Go's flag.FlagSet.Parse over args[*i]: consume a flag (and
 * its value), or report where the flags stop. "--" is consumed.
 */
static int go_flag_step(const struct flag_def *table, char **args, int n, int *i, struct runc_args *a, bool global,
			enum step *ret, struct cd_error *err)
{
	const char *tok = args[*i], *name, *eq, *value = NULL;
	const struct flag_def *f;
	int at = *i;
	bool b;

	if (tok[0] != '-' || tok[1] == '\0')
		return *ret = STEP_STOP, 0;
	name = tok + 1;
	if (name[0] == '-') {
		name++;
		if (name[0] == '\0') {
			(*i)++;
			return *ret = STEP_END, 0;
		}
	}
	if (name[0] == '-' || name[0] == '=')
		return cd_err(err, EINVAL, "bad flag syntax: %s", tok);
	/* getopt (crun) reads "-xyz" as -x with the value "yz", where Go reads the flag "xyz" */
	if (name == tok + 1 && name[1] && !a->getopt_differs)
		a->getopt_differs = tok;
	eq = strchr(name, '=');
	f = find_flag(table, name, eq ? (size_t)(eq - name) : strlen(name));
	if (!f)
		return cd_err(err, EINVAL,
			      "flag provided but not defined: -%.*s (clampdown only passes on flags runc 1.1 knows)",
			      (int)(eq ? eq - name : (long)strlen(name)), name);
	(*i)++;
	if (!f->value) {
		b = true;
		if (eq && parse_go_bool(eq + 1, &b) < 0)
			return cd_err(err, EINVAL, "invalid boolean value \"%s\" for -%s", eq + 1, f->name);
		if (f->slot == S_HELP)
			global ? (a->help = b) : (a->sub_help = b);
		else if (f->slot == S_VERSION)
			a->version = b;
		else if (f->slot == S_NNP)
			a->no_new_privs = b ? "true" : "false";
		if (!global && record(a, f, args[at], NULL, b ? "true" : "false") < 0)
			return cd_err(err, E2BIG, "more than %d flags", RUNC_MAX_OCC);
		return *ret = STEP_FLAG, 0;
	}
	if (eq) {
		value = eq + 1;
	} else {
		if (*i >= n)
			return cd_err(err, EINVAL, "flag needs an argument: -%s", f->name);
		value = args[(*i)++];
	}
	store(a, f->slot, value);
	if (!global && record(a, f, args[at], eq ? NULL : args[at + 1], value) < 0)
		return cd_err(err, E2BIG, "more than %d flags", RUNC_MAX_OCC);
	if (f->slot == S_CLAMPDOWN_CONFIG) {
		/* every occurrence is removed; the last one wins */
		a->override[at] = RUNC_ARG_DROP;
		if (!eq)
			a->override[at + 1] = RUNC_ARG_DROP;
	}
	return *ret = STEP_FLAG, 0;
}

/* urfave/cli v1.22 argIsFlag: "-x", "--x", "-x=v" naming one of the command's flags */
static bool arg_is_flag(const struct flag_def *table, const char *arg)
{
	const char *name = arg;

	if (!strcmp(arg, "-") || !strcmp(arg, "--") || arg[0] != '-')
		return false;
	name += name[1] == '-' ? 2 : 1;
	/* strings.Replace removes the first dashes wherever they are; past the
	 * leading ones only "---x" has one more, which Go's parser refuses anyway */
	if (name[0] == '-')
		name++;
	return find_flag(table, name, strcspn(name, "=")) != NULL;
}

/*
 * urfave/cli v1.22 reorderArgs, as in the runc Debian ships: flags first, each
 * followed by the next token unless that is itself a flag; "--" moves to the
 * front of the rest, and nothing after it is reordered.
 */
static char **reorder_args(const struct flag_def *table, char **args, int n)
{
	char **out = calloc((size_t)n + 1, sizeof(*out));
	cleanup_free char **rest = calloc((size_t)n + 1, sizeof(*rest));
	int nf = 0, nr = 0;
	bool may_value = false;

	if (!out || !rest) {
		free(out);
		return NULL;
	}
	for (int i = 0; i < n; i++) {
		if (may_value && !arg_is_flag(table, args[i])) {
			may_value = false;
			out[nf++] = args[i];
		} else if (!strcmp(args[i], "--")) {
			memmove(rest + 1, rest, (size_t)nr * sizeof(*rest));
			rest[0] = args[i];
			nr++;
			while (++i < n)
				rest[nr++] = args[i];
		} else if (arg_is_flag(table, args[i])) {
			out[nf++] = args[i];
			may_value = strchr(args[i], '=') == NULL;
		} else {
			rest[nr++] = args[i];
		}
	}
	memcpy(out + nf, rest, (size_t)nr * sizeof(*out));
	return out;
}

static int parse_global(struct runc_args *a, struct cd_error *err)
{
	int i = 1, r;
	enum step st = STEP_FLAG;

	while (i < a->argc && st == STEP_FLAG) {
		r = go_flag_step(global_flags, a->argv, a->argc, &i, a, true, &st, err);
		if (r < 0)
			return r;
	}
	a->cmd_index = i < a->argc ? i : -1;
	return 0;
}

static int parse_command_flags(struct runc_args *a, const struct command_def *c, struct cd_error *err)
{
	int base = a->cmd_index + 1, n = a->argc - base, i = 0, r;
	cleanup_free char **args = NULL;
	enum step st = STEP_FLAG;

	args = c->reorder ? reorder_args(c->flags, a->argv + base, n) : NULL;
	if (c->reorder && !args)
		return cd_err(err, ENOMEM, "out of memory");
	while (i < n && st == STEP_FLAG) {
		r = go_flag_step(c->flags, args ? args : a->argv + base, n, &i, a, false, &st, err);
		if (r < 0)
			return cd_err_prefix(err, "%s: ", c->name);
	}
	if (i < n) {
		a->id = args ? args[i] : a->argv[base + i];
		a->id_index = index_of(a, a->id);
		/* exec's flags end at the id: added flags go just before it */
		if (!c->reorder)
			a->extra_at = a->id_index;
	}
	/* runc's create/run/restore take exactly one argument, the id */
	if (c->reorder && n - i != 1 && !a->sub_help)
		return cd_err(err, EINVAL, "%s: expected exactly one container id, got %d arguments", c->name, n - i);
	if (!c->reorder && !a->id && !a->sub_help)
		return cd_err(err, EINVAL, "%s: missing container id", c->name);
	return 0;
}

int runc_args_parse(int argc, char **argv, struct runc_args *ret, struct cd_error *err)
{
	const struct command_def *c;
	int r;

	*ret = (struct runc_args){ .argc = argc, .argv = argv, .cmd_index = -1, .id_index = -1, .extra_at = argc };
	ret->override = calloc((size_t)argc + 1, sizeof(*ret->override));
	if (!ret->override)
		return cd_err(err, ENOMEM, "out of memory");
	r = parse_global(ret, err);
	if (r < 0)
		return r;
	if (ret->cmd_index < 0) {
		ret->cmd = CMD_NONE;
		return 0;
	}
	ret->cmd_name = argv[ret->cmd_index];
	for (c = commands; c->name; c++)
		if (!strcmp(c->name, ret->cmd_name))
			break;
	ret->cmd = c->cmd;
	if (!c->name || ret->help || ret->version)
		return 0;
	return parse_command_flags(ret, c, err);
}

bool runc_args_hardens(const struct runc_args *a)
{
	/* runc prints help or its version for these and starts nothing */
	if (a->help || a->version || a->sub_help)
		return false;
	return a->cmd == CMD_CREATE || a->cmd == CMD_RUN || a->cmd == CMD_RESTORE || a->cmd == CMD_EXEC ||
	       a->cmd == CMD_UPDATE;
}

const struct runc_flag_occ *runc_args_last(const struct runc_args *a, const char *name)
{
	const struct runc_flag_occ *o = NULL;

	for (int i = 0; i < a->nocc; i++)
		if (!strcmp(a->occ[i].name, name))
			o = &a->occ[i];
	return o;
}

void runc_args_drop(struct runc_args *a, const struct runc_flag_occ *o)
{
	a->override[o->index] = RUNC_ARG_DROP;
	if (o->value_index >= 0)
		a->override[o->value_index] = RUNC_ARG_DROP;
}

/* Add a token the runtime sees after every flag given. */
static int add_token(struct runc_args *a, const char *token)
{
	if (a->nextra == RUNC_MAX_EXTRA) {
		free((char *)token);
		return -E2BIG;
	}
	a->extra[a->nextra++] = token;
	return 0;
}

int runc_args_set_flag(struct runc_args *a, const char *name, const char *value)
{
	char *tok = NULL;

	for (int i = 0; i < a->nocc; i++)
		if (!strcmp(a->occ[i].name, name))
			runc_args_drop(a, &a->occ[i]);
	if ((value ? asprintf(&tok, "--%s=%s", name, value) : asprintf(&tok, "--%s", name)) < 0)
		return -ENOMEM;
	return add_token(a, tok);
}

char **runc_args_runtime_argv(const struct runc_args *a, const char *runtime)
{
	size_t max = (size_t)a->argc + RUNC_MAX_EXTRA + 1, n = 0, bytes = 0;
	cleanup_free const char **list = calloc(max, sizeof(*list));
	char **out, *p;

	if (!list)
		return NULL;
	list[n++] = runtime;
	for (int i = 1; i <= a->argc; i++) {
		if (i == a->extra_at)
			for (int k = 0; k < a->nextra; k++)
				list[n++] = a->extra[k];
		if (i == a->argc)
			break;
		if (a->override[i] == RUNC_ARG_DROP)
			continue;
		list[n++] = a->override[i] ? a->override[i] : a->argv[i];
	}
	for (size_t i = 0; i < n; i++)
		bytes += strlen(list[i]) + 1;
	/* one block, pointers then strings: it outlives the parse and the node config it came from */
	out = malloc((n + 1) * sizeof(*out) + bytes);
	if (!out)
		return NULL;
	p = (char *)(out + n + 1);
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(list[i]) + 1;

		out[i] = memcpy(p, list[i], len);
		p += len;
	}
	out[n] = NULL;
	return out;
}

void runc_args_free(struct runc_args *a)
{
	for (int k = 0; k < a->nextra; k++)
		free((char *)a->extra[k]);
	a->nextra = 0;
	free(a->override);
	a->override = NULL;
}
