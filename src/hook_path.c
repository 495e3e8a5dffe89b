/* Where clampdown's hooks live: the hook binary beside clampdown. */
#include "hook.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

bool hook_invoked(int argc, char **argv)
{
	return argc >= 2 && !strcmp(argv[1], "hook");
}

int hook_path(const char *self, char *buf, size_t size, struct cd_error *err)
{
	const char *slash = strrchr(self, '/');
	int n = slash ? snprintf(buf, size, "%.*s/%s", (int)(slash - self), self, HOOK_BINARY)
		      : snprintf(buf, size, "%s", HOOK_BINARY);

	if (n < 0 || (size_t)n >= size)
		return cd_err(err, ENAMETOOLONG, "the path of %s beside %s is too long", HOOK_BINARY, self);
	return 0;
}

int hook_forward(char **argv, struct cd_error *err)
{
	char self[PATH_MAX], path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int r;

	if (n < 0)
		return cd_err_sys(err, "cannot find clampdown's own path in /proc/self/exe");
	self[n] = 0;
	r = hook_path(self, path, sizeof(path), err);
	if (r < 0)
		return r;
	execv(path, argv);
	return cd_err_sys(err, "cannot run %s (install it beside clampdown: make install)", path);
}
