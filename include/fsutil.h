/* Reading whole files safely, relative to a directory fd. */
#ifndef CLAMPDOWN_FSUTIL_H
#define CLAMPDOWN_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "error.h"

/* The largest config.json, profile or process file clampdown reads. */
#define FS_MAX_FILE (32u << 20)

/*
 * Read the regular file dirfd/name (AT_FDCWD for a path) into a NUL-ended
 * buffer. With nofollow a symlink is refused. A file that is not regular,
 * larger than max, or changes size while read is refused.
 */
int fs_read_at(int dirfd, const char *name, bool nofollow, size_t max, char **ret, size_t *ret_len, struct stat *ret_st,
	       struct cd_error *err) __attribute__((nonnull(2, 5, 6, 8), warn_unused_result));

/* The checks of fs_read_at without the read: the open fd (O_CLOEXEC), *ret_st filled. */
int fs_open_at(int dirfd, const char *name, bool nofollow, size_t max, struct stat *ret_st, struct cd_error *err)
    __attribute__((nonnull(2, 5, 6), warn_unused_result));

/* Read fd, opened by fs_open_at with st, from offset 0: refused unless exactly st_size bytes. */
int fs_read_opened(int fd, const char *name, const struct stat *st, char **ret, size_t *ret_len, struct cd_error *err)
    __attribute__((nonnull, warn_unused_result));

/*
 * A file whose last change is over a second old. Timestamps tick with the
 * kernel's coarse clock: a file changed within the last second could change
 * again without its identity (dev, ino, size, mtime, ctime) showing it, so
 * only a settled file may be known by its identity instead of its content.
 */
bool fs_settled(const struct stat *st) __attribute__((nonnull));

/* Read all of fd (a pipe, stdin) up to max bytes. */
int fs_read_fd(int fd, const char *what, size_t max, char **ret, size_t *ret_len, struct cd_error *err)
    __attribute__((nonnull, warn_unused_result));

/*
 * Replace dirfd/name with text: a temp file in the same directory, written,
 * given st's mode and owner, fsync'd, renamed over name, directory fsync'd.
 * dirfd must be opened O_RDONLY (not O_PATH) for the directory fsync.
 */
int fs_replace_at(int dirfd, const char *name, const char *text, size_t len, const struct stat *st,
		  struct cd_error *err) __attribute__((nonnull, warn_unused_result));

#endif
