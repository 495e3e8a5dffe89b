/* Capability names, resolved with libcap; sets are bit masks. */
#ifndef CLAMPDOWN_CAPS_H
#define CLAMPDOWN_CAPS_H

#include <stdint.h>

/* "NET_BIND_SERVICE", "CAP_NET_BIND_SERVICE", any case: the number, or -EINVAL. */
int caps_from_name(const char *name) __attribute__((nonnull));

/* The spelling runc and crun accept: "CAP_NET_BIND_SERVICE". */
const char *caps_spec_name(int cap);

/* The number for an exact spec spelling ("CAP_X"), or -1. */
int caps_from_spec_name(const char *name) __attribute__((nonnull));

/* Highest capability number this libcap knows. */
int caps_last(void);

#endif
