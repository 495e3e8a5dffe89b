#include "hostfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "fsutil.h"

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

int host_open(int dirfd, const char *path, struct host_obj *ret, struct cd_error *err)
{
	struct statx stx;
	struct statfs sfs;

	*ret = (struct host_obj){ .fd = -1 };
	ret->fd = openat(dirfd, path, O_PATH | O_CLOEXEC);
	if (ret->fd < 0)
		return cd_err_sys(err, "%s: cannot open", path);
	if (statx(ret->fd, "", AT_EMPTY_PATH, STATX_TYPE | STATX_MODE | STATX_UID | STATX_INO | STATX_MNT_ID, &stx) <
		0 ||
	    fstatfs(ret->fd, &sfs) < 0)
		return host_close(ret), cd_err_sys(err, "%s: cannot stat", path);
	if (!(stx.stx_mask & STATX_MNT_ID))
		return host_close(ret), cd_err(err, ENOSYS, "%s: the kernel does not tell its mount (statx)", path);
	ret->mnt_id = stx.stx_mnt_id;
	ret->major = stx.stx_dev_major;
	ret->minor = stx.stx_dev_minor;
	ret->ino = stx.stx_ino;
	ret->mode = stx.stx_mode;
	ret->uid = stx.stx_uid;
	ret->fstype = (long)sfs.f_type;
	ret->path = fd_path(ret->fd); /* NULL: a kernel object or a deleted file, reachable by no path */
	return 0;
}

void host_close(struct host_obj *o)
{
	if (o->fd >= 0)
		close(o->fd);
	free(o->path);
	*o = (struct host_obj){ .fd = -1 };
}

bool host_same(const struct host_obj *a, const struct host_obj *b)
{
	return a->major == b->major && a->minor == b->minor && a->ino == b->ino;
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
		if (fstatat(AT_FDCWD, dir, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != 0 ||
		    ((st.st_mode & 022) && !(st.st_mode & S_ISVTX)))
			return snprintf(why, why_cap, "%s", dir), false;
		sticky = (st.st_mode & 022) != 0;
	}
	/* in a sticky directory others may not rename or replace an entry that is root's */
	if (sticky && uid != 0)
		return snprintf(why, why_cap, "%s", path), false;
	return true;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo */
static void unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' &&
		    s[3] <= '7') {
			*w++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

/* "36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw" */
static int parse_line(char *line, struct mnt_ent *m)
{
	char *f[7], *save = NULL, *sep;
	unsigned long long id, parent;
	unsigned maj, min;
	int i = 0;

	sep = strstr(line, " - ");
	if (!sep)
		return -EINVAL;
	*sep = '\0';
	for (char *t = strtok_r(line, " ", &save); t && i < 5; t = strtok_r(NULL, " ", &save))
		f[i++] = t;
	if (i < 5 || sscanf(f[0], "%llu", &id) != 1 || sscanf(f[1], "%llu", &parent) != 1 ||
	    sscanf(f[2], "%u:%u", &maj, &min) != 2)
		return -EINVAL;
	save = NULL;
	f[5] = strtok_r(sep + 3, " ", &save);
	if (!f[5])
		return -EINVAL;
	unescape(f[3]);
	unescape(f[4]);
	*m = (struct mnt_ent){
		.id = id, .parent = parent, .major = maj, .minor = min, .root = f[3], .point = f[4], .fstype = f[5]
	};
	return 0;
}

int mnt_table_parse(char *text, struct mnt_table *ret, struct cd_error *err)
{
	size_t lines = 0, n = 0;
	char *save = NULL;

	*ret = (struct mnt_table){ .buf = text };
	for (const char *p = text; *p; p++)
		lines += *p == '\n';
	ret->v = calloc(lines + 1, sizeof(*ret->v));
	if (!ret->v)
		return mnt_table_free(ret), cd_err(err, ENOMEM, "out of memory");
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (n > lines || parse_line(l, &ret->v[n]) < 0)
			return mnt_table_free(ret),
			       cd_err(err, EINVAL, "/proc/self/mountinfo: line %zu unreadable", n + 1);
		n++;
	}
	ret->n = n;
	return 0;
}

int mnt_table_read(struct mnt_table *ret, struct cd_error *err)
{
	cleanup_close int fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	char *text = NULL;
	size_t len = 0;
	int r;

	*ret = (struct mnt_table){ 0 };
	if (fd < 0)
		return cd_err_sys(err, "/proc/self/mountinfo: cannot open");
	r = fs_read_fd(fd, "/proc/self/mountinfo", 16u << 20, &text, &len, err);
	return r < 0 ? r : mnt_table_parse(text, ret, err);
}

void mnt_table_free(struct mnt_table *t)
{
	free(t->v);
	free(t->buf);
	*t = (struct mnt_table){ 0 };
}

const struct mnt_ent *mnt_table_find(const struct mnt_table *t, uint64_t id)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].id == id)
			return &t->v[i];
	return NULL;
}

int mnt_place_of(const struct mnt_ent *m, const char *path, char **ret_place)
{
	size_t pl = strcmp(m->point, "/") ? strlen(m->point) : 0;
	const char *rest = path + pl;
	const char *root = strcmp(m->root, "/") ? m->root : "";

	*ret_place = NULL;
	if (strncmp(path, m->point, pl) || (*rest != '/' && *rest != '\0'))
		return -ENOENT;
	/* "maj:min:" and the path from the filesystem's root: the mount's root, then the rest */
	if (asprintf(ret_place, "%u:%u:%s%s", m->major, m->minor, root, *root || *rest ? rest : "/") < 0)
		return *ret_place = NULL, -ENOMEM;
	return 0;
}

int mnt_place(const struct mnt_table *t, const struct host_obj *o, char **ret_place)
{
	const struct mnt_ent *m = mnt_table_find(t, o->mnt_id);

	*ret_place = NULL;
	return m ? mnt_place_of(m, o->path, ret_place) : -ENOENT;
}
