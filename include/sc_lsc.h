/* libseccomp's knowledge: architectures, syscall names, and compiling a filter. */
#ifndef CLAMPDOWN_SC_LSC_H
#define CLAMPDOWN_SC_LSC_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "error.h"
#include "sc_profile.h"

/* Index of an OCI architecture name ("SCMP_ARCH_X86_64") in the arch table, or -1. */
int sc_arch_index(const char *oci_name) __attribute__((nonnull));
const char *sc_arch_name(int index);
/* The Go name Docker matches includes.arches against ("amd64"). */
const char *sc_arch_goarch(int index);
/* The arch table index of the machine clampdown runs on. */
int sc_arch_native(void);

/* Does libseccomp know this syscall name (on any architecture)? */
bool sc_lsc_known(const char *name) __attribute__((nonnull));

/* Every syscall name libseccomp knows for the arch indexes given, each once, sorted; NULL-terminated. */
int sc_lsc_all_names(const int *arches, int narches, char ***ret) __attribute__((nonnull, warn_unused_result));

/* Build and export the filter with libseccomp; errors name file, syscalls[i] and the syscall. */
int sc_lsc_compile(const struct sc_profile *p, const char *file, struct cd_error *err)
    __attribute__((nonnull, warn_unused_result));

/* Write the compiled filter to fd: BPF, or libseccomp's pseudo code (pfc). */
int sc_lsc_export(const struct sc_profile *p, const char *file, bool pfc, int fd, struct cd_error *err)
    __attribute__((nonnull, warn_unused_result));

/* A render context for this machine: its architecture and kernel, the given capabilities. */
void sc_render_host(struct sc_render *ret, const json_t *caps, json_t *warnings) __attribute__((nonnull(1)));

/* "2.5.4" */
const char *sc_lsc_version(void);

#endif
