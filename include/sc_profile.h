/*
 * Seccomp profiles as clampdown reasons about them: the OCI linux.seccomp
 * format, and Docker's format (archMap, includes/excludes, comments) rendered
 * against the container's capabilities, architecture and kernel.
 */
#ifndef CLAMPDOWN_SC_PROFILE_H
#define CLAMPDOWN_SC_PROFILE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "jget.h"
#include "sc_cond.h"

/* In the kernel's order of precedence: a later kind wins over an earlier one. */
enum sc_kind { SC_ALLOW, SC_LOG, SC_TRACE, SC_NOTIFY, SC_ERRNO, SC_TRAP, SC_KILL_THREAD, SC_KILL_PROCESS };

struct sc_action {
	uint8_t kind;
	uint8_t spelling; /* index into the action names, to write back what was read */
	bool has_ret;
	uint32_t ret; /* errno for ERRNO, data for TRACE */
};

struct sc_rule {
	struct sc_action act;
	bool cond; /* false: applies whatever the arguments */
	struct sc_cube cube;
	int src; /* index in the source's syscalls array, for errors */
};

struct sc_call {
	char name[64];
	struct sc_rule *r;
	size_t n, cap;
};

struct sc_profile {
	struct sc_action def;
	uint32_t arches; /* bits of sc_arch_*; 0: the native one only */
	uint32_t flags;	 /* bits of the flag names */
	json_t *listener_path, *listener_meta;
	struct sc_call *calls; /* sorted by name */
	size_t ncalls, cap;
};

/* What Docker-format conditions are rendered against. */
struct sc_render {
	const json_t *caps;  /* the bounding set ("CAP_X" strings); NULL: none */
	const char *goarch;  /* "amd64", matched against includes/excludes arches */
	const char *machine; /* "x86_64", accepted there as well */
	int kernel[3];	     /* running kernel, for minKernel */
	json_t *warnings;    /* names libseccomp does not know are reported here */
};

enum sc_source {
	SC_SRC_CONTAINER, /* config.json: OCI keys only, names passed on as they are */
	SC_SRC_NODE,	  /* a node profile: OCI or Docker format, names checked */
};

int sc_profile_parse(const json_t *obj, enum sc_source src, const struct sc_render *rd, const struct jpath *at,
		     struct sc_profile *ret, struct cd_error *err)
    __attribute__((nonnull(4, 5, 6), warn_unused_result));

/* The profile in OCI format (NULL on allocation failure). */
json_t *sc_profile_to_json(const struct sc_profile *p) __attribute__((nonnull));

/*
 * A profile that denies whatever a or b denies: per syscall and argument
 * values the stricter action. native is the arch bit always in a filter.
 * Where a rule cannot be written exactly the result errs toward denying,
 * and says so in warnings.
 */
int sc_profile_intersect(const struct sc_profile *a, const struct sc_profile *b, uint32_t native, json_t *warnings,
			 struct sc_profile *ret, struct cd_error *err)
    __attribute__((nonnull(1, 2, 5, 6), warn_unused_result));

/* A default action that lets unknown syscalls run (ALLOW, LOG). */
bool sc_profile_unconfined(const struct sc_profile *p) __attribute__((nonnull));

const struct sc_call *sc_profile_find(const struct sc_profile *p, const char *name) __attribute__((nonnull));

int sc_profile_add_rule(struct sc_profile *p, const char *name, const struct sc_rule *rule)
    __attribute__((nonnull, warn_unused_result));

/* The action of a kind, in its first spelling (errno 1 where it takes one). */
struct sc_action sc_action_of(uint8_t kind);

bool sc_action_eq(const struct sc_action *a, const struct sc_action *b) __attribute__((nonnull));
const char *sc_action_name(const struct sc_action *a) __attribute__((nonnull));
const char *sc_op_name(int op);

#define SC_NFLAGS 4
const char *sc_flag_name(int i);

void sc_profile_free(struct sc_profile *p);

#endif
