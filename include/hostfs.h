/*
 * Host objects as the kernel finds them. A bind source or a root.path is
 * opened once (following links, as mount(2) does) and judged by what was
 * opened: its identity (device, inode), its filesystem (statfs f_type), its
 * mount (statx mount id) and its place, the path from its filesystem's root
 * (an alias of / made with a bind mount has the place of /, whatever its
 * name). Places need /proc/self/mountinfo, read only when asked.
 */
#ifndef CLAMPDOWN_HOSTFS_H
#define CLAMPDOWN_HOSTFS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

struct host_obj {
	int fd; /* O_PATH|O_CLOEXEC; -1 when closed */
	uint64_t mnt_id;
	uint32_t major, minor; /* the superblock's device */
	uint64_t ino;
	uint32_t mode, uid;
	long fstype; /* statfs f_type */
	char *path;  /* where it is in this mount namespace, no links; NULL if nowhere (a deleted file, an nsfs inode) */
};

/*
 * Open dirfd/path (AT_FDCWD: the current directory) as mount(2) would find
 * it. -ENOENT and friends come back with a message naming path.
 */
int host_open(int dirfd, const char *path, struct host_obj *ret, struct cd_error *err)
    __attribute__((nonnull(2, 3, 4), warn_unused_result));
void host_close(struct host_obj *o);

/* The kernel filesystem the object is on ("proc", "sysfs", ...), or NULL: see hostfs.c for the list and why. */
const char *host_kernel_fs(long f_type);
/* The same by mountinfo's type name (devtmpfs has tmpfs's magic: only its name tells). */
bool host_kernel_fs_named(const char *fstype) __attribute__((nonnull));

/* The same object (device and inode). */
bool host_same(const struct host_obj *a, const struct host_obj *b) __attribute__((nonnull));

/*
 * Whether nobody but root can change what path (absolute, without links)
 * leads to: every directory above its last component is root's and writable
 * by no one else, or sticky with a root-owned entry below (uid: the
 * object's owner). Otherwise a renamed directory or a link put in its place
 * is followed by the runtime. why names the first directory that breaks it.
 */
bool host_path_trusted(const char *path, uint32_t uid, char *why, size_t why_cap) __attribute__((nonnull));

/* One line of /proc/self/mountinfo (strings unescaped, in the table's buffer). */
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

int mnt_table_read(struct mnt_table *ret, struct cd_error *err) __attribute__((nonnull, warn_unused_result));
/* Parse a mountinfo text (modified in place, owned by the table from then on). */
int mnt_table_parse(char *text, struct mnt_table *ret, struct cd_error *err)
    __attribute__((nonnull, warn_unused_result));
void mnt_table_free(struct mnt_table *t);
const struct mnt_ent *mnt_table_find(const struct mnt_table *t, uint64_t id) __attribute__((nonnull));

/*
 * The object's place: its filesystem (major:minor) and the path from that
 * filesystem's root, as a malloc'd string. -ENOENT when its mount is not
 * in the table or its path is not below the mount point.
 */
int mnt_place(const struct mnt_table *t, const struct host_obj *o, char **ret_place) __attribute__((nonnull));

/* The same from a table entry and a path at or below its mount point. */
int mnt_place_of(const struct mnt_ent *m, const char *path, char **ret_place) __attribute__((nonnull));

#endif
