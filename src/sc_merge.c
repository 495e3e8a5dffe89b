/*
 * The intersection of two seccomp profiles. Per syscall a profile is a
 * model: an action y for argument values in a set c, f for the rest. For
 * every combination of "in c or not" on both sides the result takes the
 * stricter action (what the kernel does with two stacked filters). libseccomp
 * takes one unconditional action per syscall, or conditional rules that fall
 * back to the default, so regions weaker than the default become conditional
 * rules (shrunk, never grown, when not exactly expressible) and anything else
 * becomes one unconditional action: the stricter one.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sc_profile.h"

struct model {
	bool cond;
	struct sc_set c; /* where y applies (when cond) */
	struct sc_action y, f;
};

/* The stricter of two actions; on a tie a's (the container's errno stays). */
static struct sc_action stricter(struct sc_action a, struct sc_action b)
{
	return b.kind > a.kind ? b : a;
}

static void warn(json_t *warnings, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void warn(json_t *warnings, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (warnings)
		json_array_append_new(warnings, json_string(msg));
}

/* All rules conditional and with one action: that action on their union. */
static int conditional_model(const struct sc_call *c, const struct sc_action *def, struct model *m)
{
	for (size_t i = 0; i < c->n; i++) {
		int r;

		if (sc_cube_is_any(&c->r[i].cube)) {
			sc_set_free(&m->c);
			m->cond = false;
			m->f = c->r[i].act;
			return 0;
		}
		r = sc_set_add(&m->c, &c->r[i].cube);
		if (r < 0)
			return r;
	}
	m->cond = !sc_action_eq(&m->y, def);
	m->f = *def;
	if (!m->cond)
		sc_set_free(&m->c);
	return 0;
}

static int build_model(const struct sc_profile *p, const char *name, json_t *warnings, struct model *m)
{
	const struct sc_call *c = sc_profile_find(p, name);
	bool uncond = false, mixed = false;
	struct sc_action top = p->def;

	*m = (struct model){ .f = p->def };
	if (!c)
		return 0;
	for (size_t i = 0; i < c->n; i++) {
		uncond |= !c->r[i].cond;
		mixed |= !sc_action_eq(&c->r[i].act, &c->r[0].act);
		top = stricter(top, c->r[i].act);
	}
	if (uncond || mixed) {
		/* libseccomp lets an unconditional rule override the rest; mixed actions are read strictly */
		if (mixed)
			warn(warnings, "seccomp: %s has rules with several actions: read as %s for all arguments", name,
			     sc_action_name(&top));
		m->f = uncond && !mixed ? c->r[0].act : top;
		return 0;
	}
	m->y = c->r[0].act;
	return conditional_model(c, &p->def, m);
}

struct region {
	struct sc_action act;
	const struct sc_set *sa, *sb; /* NULL: every value */
};

static int region_set(const struct region *rg, enum sc_dir dir, struct sc_set *ret)
{
	struct sc_set all;
	int r = sc_set_all(&all);

	if (r >= 0)
		r = sc_set_and(rg->sa ? rg->sa : &all, rg->sb ? rg->sb : &all, dir, ret);
	sc_set_free(&all);
	return r;
}

static int emit_set(struct sc_profile *out, const char *name, const struct sc_action *act, const struct sc_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		struct sc_rule rule = { .act = *act, .cond = true, .cube = s->c[i], .src = -1 };
		int r = sc_profile_add_rule(out, name, &rule);

		if (r < 0)
			return r;
	}
	return 0;
}

/* Regions weaker than the default become conditional rules, each a subset of its exact region. */
static int emit_regions(struct sc_profile *out, const char *name, const struct region *rg, int n, json_t *warnings)
{
	bool approx = false;

	for (int i = 0; i < n; i++) {
		struct sc_set s = { 0 };
		int r;

		if (rg[i].act.kind >= out->def.kind)
			continue;
		r = region_set(&rg[i], SC_EXACT, &s);
		if (r == -ERANGE) {
			approx = true;
			r = region_set(&rg[i], SC_UNDER, &s);
		}
		if (r >= 0)
			r = emit_set(out, name, &rg[i].act, &s);
		sc_set_free(&s);
		if (r < 0)
			return r;
	}
	if (approx)
		warn(warnings, "seccomp: %s: argument conditions narrowed to what one rule can state", name);
	return 0;
}

