/*
 * What a host object is to a profile's list of sensitive paths. The list
 * is resolved once per container, on first use: each path's identity,
 * mount and place on this host. An object is sensitive when it is one of
 * them (same inode: a hard link or an alias), lies under one (by its path,
 * or by its place when it is reached through another mount of the same
 * filesystem), or holds one; when it is on a kernel filesystem; or on the
 * host's /dev. "/" is sensitive only as itself and as what holds it.
 */
#ifndef CLAMPDOWN_HOST_JUDGE_H
#define CLAMPDOWN_HOST_JUDGE_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "hostfs.h"
#include "jget.h"

struct host_judge;

/* A judge for the sensitive paths (kept, not copied); NULL when out of memory. */
struct host_judge *host_judge_new(const struct jpaths *sensitive);
void host_judge_free(struct host_judge *j);

struct host_verdict {
	bool bad;	     /* must not reach a container */
	char why[512];	     /* "is /etc", "holds /etc (through another mount of its filesystem)", ... */
	bool trusted;	     /* nobody but root can change what its path leads to (host_dir_safe) */
	char untrusted[512]; /* else the first directory on the way that others can change */
};

/* root.path: a filesystem mounted below a sensitive path is its own (the engine's rootfs), not the path's */
#define HOST_JUDGE_OWN_FS 1u

/* What o is to the sensitive paths, and whether its path can be trusted (one walk down it). */
int host_judge_object(struct host_judge *j, const struct host_obj *o, unsigned flags, struct host_verdict *ret,
		      struct cd_error *err) __attribute__((nonnull, warn_unused_result));

/* The same for a path that could not be opened (clampctl on another machine): by its cleaned spelling only. */
bool host_judge_spelled(struct host_judge *j, const char *path, char *why, size_t cap) __attribute__((nonnull));

/*
 * The mounts below the directory o (what a recursive bind of it takes
 * along): *ret_n of them; *ret_bad when one must not reach a container,
 * named in why. Judged by the mount table alone: a FUSE mount whose server
 * does not answer cannot stall it.
 */
int host_judge_below(struct host_judge *j, const struct host_obj *o, size_t *ret_n, bool *ret_bad, char *why,
		     size_t cap, struct cd_error *err) __attribute__((nonnull, warn_unused_result));

#endif
