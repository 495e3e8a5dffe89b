/*
 * The filter crun 1.8 builds from linux.seccomp, built here once: crun
 * installs the BPF of its run.oci.seccomp_bpf_data annotation in place of
 * compiling the profile with libseccomp on every start. It must be the same
 * program, so this follows libcrun_generate_seccomp call for call: no
 * filter attributes; seccomp_init with the default action; the listed
 * architectures in their order; each entry's names in order, unknown names
 * and entries repeating the default action skipped; conditions on one
 * argument index twice split into rules of one condition each;
 * seccomp_export_bpf. errno values default to EPERM. crun still takes the
 * load flags and the listener from linux.seccomp.
 */
#include "sc_crun.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "json_text.h"
#include "sc_profile.h"

#define MAX_BPF (1u << 20) /* BPF_MAXINSNS (4096) instructions of 8 bytes fit many times over */

static const struct {
	const char *name;
	uint32_t act;
} actions[] = {
	{ "SCMP_ACT_KILL", SCMP_ACT_KILL },
	{ "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS },
	{ "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD },
	{ "SCMP_ACT_TRAP", SCMP_ACT_TRAP },
	{ "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0) },
	{ "SCMP_ACT_TRACE", SCMP_ACT_TRACE(0) },
	{ "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW },
	{ "SCMP_ACT_LOG", SCMP_ACT_LOG },
	{ "SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY },
};

static int action_of(const json_t *o, const char *key, const char *ret_key, uint32_t *ret, struct cd_error *err)
{
	const char *name = json_string_value(json_object_get(o, key));
	const json_t *v = json_object_get(o, ret_key);

	for (size_t i = 0; name && i < sizeof(actions) / sizeof(actions[0]); i++) {
		if (strcmp(name, actions[i].name))
			continue;
		*ret = actions[i].act;
		if (*ret == SCMP_ACT_ERRNO(0) || *ret == SCMP_ACT_TRACE(0))
			*ret |= json_is_integer(v) ? (uint32_t)json_integer_value(v) & 0xffff : EPERM;
		return 0;
	}
	return cd_err(err, EINVAL, "linux.seccomp: %s: unknown action %s", key, name ?: "(none)");
}

static int add_arches(scmp_filter_ctx ctx, const json_t *arches, struct cd_error *err)
{
	const json_t *a;
	size_t i;

	json_array_foreach(arches, i, a) {
		const char *name = json_string_value(a);
		char lower[32];
		uint32_t token;
		size_t k = 0;
		int r;

		if (!name || strncmp(name, "SCMP_ARCH_", 10) || strlen(name + 10) >= sizeof(lower))
			return cd_err(err, EINVAL, "linux.seccomp.architectures[%zu]: not an architecture", i);
		for (const char *p = name + 10; *p; p++)
			lower[k++] = (char)tolower((unsigned char)*p);
		lower[k] = '\0';
		token = seccomp_arch_resolve_name(lower);
		r = token ? seccomp_arch_add(ctx, token) : -EINVAL;
		if (r < 0 && r != -EEXIST)
			return cd_err(err, -r, "linux.seccomp.architectures[%zu] (%s): %s", i, name, strerror(-r));
	}
	return 0;
}

static int conditions(const json_t *args, struct scmp_arg_cmp *cmp, unsigned *n, bool *repeated, struct cd_error *err)
{
	const json_t *a;
	size_t i;

	*n = 0;
	*repeated = false;
	json_array_foreach(args, i, a) {
		const char *op = json_string_value(json_object_get(a, "op"));
		uint64_t v = 0, v2 = 0;
		int idx = -1;

		if (i >= 6)
			break;
		/* sc_profile's operators are libseccomp's enum scmp_compare */
		for (int k = SCMP_CMP_NE; op && k <= SCMP_CMP_MASKED_EQ; k++)
			if (!strcmp(op, sc_op_name(k)))
				idx = k;
		if (idx < 0 || !json_is_integer(json_object_get(a, "index")) ||
		    !json_text_get_uint64(json_object_get(a, "value"), &v) ||
		    (json_object_get(a, "valueTwo") && !json_text_get_uint64(json_object_get(a, "valueTwo"), &v2)))
			return cd_err(err, EINVAL, "linux.seccomp: args[%zu]: not a condition crun reads", i);
		cmp[*n] = (struct scmp_arg_cmp){ (unsigned)json_integer_value(json_object_get(a, "index")),
						 (enum scmp_compare)idx, v, v2 };
		for (unsigned k = 0; k < *n; k++)
			*repeated |= cmp[k].arg == cmp[*n].arg;
		(*n)++;
	}
	return 0;
}

static int add_entry(scmp_filter_ctx ctx, uint32_t def, const json_t *e, size_t at, struct cd_error *err)
{
	struct scmp_arg_cmp cmp[6];
	const json_t *name;
	uint32_t act;
	unsigned n;
	bool repeated;
	size_t i;
	int r = action_of(e, "action", "errnoRet", &act, err);

	if (r >= 0)
		r = conditions(json_object_get(e, "args"), cmp, &n, &repeated, err);
	if (r < 0 || act == def)
		return r;
	json_array_foreach(json_object_get(e, "names"), i, name) {
		int nr = json_is_string(name) ? seccomp_syscall_resolve_name(json_string_value(name)) : __NR_SCMP_ERROR;

		if (nr == __NR_SCMP_ERROR)
			continue;
		if (!repeated)
			r = seccomp_rule_add_array(ctx, act, nr, n, cmp);
		for (unsigned k = 0; repeated && k < n && r >= 0; k++)
			r = seccomp_rule_add_array(ctx, act, nr, 1, &cmp[k]);
		if (r < 0)
			return cd_err(err, -r, "linux.seccomp.syscalls[%zu] (%s): libseccomp refuses the rule: %s", at,
				      json_string_value(name), strerror(-r));
	}
	return 0;
}

static void release(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}

static char *base64(const unsigned char *p, size_t len, size_t *ret_len)
{
	static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = malloc((len + 2) / 3 * 4 + 1), *o = out;

	for (size_t i = 0; out && i < len; i += 3) {
		uint32_t v =
		    (uint32_t)p[i] << 16 | (i + 1 < len ? (uint32_t)p[i + 1] << 8 : 0) | (i + 2 < len ? p[i + 2] : 0);

		*o++ = abc[v >> 18];
		*o++ = abc[(v >> 12) & 63];
		*o++ = i + 1 < len ? abc[(v >> 6) & 63] : '=';
		*o++ = i + 2 < len ? abc[v & 63] : '=';
	}
	if (out)
		*o = '\0', *ret_len = (size_t)(o - out);
	return out;
}

static int export(scmp_filter_ctx ctx, char **ret, size_t *ret_len, struct cd_error *err)
{
	cleanup_close int fd = memfd_create("clampdown-bpf", MFD_CLOEXEC);
	cleanup_free unsigned char *buf = NULL;
	struct stat st;
	int r;

	if (fd < 0)
		return cd_err_sys(err, "memfd_create");
	r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return cd_err(err, -r, "linux.seccomp: libseccomp cannot compile the filter: %s", strerror(-r));
	if (fstat(fd, &st) < 0 || st.st_size <= 0 || st.st_size > MAX_BPF || st.st_size % 8)
		return cd_err(err, EINVAL, "linux.seccomp: libseccomp exported no filter");
	buf = malloc((size_t)st.st_size);
	if (!buf)
		return cd_err(err, ENOMEM, "out of memory");
	if (pread(fd, buf, (size_t)st.st_size, 0) != st.st_size)
		return cd_err_sys(err, "reading the exported filter");
	*ret = base64(buf, (size_t)st.st_size, ret_len);
	return *ret ? 0 : cd_err(err, ENOMEM, "out of memory");
}

int sc_crun_bpf(const json_t *seccomp, char **ret, size_t *ret_len, struct cd_error *err)
{
	_cleanup_(release) scmp_filter_ctx ctx = NULL;
	const json_t *e;
	uint32_t def;
	size_t i;
	int r = action_of(seccomp, "defaultAction", "defaultErrnoRet", &def, err);

	*ret = NULL;
	if (r < 0)
		return r;
	ctx = seccomp_init(def);
	if (!ctx)
		return cd_err(err, EINVAL, "linux.seccomp.defaultAction: libseccomp refuses it");
	r = add_arches(ctx, json_object_get(seccomp, "architectures"), err);
	json_array_foreach(json_object_get(seccomp, "syscalls"), i, e) {
		if (r < 0)
			break;
		r = add_entry(ctx, def, e, i, err);
	}
	return r < 0 ? r : export(ctx, ret, ret_len, err);
}
