/*
 * clampdown's own OCI hooks, run by the runtime as
 * "clampdown hook <name> --flag=value ..." with the container's state on
 * stdin (runc has no "hook" command, so the two never meet).
 */
#ifndef CLAMPDOWN_HOOK_H
#define CLAMPDOWN_HOOK_H

#include <stdbool.h>

/* argv[1] is "hook". */
bool hook_invoked(int argc, char **argv) __attribute__((nonnull));

/* Run the hook argv names; returns the exit status (errors on stderr, as runc shows them). */
int hook_main(int argc, char **argv) __attribute__((nonnull));

#endif
