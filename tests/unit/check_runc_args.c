#include "runc_args.h"
#include "unit.h"

#define ARGV(...)	   ((char *[]){ "clampdown", __VA_ARGS__, NULL })
#define ARGC(...)	   ((int)(sizeof((char *[]){ "clampdown", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(a, err, ...) runc_args_parse(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), (a), (err))

static int occ_count(const struct runc_args *a, const char *name)
{
	int n = 0;

	for (int i = 0; i < a->nocc; i++)
		n += !strcmp(a->occ[i].name, name);
	return n;
}

/* The value of the k-th occurrence of a flag, or NULL. */
static const char *occ_value(const struct runc_args *a, const char *name, int k)
{
	for (int i = 0; i < a->nocc; i++)
		if (!strcmp(a->occ[i].name, name) && k-- == 0)
			return a->occ[i].value;
	return NULL;
}

START_TEST(global_value_forms)
{
	struct runc_args a;
	struct cd_error err;

	ck_assert_int_eq(PARSE(&a, &err, "--root", "/r", "-log=/l", "--log-format", "json", "state", "x"), 0);
	ck_assert_str_eq(a.root, "/r");
	ck_assert_str_eq(a.log_path, "/l");
	ck_assert_str_eq(a.log_format, "json");
	ck_assert_int_eq(a.cmd, CMD_OTHER);
	ck_assert_str_eq(a.cmd_name, "state");
	/* -x and --x are the same; a repeated flag: the last one wins */
	ck_assert_int_eq(PARSE(&a, &err, "-log-format", "text", "--log-format=json", "--log-format", "json", "ps", "x"),
			 0);
	ck_assert_str_eq(a.log_format, "json");
}
END_TEST

START_TEST(value_equal_to_command_is_not_the_command)
{
	struct runc_args a;
	struct cd_error err;

	ck_assert_int_eq(PARSE(&a, &err, "--root", "create", "state", "create"), 0);
	ck_assert_int_eq(a.cmd, CMD_OTHER);
	ck_assert_str_eq(a.root, "create");
	/* --rootless takes a string: "true" is its value, not the command */
	ck_assert_int_eq(PARSE(&a, &err, "--rootless", "true", "create", "--bundle", "/b", "id"), 0);
	ck_assert_int_eq(a.cmd, CMD_CREATE);
	ck_assert_str_eq(a.bundle, "/b");
	ck_assert_str_eq(a.id, "id");
	/* an id that equals a command name */
	ck_assert_int_eq(PARSE(&a, &err, "create", "run"), 0);
	ck_assert_int_eq(a.cmd, CMD_CREATE);
	ck_assert_str_eq(a.id, "run");
	ck_assert_ptr_null(a.bundle);
}
END_TEST

START_TEST(booleans)
{
	struct runc_args a;
	struct cd_error err;

	ck_assert_int_eq(PARSE(&a, &err, "--debug", "--systemd-cgroup", "create", "x"), 0);
	ck_assert_int_eq(a.cmd, CMD_CREATE);
	/* a boolean never consumes the next token */
	ck_assert_int_eq(PARSE(&a, &err, "--debug", "state", "x"), 0);
	ck_assert_int_eq(a.cmd, CMD_OTHER);
	ck_assert_int_eq(PARSE(&a, &err, "--debug=false", "--systemd-cgroup=1", "state", "x"), 0);
	ck_assert_int_ne(PARSE(&a, &err, "--debug=maybe", "state", "x"), 0);
	ck_assert_int_eq(PARSE(&a, &err, "-v"), 0);
	ck_assert(a.version);
	ck_assert(!runc_args_hardens(&a));
	ck_assert_int_eq(PARSE(&a, &err, "--help", "create", "x"), 0);
	ck_assert(a.help);
	ck_assert(!runc_args_hardens(&a));
	ck_assert_int_eq(PARSE(&a, &err, "--help=false", "create", "x"), 0);
	ck_assert(runc_args_hardens(&a));
}
END_TEST

START_TEST(unknown_and_bad_global_flags)
{
	struct runc_args a;
	struct cd_error err;

	ck_assert_int_lt(PARSE(&a, &err, "--bogus", "create", "x"), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "bogus"));
	ck_assert_int_lt(PARSE(&a, &err, "---root", "/r", "create", "x"), 0);
	ck_assert_int_lt(PARSE(&a, &err, "-=x", "create", "x"), 0);
	ck_assert_int_lt(PARSE(&a, &err, "--root"), 0);
	/* -- ends the flags: the next token is the command */
	ck_assert_int_eq(PARSE(&a, &err, "--root", "/r", "--", "create", "x"), 0);
	ck_assert_int_eq(a.cmd, CMD_CREATE);
	ck_assert_int_eq(PARSE(&a, &err, "--root", "/r"), 0);
	ck_assert_int_eq(a.cmd, CMD_NONE);
}
END_TEST

