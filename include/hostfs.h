/*
 * Host objects as the kernel finds them. A bind source or a root.path is
 * opened once (following links, as mount(2) does) and judged by what was
 * opened: its identity (device, inode), its filesystem (statfs f_type), its
 * mount (statx mount id) and its place, the path from its filesystem's root
 * (an alias of / made with a bind mount has the place of /, whatever its
 * name): see mounts.h.
 */
#ifndef CLAMPDOWN_HOSTFS_H
#define CLAMPDOWN_HOSTFS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

/* statfs magics clampdown tells apart by itself (the kernel filesystems are in hostfs.c's table) */
#define HOST_TMPFS_MAGIC   0x01021994
#define HOST_PROC_MAGIC	   0x9fa0
#define HOST_NSFS_MAGIC	   0x6e736673
#define HOST_CGROUP2_MAGIC 0x63677270

struct host_obj {
	int fd;		 /* O_PATH|O_CLOEXEC; -1 when closed */
	uint64_t mnt_id; /* statx's unique mount id where the kernel has them (mounts.h), else the old one */
	bool mnt_unique;
	uint32_t major, minor; /* the superblock's device */
	uint64_t ino;
	uint32_t mode, uid, nlink;
	bool mount_root; /* the root of its mount */
	long fstype;	 /* statfs f_type */
	char *path;	 /* where it is in this mount namespace, no links; NULL if no path leads to it here */
	bool elsewhere;	 /* it has a path, but that path leads elsewhere here (another namespace's, or covered) */
};

/*
 * Open dirfd/path (AT_FDCWD: the current directory) as mount(2) would find
 * it. -ENOENT and friends come back with a message naming path. An
 * absolute path without links is its own path; others are asked of the fd.
 */
int host_open(int dirfd, const char *path, struct host_obj *ret, struct cd_error *err)
    __attribute__((nonnull(2, 3, 4), warn_unused_result));
void host_close(struct host_obj *o);

/* The kernel filesystem the object is on ("proc", "sysfs", ...), or NULL: see hostfs.c for the list and why. */
const char *host_kernel_fs(long f_type);
/* The same by mountinfo's type name (devtmpfs has tmpfs's magic: only its name tells). */
bool host_kernel_fs_named(const char *fstype) __attribute__((nonnull));

/*
 * Whether nobody but root can change what path (absolute, without links)
 * leads to: every directory above its last component is root's and writable
 * by no one else, or sticky with a root-owned entry below (uid: the
 * object's owner). Otherwise a renamed directory or a link put in its place
 * is followed by the runtime. why names the first directory that breaks it.
 */
bool host_path_trusted(const char *path, uint32_t uid, char *why, size_t why_cap) __attribute__((nonnull));

/*
 * One directory on such a path: root's, and writable by nobody else unless
 * sticky (*sticky then says the entry below it must be root's).
 */
bool host_dir_safe(uint32_t uid, uint32_t mode, bool *sticky) __attribute__((nonnull));

#endif
