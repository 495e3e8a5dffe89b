#include <sys/time.h>
#include <sys/wait.h>

#include "fastpath.h"
#include "node_config.h"
#include "runc_args.h"
#include "unit.h"

#define ARGV(...) ((char *[]){ "clampdown", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "clampdown", __VA_ARGS__ }) / sizeof(char *)))

extern char **environ;

static int fp_argv(int argc, char **argv, char **out, const char **config)
{
	return fastpath_argv(argc, argv, environ, "/rt", out, config);
}

#define ELIGIBLE(...) (fp_argv(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), out, &config) >= 0)

START_TEST(passthrough_commands_only)
{
	char *out[FASTPATH_ARGC_MAX + 1];
	const char *config;

	ck_assert(ELIGIBLE("state", "x"));
	ck_assert(ELIGIBLE("--root", "/r", "--log", "/l", "--log-format", "json", "--systemd-cgroup", "start", "x"));
	ck_assert(ELIGIBLE("-debug", "kill", "x", "KILL"));
	ck_assert(ELIGIBLE("delete", "--force", "x"));
	ck_assert(ELIGIBLE("--root=/r", "ps", "--format", "json", "x"));
	ck_assert(ELIGIBLE("list"));
	/* what clampdown hardens, its own hook, help and the unknown */
	ck_assert(!ELIGIBLE("create", "x"));
	ck_assert(!ELIGIBLE("run", "x"));
	ck_assert(!ELIGIBLE("restore", "x"));
	ck_assert(!ELIGIBLE("exec", "x", "sh"));
	ck_assert(!ELIGIBLE("update", "x"));
	ck_assert(!ELIGIBLE("--root", "/r", "exec", "x", "sh"));
	ck_assert(!ELIGIBLE("hook", "bandwidth"));
	ck_assert(!ELIGIBLE("help"));
	ck_assert(!ELIGIBLE("State", "x"));
	ck_assert(!ELIGIBLE("states", "x"));
	ck_assert(!ELIGIBLE("sta", "x"));
}
END_TEST

START_TEST(unusual_spellings_take_the_full_path)
{
	char *out[FASTPATH_ARGC_MAX + 1], *many[FASTPATH_ARGC_MAX + 2];
	const char *config;

	ck_assert(!ELIGIBLE("--debug=true", "state", "x"));
	ck_assert(!ELIGIBLE("-h", "state", "x"));
	ck_assert(!ELIGIBLE("--help", "state"));
	ck_assert(!ELIGIBLE("--version"));
	ck_assert(!ELIGIBLE("-v", "state"));
	ck_assert(!ELIGIBLE("--", "state", "x"));
	ck_assert(!ELIGIBLE("-", "state", "x"));
	ck_assert(!ELIGIBLE("---root", "/r", "state", "x"));
	ck_assert(!ELIGIBLE("--bogus", "state", "x"));
	ck_assert(!ELIGIBLE("--root"));
	ck_assert(!ELIGIBLE("--root", "/r"));
	ck_assert(!ELIGIBLE("--=x", "state", "x"));
	/* an empty --clampdown-config is refused by the full path, not read as the default */
	ck_assert(!ELIGIBLE("--clampdown-config=", "state", "x"));
	ck_assert(!ELIGIBLE("--clampdown-config", "", "state", "x"));
	ck_assert(!ELIGIBLE(""));
	many[0] = "clampdown";
	many[1] = "state";
	for (int i = 2; i <= FASTPATH_ARGC_MAX; i++)
		many[i] = "x";
	many[FASTPATH_ARGC_MAX + 1] = NULL;
	ck_assert_int_lt(fp_argv(FASTPATH_ARGC_MAX + 1, many, out, &config), 0);
	ck_assert_int_eq(fp_argv(FASTPATH_ARGC_MAX, many, out, &config), FASTPATH_ARGC_MAX);
}
END_TEST

