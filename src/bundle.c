#include "bundle.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "cleanup.h"
#include "fsutil.h"
#include "json_text.h"
#include "spec_schema.h"

#define CONFIG "config.json"

int bundle_load(const char *dir, struct bundle *ret, struct cd_error *err)
{
	cleanup_free char *text = NULL;
	size_t len = 0;
	int r;

	char cwd[4096];

	*ret = (struct bundle){ .dirfd = -1 };
	/* runc reads config.json relative to the bundle, or to its working directory */
	if (!dir || !*dir)
		dir = getcwd(cwd, sizeof(cwd)) ? cwd : ".";
	snprintf(ret->path, sizeof(ret->path), "%s/%s", dir, CONFIG);
	ret->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ret->dirfd < 0)
		return cd_err_sys(err, "bundle %s: cannot open", dir);
	r = fs_read_at(ret->dirfd, CONFIG, true, FS_MAX_FILE, &text, &len, &ret->st, err);
	if (r < 0)
		return cd_err_prefix(err, "bundle %s: ", dir);
	r = json_text_load(text, len, ret->path, &ret->spec, err);
	if (r < 0)
		return r;
	if (!json_is_object(ret->spec))
		return cd_err(err, EINVAL, "%s: must be a JSON object", ret->path);
	return spec_schema_check(ret->spec, &schema_spec, ret->path, err);
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

static int open_temp(int dirfd, char *name, size_t cap, struct cd_error *err)
{
	uint64_t rnd = 0;
	int fd;

	if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
		return cd_err_sys(err, "getrandom");
	snprintf(name, cap, ".config.json.clampdown-%016llx", (unsigned long long)rnd);
	fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return cd_err_sys(err, "cannot create a temporary file in the bundle");
	return fd;
}

/* Everything but the rename: data, mode, owner, on disk. */
static int fill_temp(int fd, const char *text, size_t len, const struct stat *st, struct cd_error *err)
{
	int r = write_all(fd, text, len);

	if (r < 0) {
		errno = -r;
		return cd_err_sys(err, "cannot write the new config.json");
	}
	if (fchown(fd, st->st_uid, st->st_gid) < 0)
		return cd_err_sys(err, "cannot keep the owner of config.json");
	if (fchmod(fd, st->st_mode & 07777) < 0)
		return cd_err_sys(err, "cannot keep the mode of config.json");
	if (fsync(fd) < 0)
		return cd_err_sys(err, "cannot sync the new config.json");
	return 0;
}

int bundle_save(struct bundle *b, struct cd_error *err)
{
	cleanup_free char *text = NULL;
	cleanup_close int fd = -1;
	char tmp[64];
	size_t len = 0;
	int r;

	r = json_text_dump(b->spec, &text, &len, err);
	if (r < 0)
		return r;
	fd = open_temp(b->dirfd, tmp, sizeof(tmp), err);
	if (fd < 0)
		return cd_err_prefix(err, "%s: ", b->path);
	r = fill_temp(fd, text, len, &b->st, err);
	if (r == 0 && renameat(b->dirfd, tmp, b->dirfd, CONFIG) < 0)
		r = cd_err_sys(err, "cannot rename the new config.json into place");
	if (r < 0) {
		unlinkat(b->dirfd, tmp, 0);
		return cd_err_prefix(err, "%s: ", b->path);
	}
	/* the rename itself must survive a crash too */
	if (fsync(b->dirfd) < 0)
		return cd_err_sys(err, "%s: cannot sync the bundle directory", b->path);
	return 0;
}

void bundle_close(struct bundle *b)
{
	if (b->dirfd >= 0)
		close(b->dirfd);
	b->dirfd = -1;
	if (b->spec)
		json_decref(b->spec);
	b->spec = NULL;
}
