/*
 * annotations: the annotations a supported runtime acts on are part of the
 * config, and none of the other rules reads them. Each one listed below is
 * removed (deny: refused) unless the profile's "allow" names it, exactly or
 * by a prefix ending in "*". Others (io.kubernetes.*, the profile selector,
 * the bandwidth ones) are labels to the runtimes and stay. Read from runc
 * v1.1.5 and crun 1.8.1 (neither has potentiallyUnsafeConfigAnnotations:
 * runc's features lists only informational ones, crun has no features).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "sc_crun.h"

static const struct interpreted {
	const char *key; /* exact, or a prefix when it ends in '.' */
	const char *what;
} interpreted[] = {
	/* crun: src/libcrun/container.c, linux.c, cgroup*.c, handlers/ (find_annotation) */
	{ "run.oci.seccomp.plugins", "crun dlopen()s these libraries as root on the host" },
	{ "run.oci.seccomp.receiver",
	  "crun hands the seccomp listener to this socket: its owner answers the syscalls" },
	{ "run.oci.seccomp_bpf_data", "crun installs this BPF in place of the seccomp profile" },
	{ "run.oci.hooks.stdout", "crun creates this host file as root for the hooks' output" },
	{ "run.oci.hooks.stderr", "crun creates this host file as root for the hooks' output" },
	{ "run.oci.keep_original_groups", "crun keeps the engine's supplementary groups" },
	{ "run.oci.handler", "crun runs the container through another handler (krun adds /dev/kvm)" },
	{ "run.oci.delegate-cgroup", "crun creates this cgroup and gives it to the container's root" },
	{ "run.oci.systemd.subgroup", "crun joins this path below the container's scope, unchecked" },
	{ "run.oci.systemd.force_cgroup_v1", "crun mounts a v1 name=systemd hierarchy there" },
	{ "run.oci.mount_context_type", "crun pastes it into mount options unchecked" },
	{ "run.oci.pidfd_receiver", "crun sends the container's pidfd to this socket" },
	{ "run.oci.timens_offset", "crun writes it to the time namespace's offsets" },
	{ "run.oci.", "crun reads run.oci.* annotations as configuration" },
	{ "module.wasm.image/variant", "crun picks a wasm handler by it" },
	/* runc: libcontainer/specconv (systemd), container_linux.go (CRIU); crun: cgroup-systemd.c */
	{ "org.systemd.property.", "become systemd unit properties of the container's scope, after the runtime's own" },
	{ "org.criu.config", "runc passes this file to CRIU, whose options override runc's" },
	/* oci-seccomp-bpf-hook (podman's) */
	{ "io.containers.trace-syscall", "a prestart hook traces the container's syscalls into this file" },
};

#define NINTERPRETED (sizeof(interpreted) / sizeof(interpreted[0]))

struct annotations_conf {
	json_t *allow; /* strings */
};

static const char *const keys[] = { "allow", NULL };

static int load(const json_t *obj, const struct jpath *at, void **ret_conf, struct cd_error *err)
{
	struct annotations_conf *c = calloc(1, sizeof(*c));
	json_t *allow = NULL, *v;
	size_t i;
	int r;

	if (!c)
		return cd_err(err, ENOMEM, "out of memory");
	*ret_conf = c;
	r = jget_array(obj, "allow", false, at, &allow, err);
	json_array_foreach(allow, i, v)
		if (r >= 0 && (!json_is_string(v) || !json_string_length(v)))
			r = jget_err(err, EINVAL, at, "allow",
				     "entry %zu: must be an annotation key, or a prefix ending in *", i);
	c->allow = r >= 0 && allow ? json_incref(allow) : NULL;
	return r;
}

static void free_conf(void *p)
{
	struct annotations_conf *c = p;

	if (c)
		json_decref(c->allow);
	free(c);
}

static bool allowed(const struct annotations_conf *c, const char *key)
{
	json_t *v;
	size_t i;

	json_array_foreach(c ? c->allow : NULL, i, v) {
		const char *a = json_string_value(v);
		size_t n = strlen(a);

		if (a[n - 1] == '*' ? !strncmp(key, a, n - 1) : !strcmp(key, a))
			return true;
	}
	return false;
}

/* What a runtime does with key; NULL when none acts on it. */
static const char *interpretation(const char *key)
{
	for (size_t i = 0; i < NINTERPRETED; i++) {
		const char *k = interpreted[i].key;
		size_t n = strlen(k);

		if (k[n - 1] == '.' ? !strncmp(key, k, n) : !strcmp(key, k))
			return interpreted[i].what;
	}
	return NULL;
}

static int apply(struct rule_ctx *ctx, const void *conf)
{
	json_t *ann = json_object_get(ctx->spec, "annotations"), *v;
	const char *key;
	void *tmp;

	if (ann && !json_is_null(ann) && !json_is_object(ann))
		return rule_bad_field(ctx, "annotations", "must be an object, not %s", jget_type_name(ann));
	json_object_foreach_safe(ann, tmp, key, v) {
		const char *what = interpretation(key);
		char field[320];

		/* runc keeps annotations as "key=value" labels and splits at the first '=' */
		if (strchr(key, '='))
			what = "runc stores annotations as key=value labels: a key with '=' spells another key";
		/* an enforcing seccomp rule keeps the BPF it wrote itself and replaces or removes any other */
		if (!what || (allowed(conf, key) && !strchr(key, '=')) ||
		    (ctx->seccomp_enforced && !strcmp(key, SC_CRUN_ANNOTATION)))
			continue;
		snprintf(field, sizeof(field), "annotations.%s", key);
		if (rule_finding(ctx, field, json_incref(v), NULL, "%s", what))
			json_object_del(ann, key);
	}
	return 0;
}

const struct rule_def rule_annotations = {
	.name = "annotations",
	.scope = SCOPE_CONTAINER,
	.modes = MODES_ALL,
	.keys = keys,
	.load = load,
	.apply = apply,
	.free_conf = free_conf,
};
