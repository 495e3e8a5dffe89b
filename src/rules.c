#include "rules.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "hostfs.h"
#include "json_text.h"
#include "pathutil.h"

/* One rule per line; clang-format keeps it that way with the trailing comments. */
const struct rule_def *const rules_table[] = {
	&rule_restore,		 /* first: a restore is refused whatever else it carries */
	&rule_privileged,	 /* the others would erase what it recognises */
	&rule_annotations,	 /* before any rule adds an annotation of clampdown's own */
	&rule_user,		 /* before capabilities: the final uid decides ambient */
	&rule_capabilities,	 /* */
	&rule_no_new_privileges, /* */
	&rule_seccomp,		 /* after capabilities: Docker-format conditions read the final set */
	&rule_readonly_rootfs,	 /* after user: the tmpfs belongs to the final uid */
	&rule_resources,	 /* */
	&rule_cgroup_path,	 /* */
	&rule_host_namespaces,	 /* */
	&rule_host_mounts,	 /* before masked_paths: dropped mounts are not fixed up */
	&rule_devices,		 /* */
	&rule_masked_paths,	 /* */
	&rule_sysctls,		 /* */
	&rule_rlimits,		 /* */
	&rule_apparmor,		 /* */
	&rule_selinux,		 /* */
	&rule_bandwidth,	 /* last: its hook goes after every other hook */
	NULL,
};

static const char *const mode_names[] = {
	[MODE_OFF] = "off",
	[MODE_AUDIT] = "audit",
	[MODE_DENY] = "deny",
	[MODE_ENFORCE] = "enforce",
};

const char *rules_mode_name(enum rule_mode m)
{
	return mode_names[m];
}

int rules_mode_parse(const char *s, enum rule_mode *ret)
{
	for (int m = MODE_OFF; m <= MODE_ENFORCE; m++) {
		if (!strcmp(s, mode_names[m])) {
			*ret = (enum rule_mode)m;
			return 0;
		}
	}
	return -EINVAL;
}

static const char *action_name(enum rule_mode m)
{
	return m == MODE_ENFORCE ? "rewritten" : m == MODE_DENY ? "denied" : "audited";
}

/* {"rule", "field", "before", "after", "reason", "action"}, built directly: json_pack parsed its format for each */
static json_t *finding_of(const struct rule_ctx *ctx, const char *field, json_t *before, json_t *after,
			  const char *reason)
{
	json_t *f = json_object(),
	       *v[] = { json_string(ctx->rule),	     json_text_message(field),	before ? before : json_null(),
			after ? after : json_null(), json_text_message(reason), json_string(action_name(ctx->mode)) };
	static const char *const keys[] = { "rule", "field", "before", "after", "reason", "action" };
	bool ok = f;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		ok = ok && v[i];
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		if (ok)
			ok = json_object_set_new_nocheck(f, keys[i], v[i]) == 0;
		else
			json_decref(v[i]);
	}
	if (!ok)
		json_decref(f);
	return ok ? f : NULL;
}

