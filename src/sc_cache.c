#include "sc_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "sc_lsc.h"

static uint64_t fnv1a(uint64_t h, const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)p[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

/* Field by field: struct padding is not hashed. */
uint64_t sc_cache_key(const struct sc_profile *p)
{
	const char *v = sc_lsc_version();
	uint64_t h = fnv1a(UINT64_C(0xcbf29ce484222325), v, strlen(v) + 1);

	h = fnv1a(h, (const char *)&(uint32_t[]){ p->def.kind, p->def.ret, p->arches, p->flags }, 16);
	for (size_t i = 0; i < p->ncalls; i++) {
		h = fnv1a(h, p->calls[i].name, strlen(p->calls[i].name) + 1);
		for (size_t k = 0; k < p->calls[i].n; k++) {
			const struct sc_rule *r = &p->calls[i].r[k];

			h = fnv1a(h, (const char *)&(uint32_t[]){ r->act.kind, r->act.ret, r->cond }, 12);
			for (int a = 0; a < SC_NARGS; a++)
				h = fnv1a(
				    h, (const char *)&(uint64_t[]){ r->cube.a[a].op, r->cube.a[a].v, r->cube.a[a].v2 },
				    24);
		}
	}
	return h;
}

static void stamp_name(uint64_t key, char buf[32])
{
	snprintf(buf, 32, "seccomp-%016" PRIx64, key);
}

bool sc_cache_hit(const char *dir, uint64_t key)
{
	cleanup_close int dfd = -1;
	char name[32];
	struct stat st;

	if (!dir)
		return false;
	dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	stamp_name(key, name);
	return dfd >= 0 && fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
	       st.st_uid == geteuid();
}

void sc_cache_store(const char *dir, uint64_t key)
{
	cleanup_close int dfd = -1, fd = -1;
	char name[32];

	if (!dir)
		return;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return;
	dfd = open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return;
	stamp_name(key, name);
	fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
}
