/* Scope-bound cleanup, in the style of crun's utils.h and systemd. */
#ifndef CLAMPDOWN_CLEANUP_H
#define CLAMPDOWN_CLEANUP_H

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

static inline void cd_json_decrefp(json_t **j)
{
	if (*j)
		json_decref(*j);
}

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

static inline void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

#define cleanup_free  _cleanup_(freep)
#define cleanup_close _cleanup_(closep)
#define cleanup_json  _cleanup_(cd_json_decrefp)
#define cleanup_dir   _cleanup_(closedirp)
#define cleanup_file  _cleanup_(fclosep)

/* Hand ownership on: returns the value and leaves the variable empty. */
#define steal_pointer(pp)                     \
	({                                    \
		__typeof__(*(pp)) _p = *(pp); \
		*(pp) = NULL;                 \
		_p;                           \
	})

#define steal_fd(fdp)             \
	({                        \
		int _fd = *(fdp); \
		*(fdp) = -1;      \
		_fd;              \
	})

#endif
