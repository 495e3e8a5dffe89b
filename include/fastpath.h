/*
 * The passthrough fast path. state, start, kill, delete and the like need
 * nothing of clampdown but the runtime's path, yet glibc's static startup
 * alone (CPU and cache probing with cpuid, which traps in a VM) costs more
 * than one execve. So the full path leaves a record of the node config it
 * validated (its path and identity, the runtime's path and identity), and
 * clampdown's entry point execs the runtime when the record still matches,
 * before libc starts. Anything unusual falls through to the full path.
 *
 * fastpath.c is freestanding: it runs before relocation and TLS exist, so it
 * calls no libc function and keeps no pointer in static data.
 */
#ifndef CLAMPDOWN_FASTPATH_H
#define CLAMPDOWN_FASTPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#define FASTPATH_RUN_DIR  "/run/clampdown"
#define FASTPATH_MAGIC	  "clampdown-passthrough 1\n"
#define FASTPATH_ARGC_MAX 64
/* a record: magic, two paths and two identity lines */
#define FASTPATH_RECORD_MAX (2 * 4096 + 256)
#define FASTPATH_ID_MAX	    160

/*
 * The runtime's argv for a command the fast path may take (known global
 * flags, then a command clampdown passes through), into out[FASTPATH_ARGC_MAX
 * + 1]: runtime first, --clampdown-config removed. Returns the count, or -1
 * for anything else. *config: the node config path in force.
 */
int fastpath_argv(int argc, char **argv, char **envp, const char *runtime, char **out, const char **config);

/* Where records live: $CLAMPDOWN_RUN_DIR, else FASTPATH_RUN_DIR. */
const char *fastpath_run_dir(char **envp);

/* The record's name for a config path, one of 256: "passthrough-<2 hex digits>". */
void fastpath_record_name(const char *config, char name[16]);

/* "dev ino mode uid size mtime ctime\n" of a file, NUL-ended; returns the length. */
size_t fastpath_id(const struct stat *st, char buf[FASTPATH_ID_MAX]);

/* A record directory or file: owned by this euid, writable by nobody else. */
bool fastpath_trusted(const struct stat *st, unsigned int euid);

/* Built with the fast path (x86-64); elsewhere no record is made. */
bool fastpath_supported(void);

/* Exec the runtime if the record matches; returns when it does not. */
void fastpath_try(int argc, char **argv, char **envp);

/* True once the entry point has tried (and returned): main need not again. */
bool fastpath_tried(void);

/*
 * The full path, after it validated the node config and its runtime: leave
 * the record for the next passthrough of this argv. Best effort and silent;
 * nothing when cache_dir is null, the files changed within the last second
 * (their timestamps could not tell a change apart), or a path holds '\n'.
 */
void fastpath_record(int argc, char **argv, char **envp, const char *runtime, const struct stat *config_st,
		     const struct stat *runtime_st, bool enabled);

#endif
