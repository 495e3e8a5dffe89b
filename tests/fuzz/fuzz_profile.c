/*
 * libFuzzer: the input as a profile file, loaded strictly and then checked
 * (every problem collected). Both must agree on whether it is valid, and
 * neither may crash or leak across runs. Seccomp profiles it names are read
 * from a scratch profile directory holding the shipped default.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "profile.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t len);

static char dir[64];

static void copy(const char *from, const char *to)
{
	char buf[65536];
	FILE *in = fopen(from, "re"), *out = fopen(to, "we");
	size_t n;

	while (in && out && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, out);
	if (in)
		fclose(in);
	if (out)
		fclose(out);
}

static void remove_dir(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/seccomp/default.json", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/seccomp", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/t.json", dir);
	unlink(path);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[128];

	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "/tmp/clampdown-fuzz-profile.XXXXXX");
	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof(path), "%s/seccomp", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/seccomp/default.json", dir);
	copy("profiles/seccomp/default.json", path);
	atexit(remove_dir);
	return 0;
}

static void count(void *arg, const struct cd_error *e)
{
	(void)e;
	++*(int *)arg;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t len)
{
	struct profile p = { 0 }, q = { 0 };
	struct cd_error err;
	char path[128];
	int fd, strict, problems, seen = 0;

	snprintf(path, sizeof(path), "%s/t.json", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		abort();
	close(fd);
	strict = profile_load(dir, "t", &p, &err);
	profile_free(&p);
	problems = profile_check(dir, "t", &q, count, &seen);
	profile_free(&q);
	if ((strict == 0) != (problems == 0) || seen != problems)
		abort();
	return 0;
}