START_TEST(bundle_spellings)
{
	struct runc_args a;
	struct cd_error err;

	ck_assert_int_eq(PARSE(&a, &err, "create", "-b", "/b1", "id"), 0);
	ck_assert_str_eq(a.bundle, "/b1");
	ck_assert_int_eq(PARSE(&a, &err, "create", "--bundle=/b2", "id"), 0);
	ck_assert_str_eq(a.bundle, "/b2");
	ck_assert_int_eq(PARSE(&a, &err, "create", "-bundle", "/b3", "id"), 0);
	ck_assert_str_eq(a.bundle, "/b3");
	ck_assert_int_eq(PARSE(&a, &err, "create", "-b=/b4", "id"), 0);
	ck_assert_str_eq(a.bundle, "/b4");
	/* flags after the id are reordered by runc */
	ck_assert_int_eq(PARSE(&a, &err, "create", "id", "--bundle", "/b5", "--pid-file", "/p"), 0);
	ck_assert_str_eq(a.bundle, "/b5");
	ck_assert_str_eq(a.id, "id");
	/* the last --bundle wins */
	ck_assert_int_eq(PARSE(&a, &err, "run", "-b", "/x", "id", "-b", "/y"), 0);
	ck_assert_str_eq(a.bundle, "/y");
	ck_assert_int_eq(PARSE(&a, &err, "restore", "--image-path", "/img", "-b", "/z", "id"), 0);
	ck_assert_int_eq(a.cmd, CMD_RESTORE);
	ck_assert_str_eq(a.bundle, "/z");
	/* --bundle= (empty) means the current directory, as in runc */
	ck_assert_int_eq(PARSE(&a, &err, "create", "--bundle=", "id"), 0);
	ck_assert_str_eq(a.bundle, "");
}
END_TEST

START_TEST(reorder_quirks)
{
	struct runc_args a;
	struct cd_error err;

	/* urfave/cli takes "id" as a possible value of --no-pivot; Go's flag
	 * parser then stops there and runc sees three arguments: refused */
	ck_assert_int_lt(PARSE(&a, &err, "create", "--no-pivot", "id", "--bundle", "/b"), 0);
	ck_assert_int_lt(PARSE(&a, &err, "create", "id1", "id2"), 0);
	ck_assert_int_lt(PARSE(&a, &err, "create"), 0);
	ck_assert_int_lt(PARSE(&a, &err, "create", "--bogus", "id"), 0);
	/* after "--" nothing is reordered */
	ck_assert_int_lt(PARSE(&a, &err, "create", "--", "id", "--bundle", "/b"), 0);
	ck_assert_int_eq(PARSE(&a, &err, "create", "--bundle", "/b", "--", "id"), 0);
	ck_assert_str_eq(a.id, "id");
	/* each checked against runc 1.1.5: the token after a flag is its value
	 * unless it is one of the command's flags, even when it starts with '-' */
	ck_assert_int_eq(PARSE(&a, &err, "update", "--pids-limit", "-1", "id"), 0);
	ck_assert_str_eq(a.id, "id");
	ck_assert_int_eq(PARSE(&a, &err, "create", "--bundle", "--", "id"), 0);
	ck_assert_str_eq(a.bundle, "--");
	ck_assert_int_lt(PARSE(&a, &err, "create", "id", "--", "--bundle", "/x"), 0);
	ck_assert_int_lt(PARSE(&a, &err, "create", "id", "-b", "/b", "--", "x"), 0);
	ck_assert_int_eq(PARSE(&a, &err, "create", "--help"), 0);
	ck_assert(a.sub_help);
	ck_assert(!runc_args_hardens(&a));
}
END_TEST

START_TEST(exec_stops_at_id)
{
	struct runc_args a;
	struct cd_error err;

	ck_assert_int_eq(PARSE(&a, &err, "exec", "-u", "0:0", "--cap", "CAP_SYS_ADMIN", "-c", "CAP_NET_RAW", "-g", "0",
			       "--no-new-privs=false", "id", "sh", "-u", "1000", "--process", "/x"),
			 0);
	ck_assert_int_eq(a.cmd, CMD_EXEC);
	ck_assert_str_eq(a.id, "id");
	ck_assert_str_eq(occ_value(&a, "user", 0), "0:0");
	ck_assert_int_eq(occ_count(&a, "cap"), 2);
	ck_assert_str_eq(occ_value(&a, "cap", 1), "CAP_NET_RAW");
	ck_assert_int_eq(occ_count(&a, "additional-gids"), 1);
	ck_assert_str_eq(a.no_new_privs, "false");
	ck_assert_ptr_null(a.process_file);
	ck_assert_int_eq(PARSE(&a, &err, "exec", "--process=/p.json", "-d", "id"), 0);
	ck_assert_str_eq(a.process_file, "/p.json");
	ck_assert_int_lt(PARSE(&a, &err, "exec", "--process", "/p"), 0);
}
END_TEST

