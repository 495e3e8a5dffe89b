/*
 * The error contract (see man/clampdown.8, "ERRORS"): a function that can
 * fail returns a negative errno and fills a struct cd_error whose message
 * names the file, the field and the reason. Only main() prints it.
 */
#ifndef CLAMPDOWN_ERROR_H
#define CLAMPDOWN_ERROR_H

#include <stddef.h>

struct cd_error {
	int code; /* positive errno */
	char msg[1024];
};

/* Fill err with code (errno) and a message; returns -code. */
int cd_err(struct cd_error *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4), nonnull(1, 3)));

/* Like cd_err with errno, appending ": strerror(errno)". */
int cd_err_sys(struct cd_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3), nonnull(1, 2)));

/* Prefix an existing message with more context ("file: " ...). */
int cd_err_prefix(struct cd_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3), nonnull(1, 2)));

/* Append how to fix it ("; " ...) to an existing message. */
int cd_err_hint(struct cd_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3), nonnull(1, 2)));

#endif
