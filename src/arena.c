/*
 * jansson's allocations in clampdown: carved from 64 KiB blocks and never
 * returned one by one. clampdown execs the runtime or exits a moment after
 * its last allocation, so per-object malloc and free were a fifth of a
 * rewrite's instructions for nothing.
 */
#include "arena.h"

#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>

#define BLOCK (64u << 10)
#define BIG   (BLOCK / 8)

/* before every allocation, keeping it aligned for any type */
struct head {
	alignas(max_align_t) size_t big; /* 1: its own malloc, freed on json_delete */
};

static char *next, *end;

static void *arena_malloc(size_t n)
{
	size_t need = sizeof(struct head) + ((n + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1));
	struct head *h;

	if (n > BIG) {
		h = n < SIZE_MAX - sizeof(*h) ? malloc(sizeof(*h) + n) : NULL;
		if (h)
			h->big = 1;
		return h ? h + 1 : NULL;
	}
	if ((size_t)(end - next) < need) {
		next = malloc(BLOCK);
		if (!next)
			return end = NULL;
		end = next + BLOCK;
	}
	h = (struct head *)next;
	h->big = 0;
	next += need;
	return h + 1;
}

static void arena_free(void *p)
{
	struct head *h = p ? (struct head *)p - 1 : NULL;

	if (h && h->big)
		free(h);
}

void arena_for_jansson(void)
{
	json_set_alloc_funcs(arena_malloc, arena_free);
}
