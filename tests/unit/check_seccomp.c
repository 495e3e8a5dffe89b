#include "sc_cache.h"
/* Seccomp: condition sets, Docker rendering, intersection, and the compiled filter run in a BPF simulator. */
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
#include <sys/mman.h>

#include "json_text.h"
#include "sc_cond.h"
#include "sc_crun.h"
#include "sc_lsc.h"
#include "sc_profile.h"
#include "unit.h"

static struct sc_cube cube1(int arg, uint8_t op, uint64_t v, uint64_t v2)
{
	struct sc_cube c;

	memset(&c, 0, sizeof(c));
	c.a[arg] = (struct sc_atom){ op, v, v2 };
	return c;
}

static struct sc_set set1(int arg, uint8_t op, uint64_t v, uint64_t v2)
{
	struct sc_set s = { 0 };
	struct sc_cube c = cube1(arg, op, v, v2);

	ck_assert_int_eq(sc_set_add(&s, &c), 0);
	return s;
}

static bool match0(const struct sc_set *s, uint64_t x)
{
	uint64_t v[SC_NARGS] = { x };

	return sc_set_match(s, v);
}

START_TEST(cond_one_arg)
{
	struct sc_set ne38 = set1(0, SC_NE, 38, 0), ne40 = set1(0, SC_NE, 40, 0), both = { 0 }, not = { 0 };

	ck_assert_int_eq(sc_set_and(&ne38, &ne40, SC_EXACT, &both), 0);
	for (uint64_t x = 0; x < 100; x++)
		ck_assert_int_eq(match0(&both, x), x != 38 && x != 40);
	ck_assert(match0(&both, UINT64_MAX));
	ck_assert_int_eq(both.n, 3); /* < 38, == 39, > 40 */
	ck_assert_int_eq(sc_set_not(&both, SC_EXACT, &not ), 0);
	for (uint64_t x = 0; x < 100; x++)
		ck_assert_int_eq(match0(&not, x), x == 38 || x == 40);
	sc_set_free(&ne38);
	sc_set_free(&ne40);
	sc_set_free(&both);
	sc_set_free(&not );
}
END_TEST

START_TEST(cond_masked)
{
	struct sc_set m1 = set1(0, SC_MASKED_EQ, 0x7e020000, 0), m2 = set1(0, SC_MASKED_EQ, 0x80, 0);
	struct sc_set bad = set1(0, SC_MASKED_EQ, 0x1, 0x1), both = { 0 }, none = { 0 }, not = { 0 };

	ck_assert_int_eq(sc_set_and(&m1, &m2, SC_EXACT, &both), 0);
	ck_assert_int_eq(both.n, 1);
	ck_assert_uint_eq(both.c[0].a[0].v, 0x7e020080);
	ck_assert_int_eq(sc_set_and(&both, &bad, SC_EXACT, &none), 0);
	ck_assert_int_eq(none.n, 1); /* bit 0 is outside both masks: consistent */
	sc_set_free(&none);
	sc_set_free(&bad);
	bad = set1(0, SC_MASKED_EQ, 0x80, 0x80);
	ck_assert_int_eq(sc_set_and(&both, &bad, SC_EXACT, &none), 0);
	ck_assert_int_eq(none.n, 0); /* bit 7 must be 0 and 1 */
	ck_assert_int_eq(sc_set_not(&m1, SC_EXACT, &not ), 0);
	ck_assert(match0(&not, 0x10000000));
	ck_assert(!match0(&not, 0x11));
	ck_assert_int_eq(not .n, 7); /* one per bit of the mask */
	sc_set_free(&m1);
	sc_set_free(&m2);
	sc_set_free(&bad);
	sc_set_free(&both);
	sc_set_free(&none);
	sc_set_free(&not );
}
END_TEST

/* Random comparisons: exact results equal the truth, under-approximations never exceed it. */
static struct sc_atom random_atom(unsigned *seed)
{
	uint8_t op = (uint8_t)(rand_r(seed) % 8);
	uint64_t v = (uint64_t)(rand_r(seed) % 48), v2 = 0;

	if (op == SC_MASKED_EQ) {
		v = (uint64_t)(rand_r(seed) % 64);
		v2 = v & (uint64_t)rand_r(seed);
	}
	return (struct sc_atom){ op, v, v2 };
}

static void check_against_truth(const struct sc_set *a, const struct sc_set *b, const struct sc_set *r, bool and_op,
				enum sc_dir dir)
{
	for (uint64_t x0 = 0; x0 < 70; x0++)
		for (uint64_t x1 = 0; x1 < 70; x1 += 7) {
			uint64_t v[SC_NARGS] = { x0, x1 };
			bool truth = and_op ? sc_set_match(a, v) && sc_set_match(b, v) : !sc_set_match(a, v);

			if (dir == SC_EXACT)
				ck_assert_int_eq(sc_set_match(r, v), truth);
			else if (dir == SC_UNDER)
				ck_assert(!sc_set_match(r, v) || truth);
			else
				ck_assert(sc_set_match(r, v) || !truth);
		}
}

