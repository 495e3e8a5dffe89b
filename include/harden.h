/* The pipeline: config.json (or an exec process) → profile rules → decision. */
#ifndef CLAMPDOWN_HARDEN_H
#define CLAMPDOWN_HARDEN_H

#include <stdbool.h>

#include "error.h"
#include "node_config.h"
#include "runc_args.h"

/* Harden what a create/run/restore/exec/update invocation starts; < 0: refuse. */
int harden(struct runc_args *a, const struct node_config *cfg, struct cd_error *err)
    __attribute__((nonnull, warn_unused_result));

/* The profile the annotation names when selectable, else the default; source names the file for errors. */
int harden_pick_profile(const json_t *ann, const struct node_config *cfg, const char *source, const char **ret,
			struct cd_error *err) __attribute__((nonnull(2, 3, 4, 5), warn_unused_result));

/* The runtime is crun, whose grammars (exec, update, mount options) differ from runc's. */
bool harden_runtime_is_crun(const struct node_config *cfg) __attribute__((nonnull));

#endif
