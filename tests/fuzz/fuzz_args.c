/*
 * libFuzzer: NUL-separated tokens as argv through runc's grammar and the
 * runtime argv; every argv the fast path takes must read the same there.
 */
#include <stdlib.h>
#include <string.h>

#include "fastpath.h"
#include "node_config.h"
#include "runc_args.h"

extern char **environ;

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t len);

/* The fast path's reading against the full parser's; abort on a difference. */
static void compare(int n, char **fast, const char *config, int r, struct runc_args *a)
{
	char **out;

	if (n < 0)
		return;
	if (r < 0 || runc_args_hardens(a) || a->cmd != CMD_OTHER ||
	    strcmp(node_config_path(a->clampdown_config), config))
		abort();
	out = runc_args_runtime_argv(a, "/usr/sbin/runc");
	for (int i = 0; out && i <= n; i++)
		if ((out[i] == NULL) != (fast[i] == NULL) || (out[i] && strcmp(out[i], fast[i])))
			abort();
	free(out);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t len)
{
	char *buf = malloc(len + 1), *argv[65] = { "clampdown" }, *fast[FASTPATH_ARGC_MAX + 1];
	struct runc_args a;
	struct cd_error err;
	const char *config;
	int argc = 1, n, r;
	size_t i = 0;

	if (!buf)
		return 0;
	memcpy(buf, data, len);
	buf[len] = '\0';
	while (i <= len && argc < 64) {
		argv[argc++] = buf + i;
		i += strlen(buf + i) + 1;
	}
	argv[argc] = NULL;
	n = fastpath_argv(argc, argv, environ, "/usr/sbin/runc", fast, &config);
	r = runc_args_parse(argc, argv, &a, &err);
	compare(n, fast, config, r, &a);
	if (r == 0) {
		char **out = runc_args_runtime_argv(&a, "/usr/sbin/runc");

		free(out);
	}
	free(a.override);
	free(buf);
	return 0;
}
