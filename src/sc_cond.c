#include "sc_cond.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Alternatives for one argument: an interval is at most 128 blocks, a complement 64 bits. */
#define MAXALT 192

struct ivl {
	uint64_t lo, hi;
};

struct alts {
	struct sc_atom a[MAXALT];
	int n;
};

static void push(struct alts *al, uint8_t op, uint64_t v, uint64_t v2)
{
	if (al->n < MAXALT)
		al->a[al->n++] = (struct sc_atom){ op, v, v2 };
}

/* A masked comparison that no value meets is false; one with an empty mask is true. */
static bool masked_false(const struct sc_atom *a)
{
	return a->op == SC_MASKED_EQ && (a->v2 & ~a->v);
}

static int to_ivls(const struct sc_atom *a, struct ivl iv[2])
{
	uint64_t v = a->v;
	int n = 0;

	switch (a->op) {
	case SC_EQ: iv[n++] = (struct ivl){ v, v }; break;
	case SC_NE:
		if (v > 0)
			iv[n++] = (struct ivl){ 0, v - 1 };
		if (v < UINT64_MAX)
			iv[n++] = (struct ivl){ v + 1, UINT64_MAX };
		break;
	case SC_LT:
		if (v > 0)
			iv[n++] = (struct ivl){ 0, v - 1 };
		break;
	case SC_LE: iv[n++] = (struct ivl){ 0, v }; break;
	case SC_GT:
		if (v < UINT64_MAX)
			iv[n++] = (struct ivl){ v + 1, UINT64_MAX };
		break;
	case SC_GE: iv[n++] = (struct ivl){ v, UINT64_MAX }; break;
	default: iv[n++] = (struct ivl){ 0, UINT64_MAX };
	}
	return n;
}

static int ivls_and(const struct ivl *a, int na, const struct ivl *b, int nb, struct ivl *out)
{
	int n = 0;

	for (int i = 0; i < na; i++)
		for (int j = 0; j < nb; j++) {
			uint64_t lo = a[i].lo > b[j].lo ? a[i].lo : b[j].lo;
			uint64_t hi = a[i].hi < b[j].hi ? a[i].hi : b[j].hi;

			if (lo <= hi)
				out[n++] = (struct ivl){ lo, hi };
		}
	return n;
}

/*
 * [lo, hi] as aligned power-of-two blocks, each one masked comparison,
 * (x & ~(size - 1)) == start: exact for any interval, at most 128 blocks.
 */
static void push_blocks(struct alts *out, uint64_t lo, uint64_t hi)
{
	for (;;) {
		uint64_t size = lo ? lo & -lo : UINT64_C(1) << 63;

		while (size > 1 && lo + (size - 1) > hi)
			size >>= 1;
		if (size == 1)
			push(out, SC_EQ, lo, 0);
		else
			push(out, SC_MASKED_EQ, ~(size - 1), lo);
		if (lo + (size - 1) >= hi)
			return;
		lo += size;
	}
}

/* Sorted, disjoint intervals as comparisons. */
static void ivls_to_alts(const struct ivl *iv, int n, struct alts *out)
{
	if (n == 2 && iv[0].lo == 0 && iv[1].hi == UINT64_MAX && iv[1].lo - iv[0].hi == 2) {
		push(out, SC_NE, iv[0].hi + 1, 0);
		return;
	}
	for (int i = 0; i < n; i++) {
		uint64_t lo = iv[i].lo, hi = iv[i].hi;

		if (lo == hi)
			push(out, SC_EQ, lo, 0);
		else if (lo == 0 && hi == UINT64_MAX)
			push(out, SC_ANY, 0, 0);
		else if (lo == 0)
			push(out, SC_LE, hi, 0);
		else if (hi == UINT64_MAX)
			push(out, SC_GE, lo, 0);
		else
			push_blocks(out, lo, hi);
	}
}

static void masked_and(const struct sc_atom *a, const struct sc_atom *b, struct alts *out)
{
	if ((a->v2 ^ b->v2) & a->v & b->v)
		return;
	if ((a->v | b->v) == UINT64_MAX)
		push(out, SC_EQ, a->v2 | b->v2, 0);
	else
		push(out, SC_MASKED_EQ, a->v | b->v, a->v2 | b->v2);
}