/*
 * Every argv the fast path takes, runc_args_parse reads the same way: a
 * command it passes through, the same node config, the same runtime argv.
 */
static void same_as_full_parser(int argc, char **argv)
{
	char *out[FASTPATH_ARGC_MAX + 1], **want;
	struct runc_args a;
	struct cd_error err;
	const char *config;
	int n = fp_argv(argc, argv, out, &config);

	if (n < 0)
		return;
	ck_assert_int_eq(runc_args_parse(argc, argv, &a, &err), 0);
	ck_assert(!runc_args_hardens(&a));
	ck_assert_int_eq(a.cmd, CMD_OTHER);
	ck_assert_str_eq(node_config_path(a.clampdown_config), config);
	want = runc_args_runtime_argv(&a, "/rt");
	ck_assert_ptr_nonnull(want);
	for (int i = 0; i <= n; i++)
		ck_assert_pstr_eq(out[i], want[i]);
	free(want);
	runc_args_free(&a);
}

START_TEST(argv_as_the_full_parser_reads_it)
{
	static const char *const tokens[] = { "state",
					      "x",
					      "--root",
					      "/r",
					      "-log",
					      "--log=/l",
					      "--clampdown-config",
					      "--clampdown-config=/c",
					      "-debug",
					      "create",
					      "--systemd-cgroup",
					      "--",
					      "-",
					      "delete",
					      "--force",
					      "--criu=c" };
	const int nt = sizeof(tokens) / sizeof(tokens[0]);
	char *argv[8] = { "clampdown" };
	int checked = 0;

	/* every argv of up to four tokens from the set, with and without $CLAMPDOWN_CONFIG */
	for (int env = 0; env < 2; env++) {
		if (env)
			setenv("CLAMPDOWN_CONFIG", "/env.json", 1);
		for (int len = 1; len <= 4; len++) {
			int total = 1;

			for (int k = 0; k < len; k++)
				total *= nt;
			for (int code = 0; code < total; code++) {
				for (int k = 0, c = code; k < len; k++, c /= nt)
					argv[k + 1] = (char *)tokens[c % nt];
				argv[len + 1] = NULL;
				same_as_full_parser(len + 1, argv);
				checked++;
			}
		}
		unsetenv("CLAMPDOWN_CONFIG");
	}
	ck_assert_int_gt(checked, 130000);
}
END_TEST

START_TEST(config_path_and_argv)
{
	char *out[FASTPATH_ARGC_MAX + 1];
	const char *config;

	ck_assert(ELIGIBLE("--clampdown-config", "/a", "--root", "/r", "--clampdown-config=/b", "state", "x"));
	ck_assert_str_eq(config, "/b");
	ck_assert_str_eq(out[0], "/rt");
	ck_assert_str_eq(out[1], "--root");
	ck_assert_str_eq(out[2], "/r");
	ck_assert_str_eq(out[3], "state");
	ck_assert_str_eq(out[4], "x");
	ck_assert_ptr_null(out[5]);
	/* after the command, the flag is the runtime's (it refuses it) */
	ck_assert(ELIGIBLE("state", "--clampdown-config=/c", "x"));
	ck_assert_str_eq(config, NODE_CONFIG_DEFAULT);
	ck_assert_str_eq(out[2], "--clampdown-config=/c");
	ck_assert_int_eq(
	    fastpath_argv(ARGC("list"), ARGV("list"), (char *[]){ "CLAMPDOWN_CONFIG=/e", NULL }, "/rt", out, &config),
	    2);
	ck_assert_str_eq(config, "/e");
	ck_assert_int_eq(
	    fastpath_argv(ARGC("list"), ARGV("list"), (char *[]){ "CLAMPDOWN_CONFIG=", NULL }, "/rt", out, &config), 2);
	ck_assert_str_eq(config, NODE_CONFIG_DEFAULT);
}
END_TEST