START_TEST(cond_random)
{
	unsigned seed = 12345;

	for (int round = 0; round < 3000; round++) {
		struct sc_set a = { 0 }, b = { 0 }, r = { 0 };
		enum sc_dir dir = (enum sc_dir)(round % 3);
		struct sc_cube c;

		for (int k = 0; k < 2; k++) {
			memset(&c, 0, sizeof(c));
			c.a[0] = random_atom(&seed);
			c.a[1] = random_atom(&seed);
			ck_assert_int_eq(sc_set_add(k ? &b : &a, &c), 0);
		}
		if (sc_set_and(&a, &b, dir, &r) == 0)
			check_against_truth(&a, &b, &r, true, dir);
		else
			ck_assert_int_eq(dir, SC_EXACT);
		sc_set_free(&r);
		if (sc_set_not(&a, dir, &r) == 0)
			check_against_truth(&a, &b, &r, false, dir);
		else
			ck_assert_int_eq(dir, SC_EXACT);
		sc_set_free(&a);
		sc_set_free(&b);
		sc_set_free(&r);
	}
}
END_TEST

/* Parse text as a profile of src, rendered for amd64 on kernel 5.4 with caps. */
static int parse(const char *text, enum sc_source src, const char *caps, struct sc_profile *p, struct cd_error *err,
		 json_t *warnings)
{
	json_t *root = NULL, *cj = caps ? json_loads(caps, 0, NULL) : NULL;
	struct sc_render rd = { cj, "amd64", "x86_64", { 5, 4, 0 }, warnings };
	struct jpath at = { "p.json", "" };
	int r;

	ck_assert_int_eq(json_text_load(text, strlen(text), "p.json", &root, err), 0);
	r = sc_profile_parse(root, src, &rd, &at, p, err);
	json_decref(root);
	json_decref(cj);
	return r;
}

static bool has_rule(const struct sc_profile *p, const char *name)
{
	return sc_profile_find(p, name) != NULL;
}

START_TEST(docker_render)
{
	const char *text =
	    "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"archMap\":[{\"architecture\":\"SCMP_ARCH_X86_64\","
	    "\"subArchitectures\":[\"SCMP_ARCH_X86\"]},{\"architecture\":\"SCMP_ARCH_AARCH64\"}],"
	    "\"syscalls\":["
	    "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"comment\":\"always\"},"
	    "{\"name\":\"syslog\",\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"caps\":[\"CAP_SYSLOG\"]}},"
	    "{\"names\":[\"reboot\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"caps\":[\"CAP_SYS_BOOT\"]}},"
	    "{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ALLOW\",\"excludes\":{\"caps\":[\"CAP_SYS_ADMIN\"]}},"
	    "{\"names\":[\"unshare\"],\"action\":\"SCMP_ACT_ALLOW\",\"excludes\":{\"caps\":[\"CAP_SYSLOG\"]}},"
	    "{\"names\":[\"arch_prctl\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"arches\":[\"amd64\"]}},"
	    "{\"names\":[\"sync_file_range2\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"arches\":[\"arm64\"]}},"
	    "{\"names\":[\"chown\"],\"action\":\"SCMP_ACT_ALLOW\",\"excludes\":{\"arches\":[\"x86_64\"]}},"
	    "{\"names\":[\"ptrace\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"minKernel\":\"4.8\"}},"
	    "{\"names\":[\"pidfd_getfd\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"minKernel\":\"5.6\"}},"
	    "{\"names\":[\"kcmp\"],\"action\":\"SCMP_ACT_ALLOW\",\"excludes\":{\"minKernel\":\"5.5\"}},"
	    "{\"names\":[\"no_such_call\"],\"action\":\"SCMP_ACT_ALLOW\"}]}";
	json_t *warnings = json_array();
	struct cd_error err = { 0 };
	struct sc_profile p;

	ck_assert_int_eq(parse(text, SC_SRC_NODE, "[\"CAP_SYSLOG\"]", &p, &err, warnings), 0);
	ck_assert(has_rule(&p, "read"));
	ck_assert(has_rule(&p, "syslog"));	      /* includes a cap it has */
	ck_assert(!has_rule(&p, "reboot"));	      /* includes a cap it lacks */
	ck_assert(has_rule(&p, "clone"));	      /* excludes a cap it lacks */
	ck_assert(!has_rule(&p, "unshare"));	      /* excludes a cap it has */
	ck_assert(has_rule(&p, "arch_prctl"));	      /* includes this arch */
	ck_assert(!has_rule(&p, "sync_file_range2")); /* includes another arch */
	ck_assert(!has_rule(&p, "chown"));	      /* excludes this arch, by machine name */
	ck_assert(has_rule(&p, "ptrace"));	      /* kernel 5.4 >= 4.8 */
	ck_assert(!has_rule(&p, "pidfd_getfd"));      /* kernel 5.4 < 5.6 */
	ck_assert(has_rule(&p, "kcmp"));	      /* excluded from 5.5 on */
	ck_assert(!has_rule(&p, "no_such_call"));     /* unknown to libseccomp: skipped */
	ck_assert_int_eq(json_array_size(warnings), 1);
	ck_assert_ptr_nonnull(strstr(json_string_value(json_array_get(warnings, 0)), "no_such_call"));
	ck_assert_uint_eq(p.arches, (1u << sc_arch_index("SCMP_ARCH_X86_64")) | (1u << sc_arch_index("SCMP_ARCH_X86")));
	sc_profile_free(&p);
	json_decref(warnings);
}
END_TEST

