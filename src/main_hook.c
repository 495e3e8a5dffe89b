/*
 * clampdown-hook: clampdown's OCI hooks ("clampdown-hook hook bandwidth ..."),
 * run by the runtime with the container's state on stdin. A binary of its
 * own so that libmnl is linked here and not into clampdown.
 */
#include <stdio.h>
#include <sys/random.h>
#include <unistd.h>

#include <jansson.h>

#include "hook.h"

int main(int argc, char **argv)
{
	size_t seed = 0;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) == sizeof(seed))
		json_object_seed(seed);
	if (!hook_invoked(argc, argv)) {
		dprintf(STDERR_FILENO, "usage: %s hook bandwidth --egress=BYTES --ingress=BYTES ...\n", argv[0]);
		return 2;
	}
	return hook_main(argc, argv);
}
