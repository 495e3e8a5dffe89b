#include "hostfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "fsutil.h"
#include "mounts.h"
#include "pathutil.h"

/*
 * Kernel filesystems: what a bind of one gives a container is the host's
 * kernel, not files. None is ever a legitimate bind source; the container's
 * own proc, sysfs, cgroup, devpts and mqueue are new mounts of their type.
 */
static const struct kernel_fs {
	long magic;
	const char *name;
	/* why: */
} kernel_fs[] = {
	{ 0x9fa0, "proc" },		/* every host process, host sysctls, kcore, sysrq-trigger */
	{ 0x62656572, "sysfs" },	/* host devices and kernel knobs */
	{ 0x27e0eb, "cgroup" },		/* other workloads' limits */
	{ 0x63677270, "cgroup2" },	/* the same, unified */
	{ 0x64626720, "debugfs" },	/* kernel internals, writable */
	{ 0x74726163, "tracefs" },	/* kernel tracing: reads any process, kprobes */
	{ 0x73636673, "securityfs" },	/* LSM policy loading (AppArmor, IMA) */
	{ 0xf97cff8c, "selinuxfs" },	/* SELinux policy */
	{ 0x43415d53, "smackfs" },	/* Smack policy */
	{ 0xcafe4a11, "bpf" },		/* pinned BPF programs and maps */
	{ 0x62656570, "configfs" },	/* kernel objects (nvmet, USB gadgets) */
	{ 0xde5e81e4, "efivarfs" },	/* firmware variables: can brick the machine */
	{ 0x6165676c, "pstore" },	/* crash records */
	{ 0x6e736673, "nsfs" },		/* namespace files: setns into the host's */
	{ 0x50494446, "pidfs" },	/* pidfds of host processes */
	{ 0x42494e4d, "binfmt_misc" },	/* registering an interpreter runs code on the host */
	{ 0x65735543, "fusectl" },	/* aborting other users' FUSE mounts */
	{ 0x1cd1, "devpts" },		/* the host's terminals */
	{ 0x19800202, "mqueue" },	/* the host IPC namespace's message queues */
	{ 0x0187, "autofs" },		/* automount triggers act in the host's mount namespace */
	{ 0x67596969, "rpc_pipefs" },	/* NFS client upcalls */
	{ 0x6e667364, "nfsd" },		/* NFS server control */
	{ 0x6c6f6f70, "binder" },	/* binder devices */
	{ 0xabba1974, "xenfs" },	/* hypervisor control */
	{ 0x50495045, "pipefs" },	/* a host process's pipe, through /proc/<pid>/fd */
	{ 0x534f434b, "sockfs" },	/* a host process's socket, the same way */
	{ 0x09041934, "anon_inodefs" }, /* its eventfds, epoll, timers */
};

const char *host_kernel_fs(long f_type)
{
	for (size_t i = 0; i < sizeof(kernel_fs) / sizeof(kernel_fs[0]); i++)
		if (kernel_fs[i].magic == f_type)
			return kernel_fs[i].name;
	return NULL;
}

bool host_kernel_fs_named(const char *fstype)
{
	if (!strcmp(fstype, "devtmpfs")) /* the host's /dev: one superblock, tmpfs's magic */
		return true;
	for (size_t i = 0; i < sizeof(kernel_fs) / sizeof(kernel_fs[0]); i++)
		if (!strcmp(kernel_fs[i].name, fstype))
			return true;
	return false;
}

/* The path of an open fd as the kernel records it; unreachable or deleted objects have none. */
static char *fd_path(int fd)
{
	char link[32], *buf = malloc(4096);
	ssize_t n;

	if (!buf)
		return NULL;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, 4095);
	if (n <= 0 || buf[0] != '/' || n == 4095)
		return free(buf), NULL;
	buf[n] = '\0';
	return buf;
}

/* An absolute path with no link on the way is where it leads (cleaned): no need to ask the kernel. */
static int open_unlinked(const char *path, char **ret_path)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS };
	char clean[4096];
	int fd;

	*ret_path = NULL;
	if (path[0] != '/' || path_clean_abs(path, clean, sizeof(clean)) < 0)
		return -EINVAL;
	fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
	if (fd < 0)
		return -errno;
	*ret_path = strdup(clean);
	if (!*ret_path)
		return close(fd), -ENOMEM;
	return fd;
}