static void expect_error(const char *text, enum sc_source src, const char *want)
{
	struct cd_error err = { 0 };
	struct sc_profile p;

	ck_assert_int_lt(parse(text, src, NULL, &p, &err, NULL), 0);
	if (!strstr(err.msg, want))
		ck_abort_msg("error \"%s\" lacks \"%s\"", err.msg, want);
}

START_TEST(name_errors)
{
	expect_error(
	    "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"},"
	    "{\"names\":[\"write\",\"opne\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
	    SC_SRC_NODE, "p.json: syscalls[1].names: \"opne\" is not a syscall libseccomp");
	expect_error("{\"defaultAction\":\"SCMP_ACT_EPERM\"}", SC_SRC_NODE,
		     "p.json: defaultAction: \"SCMP_ACT_EPERM\"");
	expect_error("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"socket\"],\"action\":"
		     "\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_NE\"},"
		     "{\"index\":0,\"value\":2,\"op\":\"SCMP_CMP_NE\"}]}]}",
		     SC_SRC_NODE, "syscalls[0].args[1].index: argument 0 is compared twice");
	expect_error("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],\"action\":"
		     "\"SCMP_ACT_ALLOW\",\"includes\":{}}]}",
		     SC_SRC_CONTAINER, "syscalls[0].includes: unknown key");
	expect_error("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_Z80\"]}", SC_SRC_CONTAINER,
		     "architectures: entry 0 is not an architecture");
	expect_error("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"name\":\"read\",\"names\":[\"read\"],"
		     "\"action\":\"SCMP_ACT_ALLOW\"}]}",
		     SC_SRC_NODE, "use either name or names");
	expect_error("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],\"action\":"
		     "\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":6,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}",
		     SC_SRC_CONTAINER, "index: 6 is out of range");
}
END_TEST

/* What libseccomp does with a syscall: an unconditional rule wins, else a matching conditional one, else the default. */
static struct sc_action eval(const struct sc_profile *p, const char *name, uint64_t a0)
{
	const struct sc_call *c = sc_profile_find(p, name);
	uint64_t v[SC_NARGS] = { a0 };

	for (size_t i = 0; c && i < c->n; i++)
		if (!c->r[i].cond)
			return c->r[i].act;
	for (size_t i = 0; c && i < c->n; i++) {
		struct sc_set s = { .c = (struct sc_cube *)&c->r[i].cube, .n = 1 };

		if (sc_set_match(&s, v))
			return c->r[i].act;
	}
	return p->def;
}

static void intersect(const char *a, const char *b, struct sc_profile *ret, json_t *warnings)
{
	struct sc_profile pa, pb;
	struct cd_error err = { 0 };

	ck_assert_int_eq(parse(a, SC_SRC_CONTAINER, NULL, &pa, &err, NULL), 0);
	ck_assert_int_eq(parse(b, SC_SRC_NODE, NULL, &pb, &err, NULL), 0);
	ck_assert_int_eq(sc_profile_intersect(&pa, &pb, 1u << sc_arch_native(), warnings, ret, &err), 0);
	/* never weaker than either side, for every value of arg 0 tried */
	for (size_t i = 0; i < ret->ncalls; i++)
		for (uint64_t x = 0; x < 0x90; x++) {
			struct sc_action r = eval(ret, ret->calls[i].name, x), ea = eval(&pa, ret->calls[i].name, x),
					 eb = eval(&pb, ret->calls[i].name, x);

			ck_assert_int_ge(r.kind, ea.kind);
			ck_assert_int_ge(r.kind, eb.kind);
		}
	ck_assert_int_eq(sc_lsc_compile(ret, "merged", &err), 0);
	sc_profile_free(&pa);
	sc_profile_free(&pb);
}

#define ALLOW_DEFAULT "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
#define ERRNO_DEFAULT "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["