/* A masked comparison and intervals: the intervals as blocks, each block ANDed with the mask. */
static void masked_and_ivls(const struct sc_atom *m, const struct ivl *iv, int n, struct alts *out)
{
	for (int i = 0; i < n; i++) {
		struct alts blocks = { .n = 0 };

		if (iv[i].lo == 0 && iv[i].hi == UINT64_MAX) {
			push(out, m->op, m->v, m->v2);
			continue;
		}
		push_blocks(&blocks, iv[i].lo, iv[i].hi);
		for (int k = 0; k < blocks.n; k++) {
			struct sc_atom b = blocks.a[k];

			if (b.op == SC_EQ)
				b = (struct sc_atom){ SC_MASKED_EQ, UINT64_MAX, b.v };
			masked_and(m, &b, out);
		}
	}
}

/* Both comparisons on one argument, as alternatives (none: never true); always exact. */
static void atom_and(const struct sc_atom *a, const struct sc_atom *b, struct alts *out)
{
	struct ivl ia[2], ib[2], ic[4];
	int na, nb;

	out->n = 0;
	if (masked_false(a) || masked_false(b))
		return;
	if (a->op == SC_ANY || (a->op == SC_MASKED_EQ && !a->v)) {
		out->a[out->n++] = *b;
		return;
	}
	if (b->op == SC_ANY || (b->op == SC_MASKED_EQ && !b->v)) {
		out->a[out->n++] = *a;
		return;
	}
	if (a->op == SC_MASKED_EQ && b->op == SC_MASKED_EQ) {
		masked_and(a, b, out);
		return;
	}
	if (a->op == SC_MASKED_EQ || b->op == SC_MASKED_EQ) {
		const struct sc_atom *m = a->op == SC_MASKED_EQ ? a : b, *o = m == a ? b : a;

		masked_and_ivls(m, ia, to_ivls(o, ia), out);
		return;
	}
	na = to_ivls(a, ia);
	nb = to_ivls(b, ib);
	ivls_to_alts(ic, ivls_and(ia, na, ib, nb, ic), out);
}

bool sc_cube_is_any(const struct sc_cube *c)
{
	for (int i = 0; i < SC_NARGS; i++)
		if (c->a[i].op != SC_ANY)
			return false;
	return true;
}

/* Member by member: an atom's padding is never written, so memcmp would read garbage (valgrind saw it). */
static bool cube_eq(const struct sc_cube *x, const struct sc_cube *y)
{
	for (int i = 0; i < SC_NARGS; i++)
		if (x->a[i].op != y->a[i].op || x->a[i].v != y->a[i].v || x->a[i].v2 != y->a[i].v2)
			return false;
	return true;
}

int sc_set_add(struct sc_set *s, const struct sc_cube *cube)
{
	for (size_t i = 0; i < s->n; i++)
		if (cube_eq(&s->c[i], cube))
			return 0;
	if (s->n == SC_MAX_CUBES)
		return -E2BIG;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 4;
		struct sc_cube *c = realloc(s->c, cap * sizeof(*c));

		if (!c)
			return -ENOMEM;
		s->c = c;
		s->cap = cap;
	}
	s->c[s->n++] = *cube;
	return 0;
}

int sc_set_all(struct sc_set *ret)
{
	struct sc_cube any;

	memset(&any, 0, sizeof(any));
	*ret = (struct sc_set){ 0 };
	return sc_set_add(ret, &any);
}

bool sc_set_is_all(const struct sc_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (sc_cube_is_any(&s->c[i]))
			return true;
	return false;
}

void sc_set_free(struct sc_set *s)
{
	free(s->c);
	*s = (struct sc_set){ 0 };
}

/* Every combination of the per-argument alternatives, appended to ret. */
static int add_product(const struct alts *al, struct sc_cube *cur, int arg, struct sc_set *ret)
{
	if (arg == SC_NARGS)
		return sc_set_add(ret, cur);
	for (int i = 0; i < al[arg].n; i++) {
		int r;

		cur->a[arg] = al[arg].a[i];
		r = add_product(al, cur, arg + 1, ret);
		if (r < 0)
			return r;
	}
	return 0;
}

