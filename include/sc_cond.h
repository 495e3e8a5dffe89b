/*
 * Seccomp argument conditions as sets: a cube is a conjunction with at most
 * one comparison per argument (all libseccomp accepts in one rule), a set is
 * a disjunction of cubes. Intersections and complements that a single
 * comparison per argument cannot express exactly are approximated in the
 * direction the caller asks for, so a merged filter is never weaker.
 */
#ifndef CLAMPDOWN_SC_COND_H
#define CLAMPDOWN_SC_COND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SC_NARGS     6
#define SC_MAX_CUBES 1024

/* libseccomp's scmp_compare values; 0 = argument unconstrained. */
enum sc_op { SC_ANY = 0, SC_NE, SC_LT, SC_LE, SC_EQ, SC_GE, SC_GT, SC_MASKED_EQ };

/* Approximation allowed when an exact result cannot be written down. */
enum sc_dir { SC_EXACT, SC_UNDER, SC_OVER };

struct sc_atom {
	uint8_t op;
	uint64_t v, v2; /* MASKED_EQ: (arg & v) == v2 */
};

struct sc_cube {
	struct sc_atom a[SC_NARGS];
};

struct sc_set {
	struct sc_cube *c;
	size_t n, cap;
};

/* Append a copy of cube (duplicates are skipped). -ENOMEM, -E2BIG past SC_MAX_CUBES. */
int sc_set_add(struct sc_set *s, const struct sc_cube *cube) __attribute__((nonnull, warn_unused_result));

/* The set of every argument vector. */
int sc_set_all(struct sc_set *ret) __attribute__((nonnull, warn_unused_result));

bool sc_set_is_all(const struct sc_set *s) __attribute__((nonnull));
bool sc_cube_is_any(const struct sc_cube *c) __attribute__((nonnull));

/* ret = a AND b. -ERANGE when dir is SC_EXACT and the result is not expressible. */
int sc_set_and(const struct sc_set *a, const struct sc_set *b, enum sc_dir dir, struct sc_set *ret)
    __attribute__((nonnull, warn_unused_result));

/* ret = NOT a. */
int sc_set_not(const struct sc_set *a, enum sc_dir dir, struct sc_set *ret)
    __attribute__((nonnull, warn_unused_result));

/* Does value vector x satisfy the set (for tests)? */
bool sc_set_match(const struct sc_set *s, const uint64_t x[SC_NARGS]) __attribute__((nonnull));

void sc_set_free(struct sc_set *s);

#endif