START_TEST(intersect_actions)
{
	struct sc_profile r;
	struct sc_action act;

	intersect(ALLOW_DEFAULT "{\"names\":[\"kill\"],\"action\":\"SCMP_ACT_KILL_PROCESS\"},"
				"{\"names\":[\"clone3\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38},"
				"{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_LOG\"}]}",
		  ERRNO_DEFAULT "{\"names\":[\"kill\",\"read\",\"getpid\",\"clone3\"],\"action\":\"SCMP_ACT_ALLOW\"},"
				"{\"names\":[\"write\"],\"action\":\"SCMP_ACT_TRAP\"}]}",
		  &r, NULL);
	ck_assert_int_eq(r.def.kind, SC_ERRNO);
	ck_assert_int_eq(eval(&r, "kill", 0).kind, SC_KILL_PROCESS); /* container's stricter */
	ck_assert_int_eq(eval(&r, "read", 0).kind, SC_ALLOW);	     /* both allow */
	ck_assert_int_eq(eval(&r, "write", 0).kind, SC_TRAP);	     /* node's stricter */
	ck_assert_int_eq(eval(&r, "getpid", 0).kind, SC_LOG);	     /* log beats allow */
	act = eval(&r, "clone3", 0);
	ck_assert_int_eq(act.kind, SC_ERRNO);
	ck_assert_int_eq(act.ret, 38);			       /* the container's errno survives */
	ck_assert_int_eq(eval(&r, "mount", 0).kind, SC_ERRNO); /* neither allows it */
	sc_profile_free(&r);
}
END_TEST

START_TEST(intersect_args)
{
	json_t *w = json_array();
	struct sc_profile r;

	/* Docker's clone mask with ours (which adds CLONE_NEWTIME's bit) */
	intersect(ERRNO_DEFAULT
		  "{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
		  "\"value\":2114060288,\"valueTwo\":0,\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
		  "{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":40,"
		  "\"op\":\"SCMP_CMP_NE\"}]},"
		  "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":8,"
		  "\"op\":\"SCMP_CMP_EQ\"}]},"
		  "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":9,"
		  "\"op\":\"SCMP_CMP_EQ\"}]}]}",
		  ERRNO_DEFAULT
		  "{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
		  "\"value\":128,\"valueTwo\":0,\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
		  "{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":38,"
		  "\"op\":\"SCMP_CMP_NE\"}]},"
		  "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":8,"
		  "\"op\":\"SCMP_CMP_EQ\"}]}]}",
		  &r, w);
	ck_assert_int_eq(eval(&r, "clone", 0x11).kind, SC_ALLOW);
	ck_assert_int_eq(eval(&r, "clone", 0x80).kind, SC_ERRNO);
	ck_assert_int_eq(eval(&r, "clone", 0x10000000).kind, SC_ERRNO);
	for (uint64_t x = 0; x < 64; x++)
		ck_assert_int_eq(eval(&r, "socket", x).kind, x == 38 || x == 40 ? SC_ERRNO : SC_ALLOW);
	ck_assert_int_eq(eval(&r, "personality", 8).kind, SC_ALLOW);
	ck_assert_int_eq(eval(&r, "personality", 9).kind, SC_ERRNO);
	ck_assert_int_eq(json_array_size(w), 0);
	sc_profile_free(&r);

	/* a deny-list container: conditional denial inside our allow */
	intersect(ALLOW_DEFAULT "{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,"
				"\"value\":16,\"op\":\"SCMP_CMP_EQ\"}]}]}",
		  ERRNO_DEFAULT "{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ALLOW\"}]}", &r, w);
	for (uint64_t x = 0; x < 64; x++)
		ck_assert_int_eq(eval(&r, "socket", x).kind, x == 16 ? SC_ERRNO : SC_ALLOW);
	sc_profile_free(&r);

	/* a conditional kill has no fallback libseccomp can state: the whole syscall is killed */
	intersect(ERRNO_DEFAULT
		  "{\"names\":[\"ioctl\"],\"action\":\"SCMP_ACT_KILL\",\"args\":[{\"index\":1,"
		  "\"value\":21505,\"op\":\"SCMP_CMP_EQ\"}]},{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
		  ERRNO_DEFAULT "{\"names\":[\"ioctl\",\"read\"],\"action\":\"SCMP_ACT_ALLOW\"}]}", &r, w);
	ck_assert_int_eq(eval(&r, "ioctl", 0).kind, SC_KILL_THREAD);
	ck_assert_int_eq(json_array_size(w), 1);
	sc_profile_free(&r);
	json_decref(w);
}
END_TEST

/* Two comparisons of one argument: runc's reading for a container (either matches), an error for a node profile. */
START_TEST(repeated_argument)
{
	const char *text = ERRNO_DEFAULT "{\"names\":[\"process_vm_readv\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":["
					 "{\"index\":0,\"value\":100,\"op\":\"SCMP_CMP_EQ\"},"
					 "{\"index\":0,\"value\":9001,\"op\":\"SCMP_CMP_EQ\"}]}]}";
	struct sc_profile p = { 0 };
	struct cd_error err;

	ck_assert_msg(parse(text, SC_SRC_CONTAINER, NULL, &p, &err, NULL) == 0, "%s", err.msg);
	ck_assert_uint_eq(sc_profile_find(&p, "process_vm_readv")->n, 2);
	ck_assert_int_eq(eval(&p, "process_vm_readv", 100).kind, SC_ALLOW);
	ck_assert_int_eq(eval(&p, "process_vm_readv", 9001).kind, SC_ALLOW);
	ck_assert_int_eq(eval(&p, "process_vm_readv", 5).kind, SC_ERRNO);
	sc_profile_free(&p);
	memset(&p, 0, sizeof(p));
	ck_assert_int_lt(parse(text, SC_SRC_NODE, NULL, &p, &err, NULL), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "argument 0 is compared twice"));
	sc_profile_free(&p);
}
END_TEST