static int cube_and(const struct sc_cube *a, const struct sc_cube *b, struct sc_set *ret)
{
	struct alts al[SC_NARGS];
	struct sc_cube cur;

	for (int i = 0; i < SC_NARGS; i++) {
		atom_and(&a->a[i], &b->a[i], &al[i]);
		if (!al[i].n)
			return 0;
	}
	memset(&cur, 0, sizeof(cur));
	return add_product(al, &cur, 0, ret);
}

/* A set that grew past SC_MAX_CUBES: fewer cubes (under) or everything (over). */
static int overflow(enum sc_dir dir, struct sc_set *ret)
{
	if (dir == SC_EXACT)
		return -ERANGE;
	if (dir == SC_OVER) {
		sc_set_free(ret);
		return sc_set_all(ret);
	}
	return 0;
}

int sc_set_and(const struct sc_set *a, const struct sc_set *b, enum sc_dir dir, struct sc_set *ret)
{
	*ret = (struct sc_set){ 0 };
	for (size_t i = 0; i < a->n; i++)
		for (size_t j = 0; j < b->n; j++) {
			int r = cube_and(&a->c[i], &b->c[j], ret);

			if (r == -E2BIG)
				return overflow(dir, ret);
			if (r < 0) {
				sc_set_free(ret);
				return r;
			}
		}
	return 0;
}

static void atom_not(const struct sc_atom *a, struct alts *out)
{
	static const uint8_t neg[] = {
		[SC_EQ] = SC_NE, [SC_NE] = SC_EQ, [SC_LT] = SC_GE, [SC_LE] = SC_GT, [SC_GE] = SC_LT, [SC_GT] = SC_LE
	};

	out->n = 0;
	if (a->op == SC_ANY)
		return;
	if (masked_false(a)) {
		push(out, SC_ANY, 0, 0);
		return;
	}
	if (a->op != SC_MASKED_EQ) {
		push(out, neg[a->op], a->v, 0);
		return;
	}
	/* (x & m) != v: some bit of m differs from v */
	for (int bit = 0; bit < 64; bit++) {
		uint64_t b = UINT64_C(1) << bit;

		if (a->v & b)
			push(out, SC_MASKED_EQ, b, b & ~a->v2);
	}
}

/* NOT cube: one cube per constrained argument, each the negated comparison. */
static int cube_not(const struct sc_cube *c, struct sc_set *ret)
{
	*ret = (struct sc_set){ 0 };
	for (int i = 0; i < SC_NARGS; i++) {
		struct alts al;

		atom_not(&c->a[i], &al);
		for (int k = 0; k < al.n; k++) {
			struct sc_cube one;
			int r;

			memset(&one, 0, sizeof(one));
			one.a[i] = al.a[k];
			r = sc_set_add(ret, &one);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

int sc_set_not(const struct sc_set *a, enum sc_dir dir, struct sc_set *ret)
{
	struct sc_set acc;
	int r = sc_set_all(&acc);

	for (size_t i = 0; r >= 0 && i < a->n && acc.n; i++) {
		struct sc_set neg = { 0 }, next = { 0 };

		r = cube_not(&a->c[i], &neg);
		if (r >= 0)
			r = sc_set_and(&acc, &neg, dir, &next);
		sc_set_free(&neg);
		sc_set_free(&acc);
		acc = next;
	}
	if (r < 0) {
		sc_set_free(&acc);
		return r;
	}
	*ret = acc;
	return 0;
}

static bool atom_match(const struct sc_atom *a, uint64_t x)
{
	switch (a->op) {
	case SC_NE: return x != a->v;
	case SC_LT: return x < a->v;
	case SC_LE: return x <= a->v;
	case SC_EQ: return x == a->v;
	case SC_GE: return x >= a->v;
	case SC_GT: return x > a->v;
	case SC_MASKED_EQ: return (x & a->v) == a->v2;
	default: return true;
	}
}

bool sc_set_match(const struct sc_set *s, const uint64_t x[SC_NARGS])
{
	for (size_t i = 0; i < s->n; i++) {
		int k = 0;

		while (k < SC_NARGS && atom_match(&s->c[i].a[k], x[k]))
			k++;
		if (k == SC_NARGS)
			return true;
	}
	return false;
}
