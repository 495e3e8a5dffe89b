/* Lexical path helpers (no filesystem access). */
#ifndef CLAMPDOWN_PATHUTIL_H
#define CLAMPDOWN_PATHUTIL_H

#include <stdbool.h>
#include <stddef.h>

/* Absolute, cleaned form of p as Go's filepath.Clean("/" + p) gives it. */
int path_clean_abs(const char *p, char *out, size_t cap) __attribute__((nonnull, warn_unused_result));

/* True when path equals dir or lies under it; both cleaned and absolute. */
bool path_is_under(const char *path, const char *dir) __attribute__((nonnull));

#endif
