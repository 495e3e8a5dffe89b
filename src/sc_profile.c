/*
 * Reading and writing seccomp profiles. The Docker format is rendered here,
 * the way dockerd renders it before it writes config.json: runc ignores
 * includes/excludes, so a profile copied raw would turn every
 * capability-gated allow into an unconditional one.
 */
#include "sc_profile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_text.h"
#include "sc_lsc.h"

static const struct {
	const char *name;
	uint8_t kind;
} actions[] = {
	{ "SCMP_ACT_KILL", SC_KILL_THREAD },
	{ "SCMP_ACT_KILL_THREAD", SC_KILL_THREAD },
	{ "SCMP_ACT_KILL_PROCESS", SC_KILL_PROCESS },
	{ "SCMP_ACT_TRAP", SC_TRAP },
	{ "SCMP_ACT_ERRNO", SC_ERRNO },
	{ "SCMP_ACT_TRACE", SC_TRACE },
	{ "SCMP_ACT_ALLOW", SC_ALLOW },
	{ "SCMP_ACT_LOG", SC_LOG },
	{ "SCMP_ACT_NOTIFY", SC_NOTIFY },
};

static const char *const op_names[] = {
	[SC_NE] = "SCMP_CMP_NE",
	[SC_LT] = "SCMP_CMP_LT",
	[SC_LE] = "SCMP_CMP_LE",
	[SC_EQ] = "SCMP_CMP_EQ",
	[SC_GE] = "SCMP_CMP_GE",
	[SC_GT] = "SCMP_CMP_GT",
	[SC_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

static const char *const flag_names[] = {
	"SECCOMP_FILTER_FLAG_TSYNC",
	"SECCOMP_FILTER_FLAG_LOG",
	"SECCOMP_FILTER_FLAG_SPEC_ALLOW",
	"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
	NULL,
};

static const char *const oci_top[] = { "defaultAction", "defaultErrnoRet",  "architectures", "flags",
				       "listenerPath",	"listenerMetadata", "syscalls",	     NULL };
static const char *const docker_top[] = {
	"defaultAction", "defaultErrnoRet", "architectures", "archMap", "flags", "syscalls", NULL
};
static const char *const oci_call[] = { "names", "action", "errnoRet", "args", NULL };
static const char *const docker_call[] = { "name",    "names",	  "action",   "errnoRet", "args",
					   "comment", "includes", "excludes", NULL };
static const char *const arg_keys[] = { "index", "value", "valueTwo", "op", NULL };
static const char *const filter_keys[] = { "caps", "arches", "minKernel", NULL };

const char *sc_action_name(const struct sc_action *a)
{
	return actions[a->spelling].name;
}

const char *sc_flag_name(int i)
{
	return i >= 0 && i < SC_NFLAGS ? flag_names[i] : "?";
}

const char *sc_op_name(int op)
{
	return op > SC_ANY && op <= SC_MASKED_EQ ? op_names[op] : "?";
}

struct sc_action sc_action_of(uint8_t kind)
{
	size_t i = 0;

	while (i + 1 < sizeof(actions) / sizeof(actions[0]) && actions[i].kind != kind)
		i++;
	return (struct sc_action){ .kind = kind, .spelling = (uint8_t)i, .ret = 1 };
}

static bool takes_ret(uint8_t kind)
{
	return kind == SC_ERRNO || kind == SC_TRACE;
}

bool sc_action_eq(const struct sc_action *a, const struct sc_action *b)
{
	return a->kind == b->kind && (!takes_ret(a->kind) || a->ret == b->ret);
}

bool sc_profile_unconfined(const struct sc_profile *p)
{
	return p->def.kind == SC_ALLOW || p->def.kind == SC_LOG;
}

/* action (and its errnoRet) of obj. */
static int parse_action(const json_t *obj, const char *key, const char *ret_key, const struct jpath *at,
			struct sc_action *ret, struct cd_error *err)
{
	const char *s = NULL;
	int64_t n = -1;
	size_t i;
	int r;

	r = jget_string(obj, key, true, at, &s, err);
	if (r < 0)
		return r;
	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (!strcmp(s, actions[i].name))
			break;
	if (i == sizeof(actions) / sizeof(actions[0]))
		return jget_err(err, EINVAL, at, key, "\"%s\" is not a seccomp action", s);
	*ret = (struct sc_action){ .kind = actions[i].kind, .spelling = (uint8_t)i, .ret = 1 };
	r = jget_int(obj, ret_key, false, 0, 65535, at, &n, err);
	if (r < 0 || n < 0)
		return r;
	if (!takes_ret(ret->kind))
		return jget_err(err, EINVAL, at, ret_key, "only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take a return value");
	ret->has_ret = true;
	ret->ret = (uint32_t)n;
	return 0;
}

static int parse_arch_list(const json_t *arr, const struct jpath *at, const char *key, uint32_t *ret,
			   struct cd_error *err)
{
	size_t i;
	json_t *v;

	if (!json_is_array(arr))
		return jget_err(err, EINVAL, at, key, "must be an array");
	json_array_foreach(arr, i, v) {
		int a = json_is_string(v) ? sc_arch_index(json_string_value(v)) : -1;

		if (a < 0)
			return jget_err(err, EINVAL, at, key, "entry %zu is not an architecture libseccomp knows", i);
		*ret |= 1u << a;
	}
	return 0;
}

/* Docker's archMap: the native architecture's entry and its sub-architectures. */
static int parse_arch_map(const json_t *map, const struct jpath *at, uint32_t *ret, struct cd_error *err)
{
	static const char *const keys[] = { "architecture", "subArchitectures", NULL };
	int native = sc_arch_native();
	size_t i;
	json_t *e;

	if (!json_is_array(map))
		return jget_err(err, EINVAL, at, "archMap", "must be an array");
	json_array_foreach(map, i, e) {
		char path[64];
		struct jpath eat = { at->file, path };
		const char *arch = NULL;
		json_t *sub = NULL;
		uint32_t bits = 0;
		int r, a;

		snprintf(path, sizeof(path), "archMap[%zu]", i);
		if (!json_is_object(e))
			return jget_err(err, EINVAL, at, "archMap", "entry %zu must be an object", i);
		r = jget_known_keys(e, keys, &eat, err);
		if (r >= 0)
			r = jget_string(e, "architecture", true, &eat, &arch, err);
		if (r >= 0)
			r = jget_array(e, "subArchitectures", false, &eat, &sub, err);
		if (r >= 0 && sub)
			r = parse_arch_list(sub, &eat, "subArchitectures", &bits, err);
		if (r < 0)
			return r;
		a = sc_arch_index(arch);
		if (a < 0)
			return jget_err(err, EINVAL, &eat, "architecture", "\"%s\" is not an architecture", arch);
		if (a == native)
			*ret |= bits | 1u << a;
	}
	return 0;
}

static bool in_strings(const json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach((json_t *)arr, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), s))
			return true;
	return false;
}