START_TEST(update_resources)
{
	struct runc_args a;
	struct cd_error err;

	ck_assert_int_eq(PARSE(&a, &err, "update", "--resources=-", "id"), 0);
	ck_assert_int_eq(a.cmd, CMD_UPDATE);
	ck_assert_str_eq(a.resources, "-");
	ck_assert_int_eq(PARSE(&a, &err, "update", "--pids-limit=-1", "id"), 0);
	ck_assert_str_eq(a.id, "id");
	/* update reorders: flags after the id count */
	ck_assert_int_eq(PARSE(&a, &err, "update", "id", "--pids-limit", "77"), 0);
	ck_assert_int_eq(a.nocc, 1);
	ck_assert_str_eq(a.occ[0].name, "pids-limit");
	ck_assert_str_eq(a.occ[0].value, "77");
	ck_assert_int_eq(a.occ[0].index, 3);
	ck_assert_int_eq(a.occ[0].value_index, 4);
}
END_TEST

START_TEST(clampdown_flag_removed)
{
	/* argv must outlive the parse: runtime_argv reads it */
	char *argv[] = { "clampdown", "--clampdown-config=/a", "--root", "/r", "--clampdown-config", "/b", "state", "x",
			 NULL };
	struct runc_args a;
	struct cd_error err;
	char **out;

	ck_assert_int_eq(runc_args_parse(8, argv, &a, &err), 0);
	ck_assert_str_eq(a.clampdown_config, "/b");
	out = runc_args_runtime_argv(&a, "/usr/sbin/runc");
	ck_assert_str_eq(out[0], "/usr/sbin/runc");
	ck_assert_str_eq(out[1], "--root");
	ck_assert_str_eq(out[2], "/r");
	ck_assert_str_eq(out[3], "state");
	ck_assert_str_eq(out[4], "x");
	ck_assert_ptr_null(out[5]);
	free(out);
	/* after the command it is not ours: runc gets it and refuses it */
	ck_assert_int_lt(PARSE(&a, &err, "create", "--clampdown-config=/a", "id"), 0);
}
END_TEST

START_TEST(passthrough_commands)
{
	static const char *const cmds[] = { "state", "kill", "delete",	 "ps",	       "pause", "resume", "events",
					    "list",  "spec", "features", "checkpoint", "help",	NULL };
	struct runc_args a;
	struct cd_error err;

	for (int i = 0; cmds[i]; i++) {
		char *argv[] = { "clampdown", (char *)cmds[i], "--weird-flag-runc-checks", "x", NULL };

		ck_assert_int_eq(runc_args_parse(4, argv, &a, &err), 0);
		ck_assert(!runc_args_hardens(&a));
	}
}
END_TEST

static char *joined(char **v)
{
	static char buf[512];
	size_t n = 0;

	buf[0] = '\0';
	for (; *v; v++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", n ? " " : "", *v);
	return buf;
}

START_TEST(set_flag_replaces_every_spelling)
{
	char *argv[] = { "clampdown",	  "exec", "-u", "0",  "--user=0:0", "-c",
			 "CAP_SYS_ADMIN", "id",	  "sh", "-u", "0",	    NULL };
	struct runc_args a;
	struct cd_error err;
	char **out;

	ck_assert_int_eq(runc_args_parse(11, argv, &a, &err), 0);
	ck_assert_int_eq(runc_args_set_flag(&a, "user", "65534:65534"), 0);
	runc_args_drop(&a, &a.occ[2]);
	out = runc_args_runtime_argv(&a, "runc");
	/* the caller's flags gone, ours just before the id, the command untouched */
	ck_assert_str_eq(joined(out), "runc exec --user=65534:65534 id sh -u 0");
	free(out);
}
END_TEST

START_TEST(update_flags_go_at_the_end)
{
	char *argv[] = { "clampdown", "update", "id", "--pids-limit", "-1", NULL };
	struct runc_args a;
	struct cd_error err;
	char **out;

	ck_assert_int_eq(runc_args_parse(5, argv, &a, &err), 0);
	ck_assert_int_eq(runc_args_set_flag(&a, "pids-limit", "512"), 0);
	out = runc_args_runtime_argv(&a, "runc");
	/* runc reorders update's flags, so after the id still counts */
	ck_assert_str_eq(joined(out), "runc update id --pids-limit=512");
	free(out);
	/* crun stops at the id: harden moves the additions before it */
	a.extra_at = a.id_index;
	out = runc_args_runtime_argv(&a, "crun");
	ck_assert_str_eq(joined(out), "crun update --pids-limit=512 id");
	free(out);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("runc_args");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, global_value_forms);
	tcase_add_test(tc, value_equal_to_command_is_not_the_command);
	tcase_add_test(tc, booleans);
	tcase_add_test(tc, unknown_and_bad_global_flags);
	tcase_add_test(tc, bundle_spellings);
	tcase_add_test(tc, reorder_quirks);
	tcase_add_test(tc, exec_stops_at_id);
	tcase_add_test(tc, update_resources);
	tcase_add_test(tc, clampdown_flag_removed);
	tcase_add_test(tc, passthrough_commands);
	tcase_add_test(tc, set_flag_replaces_every_spelling);
	tcase_add_test(tc, update_flags_go_at_the_end);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(suite());
}
