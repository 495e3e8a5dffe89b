/*
 * Where clampdown speaks: one stderr line and one runc --log line when it
 * refuses; one decision-log line per hardened container or process.
 */
#ifndef CLAMPDOWN_REPORT_H
#define CLAMPDOWN_REPORT_H

#include <jansson.h>

#include "runc_args.h"

/* "clampdown: msg" on stderr and, when --log was given, in runc's log format. */
void report_refusal(const struct runc_args *a, const char *msg) __attribute__((nonnull));

/* A warning for the --log file only (stderr is the container's stream). */
void report_warning(const struct runc_args *a, const char *msg) __attribute__((nonnull));

/* Append entry as one line with one write(2); returns -errno. */
int report_decision(const char *path, json_t *entry) __attribute__((nonnull));

/* RFC 3339 time with nanoseconds, UTC. */
void report_time(char *buf, size_t cap) __attribute__((nonnull));

#endif
