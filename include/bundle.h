/*
 * The OCI bundle: its directory opened once, config.json read from it
 * without following links, and written back atomically (temp file, fsync,
 * rename, fsync of the directory) with the original mode and owner.
 */
#ifndef CLAMPDOWN_BUNDLE_H
#define CLAMPDOWN_BUNDLE_H

#include <jansson.h>
#include <sys/stat.h>

#include "error.h"

struct bundle {
	int dirfd;
	char *dir;	/* the bundle directory as given (runc resolves relative sources in it) */
	char *path;	/* its config.json, as messages name it */
	struct stat st; /* of config.json as read */
	json_t *spec;
	int respelled; /* keys renamed to the field runc reads them as: config.json must be written */
};

/* Open dir (NULL: the current directory) and parse its config.json. */
int bundle_load(const char *dir, struct bundle *ret, struct cd_error *err)
    __attribute__((nonnull(2, 3), warn_unused_result));

/* Replace config.json with b->spec; the old file stays whole on failure. */
int bundle_save(struct bundle *b, struct cd_error *err) __attribute__((nonnull, warn_unused_result));

void bundle_close(struct bundle *b);

#endif
