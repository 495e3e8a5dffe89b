/* Scope-bound cleanup, in the style of crun's utils.h and systemd. */
#ifndef CLAMPDOWN_CLEANUP_H
#define CLAMPDOWN_CLEANUP_H

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

#define cleanup_free  _cleanup_(freep)
#define cleanup_close _cleanup_(closep)
#define cleanup_json  _cleanup_(cd_json_decrefp)

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
