/* Strict parsing of numbers and sizes; no atoi, no silent truncation. */
#ifndef CLAMPDOWN_UNITS_H
#define CLAMPDOWN_UNITS_H

#include <stdint.h>

/* "512", "64k", "512m", "1g", "2t" (optional trailing b/B): bytes. */
int units_parse_size(const char *s, int64_t *ret) __attribute__((nonnull, warn_unused_result));

/* A whole decimal int64 with nothing around it. */
int units_parse_i64(const char *s, int64_t *ret) __attribute__((nonnull, warn_unused_result));

/* docker/go-units RAMInBytes, as runc update reads --memory: "1.5g", "512 MiB", "100". */
int units_parse_ram(const char *s, int64_t *ret) __attribute__((nonnull, warn_unused_result));

#endif