static int parse_kernel(const char *s, int ret[3])
{
	ret[0] = ret[1] = ret[2] = 0;
	return sscanf(s, "%d.%d.%d", &ret[0], &ret[1], &ret[2]) >= 2 ? 0 : -EINVAL;
}

static int kernel_cmp(const int a[3], const int b[3])
{
	for (int i = 0; i < 3; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

/*
 * One includes/excludes object: how many of its conditions hold and how many
 * it has. Docker: includes needs all of them, excludes skips on any.
 */
static int eval_filter(const json_t *f, const struct sc_render *rd, bool include, const struct jpath *at,
		       const char *key, bool *ret_skip, struct cd_error *err)
{
	json_t *caps = json_object_get(f, "caps"), *arches = json_object_get(f, "arches"), *v;
	const char *mk = json_string_value(json_object_get(f, "minKernel"));
	size_t i;

	if (!json_is_object(f) || jget_known_keys(f, filter_keys, at, err) < 0)
		return jget_err(err, EINVAL, at, key, "must be an object with caps, arches and minKernel");
	if ((caps && !json_is_array(caps)) || (arches && !json_is_array(arches)) ||
	    (json_object_get(f, "minKernel") && !mk))
		return jget_err(err, EINVAL, at, key, "caps and arches are arrays, minKernel a string");
	json_array_foreach(caps, i, v) {
		bool have = json_is_string(v) && rd->caps && in_strings(rd->caps, json_string_value(v));

		*ret_skip |= include ? !have : have;
	}
	if (json_array_size(arches)) {
		bool match =
		    (rd->goarch && in_strings(arches, rd->goarch)) || (rd->machine && in_strings(arches, rd->machine));

		*ret_skip |= include ? !match : match;
	}
	if (mk) {
		int k[3];

		if (parse_kernel(mk, k) < 0)
			return jget_err(err, EINVAL, at, key, "minKernel \"%s\" is not a version like 4.8", mk);
		*ret_skip |= include ? kernel_cmp(rd->kernel, k) < 0 : kernel_cmp(rd->kernel, k) >= 0;
	}
	return 0;
}

static int parse_value(const json_t *arg, const char *key, bool required, const struct jpath *at, uint64_t *ret,
		       struct cd_error *err)
{
	json_t *v = json_object_get(arg, key);

	*ret = 0;
	if (!v || json_is_null(v))
		return required ? jget_err(err, EINVAL, at, key, "required") : 0;
	if (!json_text_get_uint64(v, ret))
		return jget_err(err, EINVAL, at, key, "must be an integer in [0, 2^64)");
	return 0;
}

static int parse_arg(const json_t *arg, const struct jpath *at, struct sc_cube *cube, struct cd_error *err)
{
	const char *op = NULL;
	int64_t index = 0;
	struct sc_atom a = { 0 };
	int r;

	if (!json_is_object(arg))
		return jget_err(err, EINVAL, at, "", "must be an object");
	r = jget_known_keys(arg, arg_keys, at, err);
	if (r >= 0)
		r = jget_int(arg, "index", true, 0, SC_NARGS - 1, at, &index, err);
	if (r >= 0)
		r = jget_string(arg, "op", true, at, &op, err);
	if (r >= 0)
		r = parse_value(arg, "value", true, at, &a.v, err);
	if (r >= 0)
		r = parse_value(arg, "valueTwo", false, at, &a.v2, err);
	if (r < 0)
		return r;
	for (a.op = SC_NE; a.op <= SC_MASKED_EQ && strcmp(op, op_names[a.op]); a.op++)
		;
	if (a.op > SC_MASKED_EQ)
		return jget_err(err, EINVAL, at, "op", "\"%s\" is not a comparison", op);
	if (a.op != SC_MASKED_EQ)
		a.v2 = 0;
	if (cube->a[index].op != SC_ANY)
		return jget_err(err, EINVAL, at, "index",
				"argument %d is compared twice (libseccomp allows one "
				"comparison per argument in a rule)",
				(int)index);
	cube->a[index] = a;
	return 0;
}

static int parse_args(const json_t *call, const struct jpath *at, struct sc_rule *rule, struct cd_error *err)
{
	json_t *args = NULL, *v;
	size_t i;
	int r;

	r = jget_array(call, "args", false, at, &args, err);
	if (r < 0 || !args)
		return r;
	json_array_foreach(args, i, v) {
		char path[96];
		struct jpath aat = { at->file, path };

		snprintf(path, sizeof(path), "%s.args[%zu]", at->path, i);
		r = parse_arg(v, &aat, &rule->cube, err);
		if (r < 0)
			return r;
	}
	rule->cond = !sc_cube_is_any(&rule->cube);
	return 0;
}

struct parse_state {
	enum sc_source src;
	const struct sc_render *rd;
	bool docker;
	struct sc_profile *p;
	struct cd_error *err;
};

static int add_name(struct parse_state *ps, const json_t *v, const struct jpath *at, const char *key,
		    const struct sc_rule *rule)
{
	const char *name = json_string_value(v);

	if (!name || !*name || strlen(name) >= sizeof(ps->p->calls[0].name))
		return jget_err(ps->err, EINVAL, at, key, "syscall names are non-empty strings under 64 bytes");
	if (ps->src == SC_SRC_NODE && !sc_lsc_known(name)) {
		char msg[256];

		if (!ps->docker)
			return jget_err(ps->err, EINVAL, at, key, "\"%s\" is not a syscall libseccomp %s knows", name,
					sc_lsc_version());
		snprintf(msg, sizeof(msg), "%s: %s: \"%s\" is not a syscall libseccomp %s knows: skipped", at->file,
			 at->path, name, sc_lsc_version());
		if (ps->rd && ps->rd->warnings)
			json_array_append_new(ps->rd->warnings, json_string(msg));
		return 0;
	}
	if (sc_profile_add_rule(ps->p, name, rule) < 0)
		return cd_err(ps->err, ENOMEM, "out of memory");
	return 0;
}

static int add_names(struct parse_state *ps, const json_t *call, const struct jpath *at, const struct sc_rule *rule)
{
	json_t *names = json_object_get(call, "names"), *name = json_object_get(call, "name"), *v;
	size_t i;
	int r;

	if (names && name)
		return jget_err(ps->err, EINVAL, at, "name", "use either name or names");
	if (name)
		return add_name(ps, name, at, "name", rule);
	if (!json_is_array(names))
		return jget_err(ps->err, EINVAL, at, "names", "required: an array of syscall names");
	json_array_foreach(names, i, v) {
		r = add_name(ps, v, at, "names", rule);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Docker's includes/excludes: true when the entry does not apply here. */
static int skipped(struct parse_state *ps, const json_t *call, const struct jpath *at, bool *ret)
{
	json_t *inc = json_object_get(call, "includes"), *exc = json_object_get(call, "excludes");
	int r = 0;

	*ret = false;
	if (inc)
		r = eval_filter(inc, ps->rd, true, at, "includes", ret, ps->err);
	if (r >= 0 && exc)
		r = eval_filter(exc, ps->rd, false, at, "excludes", ret, ps->err);
	return r;
}

/* Whether a rule compares one argument more than once. */
static bool repeats_an_argument(const json_t *call)
{
	json_t *args = json_object_get(call, "args"), *v;
	unsigned seen = 0;
	size_t i;

	json_array_foreach(args, i, v) {
		json_int_t k = json_integer_value(json_object_get(v, "index"));

		if (k < 0 || k >= SC_NARGS)
			continue;
		if (seen & 1u << k)
			return true;
		seen |= 1u << k;
	}
	return false;
}

/*
 * As runc reads such a rule (libseccomp takes one comparison per argument):
 * one rule per comparison, any of which matches.
 */
static int add_each_comparison(struct parse_state *ps, const json_t *call, const struct jpath *at,
			       const struct sc_rule *base)
{
	json_t *args = json_object_get(call, "args"), *v;
	size_t i;
	int r;

	json_array_foreach(args, i, v) {
		struct sc_rule one = *base;
		char path[96];
		struct jpath aat = { at->file, path };

		snprintf(path, sizeof(path), "%s.args[%zu]", at->path, i);
		r = parse_arg(v, &aat, &one.cube, ps->err);
		if (r < 0)
			return r;
		one.cond = true;
		r = add_names(ps, call, at, &one);
		if (r < 0)
			return r;
	}
	return 0;
}

static int parse_call(struct parse_state *ps, const json_t *call, size_t i, const struct jpath *top)
{
	char path[64];
	struct jpath at = { top->file, path };
	struct sc_rule rule = { .src = (int)i };
	bool skip = false;
	int r;

	snprintf(path, sizeof(path), "%s%ssyscalls[%zu]", top->path, *top->path ? "." : "", i);
	if (!json_is_object(call))
		return jget_err(ps->err, EINVAL, top, "syscalls", "entry %zu must be an object", i);
	r = jget_known_keys(call, ps->src == SC_SRC_NODE ? docker_call : oci_call, &at, ps->err);
	if (r >= 0 && ps->src == SC_SRC_NODE)
		r = skipped(ps, call, &at, &skip);
	if (r >= 0)
		r = parse_action(call, "action", "errnoRet", &at, &rule.act, ps->err);
	if (r >= 0 && ps->src == SC_SRC_NODE && rule.act.kind == SC_NOTIFY)
		r = jget_err(ps->err, EINVAL, &at, "action", "a node profile has no notify listener");
	/* a node profile's author hears of it (parse_arg); a container gets runc's reading */
	if (r >= 0 && ps->src == SC_SRC_CONTAINER && repeats_an_argument(call))
		return add_each_comparison(ps, call, &at, &rule);
	if (r >= 0)
		r = parse_args(call, &at, &rule, ps->err);
	if (r < 0 || skip)
		return r;
	return add_names(ps, call, &at, &rule);
}

static bool uses_docker_keys(const json_t *obj)
{
	json_t *calls = json_object_get(obj, "syscalls"), *c;
	size_t i;

	if (json_object_get(obj, "archMap"))
		return true;
	json_array_foreach(calls, i, c)
		if (json_object_get(c, "name") || json_object_get(c, "comment") || json_object_get(c, "includes") ||
		    json_object_get(c, "excludes"))
			return true;
	return false;
}

static int parse_flags(const json_t *obj, const struct jpath *at, uint32_t *ret, struct cd_error *err)
{
	json_t *flags = NULL, *v;
	size_t i;
	int r;

	r = jget_array(obj, "flags", false, at, &flags, err);
	json_array_foreach(flags, i, v) {
		int f = 0;

		while (flag_names[f] && (!json_is_string(v) || strcmp(json_string_value(v), flag_names[f])))
			f++;
		if (!flag_names[f])
			return jget_err(err, EINVAL, at, "flags", "entry %zu is not a seccomp filter flag", i);
		*ret |= 1u << f;
	}
	return r;
}

static int parse_listener(const json_t *obj, const struct jpath *at, struct sc_profile *p, struct cd_error *err)
{
	const char *path = NULL, *meta = NULL;
	int r;

	r = jget_string(obj, "listenerPath", false, at, &path, err);
	if (r >= 0)
		r = jget_string(obj, "listenerMetadata", false, at, &meta, err);
	if (r < 0)
		return r;
	p->listener_path = path ? json_string(path) : NULL;
	p->listener_meta = meta ? json_string(meta) : NULL;
	return 0;
}

static int parse_top(struct parse_state *ps, const json_t *obj, const struct jpath *at)
{
	struct sc_profile *p = ps->p;
	json_t *arr = NULL, *v;
	size_t i;
	int r;

	r = jget_known_keys(obj, ps->src == SC_SRC_NODE ? docker_top : oci_top, at, ps->err);
	if (r >= 0)
		r = parse_action(obj, "defaultAction", "defaultErrnoRet", at, &p->def, ps->err);
	if (r >= 0 && p->def.kind == SC_NOTIFY)
		r = jget_err(ps->err, EINVAL, at, "defaultAction", "SCMP_ACT_NOTIFY cannot be the default");
	if (r >= 0 && json_object_get(obj, "archMap") && json_array_size(json_object_get(obj, "archMap")))
		r = parse_arch_map(json_object_get(obj, "archMap"), at, &p->arches, ps->err);
	else if (r >= 0 && (r = jget_array(obj, "architectures", false, at, &arr, ps->err)) >= 0 && arr)
		r = parse_arch_list(arr, at, "architectures", &p->arches, ps->err);
	if (r >= 0)
		r = parse_flags(obj, at, &p->flags, ps->err);
	if (r >= 0)
		r = parse_listener(obj, at, p, ps->err);
	arr = NULL;
	if (r >= 0)
		r = jget_array(obj, "syscalls", false, at, &arr, ps->err);
	json_array_foreach(arr, i, v) {
		if (r >= 0)
			r = parse_call(ps, v, i, at);
	}
	return r;
}

int sc_profile_parse(const json_t *obj, enum sc_source src, const struct sc_render *rd, const struct jpath *at,
		     struct sc_profile *ret, struct cd_error *err)
{
	struct sc_render none = { 0 };
	struct parse_state ps = { src, rd ? rd : &none, false, ret, err };
	int r;

	*ret = (struct sc_profile){ 0 };
	if (!json_is_object(obj))
		return cd_err(err, EINVAL, "%s: %s: must be an object", at->file, *at->path ? at->path : "seccomp");
	ps.docker = src == SC_SRC_NODE && uses_docker_keys(obj);
	r = parse_top(&ps, obj, at);
	if (r < 0)
		sc_profile_free(ret);
	return r;
}

static int call_cmp(const char *name, const struct sc_call *c)
{
	return strcmp(name, c->name);
}

/* Where name is, or would be inserted; true when it is there. Appending is the common case. */
static bool locate(const struct sc_profile *p, const char *name, size_t *ret)
{
	size_t lo = 0, hi = p->ncalls;

	if (p->ncalls && call_cmp(name, &p->calls[p->ncalls - 1]) > 0)
		lo = p->ncalls;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = call_cmp(name, &p->calls[mid]);

		if (!c) {
			*ret = mid;
			return true;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	*ret = lo;
	return false;
}

const struct sc_call *sc_profile_find(const struct sc_profile *p, const char *name)
{
	size_t i;

	return locate(p, name, &i) ? &p->calls[i] : NULL;
}

/* The call for name, inserted in order when new. */
static struct sc_call *get_call(struct sc_profile *p, const char *name)
{
	size_t lo;

	if (locate(p, name, &lo))
		return &p->calls[lo];
	if (p->ncalls == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		struct sc_call *c = realloc(p->calls, cap * sizeof(*c));

		if (!c)
			return NULL;
		p->calls = c;
		p->cap = cap;
	}
	memmove(&p->calls[lo + 1], &p->calls[lo], (p->ncalls - lo) * sizeof(*p->calls));
	p->ncalls++;
	p->calls[lo] = (struct sc_call){ 0 };
	snprintf(p->calls[lo].name, sizeof(p->calls[lo].name), "%s", name);
	return &p->calls[lo];
}

int sc_profile_add_rule(struct sc_profile *p, const char *name, const struct sc_rule *rule)
{
	struct sc_call *c = get_call(p, name);

	if (!c)
		return -ENOMEM;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 2;
		struct sc_rule *r = realloc(c->r, cap * sizeof(*r));

		if (!r)
			return -ENOMEM;
		c->r = r;
		c->cap = cap;
	}
	c->r[c->n++] = *rule;
	return 0;
}

void sc_profile_free(struct sc_profile *p)
{
	for (size_t i = 0; i < p->ncalls; i++)
		free(p->calls[i].r);
	free(p->calls);
	json_decref(p->listener_path);
	json_decref(p->listener_meta);
	*p = (struct sc_profile){ 0 };
}
