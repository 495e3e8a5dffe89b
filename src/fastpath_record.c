/* The full path's half of the fast path: writing the record (fastpath.h). */
#include "fastpath.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "fsutil.h"

/* MAGIC, config path, its identity, runtime path, its identity; 0 when a path holds '\n' */
static size_t render(char *buf, const char *config, const struct stat *config_st, const char *runtime,
		     const struct stat *runtime_st)
{
	char cid[FASTPATH_ID_MAX], rid[FASTPATH_ID_MAX];
	int n;

	if (strchr(config, '\n') || strchr(runtime, '\n'))
		return 0;
	fastpath_id(config_st, cid);
	fastpath_id(runtime_st, rid);
	n = snprintf(buf, FASTPATH_RECORD_MAX, "%s%s\n%s%s\n%s", FASTPATH_MAGIC, config, cid, runtime, rid);
	return n > 0 && n < FASTPATH_RECORD_MAX ? (size_t)n : 0;
}

void fastpath_record(int argc, char **argv, char **envp, const char *runtime, const struct stat *config_st,
		     const struct stat *runtime_st, bool enabled)
{
	char *args[FASTPATH_ARGC_MAX + 1], rec[FASTPATH_RECORD_MAX], name[16], tmp[64];
	const char *config, *dir;
	cleanup_close int dfd = -1, fd = -1;
	struct stat st;
	size_t len;

	if (!enabled || !fastpath_supported() || fastpath_argv(argc, argv, envp, runtime, args, &config) < 0 ||
	    !fs_settled(config_st) || !fs_settled(runtime_st) ||
	    !(len = render(rec, config, config_st, runtime, runtime_st)))
		return;
	dir = fastpath_run_dir(envp);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return;
	dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fstat(dfd, &st) < 0 || !fastpath_trusted(&st, geteuid()))
		return;
	fastpath_record_name(config, name);
	snprintf(tmp, sizeof(tmp), ".%s.%d", name, (int)getpid());
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	/* no fsync: a record lost in a crash is a miss; a torn one matches nothing */
	if (write(fd, rec, len) != (ssize_t)len || renameat(dfd, tmp, dfd, name) < 0)
		unlinkat(dfd, tmp, 0);
}
