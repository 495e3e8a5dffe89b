/*
 * Filters libseccomp has already compiled, remembered as empty stamp files
 * named by a hash of the filter's text, so an unchanged filter is compiled
 * once per boot rather than on every container start. A hit only skips
 * clampdown's own check: the runtime still compiles what it loads.
 */
#ifndef CLAMPDOWN_SC_CACHE_H
#define CLAMPDOWN_SC_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sc_profile.h"

/* A hash of the filter as libseccomp would build it, and of libseccomp's version. */
uint64_t sc_cache_key(const struct sc_profile *p) __attribute__((nonnull));

/* dir may be NULL (no cache). */
bool sc_cache_hit(const char *dir, uint64_t key);

/* Best effort: a cache that cannot be written costs time, not correctness. */
void sc_cache_store(const char *dir, uint64_t key);

#endif
