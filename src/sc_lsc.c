#include "sc_lsc.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "cleanup.h"

static const struct {
	const char *oci, *go;
	uint32_t token;
} arches[] = {
	{ "SCMP_ARCH_X86", "386", SCMP_ARCH_X86 },
	{ "SCMP_ARCH_X86_64", "amd64", SCMP_ARCH_X86_64 },
	{ "SCMP_ARCH_X32", "x32", SCMP_ARCH_X32 },
	{ "SCMP_ARCH_ARM", "arm", SCMP_ARCH_ARM },
	{ "SCMP_ARCH_AARCH64", "arm64", SCMP_ARCH_AARCH64 },
	{ "SCMP_ARCH_MIPS", "mips", SCMP_ARCH_MIPS },
	{ "SCMP_ARCH_MIPS64", "mips64", SCMP_ARCH_MIPS64 },
	{ "SCMP_ARCH_MIPS64N32", "mips64n32", SCMP_ARCH_MIPS64N32 },
	{ "SCMP_ARCH_MIPSEL", "mipsle", SCMP_ARCH_MIPSEL },
	{ "SCMP_ARCH_MIPSEL64", "mips64le", SCMP_ARCH_MIPSEL64 },
	{ "SCMP_ARCH_MIPSEL64N32", "mips64len32", SCMP_ARCH_MIPSEL64N32 },
	{ "SCMP_ARCH_PPC", "ppc", SCMP_ARCH_PPC },
	{ "SCMP_ARCH_PPC64", "ppc64", SCMP_ARCH_PPC64 },
	{ "SCMP_ARCH_PPC64LE", "ppc64le", SCMP_ARCH_PPC64LE },
	{ "SCMP_ARCH_S390", "s390", SCMP_ARCH_S390 },
	{ "SCMP_ARCH_S390X", "s390x", SCMP_ARCH_S390X },
	{ "SCMP_ARCH_PARISC", "parisc", SCMP_ARCH_PARISC },
	{ "SCMP_ARCH_PARISC64", "parisc64", SCMP_ARCH_PARISC64 },
	{ "SCMP_ARCH_RISCV64", "riscv64", SCMP_ARCH_RISCV64 },
};

#define NARCHES ((int)(sizeof(arches) / sizeof(arches[0])))
/* Past the highest syscall number any supported ABI uses (x32's go to 547). */
#define MAX_NR 1024

static_assert(NARCHES <= 32, "arches are bits of a uint32_t");

int sc_arch_index(const char *oci_name)
{
	for (int i = 0; i < NARCHES; i++)
		if (!strcmp(oci_name, arches[i].oci))
			return i;
	return -1;
}

const char *sc_arch_name(int index)
{
	return index >= 0 && index < NARCHES ? arches[index].oci : "?";
}

const char *sc_arch_goarch(int index)
{
	return index >= 0 && index < NARCHES ? arches[index].go : NULL;
}

int sc_arch_native(void)
{
	uint32_t native = seccomp_arch_native();

	for (int i = 0; i < NARCHES; i++)
		if (arches[i].token == native)
			return i;
	return -1;
}

bool sc_lsc_known(const char *name)
{
	return seccomp_syscall_resolve_name(name) != __NR_SCMP_ERROR;
}

const char *sc_lsc_version(void)
{
	static char buf[32];
	const struct scmp_version *v = seccomp_version();

	snprintf(buf, sizeof(buf), "%u.%u.%u", v->major, v->minor, v->micro);
	return buf;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_unique(char ***v, size_t *n, size_t *cap, char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i], name)) {
			free(name);
			return 0;
		}
	if (*n + 1 >= *cap) {
		size_t c = *cap ? *cap * 2 : 512;
		char **p = realloc(*v, c * sizeof(*p));

		if (!p) {
			free(name);
			return -ENOMEM;
		}
		*v = p;
		*cap = c;
	}
	(*v)[(*n)++] = name;
	(*v)[*n] = NULL;
	return 0;
}

int sc_lsc_all_names(const int *idx, int nidx, char ***ret)
{
	char **v = NULL;
	size_t n = 0, cap = 0;
	int r = 0;

	for (int a = 0; r >= 0 && a < nidx; a++)
		for (int nr = 0; r >= 0 && nr < MAX_NR; nr++) {
			char *name = seccomp_syscall_resolve_num_arch(arches[idx[a]].token, nr);

			if (name)
				r = add_unique(&v, &n, &cap, name);
		}
	if (r < 0 || !v) {
		for (size_t i = 0; i < n; i++)
			free(v[i]);
		free(v);
		return r < 0 ? r : -ENOENT;
	}
	qsort(v, n, sizeof(*v), cmp_str);
	*ret = v;
	return 0;
}

