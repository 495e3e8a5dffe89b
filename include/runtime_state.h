/*
 * What the runtime recorded about a running container: the annotations it
 * was created with (runc: state.json labels; crun: its copy of config.json),
 * so exec and update are judged by the same profile as create.
 */
#ifndef CLAMPDOWN_RUNTIME_STATE_H
#define CLAMPDOWN_RUNTIME_STATE_H

#include <jansson.h>

#include "error.h"

/* The container's annotations as an object (new reference). */
int runtime_state_annotations(const char *runtime, const char *root, const char *id, json_t **ret, struct cd_error *err)
    __attribute__((nonnull(1, 3, 4, 5), warn_unused_result));

#endif
