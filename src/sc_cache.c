#include "sc_cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "fsutil.h"
#include "json_text.h"

#define MAGIC	    "clampdown-seccomp-merge 4\n"
#define MAX_ENTRY   (8u << 20)
#define MAX_ENTRIES 256 /* then the oldest goes: the cache stays a few MB on its tmpfs */

/* Eight bytes at a time: the hash only spreads entries, the key itself is compared. */
static uint64_t hash(const char *p, size_t len)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325) ^ len, w;
	size_t i = 0;

	for (; len - i >= 8; i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * UINT64_C(0x100000001b3);
		h ^= h >> 29;
	}
	for (; i < len; i++)
		h = (h ^ (unsigned char)p[i]) * UINT64_C(0x100000001b3);
	return h ^ h >> 32;
}

static void entry_name(const char *key, size_t klen, char buf[32])
{
	snprintf(buf, 32, "merge-%016" PRIx64, hash(key, klen));
}

/* Only what this euid wrote and nobody else can change. */
static bool trusted(const struct stat *st)
{
	return S_ISREG(st->st_mode) && st->st_uid == geteuid() && !(st->st_mode & 022);
}

/*
 * After the magic and the key: "<checksum> <length of meta>\n", the meta
 * JSON, then the profile's text to the end of the file. The checksum covers
 * both: the profile goes into config.json unparsed.
 */
static bool split(struct sc_cache_entry *e, const char *p, const char *eof, const char *name)
{
	unsigned long long h, mlen;
	struct cd_error err;
	char *end;

	h = strtoull(p, &end, 16);
	if (end == p || *end != ' ')
		return false;
	p = end + 1;
	mlen = strtoull(p, &end, 10);
	if (end == p || *end != '\n')
		return false;
	p = end + 1;
	if (p >= eof || mlen >= (size_t)(eof - p))
		return false;
	e->out = p + mlen;
	e->out_len = (size_t)(eof - e->out);
	if (hash(p, (size_t)(eof - p)) != h || e->out[0] != '{' || e->out[e->out_len - 1] != '}')
		return false;
	return json_text_load(p, mlen, name, &e->meta, &err) >= 0;
}

bool sc_cache_get(const char *dir, const char *key, size_t klen, struct sc_cache_entry *e)
{
	cleanup_close int dfd = -1;
	size_t len = 0, hdr = sizeof(MAGIC) - 1;
	struct cd_error err;
	struct stat st;
	char name[32];

	*e = (struct sc_cache_entry){ 0 };
	if (!dir)
		return false;
	dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fstat(dfd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 022))
		return false;
	entry_name(key, klen, name);
	if (fs_read_at(dfd, name, true, MAX_ENTRY, &e->buf, &len, &st, &err) < 0 || !trusted(&st) || len < hdr + klen ||
	    memcmp(e->buf, MAGIC, hdr) || memcmp(e->buf + hdr, key, klen) ||
	    !split(e, e->buf + hdr + klen, e->buf + len, name)) {
		sc_cache_entry_free(e);
		return false;
	}
	return true;
}

void sc_cache_entry_free(struct sc_cache_entry *e)
{
	json_decref(e->meta);
	free(e->buf);
	*e = (struct sc_cache_entry){ 0 };
}

/* Make room: with MAX_ENTRIES entries or more, remove the one written first. */
static void evict(int dfd)
{
	struct timespec oldest = { 0 };
	char victim[256] = "";
	struct dirent *d;
	struct stat st;
	size_t n = 0;
	DIR *dir;
	int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	dir = fd >= 0 ? fdopendir(fd) : NULL;
	if (!dir) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((d = readdir(dir))) {
		if (strncmp(d->d_name, "merge-", 6) || fstatat(dfd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		n++;
		if (!*victim || st.st_mtim.tv_sec < oldest.tv_sec ||
		    (st.st_mtim.tv_sec == oldest.tv_sec && st.st_mtim.tv_nsec < oldest.tv_nsec)) {
			oldest = st.st_mtim;
			snprintf(victim, sizeof(victim), "%s", d->d_name);
		}
	}
	if (n >= MAX_ENTRIES)
		unlinkat(dfd, victim, 0);
	closedir(dir);
}

void sc_cache_put(const char *dir, const char *key, size_t klen, const json_t *meta, const char *out, size_t out_len)
{
	cleanup_close int dfd = -1, fd = -1;
	cleanup_free char *text = NULL, *body = NULL;
	struct timespec ts;
	struct cd_error err;
	char name[32], tmp[80], head[64];
	size_t len;
	int hlen;
	bool ok;

	if (!dir || json_text_dump(meta, &text, &len, &err) < 0 || !(body = malloc(len + out_len)))
		return;
	memcpy(body, text, len);
	memcpy(body + len, out, out_len);
	hlen = snprintf(head, sizeof(head), "%016" PRIx64 " %zu\n", hash(body, len + out_len), len);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return;
	dfd = open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return;
	evict(dfd);
	entry_name(key, klen, name);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(tmp, sizeof(tmp), ".%s.%d.%ld", name, (int)getpid(), ts.tv_nsec);
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	ok = write(fd, MAGIC, sizeof(MAGIC) - 1) == (ssize_t)(sizeof(MAGIC) - 1) &&
	     write(fd, key, klen) == (ssize_t)klen && write(fd, head, (size_t)hlen) == hlen &&
	     write(fd, body, len + out_len) == (ssize_t)(len + out_len);
	/* no fsync: an entry lost in a crash is a miss; a torn one is refused by its key, length or checksum */
	if (!ok || renameat(dfd, tmp, dfd, name) < 0)
		unlinkat(dfd, tmp, 0);
}
