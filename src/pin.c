#include "pin.h"

#include "cleanup.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

static bool entered;
static int pin_fd = -1; /* the tmpfs at pin_dir, in clampdown's namespace */
static char pin_dir[PATH_MAX];
static unsigned pinned;

bool pin_entered(void)
{
	return entered;
}

int pin_enter(struct cd_error *err)
{
	if (entered)
		return 0;
	if (unshare(CLONE_NEWNS) < 0)
		return cd_err_sys(err, "cannot make a mount namespace to pin bind sources in");
	entered = true;
	/* host mounts still reach it (and the container, as before); nothing goes back */
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		return cd_err_sys(err, "cannot make clampdown's mount namespace a slave of the host's");
	return 0;
}

/* dir, made if missing, root's alone and reached by no link nor directory others could change. */
static int open_root_dir(const char *dir, struct cd_error *err)
{
	char prefix[PATH_MAX], why[PATH_MAX];
	struct host_obj o;
	int r;

	for (size_t i = 1; dir[i - 1]; i++) {
		if (dir[i] != '/' && dir[i])
			continue;
		snprintf(prefix, sizeof(prefix), "%.*s", (int)i, dir);
		if (mkdir(prefix, 0700) < 0 && errno != EEXIST)
			return cd_err_sys(err, "%s: cannot create", prefix);
	}
	r = host_open(AT_FDCWD, dir, &o, err);
	if (r < 0)
		return r;
	if (!o.path || !S_ISDIR(o.mode) || strcmp(o.path, dir) || o.uid != 0 || (o.mode & 022) ||
	    !host_path_trusted(dir, o.uid, why, sizeof(why)))
		r = cd_err(err, EPERM, "%s: must be a directory of root's alone, below directories of root's (%s)", dir,
			   !o.path || strcmp(o.path, dir) ? (o.path ? o.path : "no path") : why);
	else
		r = steal_fd(&o.fd);
	host_close(&o);
	return r;
}

/* dir with a tmpfs of clampdown's own on it. */
static int open_pin_dir(const char *dir, struct cd_error *err)
{
	char target[48];
	struct statfs sfs;
	int fd = open_root_dir(dir, err);

	if (fd < 0)
		return fd;
	snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
	if (mount("clampdown-pin", target, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700,size=64k") < 0)
		return close(fd), cd_err_sys(err, "%s: cannot mount a tmpfs", dir);
	close(fd);
	fd = open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 && (fstatfs(fd, &sfs) < 0 || sfs.f_type != HOST_TMPFS_MAGIC))
		return close(fd), cd_err(err, EIO, "%s: not the tmpfs just mounted", dir);
	return fd < 0 ? cd_err_sys(err, "%s: cannot open", dir) : fd;
}

int pin_object(const char *dir, const struct host_obj *o, bool recursive, char **ret_path, struct cd_error *err)
{
	char name[16], target[64], source[32];
	int fd;

	*ret_path = NULL;
	if (!entered)
		return cd_err(err, EINVAL, "pinning outside clampdown's mount namespace");
	if (pin_fd < 0) {
		pin_fd = open_pin_dir(dir, err);
		if (pin_fd < 0)
			return pin_fd;
		snprintf(pin_dir, sizeof(pin_dir), "%s", dir);
	}
	if (strcmp(dir, pin_dir))
		return cd_err(err, EINVAL, "%s: clampdown pins at %s already", dir, pin_dir);
	snprintf(name, sizeof(name), "%u", pinned++);
	/* a directory onto a directory, anything else onto a file */
	if (S_ISDIR(o->mode)
		? mkdirat(pin_fd, name, 0700) < 0
		: (fd = openat(pin_fd, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600)) < 0 || close(fd) < 0)
		return cd_err_sys(err, "%s/%s: cannot create", dir, name);
	snprintf(source, sizeof(source), "/proc/self/fd/%d", o->fd);
	snprintf(target, sizeof(target), "/proc/self/fd/%d/%s", pin_fd, name);
	if (mount(source, target, NULL, MS_BIND | (recursive ? MS_REC : 0), NULL) < 0)
		return cd_err_sys(err, "%s: cannot pin it at %s/%s", o->path, dir, name);
	if (asprintf(ret_path, "%s/%s", dir, name) < 0)
		return *ret_path = NULL, cd_err(err, ENOMEM, "out of memory");
	return 0;
}
