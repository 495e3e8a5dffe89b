/*
 * Seccomp merges already made and checked, so a container start does not
 * parse the node's profile, intersect and compile again. An entry is kept
 * under cache_dir in a file named by a hash of the merge's inputs and holds
 * those inputs whole: a hit must match them byte for byte, so a hash
 * collision is a miss, never another container's filter. Only merges that
 * libseccomp compiled are stored. Anything unexpected in the cache (owner,
 * mode, type, size, contents) is a miss: the merge is simply made again.
 * At most 256 entries are kept; the oldest is removed to make room.
 */
#ifndef CLAMPDOWN_SC_CACHE_H
#define CLAMPDOWN_SC_CACHE_H

#include <jansson.h>
#include <stddef.h>

/* The entry stored for key (klen bytes), or NULL. dir may be NULL (no cache). */
json_t *sc_cache_get(const char *dir, const char *key, size_t klen);

/* Best effort, atomic (temp file and rename): a cache that cannot be written costs time, not correctness. */
void sc_cache_put(const char *dir, const char *key, size_t klen, const json_t *entry) __attribute__((nonnull(4)));

#endif
