/* A bump allocator for jansson, for a process that is about to exec. */
#ifndef CLAMPDOWN_ARENA_H
#define CLAMPDOWN_ARENA_H

/* From here on jansson allocates from the arena; call before any jansson use. */
void arena_for_jansson(void);

#endif
