/* The hooks hook_main dispatches to: each returns < 0 with err filled, or 0. */
#ifndef CLAMPDOWN_HOOK_IMPL_H
#define CLAMPDOWN_HOOK_IMPL_H

#include "error.h"

/* clampdown hook bandwidth --egress=B --ingress=B [--burst=B] [--decision-log=PATH] [--profile=NAME] */
int hook_bandwidth(int argc, char **argv, struct cd_error *err) __attribute__((nonnull, warn_unused_result));

#endif
