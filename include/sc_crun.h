/* The BPF crun 1.8 would build from an OCI linux.seccomp (its run.oci.seccomp_bpf_data annotation). */
#ifndef CLAMPDOWN_SC_CRUN_H
#define CLAMPDOWN_SC_CRUN_H

#include <jansson.h>
#include <stddef.h>

#include "error.h"

#define SC_CRUN_ANNOTATION "run.oci.seccomp_bpf_data"

/* The filter as base64 (standard alphabet, padded), *ret_len bytes; *ret malloc'd. */
int sc_crun_bpf(const json_t *seccomp, char **ret, size_t *ret_len, struct cd_error *err)
    __attribute__((nonnull, warn_unused_result));

#endif
