#include "bundle.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "fsutil.h"
#include "json_text.h"
#include "spec_schema.h"

#define CONFIG "config.json"

int bundle_load(const char *dir, struct bundle *ret, struct cd_error *err)
{
	cleanup_free char *text = NULL;
	size_t len = 0;
	int r;

	cleanup_free char *cwd = NULL;

	*ret = (struct bundle){ .dirfd = -1 };
	/* runc reads config.json relative to the bundle, or to its working directory */
	if (!dir || !*dir)
		dir = (cwd = getcwd(NULL, 0)) ? cwd : ".";
	ret->dir = strdup(dir);
	if (!ret->dir || asprintf(&ret->path, "%s/%s", dir, CONFIG) < 0)
		return ret->path = NULL, cd_err(err, ENOMEM, "out of memory");
	ret->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ret->dirfd < 0)
		return cd_err_sys(err, "bundle %s: cannot open", dir);
	r = fs_read_at(ret->dirfd, CONFIG, true, FS_MAX_FILE, &text, &len, &ret->st, err);
	if (r < 0)
		return cd_err_prefix(err, "bundle %s: ", dir);
	r = spec_schema_load(text, len, &schema_spec, ret->path, &ret->spec, err);
	ret->respelled = r > 0 ? r : 0;
	return r < 0 ? r : 0;
}

int bundle_save(struct bundle *b, struct cd_error *err)
{
	cleanup_free char *text = NULL;
	size_t len = 0;
	int r;

	r = json_text_dump(b->spec, &text, &len, err);
	if (r >= 0)
		r = fs_replace_at(b->dirfd, CONFIG, text, len, &b->st, err);
	return r < 0 ? cd_err_prefix(err, "%s: ", b->path) : 0;
}

void bundle_close(struct bundle *b)
{
	if (b->dirfd >= 0)
		close(b->dirfd);
	b->dirfd = -1;
	if (b->spec)
		json_decref(b->spec);
	b->spec = NULL;
	free(b->dir);
	free(b->path);
	b->dir = b->path = NULL;
}
