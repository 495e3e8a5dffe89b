/* libFuzzer: NUL-separated tokens as argv through runc's grammar and the runtime argv. */
#include <stdlib.h>
#include <string.h>

#include "runc_args.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t len);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t len)
{
	char *buf = malloc(len + 1), *argv[65] = { "clampdown" };
	struct runc_args a;
	struct cd_error err;
	int argc = 1;
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
	if (runc_args_parse(argc, argv, &a, &err) == 0) {
		char **out = runc_args_runtime_argv(&a, "/usr/sbin/runc");

		free(out);
	}
	free(a.override);
	free(buf);
	return 0;
}