static uint32_t lsc_action(const struct sc_action *a)
{
	switch (a->kind) {
	case SC_ALLOW: return SCMP_ACT_ALLOW;
	case SC_LOG: return SCMP_ACT_LOG;
	case SC_TRACE: return SCMP_ACT_TRACE(a->ret);
	case SC_NOTIFY: return SCMP_ACT_NOTIFY;
	case SC_ERRNO: return SCMP_ACT_ERRNO(a->ret);
	case SC_TRAP: return SCMP_ACT_TRAP;
	case SC_KILL_THREAD: return SCMP_ACT_KILL_THREAD;
	default: return SCMP_ACT_KILL_PROCESS;
	}
}

static int add_rule(scmp_filter_ctx ctx, const struct sc_action *def, const struct sc_call *c, const struct sc_rule *rl,
		    const char *file, struct cd_error *err)
{
	struct scmp_arg_cmp cmp[SC_NARGS];
	unsigned n = 0;
	int nr = seccomp_syscall_resolve_name(c->name), r;

	/* runc skips names libseccomp does not know, and rules that repeat the default */
	if (nr == __NR_SCMP_ERROR || sc_action_eq(&rl->act, def))
		return 0;
	for (unsigned i = 0; i < SC_NARGS; i++)
		if (rl->cube.a[i].op != SC_ANY)
			cmp[n++] = (struct scmp_arg_cmp){ i, (enum scmp_compare)rl->cube.a[i].op, rl->cube.a[i].v,
							  rl->cube.a[i].v2 };
	r = seccomp_rule_add_array(ctx, lsc_action(&rl->act), nr, n, cmp);
	if (r >= 0)
		return 0;
	if (rl->src >= 0)
		return cd_err(err, -r, "%s: syscalls[%d] (%s): libseccomp refuses the rule: %s", file, rl->src, c->name,
			      strerror(-r));
	return cd_err(err, -r, "%s: syscall %s: libseccomp refuses the rule: %s", file, c->name, strerror(-r));
}

static int add_arches(scmp_filter_ctx ctx, uint32_t bits, const char *file, struct cd_error *err)
{
	for (int i = 0; i < NARCHES; i++) {
		int r;

		if (!(bits & (1u << i)) || arches[i].token == seccomp_arch_native())
			continue;
		r = seccomp_arch_add(ctx, arches[i].token);
		if (r < 0 && r != -EEXIST)
			return cd_err(err, -r, "%s: architecture %s: %s", file, arches[i].oci, strerror(-r));
	}
	return 0;
}

static void release(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}

static int build(const struct sc_profile *p, const char *file, scmp_filter_ctx *ret, struct cd_error *err)
{
	_cleanup_(release) scmp_filter_ctx ctx = seccomp_init(lsc_action(&p->def));
	int r;

	if (!ctx)
		return cd_err(err, EINVAL, "%s: defaultAction: libseccomp refuses it", file);
	r = add_arches(ctx, p->arches, file, err);
	for (size_t i = 0; r >= 0 && i < p->ncalls; i++)
		for (size_t k = 0; r >= 0 && k < p->calls[i].n; k++)
			r = add_rule(ctx, &p->def, &p->calls[i], &p->calls[i].r[k], file, err);
	if (r >= 0)
		*ret = steal_pointer(&ctx);
	return r;
}

int sc_lsc_export(const struct sc_profile *p, const char *file, bool pfc, int fd, struct cd_error *err)
{
	_cleanup_(release) scmp_filter_ctx ctx = NULL;
	int r = build(p, file, &ctx, err);

	if (r < 0)
		return r;
	r = pfc ? seccomp_export_pfc(ctx, fd) : seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return cd_err(err, -r, "%s: libseccomp cannot compile the filter: %s", file, strerror(-r));
	return 0;
}

int sc_lsc_compile(const struct sc_profile *p, const char *file, struct cd_error *err)
{
	cleanup_close int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

	if (null < 0)
		return cd_err_sys(err, "/dev/null");
	return sc_lsc_export(p, file, false, null, err);
}

void sc_render_host(struct sc_render *ret, const json_t *caps, json_t *warnings)
{
	static struct utsname u;
	static int kernel[3] = { -1 };

	if (kernel[0] < 0 && uname(&u) == 0 && sscanf(u.release, "%d.%d.%d", &kernel[0], &kernel[1], &kernel[2]) < 2)
		kernel[0] = kernel[1] = kernel[2] = 0;
	*ret = (struct sc_render){
		.caps = caps, .goarch = sc_arch_goarch(sc_arch_native()), .machine = u.machine, .warnings = warnings
	};
	memcpy(ret->kernel, kernel, sizeof(kernel));
}
