#include "pathutil.h"

#include <errno.h>
#include <string.h>

int path_clean_abs(const char *p, char *out, size_t cap)
{
	size_t n = 0;

	if (cap < 2)
		return -ENAMETOOLONG;
	out[n++] = '/';
	while (*p) {
		size_t len;

		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if (len == 0)
			break;
		if (len == 1 && p[0] == '.') {
			/* nothing */
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			while (n > 1 && out[n - 1] != '/')
				n--;
			if (n > 1)
				n--;
		} else {
			if (n > 1)
				out[n++] = '/';
			if (n + len + 1 > cap)
				return -ENAMETOOLONG;
			memcpy(out + n, p, len);
			n += len;
		}
		p += len;
		if (n + 1 > cap)
			return -ENAMETOOLONG;
	}
	out[n] = '\0';
	return 0;
}

bool path_is_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (!strcmp(dir, "/"))
		return true;
	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}
