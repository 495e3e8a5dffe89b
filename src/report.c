#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "json_text.h"

void report_time(char *buf, size_t cap)
{
	struct timespec ts;
	struct tm tm;
	char sec[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(sec, sizeof(sec), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, cap, "%s.%09ldZ", sec, ts.tv_nsec);
}

static int append_line(const char *path, const char *line, size_t len)
{
	cleanup_close int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
	ssize_t k;

	if (fd < 0)
		return -errno;
	/* one write per line: O_APPEND keeps concurrent writers' lines whole */
	k = write(fd, line, len);
	if (k < 0)
		return -errno;
	return (size_t)k == len ? 0 : -EIO;
}

/* Compact JSON text, malloc'd (jansson's own json_dumps allocates with its allocator). */
static char *dump(const json_t *v)
{
	struct cd_error err;
	char *text = NULL;
	size_t len;

	return v && json_text_dump(v, &text, &len, &err) == 0 ? text : NULL;
}

/* runc's logrus line: JSON for --log-format json, else logrus' text format. */
static void log_line(const struct runc_args *a, const char *level, const char *msg)
{
	cleanup_free char *line = NULL;
	char ts[64];
	json_t *j;

	if (!a->log_path)
		return;
	report_time(ts, sizeof(ts));
	if (a->log_format && !strcmp(a->log_format, "json")) {
		j = json_pack("{s:s, s:o, s:s}", "level", level, "msg", json_text_message(msg), "time", ts);
		line = dump(j);
		json_decref(j);
		if (line) {
			char *nl = NULL;

			if (asprintf(&nl, "%s\n", line) < 0)
				return;
			free(line);
			line = nl;
		}
	} else {
		cleanup_free char *q = NULL;
		json_t *s = json_text_message(msg);

		/* logrus quotes like Go's %q; a JSON string is the same for printable text */
		q = dump(s);
		json_decref(s);
		if (q && asprintf(&line, "time=\"%s\" level=%s msg=%s\n", ts, level, q) < 0)
			line = NULL;
	}
	if (line)
		append_line(a->log_path, line, strlen(line));
}

void report_refusal(const struct runc_args *a, const char *msg)
{
	char full[1200];

	snprintf(full, sizeof(full), "clampdown: %s", msg);
	dprintf(STDERR_FILENO, "%s\n", full);
	log_line(a, "error", full);
}

void report_warning(const struct runc_args *a, const char *msg)
{
	char full[1200];

	snprintf(full, sizeof(full), "clampdown: %s", msg);
	log_line(a, "warning", full);
}

static void ensure_parent(const char *path)
{
	char dir[4096];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return;
	*slash = '\0';
	if (mkdir(dir, 0750) < 0 && errno == ENOENT) {
		ensure_parent(dir);
		mkdir(dir, 0750);
	}
}

int report_decision(const char *path, json_t *entry)
{
	cleanup_free char *text = NULL;
	cleanup_free char *line = NULL;
	struct cd_error err;
	size_t len = 0;
	int r;

	/* json_text keeps big integers in findings as the digits they were */
	if (json_text_dump(entry, &text, &len, &err) < 0 || asprintf(&line, "%s\n", text) < 0)
		return -ENOMEM;
	r = append_line(path, line, strlen(line));
	if (r == -ENOENT) {
		ensure_parent(path);
		r = append_line(path, line, strlen(line));
	}
	return r;
}