static int add_uncond(struct sc_profile *out, const char *name, const struct sc_action *act)
{
	struct sc_rule rule = { .act = *act, .src = -1 };

	return sc_action_eq(act, &out->def) ? 0 : sc_profile_add_rule(out, name, &rule);
}

static int merge_call(const struct model *ma, const struct model *mb, const struct sc_set *na, const struct sc_set *nb,
		      const char *name, json_t *warnings, struct sc_profile *out)
{
	struct region rg[4];
	struct sc_action top;
	bool same = true, above = false;
	int n = 0;

	for (int ia = ma->cond; ia >= 0; ia--)
		for (int ib = mb->cond; ib >= 0; ib--)
			rg[n++] = (struct region){ stricter(ia ? ma->y : ma->f, ib ? mb->y : mb->f),
						   ia	      ? &ma->c
						   : ma->cond ? na
							      : NULL,
						   ib	      ? &mb->c
						   : mb->cond ? nb
							      : NULL };
	top = rg[0].act;
	for (int i = 0; i < n; i++) {
		same &= sc_action_eq(&rg[i].act, &rg[0].act);
		above |= rg[i].act.kind > out->def.kind ||
			 (rg[i].act.kind == out->def.kind && !sc_action_eq(&rg[i].act, &out->def));
		top = stricter(top, rg[i].act);
	}
	if (same)
		return add_uncond(out, name, &rg[0].act);
	if (above) {
		/* a conditional action stricter than the default has no fallback libseccomp can state */
		warn(warnings, "seccomp: %s: argument-dependent actions merged into %s for all arguments", name,
		     sc_action_name(&top));
		return add_uncond(out, name, &top);
	}
	return emit_regions(out, name, rg, n, warnings);
}

static int merge_name(const struct sc_profile *a, const struct sc_profile *b, const char *name, json_t *warnings,
		      struct sc_profile *out)
{
	struct model ma, mb;
	struct sc_set na = { 0 }, nb = { 0 };
	int r;

	r = build_model(a, name, warnings, &ma);
	if (r >= 0)
		r = build_model(b, name, warnings, &mb);
	if (r >= 0 && ma.cond)
		r = sc_set_not(&ma.c, SC_UNDER, &na);
	if (r >= 0 && mb.cond)
		r = sc_set_not(&mb.c, SC_UNDER, &nb);
	if (r >= 0)
		r = merge_call(&ma, &mb, &na, &nb, name, warnings, out);
	sc_set_free(&ma.c);
	sc_set_free(&mb.c);
	sc_set_free(&na);
	sc_set_free(&nb);
	return r;
}

static int merge_calls(const struct sc_profile *a, const struct sc_profile *b, json_t *warnings, struct sc_profile *out)
{
	size_t i = 0, j = 0;

	while (i < a->ncalls || j < b->ncalls) {
		const char *name;
		int c, r;

		if (i == a->ncalls)
			c = 1;
		else if (j == b->ncalls)
			c = -1;
		else
			c = strcmp(a->calls[i].name, b->calls[j].name);
		name = c <= 0 ? a->calls[i].name : b->calls[j].name;
		r = merge_name(a, b, name, warnings, out);
		if (r < 0)
			return r;
		i += c <= 0;
		j += c >= 0;
	}
	return 0;
}

#define FLAG_SPEC_ALLOW (1u << 2)

int sc_profile_intersect(const struct sc_profile *a, const struct sc_profile *b, uint32_t native, json_t *warnings,
			 struct sc_profile *ret, struct cd_error *err)
{
	int r;

	*ret = (struct sc_profile){ .def = stricter(a->def, b->def) };
	ret->arches = (a->arches | native) & (b->arches | native);
	ret->flags = (a->flags | b->flags) & ~FLAG_SPEC_ALLOW;
	if ((a->flags | b->flags) & FLAG_SPEC_ALLOW)
		warn(warnings, "seccomp: SECCOMP_FILTER_FLAG_SPEC_ALLOW dropped: it turns off a mitigation");
	ret->listener_path = json_incref(a->listener_path);
	ret->listener_meta = json_incref(a->listener_meta);
	r = merge_calls(a, b, warnings, ret);
	if (r < 0) {
		sc_profile_free(ret);
		return cd_err(err, -r, "seccomp: merging profiles: %s", strerror(-r));
	}
	return 0;
}
