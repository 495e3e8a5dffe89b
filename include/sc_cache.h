/*
 * Seccomp merges already made and checked, so a container start does not
 * parse the node's profile, intersect and compile again. An entry is kept
 * under cache_dir in a file named by a hash of the merge's inputs and holds
 * those inputs whole: a hit must match them byte for byte, so a hash
 * collision is a miss, never another container's filter. Only merges that
 * libseccomp compiled are stored. Anything unexpected in the cache (owner,
 * mode, type, size, contents) is a miss: the merge is simply made again.
 * An entry also keeps the BPF crun would build from the merged profile. At
 * most 256 entries are kept; the oldest is removed to make room.
 */
#ifndef CLAMPDOWN_SC_CACHE_H
#define CLAMPDOWN_SC_CACHE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* An entry: what the merge decided, and the profile config.json gets as the text it is written as. */
struct sc_cache_entry {
	json_t *meta;	 /* {"container", "result", "unconfined", "warnings"} */
	const char *out; /* JSON text of an object, out_len bytes, inside buf */
	size_t out_len;
	char *buf;
};

/*
 * The entry stored for key (klen bytes): true and *e filled, or false. dir
 * may be NULL (no cache). The profile is not parsed: config.json gets its
 * text as it was written, checked against the checksum stored with it.
 */
bool sc_cache_get(const char *dir, const char *key, size_t klen, struct sc_cache_entry *e) __attribute__((nonnull(4)));

void sc_cache_entry_free(struct sc_cache_entry *e);

/* Best effort, atomic (temp file and rename): a cache that cannot be written costs time, not correctness. */
void sc_cache_put(const char *dir, const char *key, size_t klen, const json_t *meta, const char *out, size_t out_len)
    __attribute__((nonnull(4, 5)));

#endif