/*
 * The path the kernel records for an object reached through a link, if it
 * leads back to it here: one in another mount namespace (/proc/<pid>/root/...)
 * or covered by a mount since (/proc/<pid>/cwd) names something else here.
 */
static char *path_back(struct host_obj *o, const struct statx *stx)
{
	char *p = fd_path(o->fd);
	struct statx back;

	if (p && (statx(AT_FDCWD, p, AT_SYMLINK_NOFOLLOW, HOST_STATX_MASK, &back) < 0 || back.stx_ino != stx->stx_ino ||
		  back.stx_dev_major != stx->stx_dev_major || back.stx_dev_minor != stx->stx_dev_minor ||
		  back.stx_mnt_id != stx->stx_mnt_id)) {
		o->elsewhere = true;
		free(p);
		p = NULL;
	}
	return p;
}

int host_open(int dirfd, const char *path, struct host_obj *ret, struct cd_error *err)
{
	struct statx stx;
	struct statfs sfs;
	char *known = NULL;

	*ret = (struct host_obj){ .fd = -1 };
	ret->fd = dirfd == AT_FDCWD ? open_unlinked(path, &known) : -EINVAL;
	if (ret->fd == -ENOENT || ret->fd == -ENOTDIR || ret->fd == -EACCES)
		return cd_err(err, -ret->fd, "%s: cannot open: %s", path, strerror(-ret->fd));
	if (ret->fd < 0)
		ret->fd = openat(dirfd, path, O_PATH | O_CLOEXEC);
	if (ret->fd < 0)
		return cd_err_sys(err, "%s: cannot open", path);
	ret->path = known;
	if (statx(ret->fd, "", AT_EMPTY_PATH, HOST_STATX_MASK, &stx) < 0 || fstatfs(ret->fd, &sfs) < 0)
		return host_close(ret), cd_err_sys(err, "%s: cannot stat", path);
	if (!(stx.stx_mask & (STATX_MNT_ID | MOUNTS_STATX_UNIQUE)))
		return host_close(ret), cd_err(err, ENOSYS, "%s: the kernel does not tell its mount (statx)", path);
	ret->mnt_id = stx.stx_mnt_id;
	ret->mnt_unique = stx.stx_mask & MOUNTS_STATX_UNIQUE;
	ret->nlink = stx.stx_nlink;
	ret->mount_root =
	    (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) && (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
	ret->major = stx.stx_dev_major;
	ret->minor = stx.stx_dev_minor;
	ret->ino = stx.stx_ino;
	ret->mode = stx.stx_mode;
	ret->uid = stx.stx_uid;
	ret->fstype = (long)sfs.f_type;
	if (!ret->path)
		ret->path = path_back(ret, &stx);
	return 0;
}

void host_close(struct host_obj *o)
{
	if (o->fd >= 0)
		close(o->fd);
	free(o->path);
	*o = (struct host_obj){ .fd = -1 };
}

bool host_dir_safe(uint32_t uid, uint32_t mode, bool *sticky)
{
	*sticky = (mode & 022) != 0;
	return S_ISDIR(mode) && uid == 0 && (!*sticky || (mode & S_ISVTX));
}

bool host_path_trusted(const char *path, uint32_t uid, char *why, size_t why_cap)
{
	size_t len = strlen(path);
	bool sticky = false;
	char dir[4096];

	if (path[0] != '/' || len >= sizeof(dir))
		return snprintf(why, why_cap, "%s", path), false;
	/* each directory above the last component: "/", "/a", "/a/b" */
	for (size_t i = 0; i + 1 < len; i++) {
		size_t n = i ? i : 1;
		struct stat st;

		if (path[i] != '/')
			continue;
		memcpy(dir, path, n);
		dir[n] = '\0';
		if (fstatat(AT_FDCWD, dir, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !host_dir_safe(st.st_uid, st.st_mode, &sticky))
			return snprintf(why, why_cap, "%s", dir), false;
	}
	/* in a sticky directory others may not rename or replace an entry that is root's */
	if (sticky && uid != 0)
		return snprintf(why, why_cap, "%s", path), false;
	return true;
}
