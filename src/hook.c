#include "hook.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <stdio.h>

#include "hook_impl.h"

int hook_main(int argc, char **argv)
{
	struct cd_error err = { 0 };
	int r;

	if (argc >= 3 && !strcmp(argv[2], "bandwidth"))
		r = hook_bandwidth(argc, argv, &err);
	else
		r = cd_err(&err, EINVAL, "unknown hook %s", argc >= 3 ? argv[2] : "(none)");
	if (r >= 0)
		return 0;
	/* runc puts the hook's stderr into its error, which containerd and docker show */
	dprintf(STDERR_FILENO, "clampdown: hook %s: %s\n", argc >= 3 ? argv[2] : "", err.msg);
	return 1;
}
