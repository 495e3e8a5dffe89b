/*
 * clampdown's own OCI hooks, run by the runtime as
 * "clampdown-hook hook <name> --flag=value ..." with the container's state
 * on stdin. They live in a binary of their own beside clampdown: the netlink
 * code and libmnl stay out of the static clampdown that every container
 * start, exec and state runs. "clampdown hook ..." still works (it execs the
 * hook binary).
 */
#ifndef CLAMPDOWN_HOOK_H
#define CLAMPDOWN_HOOK_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#define HOOK_BINARY "clampdown-hook"

/* argv[1] is "hook" (runc has no "hook" command, so the two never meet). */
bool hook_invoked(int argc, char **argv) __attribute__((nonnull));

/* The hook binary beside clampdown, whose own path is self. */
int hook_path(const char *self, char *buf, size_t size, struct cd_error *err) __attribute__((nonnull));

/* clampdown's "hook" command: execs the hook binary beside it with argv; returns only on error. */
int hook_forward(char **argv, struct cd_error *err) __attribute__((nonnull));

/* Run the hook argv names; returns the exit status (errors on stderr, as runc shows them). */
int hook_main(int argc, char **argv) __attribute__((nonnull));

#endif
