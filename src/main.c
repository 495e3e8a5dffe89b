/*
 * clampdown: called in place of runc. Parses runc's command line, hardens
 * what create/run/restore/exec/update would start, and execve()s the real
 * runtime with the same arguments. Prints nothing unless it refuses.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include <jansson.h>

#include "arena.h"
#include "fastpath.h"
#include "harden.h"
#include "hook.h"
#include "node_config.h"
#include "report.h"
#include "runc_args.h"

#ifdef CLAMPDOWN_BENCH
/* make bench only: callgrind reports nothing of an image that execs, so dump
 * here; CLAMPDOWN_BENCH_TIME=1 prints the ns from main to execve on stderr */
#include <time.h>
#include <valgrind/callgrind.h>

static long long bench_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}
#endif

extern char **environ;

/*
 * 1, or 255 for exec as runc does: exec's status is otherwise the command's
 * own, so an exec that never ran must not look like a command that said 1.
 */
static int refuse(const struct runc_args *a, const struct cd_error *err)
{
	report_refusal(a, err->msg);
	return a->cmd == CMD_EXEC ? 255 : 1;
}

/* Handed to execve: reachable from here until the image is replaced. */
static char **runtime_argv;

int main(int argc, char **argv)
{
	struct node_config cfg __attribute__((cleanup(node_config_free))) = { 0 };
	struct runc_args a __attribute__((cleanup(runc_args_free))) = { 0 };
	struct cd_error err = { 0 };
#ifdef CLAMPDOWN_BENCH
	long long t0 = bench_ns();
#endif

	size_t seed = 0;

	/* where the entry point did not try it (a dynamic build) */
	if (!fastpath_tried())
		fastpath_try(argc, argv, environ);
#ifdef CLAMPDOWN_ARENA
	/* the shipped static build; valgrind and ASan builds keep malloc's per-object checks */
	arena_for_jansson();
#endif
	/* jansson seeds its hash tables from /dev/urandom (open, read, close): one call does it */
	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) == sizeof(seed))
		json_object_seed(seed);
	if (hook_invoked(argc, argv)) {
		hook_forward(argv, &err);
		dprintf(STDERR_FILENO, "clampdown: hook: %s\n", err.msg);
		return 1;
	}
	if (runc_args_parse(argc, argv, &a, &err) < 0)
		return refuse(&a, &err);
	if (node_config_load(node_config_path(a.clampdown_config), &cfg, &err) < 0)
		return refuse(&a, &err);
	if (node_config_check_runtime(&cfg, &err) < 0)
		return refuse(&a, &err);
	if (runc_args_hardens(&a) && harden(&a, &cfg, &err) < 0)
		return refuse(&a, &err);
	fastpath_record(argc, argv, environ, cfg.runtime, &cfg.st, &cfg.runtime_st, cfg.cache_dir != NULL);
	runtime_argv = runc_args_runtime_argv(&a, cfg.runtime);
	if (!runtime_argv) {
		cd_err(&err, ENOMEM, "out of memory");
		return refuse(&a, &err);
	}
	/* what is still held goes with the execve */
#ifdef CLAMPDOWN_BENCH
	CALLGRIND_DUMP_STATS_AT("before execve");
	if (getenv("CLAMPDOWN_BENCH_TIME"))
		fprintf(stderr, "%lld\n", bench_ns() - t0);
#endif
	execve(runtime_argv[0], runtime_argv, environ);
	cd_err_sys(&err, "cannot execute runtime %s", runtime_argv[0]);
	return refuse(&a, &err);
}
