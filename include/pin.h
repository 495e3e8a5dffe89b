/*
 * Pinning host objects for the runtime. mount(2) resolves a bind source's
 * path again when the runtime mounts it, after clampdown judged it; when
 * someone other than root could change what that path leads to, clampdown
 * gives the runtime a path that cannot change instead: it moves itself (and
 * so the runtime it execs) into a mount namespace of its own, a slave of
 * the host's, mounts a tmpfs on a directory of its own there (the node
 * config's cache_dir/pin, or PIN_DIR) and bind-mounts each judged
 * object from its open fd onto an entry of it. The runtime's child copies
 * that namespace, binds from the entry, and leaves it behind with the rest
 * of the host when it pivots into the rootfs; the namespace ends with the
 * runtime process. Nothing is mounted in the host's namespace.
 */
#ifndef CLAMPDOWN_PIN_H
#define CLAMPDOWN_PIN_H

#include <stdbool.h>

#include "error.h"
#include "hostfs.h"

#define PIN_DIR "/run/clampdown/pin"

/* Move into the private mount namespace (once; later calls do nothing). */
int pin_enter(struct cd_error *err) __attribute__((nonnull, warn_unused_result));
bool pin_entered(void);

/*
 * Bind o (opened after pin_enter) onto a new entry of dir (absolute, made
 * if missing, the same on every call), recursively or not; *ret_path
 * (malloc'd) is the path to give the runtime.
 */
int pin_object(const char *dir, const struct host_obj *o, bool recursive, char **ret_path, struct cd_error *err)
    __attribute__((nonnull, warn_unused_result));

#endif