bool rule_finding(struct rule_ctx *ctx, const char *field, json_t *before, json_t *after, const char *fmt, ...)
{
	char reason[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	json_array_append_new(ctx->findings, finding_of(ctx, field, before, after, reason));
	if (ctx->mode == MODE_DENY && !ctx->denied) {
		ctx->denied = true;
		snprintf(ctx->deny_msg, sizeof(ctx->deny_msg), "rule %s: %s: %s", ctx->rule, field, reason);
	}
	if (ctx->mode == MODE_ENFORCE)
		ctx->changed = true;
	return ctx->mode == MODE_ENFORCE;
}

void rule_unfixable(struct rule_ctx *ctx, const char *field, json_t *before, const char *fmt, ...)
{
	enum rule_mode saved = ctx->mode;
	char reason[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (ctx->mode == MODE_ENFORCE)
		ctx->mode = MODE_DENY;
	rule_finding(ctx, field, before, NULL, "%s", reason);
	ctx->mode = saved;
}

int rule_bad_field(struct rule_ctx *ctx, const char *field, const char *fmt, ...)
{
	char reason[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	return cd_err(ctx->err, EINVAL, "%s: %s: %s (rule %s)", ctx->source, field, reason, ctx->rule);
}

json_t *rule_ensure_object(struct rule_ctx *ctx, json_t *parent, const char *key, const char *field)
{
	json_t *v = json_object_get(parent, key);

	if (json_is_object(v))
		return v;
	if (v && !json_is_null(v)) {
		rule_bad_field(ctx, field, "must be an object, not %s", jget_type_name(v));
		return NULL;
	}
	v = json_object();
	if (!v || json_object_set_new(parent, key, v) < 0) {
		cd_err(ctx->err, ENOMEM, "out of memory");
		return NULL;
	}
	return v;
}

/*
 * The host's namespaces: pid 1's, and clampdown's own, since containerd and
 * dockerd call it in the node's namespaces (and /proc/1 may be out of reach
 * when the node itself runs in a sandbox).
 */
/*
 * The runtime opens the path again later: nobody but root may be able to
 * change what it leads to (procfs's own directories cannot be changed).
 */
static bool ns_path_trusted(const char *joined, char *why, size_t cap)
{
	cleanup_free char *copy = strdup(joined), *dir = NULL, *probe = NULL;
	char *slash = copy ? strrchr(copy, '/') : NULL;
	struct statfs sfs;
	struct stat st;

	if (!slash)
		return snprintf(why, cap, "%s", joined), false;
	*slash = '\0';
	dir = realpath(*copy ? copy : "/", NULL);
	if (!dir || asprintf(&probe, "%s/%s", strcmp(dir, "/") ? dir : "", slash + 1) < 0)
		return snprintf(why, cap, "%s", joined), false;
	if (path_is_under(dir, "/proc") && statfs("/proc", &sfs) == 0 && sfs.f_type == HOST_PROC_MAGIC)
		return true;
	return lstat(probe, &st) == 0 && host_path_trusted(probe, st.st_uid, why, cap);
}

int rule_is_host_ns(struct rule_ctx *ctx, const char *path, const char *proc, bool *ret)
{
	static const char *const refs[] = { "/proc/1/ns/", "/proc/self/ns/" };
	struct stat a, b;
	struct statfs sfs;
	bool any = false;
	char joined[4096], why[4096];
	cleanup_close int fd = -1;

	/* a relative path is the bundle's, as for mount sources */
	if (path[0] != '/' && ctx->bundle_dir)
		snprintf(joined, sizeof(joined), "%s/%s", ctx->bundle_dir, path);
	else
		snprintf(joined, sizeof(joined), "%s", path);
	fd = open(joined, O_PATH | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &a) < 0)
		return rule_bad_field(ctx, "linux.namespaces", "cannot open namespace path %s: %s", path,
				      strerror(errno));
	if (fstatfs(fd, &sfs) < 0 || sfs.f_type != HOST_NSFS_MAGIC)
		return rule_bad_field(ctx, "linux.namespaces", "%s is not a namespace file", path);
	if (!ctx->predicting && !ns_path_trusted(joined, why, sizeof(why)))
		return rule_bad_field(ctx, "linux.namespaces",
				      "%s: %s can be changed by others than root: the runtime could be made to join "
				      "another namespace than the one judged",
				      path, why);
	*ret = false;
	for (size_t i = 0; i < 2; i++) {
		char host[64];

		snprintf(host, sizeof(host), "%s%s", refs[i], proc);
		if (stat(host, &b) < 0)
			continue;
		any = true;
		*ret |= a.st_dev == b.st_dev && a.st_ino == b.st_ino;
	}
	if (!any)
		return rule_bad_field(ctx, "linux.namespaces", "cannot stat the host's %s namespace", proc);
	return 0;
}

void rule_warning(struct rule_ctx *ctx, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	json_array_append_new(ctx->findings,
			      json_pack("{s:s, s:o}", "rule", ctx->rule, "warning", json_text_message(text)));
}
