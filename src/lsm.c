#include "lsm.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"

const char *lsm_root = "";

static FILE *open_under(const char *path)
{
	char full[4096];

	snprintf(full, sizeof(full), "%s%s", lsm_root, path);
	return fopen(full, "re");
}

bool lsm_apparmor_enabled(void)
{
	FILE *f = open_under("/sys/module/apparmor/parameters/enabled");
	int c = f ? fgetc(f) : EOF;

	if (f)
		fclose(f);
	return c == 'Y';
}

bool lsm_apparmor_loaded(const char *name)
{
	FILE *f = open_under("/sys/kernel/security/apparmor/profiles");
	size_t n = strlen(name);
	char line[4096];
	bool found = false;

	while (f && !found && fgets(line, sizeof(line), f))
		found = !strncmp(line, name, n) && !strncmp(line + n, " (", 2);
	if (f)
		fclose(f);
	return found;
}

bool lsm_selinux_enabled(void)
{
	char full[4096];

	snprintf(full, sizeof(full), "%s/sys/fs/selinux/enforce", lsm_root);
	return access(full, F_OK) == 0;
}
