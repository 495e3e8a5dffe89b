/* The defaults containerd and Docker give a container, which rules put back. */
#ifndef CLAMPDOWN_DEFAULTS_H
#define CLAMPDOWN_DEFAULTS_H

#include <stdbool.h>
#include <stdint.h>

struct default_device {
	const char *path;
	char type;
	int64_t major, minor; /* minor -1: any */
};

extern const char *const defaults_masked_paths[];
extern const char *const defaults_readonly_paths[];
extern const struct default_device defaults_devices[];
extern const char *const defaults_safe_sysctls[];

/* A device node or cgroup rule that only reaches the default devices. */
bool defaults_is_default_device(char type, int64_t major, int64_t minor);

#endif
