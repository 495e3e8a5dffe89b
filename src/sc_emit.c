/* A profile back to OCI linux.seccomp: one entry per action for the unconditional rules, one per conditional rule. */
#include <string.h>

#include "json_text.h"
#include "sc_lsc.h"
#include "sc_profile.h"

#define MAX_GROUPS 32

static void set_action(json_t *o, const char *key, const char *ret_key, const struct sc_action *a)
{
	json_object_set_new(o, key, json_string(sc_action_name(a)));
	if (a->has_ret || ((a->kind == SC_ERRNO || a->kind == SC_TRACE) && a->ret != 1))
		json_object_set_new(o, ret_key, json_integer(a->ret));
}

static json_t *args_json(const struct sc_cube *c)
{
	json_t *arr = json_array();

	for (int i = 0; arr && i < SC_NARGS; i++) {
		const struct sc_atom *a = &c->a[i];
		json_t *o;

		if (a->op == SC_ANY)
			continue;
		o = json_pack("{s:i,s:o,s:s}", "index", i, "value", json_text_uint64(a->v), "op", sc_op_name(a->op));
		if (o && a->op == SC_MASKED_EQ)
			json_object_set_new(o, "valueTwo", json_text_uint64(a->v2));
		json_array_append_new(arr, o);
	}
	return arr;
}

static json_t *entry(const struct sc_action *a)
{
	json_t *o = json_object();

	json_object_set_new(o, "names", json_array());
	set_action(o, "action", "errnoRet", a);
	return o;
}

/* Unconditional rules that differ from the default, one entry per action. */
static void add_groups(const struct sc_profile *p, json_t *calls)
{
	struct sc_action acts[MAX_GROUPS];
	json_t *groups[MAX_GROUPS];
	size_t ng = 0;

	for (size_t i = 0; i < p->ncalls; i++) {
		const struct sc_call *c = &p->calls[i];
		size_t g;

		if (c->n != 1 || c->r[0].cond || sc_action_eq(&c->r[0].act, &p->def))
			continue;
		for (g = 0; g < ng && !sc_action_eq(&acts[g], &c->r[0].act); g++)
			;
		if (g == MAX_GROUPS) {
			/* past the groups tracked: an entry of its own, never dropped */
			json_t *e = entry(&c->r[0].act);

			json_array_append_new(json_object_get(e, "names"), json_string(c->name));
			json_array_append_new(calls, e);
			continue;
		}
		if (g == ng) {
			acts[ng] = c->r[0].act;
			groups[ng] = entry(&acts[ng]);
			json_array_append_new(calls, groups[ng++]);
		}
		json_array_append_new(json_object_get(groups[g], "names"), json_string(c->name));
	}
}

static void add_conditional(const struct sc_profile *p, json_t *calls)
{
	for (size_t i = 0; i < p->ncalls; i++) {
		const struct sc_call *c = &p->calls[i];

		for (size_t k = 0; k < c->n; k++) {
			json_t *e;

			if (c->n == 1 && !c->r[0].cond)
				continue;
			if (sc_action_eq(&c->r[k].act, &p->def))
				continue;
			e = entry(&c->r[k].act);
			json_array_append_new(json_object_get(e, "names"), json_string(c->name));
			if (c->r[k].cond)
				json_object_set_new(e, "args", args_json(&c->r[k].cube));
			json_array_append_new(calls, e);
		}
	}
}

static json_t *bits_json(uint32_t bits, const char *(*name)(int), int max)
{
	json_t *arr = json_array();

	for (int i = 0; i < max; i++)
		if (bits & (1u << i))
			json_array_append_new(arr, json_string(name(i)));
	return arr;
}

json_t *sc_profile_to_json(const struct sc_profile *p)
{
	json_t *o = json_object(), *calls = json_array();

	if (!o || !calls) {
		json_decref(o);
		json_decref(calls);
		return NULL;
	}
	set_action(o, "defaultAction", "defaultErrnoRet", &p->def);
	if (p->arches)
		json_object_set_new(o, "architectures", bits_json(p->arches, sc_arch_name, 32));
	if (p->flags)
		json_object_set_new(o, "flags", bits_json(p->flags, sc_flag_name, SC_NFLAGS));
	if (p->listener_path)
		json_object_set(o, "listenerPath", p->listener_path);
	if (p->listener_meta)
		json_object_set(o, "listenerMetadata", p->listener_meta);
	add_groups(p, calls);
	add_conditional(p, calls);
	json_object_set_new(o, "syscalls", calls);
	return o;
}
