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

/* tc's rate units: "100mbit", "1.5gbit", "512kibit", "10mbps" (bytes); bytes per second, rounded down, > 0. */
int units_parse_rate(const char *s, uint64_t *ret) __attribute__((nonnull, warn_unused_result));

/* A Kubernetes quantity of bits per second ("10M", "1.5G", "512Ki"): bytes per second, rounded down, > 0. */
int units_parse_bit_quantity(const char *s, uint64_t *ret) __attribute__((nonnull, warn_unused_result));

#endif
