#include "fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"

/*
 * A regular file from offset 0. A read shorter than asked is its end, so
 * asking one byte more than its size needs one read, not a second for EOF
 * (a short read on a strange filesystem ends it early: a size mismatch,
 * refused).
 */
static int read_all(int fd, char *buf, size_t cap, size_t *ret_len)
{
	size_t n = 0;

	while (n < cap) {
		size_t want = cap - n;
		ssize_t k = pread(fd, buf + n, want, (off_t)n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		n += (size_t)k;
		if ((size_t)k < want)
			break;
	}
	*ret_len = n;
	return 0;
}

int fs_open_at(int dirfd, const char *name, bool nofollow, size_t max, struct stat *ret_st, struct cd_error *err)
{
	int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (nofollow ? O_NOFOLLOW : 0);
	cleanup_close int fd = openat(dirfd, name, flags);

	if (fd < 0 && errno == ELOOP && nofollow)
		return cd_err(err, ELOOP, "%s: is a symbolic link; clampdown does not follow it", name);
	if (fd < 0)
		return cd_err_sys(err, "%s: cannot open", name);
	if (fstat(fd, ret_st) < 0)
		return cd_err_sys(err, "%s: cannot stat", name);
	if (!S_ISREG(ret_st->st_mode))
		return cd_err(err, EINVAL, "%s: not a regular file", name);
	if ((size_t)ret_st->st_size > max)
		return cd_err(err, EFBIG, "%s: %lld bytes, more than the %zu clampdown reads", name,
			      (long long)ret_st->st_size, max);
	return steal_fd(&fd);
}

int fs_read_opened(int fd, const char *name, const struct stat *st, char **ret, size_t *ret_len, struct cd_error *err)
{
	cleanup_free char *buf = NULL;
	size_t n = 0;
	int r;

	/* one byte more than the size, to see a file that grows while read */
	buf = malloc((size_t)st->st_size + 2);
	if (!buf)
		return cd_err(err, ENOMEM, "out of memory");
	r = read_all(fd, buf, (size_t)st->st_size + 1, &n);
	if (r < 0) {
		errno = -r;
		return cd_err_sys(err, "%s: cannot read", name);
	}
	if (n != (size_t)st->st_size)
		return cd_err(err, EAGAIN, "%s: changed size while being read", name);
	buf[n] = '\0';
	*ret = steal_pointer(&buf);
	*ret_len = n;
	return 0;
}

int fs_read_at(int dirfd, const char *name, bool nofollow, size_t max, char **ret, size_t *ret_len, struct stat *ret_st,
	       struct cd_error *err)
{
	cleanup_close int fd = fs_open_at(dirfd, name, nofollow, max, ret_st, err);

	return fd < 0 ? fd : fs_read_opened(fd, name, ret_st, ret, ret_len, err);
}

bool fs_settled(const struct stat *st)
{
	struct timespec now;

	return clock_gettime(CLOCK_REALTIME, &now) == 0 && now.tv_sec - st->st_ctim.tv_sec > 1;
}

int fs_read_fd(int fd, const char *what, size_t max, char **ret, size_t *ret_len, struct cd_error *err)
{
	size_t cap = 4096, n = 0;
	cleanup_free char *buf = malloc(cap + 1);

	if (!buf)
		return cd_err(err, ENOMEM, "out of memory");
	for (;;) {
		ssize_t k;

		if (n == cap) {
			char *p;

			if (cap >= max)
				return cd_err(err, EFBIG, "%s: more than the %zu bytes clampdown reads", what, max);
			cap *= 2;
			p = realloc(buf, cap + 1);
			if (!p)
				return cd_err(err, ENOMEM, "out of memory");
			buf = p;
		}
		k = read(fd, buf + n, cap - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return cd_err_sys(err, "%s: cannot read", what);
		if (k == 0)
			break;
		n += (size_t)k;
	}
	buf[n] = '\0';
	*ret = steal_pointer(&buf);
	*ret_len = n;
	return 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t k = write(fd, buf, len);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		buf += k;
		len -= (size_t)k;
	}
	return 0;
}

static int open_temp(int dirfd, const char *name, char *tmp, size_t cap, struct cd_error *err)
{
	uint64_t rnd = 0;
	int fd;

	if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
		return cd_err_sys(err, "getrandom");
	snprintf(tmp, cap, ".%s.clampdown-%016llx", name, (unsigned long long)rnd);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return cd_err_sys(err, "cannot create a temporary file beside %s", name);
	return fd;
}

/* Everything but the rename: data, mode, owner, on disk. */
static int fill_temp(int fd, const char *name, const char *text, size_t len, const struct stat *st,
		     struct cd_error *err)
{
	int r = write_all(fd, text, len);

	if (r < 0) {
		errno = -r;
		return cd_err_sys(err, "cannot write the new %s", name);
	}
	if (fchown(fd, st->st_uid, st->st_gid) < 0)
		return cd_err_sys(err, "cannot keep the owner of %s", name);
	if (fchmod(fd, st->st_mode & 07777) < 0)
		return cd_err_sys(err, "cannot keep the mode of %s", name);
	if (fsync(fd) < 0)
		return cd_err_sys(err, "cannot sync the new %s", name);
	return 0;
}

int fs_replace_at(int dirfd, const char *name, const char *text, size_t len, const struct stat *st,
		  struct cd_error *err)
{
	cleanup_close int fd = -1;
	char tmp[320];
	int r;

	if (strlen(name) > 255)
		return cd_err(err, ENAMETOOLONG, "%s: name too long", name);
	fd = open_temp(dirfd, name, tmp, sizeof(tmp), err);
	if (fd < 0)
		return fd;
	r = fill_temp(fd, name, text, len, st, err);
	if (r == 0 && renameat(dirfd, tmp, dirfd, name) < 0)
		r = cd_err_sys(err, "cannot rename the new %s into place", name);
	if (r < 0) {
		unlinkat(dirfd, tmp, 0);
		return r;
	}
	/* the rename itself must survive a crash too */
	if (fsync(dirfd) < 0)
		return cd_err_sys(err, "cannot sync the directory of %s", name);
	return 0;
}
