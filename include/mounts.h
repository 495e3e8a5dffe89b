/*
 * The mount table, as far as clampdown needs it: one mount's filesystem,
 * root and mount point (for places), and the mounts below a directory (what
 * a recursive bind takes along). Asked of the kernel with statmount(2) and
 * listmount(2) where it has them (Linux 6.8: a few syscalls, whatever the
 * size of the table), else read from /proc/self/mountinfo once (a node with
 * hundreds of containers has thousands of lines).
 */
#ifndef CLAMPDOWN_MOUNTS_H
#define CLAMPDOWN_MOUNTS_H

#include <stdbool.h>
#include <stdint.h>

#include <stddef.h>

#include "error.h"

/* statx's 64-bit mount id that statmount and listmount take (Linux 6.8). */
#define MOUNTS_STATX_UNIQUE 0x4000u
/* What host objects are statted for: the unique mount id where there is one, else the old one. */
#define HOST_STATX_MASK \
	(STATX_TYPE | STATX_MODE | STATX_UID | STATX_INO | STATX_NLINK | STATX_MNT_ID | MOUNTS_STATX_UNIQUE)

/* One mount (strings unescaped, owned by the table or the caller's buffer). */
struct mnt_ent {
	uint64_t id, parent;
	uint32_t major, minor;
	const char *root;   /* the place of the mount's root in its filesystem */
	const char *point;  /* where it is mounted */
	const char *fstype; /* "ext4", "proc", ... */
};

struct mnt_table {
	size_t n;
	struct mnt_ent *v;
	char *buf;
};

/* Parse a mountinfo text (modified in place, owned by the table from then on). */
int mnt_table_parse(char *text, struct mnt_table *ret, struct cd_error *err)
    __attribute__((nonnull, warn_unused_result));
int mnt_table_read(struct mnt_table *ret, struct cd_error *err) __attribute__((nonnull, warn_unused_result));
void mnt_table_free(struct mnt_table *t);
const struct mnt_ent *mnt_table_find(const struct mnt_table *t, uint64_t id) __attribute__((nonnull));

/*
 * A place: "major:minor:" and the path from that filesystem's root, for a
 * path at or below the mount point of m (malloc'd); -ENOENT when not below.
 */
int mnt_place_of(const struct mnt_ent *m, const char *path, char **ret_place) __attribute__((nonnull));

/* The mount table of this process: statmount where ids are unique ones, else mountinfo, read once. */
struct mounts {
	struct mnt_table info;
	bool info_read;
};

/* Entries found for a caller; valid while its struct mounts is. */
struct mnt_list {
	size_t n;
	struct mnt_ent *v;
	size_t nbufs;
	void **bufs;
};

void mnt_list_free(struct mnt_list *l);

/* Mount id, as statx gave it (unique: statx's unique id, else the old one). */
int mounts_get(struct mounts *m, uint64_t id, bool unique, struct mnt_list *ret, struct cd_error *err)
    __attribute__((nonnull, warn_unused_result));

/* The mounts strictly below path, which is on mount id (its root when mount_root): nested ones too. */
int mounts_below(struct mounts *m, uint64_t id, bool unique, bool mount_root, const char *path, struct mnt_list *ret,
		 struct cd_error *err) __attribute__((nonnull, warn_unused_result));

void mounts_free(struct mounts *m);

#endif