START_TEST(intersect_arches_flags)
{
	json_t *w = json_array();
	struct sc_profile r;
	int x86_64 = sc_arch_index("SCMP_ARCH_X86_64"), x86 = sc_arch_index("SCMP_ARCH_X86");

	intersect("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\","
		  "\"SCMP_ARCH_X32\"],\"flags\":[\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\",\"SECCOMP_FILTER_FLAG_LOG\"]}",
		  "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\"]}",
		  &r, w);
	ck_assert_uint_eq(r.arches, (1u << x86_64) | (1u << x86));
	ck_assert_uint_eq(r.flags, 1u << 1); /* LOG kept, SPEC_ALLOW dropped */
	ck_assert_int_eq(json_array_size(w), 1);
	sc_profile_free(&r);
	json_decref(w);
}
END_TEST

/* A classic-BPF interpreter for the instructions libseccomp emits. */
static uint32_t run_bpf(const struct sock_filter *f, size_t n, const struct seccomp_data *d)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };

	for (size_t pc = 0; pc < n; pc++) {
		const struct sock_filter *i = &f[pc];
		uint32_t k = i->k;

		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			ck_assert_uint_le(k + 4, sizeof(*d));
			memcpy(&a, (const char *)d + k, 4);
			break;
		case BPF_LD | BPF_IMM: a = k; break;
		case BPF_LD | BPF_MEM: a = mem[k]; break;
		case BPF_LDX | BPF_MEM: x = mem[k]; break;
		case BPF_ST: mem[k] = a; break;
		case BPF_STX: mem[k] = x; break;
		case BPF_ALU | BPF_AND | BPF_K: a &= k; break;
		case BPF_ALU | BPF_OR | BPF_K: a |= k; break;
		case BPF_MISC | BPF_TAX: x = a; break;
		case BPF_MISC | BPF_TXA: a = x; break;
		case BPF_JMP | BPF_JA: pc += k; break;
		case BPF_JMP | BPF_JEQ | BPF_K: pc += a == k ? i->jt : i->jf; break;
		case BPF_JMP | BPF_JGT | BPF_K: pc += a > k ? i->jt : i->jf; break;
		case BPF_JMP | BPF_JGE | BPF_K: pc += a >= k ? i->jt : i->jf; break;
		case BPF_JMP | BPF_JSET | BPF_K: pc += (a & k) ? i->jt : i->jf; break;
		case BPF_RET | BPF_K: return k;
		default: ck_abort_msg("BPF instruction 0x%x not simulated", i->code);
		}
	}
	ck_abort_msg("BPF program ran off its end");
	return 0;
}

struct filter {
	struct sock_filter *f;
	size_t n;
};

static struct filter load_default(void)
{
	FILE *fp = fopen("profiles/seccomp/default.json", "r");
	char *text = NULL;
	size_t len = 0, cap = 0;
	struct cd_error err = { 0 };
	struct sc_profile p;
	struct filter out;
	int fd = memfd_create("bpf", MFD_CLOEXEC);
	off_t size;

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(getdelim(&text, &cap, '\0', fp) > 0, 1);
	len = strlen(text);
	fclose(fp);
	ck_assert_int_gt((int)len, 0);
	ck_assert_int_eq(parse(text, SC_SRC_NODE, NULL, &p, &err, NULL), 0);
	free(text);
	ck_assert_int_eq(sc_lsc_export(&p, "default.json", false, fd, &err), 0);
	sc_profile_free(&p);
	size = lseek(fd, 0, SEEK_END);
	ck_assert_int_gt(size, 0);
	len = size > 0 ? (size_t)size : 0;
	out.n = len / sizeof(struct sock_filter);
	out.f = malloc(len);
	ck_assert_int_eq(pread(fd, out.f, len, 0), (ssize_t)len);
	close(fd);
	return out;
}

static uint32_t call(const struct filter *f, uint32_t arch, const char *name, uint64_t a0)
{
	struct seccomp_data d = { .arch = arch, .args = { a0 } };
	int nr = seccomp_syscall_resolve_name_arch(arch, name);

	ck_assert_int_ge(nr, 0);
	d.nr = nr;
	return run_bpf(f->f, f->n, &d);
}

#define EPERM_RET (SECCOMP_RET_ERRNO | EPERM)