START_TEST(run_dir_and_record_name)
{
	char a[16], b[16];

	ck_assert_str_eq(fastpath_run_dir((char *[]){ "CLAMPDOWN_RUN_DIRX=/x", NULL }), FASTPATH_RUN_DIR);
	ck_assert_str_eq(fastpath_run_dir((char *[]){ "CLAMPDOWN_RUN_DIR=", NULL }), FASTPATH_RUN_DIR);
	ck_assert_str_eq(fastpath_run_dir((char *[]){ "A=b", "CLAMPDOWN_RUN_DIR=/t/run", NULL }), "/t/run");
	fastpath_record_name("/etc/clampdown/config.json", a);
	fastpath_record_name("/etc/clampdown/config.json", b);
	ck_assert_str_eq(a, b);
	ck_assert_int_eq(strlen(a), 14);
	ck_assert_int_eq(strncmp(a, "passthrough-", 12), 0);
	ck_assert_int_eq(strspn(a + 12, "0123456789abcdef"), 2);
}
END_TEST

START_TEST(identity_line)
{
	struct stat st = { 0 };
	char id[FASTPATH_ID_MAX], want[FASTPATH_ID_MAX];

	ck_assert_int_eq(fastpath_id(&st, id), strlen("0 0 0 0 0.000000000 0.000000000\n"));
	ck_assert_str_eq(id, "0 0 0 0 0.000000000 0.000000000\n");
	st = (struct stat){ .st_dev = UINT64_MAX, .st_ino = UINT64_MAX, .st_mode = 0100755, .st_size = INT64_MAX };
	st.st_mtim = (struct timespec){ .tv_sec = 1795380731, .tv_nsec = 7 };
	st.st_ctim = (struct timespec){ .tv_sec = 12, .tv_nsec = 999999999 };
	fastpath_id(&st, id);
	snprintf(want, sizeof(want), "%llu %llu %u %lld %lld.%09ld %lld.%09ld\n", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino, st.st_mode, (long long)st.st_size, (long long)st.st_mtim.tv_sec,
		 st.st_mtim.tv_nsec, (long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
	ck_assert_str_eq(id, want);
}
END_TEST

/* A node config and a runtime (a copy of echo), old enough to be recorded. */
static char *dir;
static char cfg_path[256], rt_path[256], run_env[300], cfg_flag[300], record_path[300];

static void make_files(void)
{
	char cmd[600], name[16];

	dir = unit_tmpdir();
	snprintf(cfg_path, sizeof(cfg_path), "%s/config.json", dir);
	snprintf(rt_path, sizeof(rt_path), "%s/rt", dir);
	snprintf(run_env, sizeof(run_env), "CLAMPDOWN_RUN_DIR=%s/run", dir);
	snprintf(cfg_flag, sizeof(cfg_flag), "--clampdown-config=%s", cfg_path);
	fastpath_record_name(cfg_path, name);
	snprintf(record_path, sizeof(record_path), "%s/run/%s", dir, name);
	unit_write(dir, "config.json", "{\"runtime\": \"/bin/echo\"}\n");
	snprintf(cmd, sizeof(cmd), "cp /bin/echo %s", rt_path);
	ck_assert_int_eq(system(cmd), 0);
	sleep(2);
}

static void remove_files(void)
{
	unit_rmtree(dir);
	free(dir);
}

static void record(bool enabled)
{
	struct stat cst, rst;
	char *argv[] = { "clampdown", cfg_flag, "--root", "/r", "state", "x", NULL };

	ck_assert_int_eq(stat(cfg_path, &cst), 0);
	ck_assert_int_eq(stat(rt_path, &rst), 0);
	fastpath_record(6, argv, (char *[]){ run_env, NULL }, rt_path, &cst, &rst, enabled);
}

/* What fastpath_try did in a child: the runtime's output, or "declined". */
static const char *try_it(char *out, size_t size)
{
	char *argv[] = { "clampdown", cfg_flag, "--root", "/r", "state", "x", NULL };
	int p[2], status;
	ssize_t n;
	pid_t pid;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(p[1], STDOUT_FILENO);
		fastpath_try(6, argv, (char *[]){ run_env, NULL });
		(void)!write(STDOUT_FILENO, "declined", 8);
		_exit(0);
	}
	close(p[1]);
	n = read(p[0], out, size - 1);
	close(p[0]);
	waitpid(pid, &status, 0);
	out[n > 0 ? n : 0] = '\0';
	return out;
}

START_TEST(record_then_exec)
{
	char out[256];
	struct stat st;

	ck_assert_str_eq(try_it(out, sizeof(out)), "declined");
	record(false);
	ck_assert_int_eq(access(record_path, F_OK), -1);
	record(true);
	ck_assert_int_eq(stat(record_path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	/* the runtime, with the same arguments less clampdown's own */
	ck_assert_str_eq(try_it(out, sizeof(out)), "--root /r state x\n");
}
END_TEST

START_TEST(changed_files_are_not_trusted)
{
	char out[256], cmd[700];
	struct timeval now[2] = { 0 };

	record(true);
	ck_assert_str_eq(try_it(out, sizeof(out)), "--root /r state x\n");
	/* record or directory writable by others */
	chmod(record_path, 0620);
	ck_assert_str_eq(try_it(out, sizeof(out)), "declined");
	chmod(record_path, 0600);
	snprintf(cmd, sizeof(cmd), "%s/run", dir);
	chmod(cmd, 0777);
	ck_assert_str_eq(try_it(out, sizeof(out)), "declined");
	chmod(cmd, 0700);
	ck_assert_str_eq(try_it(out, sizeof(out)), "--root /r state x\n");
	/* a torn record, or one with more after it */
	snprintf(cmd, sizeof(cmd), "cp %s %s.keep && truncate -s -1 %s", record_path, record_path, record_path);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_str_eq(try_it(out, sizeof(out)), "declined");
	snprintf(cmd, sizeof(cmd), "cp %s.keep %s && echo >>%s", record_path, record_path, record_path);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_str_eq(try_it(out, sizeof(out)), "declined");
	snprintf(cmd, sizeof(cmd), "cp %s.keep %s", record_path, record_path);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_str_eq(try_it(out, sizeof(out)), "--root /r state x\n");
	/* the runtime is not the one checked: another inode */
	snprintf(cmd, sizeof(cmd), "awk 'NR == 5 { $2 = $2 + 1 } { print }' %s.keep >%s", record_path, record_path);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_str_eq(try_it(out, sizeof(out)), "declined");
	snprintf(cmd, sizeof(cmd), "cp %s.keep %s", record_path, record_path);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_str_eq(try_it(out, sizeof(out)), "--root /r state x\n");
	/* the node config touched (its ctime moves whatever times are set) */
	ck_assert_int_eq(gettimeofday(&now[0], NULL), 0);
	now[1] = now[0];
	ck_assert_int_eq(utimes(cfg_path, now), 0);
	ck_assert_str_eq(try_it(out, sizeof(out)), "declined");
	/* and a config changed a moment ago is not recorded: its timestamps could miss the next change */
	record(true);
	ck_assert_str_eq(try_it(out, sizeof(out)), "declined");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fastpath");
	TCase *tc = tcase_create("argv");
	TCase *rec = tcase_create("record");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, passthrough_commands_only);
	tcase_add_test(tc, unusual_spellings_take_the_full_path);
	tcase_add_test(tc, argv_as_the_full_parser_reads_it);
	tcase_add_test(tc, config_path_and_argv);
	tcase_add_test(tc, run_dir_and_record_name);
	tcase_add_test(tc, identity_line);
	suite_add_tcase(s, tc);
	tcase_add_unchecked_fixture(rec, make_files, remove_files);
	tcase_add_test(rec, record_then_exec);
	tcase_add_test(rec, changed_files_are_not_trusted);
	suite_add_tcase(s, rec);
	return unit_run(s);
}
