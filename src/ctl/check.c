/*
 * clampctl check: the node config and every profile in its directory, all
 * problems at once. A profile that loads is also run, every rule enforced,
 * on a sample container, so its seccomp filter is compiled by libseccomp.
 */
#include "ctl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "json_text.h"

/* runc spec's container as Docker would run it: root, Docker's default capabilities, a writable root. */
static const char sample[] =
    "{\"ociVersion\":\"1.0.2\",\"process\":{\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"sh\"],\"cwd\":\"/\","
    "\"env\":[\"PATH=/usr/bin:/bin\"],\"capabilities\":{\"bounding\":[\"CAP_CHOWN\",\"CAP_DAC_OVERRIDE\","
    "\"CAP_FSETID\",\"CAP_FOWNER\",\"CAP_MKNOD\",\"CAP_NET_RAW\",\"CAP_SETGID\",\"CAP_SETUID\",\"CAP_SETFCAP\","
    "\"CAP_SETPCAP\",\"CAP_NET_BIND_SERVICE\",\"CAP_SYS_CHROOT\",\"CAP_KILL\",\"CAP_AUDIT_WRITE\"]},"
    "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1048576,\"soft\":1048576}]},"
    "\"root\":{\"path\":\"rootfs\"},\"hostname\":\"sample\",\"mounts\":["
    "{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
    "{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"nosuid\",\"mode=755\"]},"
    "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\",\"options\":[\"nosuid\",\"noexec\","
    "\"nodev\",\"ro\"]}],\"linux\":{\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]},"
    "\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},"
    "{\"type\":\"mount\"}],\"maskedPaths\":[\"/proc/kcore\"],\"readonlyPaths\":[\"/proc/sys\"]}}";

struct tally {
	int problems, profiles, filters;
};

static void __attribute__((format(printf, 2, 3))) problemf(struct tally *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	t->problems++;
}

static void problem(void *arg, const struct cd_error *e)
{
	problemf(arg, "%s", e->msg);
}

static bool has_rule_on(const struct profile *p, const char *name)
{
	for (size_t i = 0; i < p->nrules; i++)
		if (p->rules[i].def && !strcmp(p->rules[i].def->name, name) && p->rules[i].mode != MODE_OFF)
			return true;
	return false;
}

/* Every rule enforced on the sample: rendering, merging and compiling what a container would get. */
static void dry_run(const struct node_config *cfg, struct profile *p, struct tally *t)
{
	struct ctl_eval ev __attribute__((cleanup(ctl_eval_free))) = { 0 };
	struct cd_error err = { 0 };

	ev.profile = *p;
	*p = (struct profile){ 0 };
	snprintf(ev.source, sizeof(ev.source), "%s (run on a sample container)", ev.profile.path);
	snprintf(ev.bundle_dir, sizeof(ev.bundle_dir), "/nonexistent");
	if (json_text_load(sample, sizeof(sample) - 1, "sample", &ev.spec, &err) < 0 ||
	    ctl_eval_run(&ev, cfg, CTL_ENFORCE_ALL, &err) < 0) {
		problem(t, &err);
		return;
	}
	t->filters += has_rule_on(&ev.profile, "seccomp");
}

static void check_profile(const struct node_config *cfg, const char *name, struct tally *t)
{
	struct profile p __attribute__((cleanup(profile_free))) = { 0 };

	t->profiles++;
	if (profile_check(cfg->profile_dir, name, &p, problem, t) == 0)
		dry_run(cfg, &p, t);
}

static void check_named(const struct node_config *cfg, const char *field, const char *name, struct tally *t)
{
	char file[4400];
	struct stat st;

	snprintf(file, sizeof(file), "%s/%s.json", cfg->profile_dir, name);
	if (stat(file, &st) < 0)
		problemf(t, "%s: %s: profile \"%s\": %s: %s", cfg->path, field, name, file, strerror(errno));
}

static void check_profiles(const struct node_config *cfg, struct tally *t)
{
	cleanup_dir DIR *d = opendir(cfg->profile_dir);
	struct dirent *e;
	json_t *v;
	size_t i;

	check_named(cfg, "default_profile", cfg->default_profile, t);
	json_array_foreach(cfg->selectable, i, v)
		check_named(cfg, "selectable_profiles", json_string_value(v), t);
	if (!d) {
		problemf(t, "%s: profile_dir: %s: %s", cfg->path, cfg->profile_dir, strerror(errno));
		return;
	}
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		char name[256];

		if (n <= 5 || strcmp(e->d_name + n - 5, ".json") || e->d_name[0] == '.')
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(n - 5), e->d_name);
		check_profile(cfg, name, t);
	}
}

/* The runtime must be runc or crun, not clampdown (under any name it is installed as) or clampctl. */
static void check_runtime(struct node_config *cfg, struct tally *t)
{
	const char *base = strrchr(cfg->runtime, '/');
	struct cd_error err = { 0 };
	struct stat rt, cd;
	bool self;

	if (node_config_check_runtime(cfg, &err) < 0) {
		problem(t, &err);
		return;
	}
	self = !strncmp(base ? base + 1 : cfg->runtime, "clampdown", 9);
	self |= stat(cfg->runtime, &rt) == 0 && stat(ctl_clampdown_path(), &cd) == 0 && rt.st_dev == cd.st_dev &&
		rt.st_ino == cd.st_ino;
	if (self)
		problemf(t, "%s: runtime: \"%s\" is clampdown itself; point it at the real runc or crun", cfg->path,
			 cfg->runtime);
}

/* Where clampdown writes: absent is fine (made on first use), the wrong kind of file is not. */
static void check_kind(const char *cfgpath, const char *field, const char *path, mode_t want, struct tally *t)
{
	struct stat st;

	if (path && stat(path, &st) == 0 && (st.st_mode & S_IFMT) != want)
		problemf(t, "%s: %s: %s is not a %s", cfgpath, field, path,
			 want == S_IFDIR ? "directory" : "regular file");
}

int ctl_check(int argc, char **argv)
{
	static const struct option opts[] = { { "config", required_argument, NULL, 'c' }, { NULL, 0, NULL, 0 } };
	struct node_config cfg __attribute__((cleanup(node_config_free))) = { 0 };
	const char *config = NULL;
	struct cd_error err = { 0 };
	struct tally t = { 0 };
	int c;

	while ((c = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		if (c != 'c')
			return ctl_fail("usage: clampctl check [--config PATH]");
		config = optarg;
	}
	if (optind != argc)
		return ctl_fail("usage: clampctl check [--config PATH]");
	if (node_config_load(node_config_path(config), &cfg, &err) < 0) {
		problem(&t, &err);
		printf("1 problem\n");
		return CTL_FOUND;
	}
	check_runtime(&cfg, &t);
	check_kind(cfg.path, "decision_log", cfg.decision_log, S_IFREG, &t);
	check_kind(cfg.path, "cache_dir", cfg.cache_dir, S_IFDIR, &t);
	check_profiles(&cfg, &t);
	printf("%s: %d profile%s, %d seccomp filter%s compiled: ", cfg.path, t.profiles, t.profiles == 1 ? "" : "s",
	       t.filters, t.filters == 1 ? "" : "s");
	if (!t.problems)
		printf("no problems\n");
	else
		printf("%d problem%s\n", t.problems, t.problems == 1 ? "" : "s");
	return t.problems ? CTL_FOUND : CTL_OK;
}