START_TEST(default_filter)
{
	struct filter f = load_default();
	const uint32_t x64 = SCMP_ARCH_X86_64, x86 = SCMP_ARCH_X86, x32 = SCMP_ARCH_X32;
	struct seccomp_data d = { .nr = 1000, .arch = x64 };

	ck_assert_uint_eq(call(&f, x64, "read", 0), SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(call(&f, x64, "mount", 0), EPERM_RET);
	ck_assert_uint_eq(call(&f, x64, "keyctl", 0), EPERM_RET);
	ck_assert_uint_eq(call(&f, x64, "chroot", 0), EPERM_RET);
	ck_assert_uint_eq(call(&f, x64, "bpf", 0), EPERM_RET);
	ck_assert_uint_eq(call(&f, x64, "io_uring_setup", 0), EPERM_RET);
	ck_assert_uint_eq(call(&f, x64, "unshare", 0x10000000), EPERM_RET);	/* CLONE_NEWUSER */
	ck_assert_uint_eq(call(&f, x64, "unshare", 0x80), EPERM_RET);		/* CLONE_NEWTIME */
	ck_assert_uint_eq(call(&f, x64, "unshare", 0x400), SECCOMP_RET_ALLOW);	/* CLONE_FILES */
	ck_assert_uint_eq(call(&f, x64, "clone", 0x3d0f00), SECCOMP_RET_ALLOW); /* a thread */
	ck_assert_uint_eq(call(&f, x64, "clone", 0x20000000 | 17), EPERM_RET);	/* CLONE_NEWPID */
	ck_assert_uint_eq(call(&f, x64, "clone3", 0), SECCOMP_RET_ERRNO | ENOSYS);
	ck_assert_uint_eq(call(&f, x64, "socket", 2), SECCOMP_RET_ALLOW); /* AF_INET */
	ck_assert_uint_eq(call(&f, x64, "socket", 38), EPERM_RET);	  /* AF_ALG */
	ck_assert_uint_eq(call(&f, x64, "socket", 39), SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(call(&f, x64, "socket", 40), EPERM_RET); /* AF_VSOCK */
	ck_assert_uint_eq(call(&f, x64, "personality", 0), SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(call(&f, x64, "personality", 0x0040000), EPERM_RET); /* ADDR_NO_RANDOMIZE */
	ck_assert_uint_eq(run_bpf(f.f, f.n, &d), EPERM_RET);		       /* a syscall number nobody allowed */
	ck_assert_uint_eq(call(&f, x86, "read", 0), SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(call(&f, x86, "socketcall", 1), SECCOMP_RET_ERRNO | ENOSYS);
	d = (struct seccomp_data){ .nr = 359, .arch = x86, .args = { 38 } }; /* i386 socket(AF_ALG) */
	ck_assert_uint_eq(run_bpf(f.f, f.n, &d), EPERM_RET);
	d.args[0] = 2;
	ck_assert_uint_eq(run_bpf(f.f, f.n, &d), SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(call(&f, x86, "mount", 0), EPERM_RET);
	/* x32 calls arrive as x86_64 with bit 30 set in the number */
	d = (struct seccomp_data){ .nr = 0x40000000 | (seccomp_syscall_resolve_name_arch(x32, "read") & 0xfff),
				   .arch = x64 };
	ck_assert_uint_eq(run_bpf(f.f, f.n, &d), SECCOMP_RET_ALLOW);
	d.nr = 0x40000000 | (seccomp_syscall_resolve_name_arch(x32, "keyctl") & 0xfff);
	ck_assert_uint_eq(run_bpf(f.f, f.n, &d), EPERM_RET);
	d.arch = SCMP_ARCH_AARCH64; /* not in the x86_64 filter */
	d.nr = 63;
	ck_assert_uint_ne(run_bpf(f.f, f.n, &d), SECCOMP_RET_ALLOW);
	free(f.f);
}
END_TEST

/* base64 back to instructions: what crun's run.oci.seccomp_bpf_data decoder does */
static struct filter unbase64(const char *s, size_t len)
{
	static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char *out = malloc(len / 4 * 3);
	size_t n = 0;

	ck_assert_uint_eq(len % 4, 0);
	for (size_t i = 0; i < len; i += 4) {
		uint32_t v = 0;

		for (int k = 0; k < 4; k++)
			v = v << 6 | (s[i + k] == '=' ? 0 : (uint32_t)(strchr(abc, s[i + k]) - abc));
		out[n++] = (unsigned char)(v >> 16);
		if (s[i + 2] != '=')
			out[n++] = (unsigned char)(v >> 8);
		if (s[i + 3] != '=')
			out[n++] = (unsigned char)v;
	}
	ck_assert_uint_eq(n % sizeof(struct sock_filter), 0);
	return (struct filter){ (struct sock_filter *)out, n / sizeof(struct sock_filter) };
}

/* The node's profile as crun's BPF: one ABI or all three, each filtering as the profile says. */
START_TEST(crun_bpf_of_the_default)
{
	struct filter f = load_default(), nat;
	const uint32_t x64 = SCMP_ARCH_X86_64, x86 = SCMP_ARCH_X86, x32 = SCMP_ARCH_X32;
	struct seccomp_data d;
	struct cd_error err = { 0 };
	json_t *j;
	char *b64;
	size_t len;
	int fd;

	free(f.f);
	fd = open("profiles/seccomp/default.json", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	j = json_loadfd(fd, 0, NULL);
	close(fd);
	ck_assert_ptr_nonnull(j);
	/* Docker's format to OCI's, as the merge writes it: the native ABI alone, then all three */
	json_object_del(j, "archMap");
	json_object_set_new(j, "architectures", json_pack("[s]", "SCMP_ARCH_X86_64"));
	ck_assert_msg(sc_crun_bpf(j, &b64, &len, &err) == 0, "%s", err.msg);
	nat = unbase64(b64, len);
	free(b64);
	ck_assert_uint_eq(call(&nat, x64, "read", 0), SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(call(&nat, x64, "mount", 0), EPERM_RET);
	/* the other ABIs: the bad-arch action, the thread killed */
	ck_assert_uint_eq(call(&nat, x86, "read", 0), SECCOMP_RET_KILL_THREAD);
	d = (struct seccomp_data){ .nr = 0x40000000 | (seccomp_syscall_resolve_name_arch(x32, "read") & 0xfff),
				   .arch = x64 };
	ck_assert_uint_eq(run_bpf(nat.f, nat.n, &d), SECCOMP_RET_KILL_THREAD);
	json_object_set_new(j, "architectures",
			    json_pack("[s,s,s]", "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32"));
	ck_assert_msg(sc_crun_bpf(j, &b64, &len, &err) == 0, "%s", err.msg);
	f = unbase64(b64, len);
	free(b64);
	ck_assert_uint_gt(f.n, nat.n);
	ck_assert_uint_eq(call(&f, x86, "read", 0), SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(call(&f, x86, "mount", 0), EPERM_RET);
	ck_assert_uint_eq(run_bpf(f.f, f.n, &d), SECCOMP_RET_ALLOW);
	/* an entry crun cannot read is an error naming it */
	json_object_set_new(j, "defaultAction", json_string("SCMP_ACT_NOPE"));
	ck_assert_int_lt(sc_crun_bpf(j, &b64, &len, &err), 0);
	ck_assert_msg(strstr(err.msg, "defaultAction") != NULL, "%s", err.msg);
	free(f.f);
	free(nat.f);
	json_decref(j);
}
END_TEST

START_TEST(emit_roundtrip)
{
	struct sc_profile p, q;
	struct cd_error err = { 0 };
	json_t *out;
	char *text;

	ck_assert_int_eq(parse(ERRNO_DEFAULT
			       "{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"},"
			       "{\"names\":[\"ioctl\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":1,"
			       "\"value\":18446744073709551615,\"op\":\"SCMP_CMP_LE\"}]}]}",
			       SC_SRC_CONTAINER, NULL, &p, &err, NULL),
			 0);
	out = sc_profile_to_json(&p);
	ck_assert_int_eq(json_text_dump(out, &text, &(size_t){ 0 }, &err), 0);
	ck_assert_ptr_nonnull(strstr(text, "\"value\":18446744073709551615"));
	ck_assert_ptr_nonnull(strstr(text, "\"names\":[\"read\",\"write\"]"));
	ck_assert_int_eq(parse(text, SC_SRC_CONTAINER, NULL, &q, &err, NULL), 0);
	ck_assert_int_eq(q.ncalls, 3);
	free(text);
	json_decref(out);
	sc_profile_free(&p);
	sc_profile_free(&q);
}
END_TEST

/* More distinct actions than the emitter groups: every rule still written (fuzz_seccomp found the cap). */
START_TEST(emit_many_actions)
{
	static const char *const names[] = { "chmod",
					     "chown",
					     "mkdir",
					     "rmdir",
					     "unlink",
					     "rename",
					     "link",
					     "symlink",
					     "mknod",
					     "mount",
					     "umount2",
					     "ptrace",
					     "reboot",
					     "swapon",
					     "swapoff",
					     "sethostname",
					     "setdomainname",
					     "acct",
					     "settimeofday",
					     "adjtimex",
					     "init_module",
					     "delete_module",
					     "kexec_load",
					     "bpf",
					     "perf_event_open",
					     "unshare",
					     "setns",
					     "pivot_root",
					     "chroot",
					     "quotactl",
					     "syslog",
					     "keyctl",
					     "add_key",
					     "request_key",
					     "userfaultfd",
					     "io_uring_setup",
					     "open_by_handle_at",
					     "name_to_handle_at",
					     "lookup_dcookie",
					     "vhangup" };
	struct sc_profile p, q;
	struct cd_error err = { 0 };
	char text[8192];
	size_t n = 0;
	json_t *out;
	char *dumped;

	n += (size_t)snprintf(text + n, sizeof(text) - n, "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[");
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "%s{\"names\":[\"%s\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":%zu}",
				      i ? "," : "", names[i], i + 2);
	snprintf(text + n, sizeof(text) - n, "]}");
	ck_assert_int_eq(parse(text, SC_SRC_CONTAINER, NULL, &p, &err, NULL), 0);
	ck_assert_int_eq(p.ncalls, 40);
	out = sc_profile_to_json(&p);
	ck_assert_int_eq(json_text_dump(out, &dumped, &(size_t){ 0 }, &err), 0);
	ck_assert_int_eq(parse(dumped, SC_SRC_CONTAINER, NULL, &q, &err, NULL), 0);
	ck_assert_int_eq(q.ncalls, 40);
	for (size_t i = 0; i < q.ncalls; i++)
		ck_assert(sc_action_eq(&q.calls[i].r[0].act, &sc_profile_find(&p, q.calls[i].name)->r[0].act));
	free(dumped);
	json_decref(out);
	sc_profile_free(&p);
	sc_profile_free(&q);
}
END_TEST

/* The merge cache: what is put comes back for the same key only, whole, and only from a file nobody else can write. */
static const char cached_out[] = "{\"defaultAction\":\"SCMP_ACT_ERRNO\"}";

static bool cache_has(const char *dir, const char *key, const json_t *meta)
{
	struct sc_cache_entry e;
	bool hit = sc_cache_get(dir, key, strlen(key), &e);

	if (hit) {
		ck_assert(json_equal(e.meta, meta));
		ck_assert_uint_eq(e.out_len, strlen(cached_out));
		ck_assert(!memcmp(e.out, cached_out, e.out_len));
	}
	sc_cache_entry_free(&e);
	return hit;
}

static void cache_put(const char *dir, const char *key, const json_t *meta)
{
	sc_cache_put(dir, key, strlen(key), meta, cached_out, strlen(cached_out));
}

#define shell(...)                                                   \
	do {                                                         \
		char cmd_[4400];                                     \
		snprintf(cmd_, sizeof(cmd_), __VA_ARGS__);           \
		ck_assert_msg(system(cmd_) == 0, "%s failed", cmd_); \
	} while (0)

START_TEST(cache_exact_key_trusted_file)
{
	char *dir = unit_tmpdir(), sub[4200];
	json_t *e = json_pack("{s:s, s:[s]}", "result", "default SCMP_ACT_ERRNO", "warnings", "w");

	snprintf(sub, sizeof(sub), "%s/cache", dir);
	ck_assert(!cache_has(sub, "k1", e));
	cache_put(sub, "k1", e);
	ck_assert(cache_has(sub, "k1", e));
	ck_assert(!cache_has(sub, "k2", e));  /* another key */
	ck_assert(!cache_has(sub, "k", e));   /* a prefix of it */
	ck_assert(!cache_has(NULL, "k1", e)); /* no cache */
	/* a byte changed in the profile or in the meta, a group-writable entry, a truncated one: misses */
	shell("cp %s/merge-* %s/orig", sub, sub);
	shell("sed -i 's/ERRNO\"}$/ERRNA\"}/' %s/merge-*", sub);
	ck_assert(!cache_has(sub, "k1", e));
	shell("cp %s/orig %s/merge-* && sed -i 's/\"w\"/\"v\"/' %s/merge-*", sub, sub, sub);
	ck_assert(!cache_has(sub, "k1", e));
	shell("cp %s/orig %s/merge-* && chmod 664 %s/merge-*", sub, sub, sub);
	ck_assert(!cache_has(sub, "k1", e));
	shell("chmod 600 %s/merge-* && truncate -s -2 %s/merge-*", sub, sub);
	ck_assert(!cache_has(sub, "k1", e));
	shell("cp %s/orig %s/merge-* && rm %s/orig", sub, sub, sub);
	ck_assert(cache_has(sub, "k1", e));
	/* nothing but the entry is left: no temp file */
	shell("test $(ls -A %s | wc -l) -eq 1 || ls -A %s", sub, sub);
	/* at most 256 entries: the oldest goes */
	for (int i = 0; i < 300; i++) {
		char k[16];

		snprintf(k, sizeof(k), "key-%d", i);
		cache_put(sub, k, e);
	}
	shell("test $(ls %s | wc -l) -eq 256 || ls %s", sub, sub);
	ck_assert(cache_has(sub, "key-299", e));
	json_decref(e);
	unit_rmtree(dir);
	free(dir);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("seccomp");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, cond_one_arg);
	tcase_add_test(tc, cond_masked);
	tcase_add_test(tc, cond_random);
	tcase_add_test(tc, docker_render);
	tcase_add_test(tc, name_errors);
	tcase_add_test(tc, intersect_actions);
	tcase_add_test(tc, intersect_args);
	tcase_add_test(tc, repeated_argument);
	tcase_add_test(tc, intersect_arches_flags);
	tcase_add_test(tc, default_filter);
	tcase_add_test(tc, crun_bpf_of_the_default);
	tcase_add_test(tc, emit_roundtrip);
	tcase_add_test(tc, emit_many_actions);
	tcase_add_test(tc, cache_exact_key_trusted_file);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(suite());
}
