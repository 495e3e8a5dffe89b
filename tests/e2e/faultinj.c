/*
 * Fault injection for tests/e2e/faults.sh, preloaded into clampdown.
 *
 * Right after clampdown fstat()s the file CLAMPDOWN_FAULT_FILE (an absolute
 * path), between its size check and its read, the world changes under it:
 *   CLAMPDOWN_FAULT=grow    the file gains bytes
 *   CLAMPDOWN_FAULT=shrink  the file loses its last byte
 *   CLAMPDOWN_FAULT=vanish  the file and its directory are removed
 * Once per process. Everything else passes through to libc.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void inject(const char *fault, const char *file, const struct stat *st)
{
	char dir[PATH_MAX];
	char *slash;
	int fd;

	if (!strcmp(fault, "grow") && (fd = open(file, O_WRONLY | O_APPEND | O_CLOEXEC)) >= 0) {
		if (write(fd, "\n\n", 2) != 2)
			abort();
		close(fd);
	} else if (!strcmp(fault, "shrink")) {
		if (truncate(file, st->st_size - 1) < 0)
			abort();
	} else if (!strcmp(fault, "vanish")) {
		snprintf(dir, sizeof(dir), "%s", file);
		slash = strrchr(dir, '/');
		if (!slash || unlink(file) < 0)
			abort();
		*slash = '\0';
		if (rmdir(dir) < 0)
			abort();
	}
}

int fstat(int fd, struct stat *st)
{
	static int (*real)(int, struct stat *);
	static int done;
	const char *fault = getenv("CLAMPDOWN_FAULT");
	const char *file = getenv("CLAMPDOWN_FAULT_FILE");
	char self[64], target[PATH_MAX];
	ssize_t n;
	int r;

	if (!real)
		real = (int (*)(int, struct stat *))dlsym(RTLD_NEXT, "fstat");
	r = real(fd, st);
	if (r < 0 || done || !fault || !file)
		return r;
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	n = readlink(self, target, sizeof(target) - 1);
	if (n <= 0)
		return r;
	target[n] = '\0';
	if (!strcmp(target, file)) {
		done = 1;
		inject(fault, file, st);
	}
	return r;
}
