/*
 * clampctl log: the decision log summarised. Per profile and per rule, how
 * many decisions and containers were rewritten, denied or audited; the
 * containers with the most denials and findings.
 */
#include "ctl.h"

#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <time.h>

#include "cleanup.h"
#include "json_text.h"

struct summary {
	const char *since; /* a UTC time prefix, or NULL */
	long decisions, unreadable, first_bad;
	json_t *profiles;  /* name -> {decisions, verdict counts, containers: {id: true}} */
	json_t *rules;	   /* name -> {rewritten, denied, audited, warnings, containers: {id: true}} */
	json_t *offenders; /* id -> {profile, denied, findings, last} */
};

static void bump(json_t *obj, const char *key, long by)
{
	json_object_set_new(obj, key, json_integer(json_integer_value(json_object_get(obj, key)) + by));
}

static json_t *slot(json_t *map, const char *key)
{
	json_t *v = json_object_get(map, key);

	if (!v)
		json_object_set_new(map, key, v = json_object());
	return v;
}

static void mark(json_t *obj, const char *member, const char *id)
{
	if (id)
		json_object_set_new(slot(obj, member), id, json_true());
}

static void count_findings(struct summary *s, const json_t *entry, const char *id, long *ret_n)
{
	json_t *f, *findings = json_object_get(entry, "findings");
	size_t i;

	*ret_n = 0;
	json_array_foreach(findings, i, f) {
		const char *rule = json_string_value(json_object_get(f, "rule"));
		const char *action = json_string_value(json_object_get(f, "action"));
		json_t *r;

		if (!rule)
			continue;
		r = slot(s->rules, rule);
		bump(r, action ? action : "warnings", 1);
		if (action) {
			mark(r, "containers", id);
			++*ret_n;
		}
	}
}

static void add(struct summary *s, const json_t *entry)
{
	const char *id = json_string_value(json_object_get(entry, "id"));
	const char *profile = json_string_value(json_object_get(entry, "profile")) ?: "(none)";
	const char *verdict = json_string_value(json_object_get(entry, "verdict")) ?: "unknown";
	const char *cmd = json_string_value(json_object_get(entry, "command")) ?: "";
	json_t *p = slot(s->profiles, profile), *o;
	long n = 0;

	s->decisions++;
	bump(p, "decisions", 1);
	bump(p, verdict, 1);
	mark(p, "containers", id);
	count_findings(s, entry, id, &n);
	if (!id || (!n && strcmp(verdict, "denied")))
		return;
	o = slot(s->offenders, id);
	json_object_set_new(o, "profile", json_string(profile));
	json_object_set_new(o, "last", json_string(cmd));
	bump(o, "denied", !strcmp(verdict, "denied"));
	bump(o, "findings", n);
}

static void read_line(struct summary *s, const char *line, size_t len, long lineno)
{
	cleanup_json json_t *entry = NULL;
	struct cd_error err;
	const char *t;

	if (json_text_load(line, len, "decision log", &entry, &err) < 0 || !json_is_object(entry) ||
	    !(t = json_string_value(json_object_get(entry, "time")))) {
		if (!s->unreadable++)
			s->first_bad = lineno;
		return;
	}
	if (s->since && strcmp(t, s->since) < 0)
		return;
	add(s, entry);
}

static int read_log(struct summary *s, const char *path)
{
	cleanup_file FILE *f = fopen(path, "re");
	cleanup_free char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long lineno = 0;

	if (!f)
		return ctl_fail("decision log %s: %s", path, strerror(errno));
	while ((n = getline(&line, &cap, f)) > 0) {
		lineno++;
		if (line[n - 1] == '\n')
			line[--n] = 0;
		if (n)
			read_line(s, line, (size_t)n, lineno);
	}
	return 0;
}

/* --since: a UTC time ("2026-11-22", "2026-11-22T10:00:00Z") or a span back from now ("90m", "2h", "7d"). */
static int parse_since(const char *v, char *buf, size_t cap)
{
	static const struct {
		char unit;
		long secs;
	} units[] = { { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 }, { 'w', 604800 } };
	size_t len = strlen(v);
	char *end = NULL;
	long n;

	if (len >= 10 && v[4] == '-' && v[7] == '-') {
		if (strspn(v, "0123456789-T:.Z") != len || strchr(v, 'Z') != (v[len - 1] == 'Z' ? v + len - 1 : NULL))
			return -EINVAL;
		/* entries end in Z after the fraction: compare without it */
		snprintf(buf, cap, "%.*s", (int)(v[len - 1] == 'Z' ? len - 1 : len), v);
		return 0;
	}
	errno = 0;
	n = strtol(v, &end, 10);
	for (size_t i = 0; !errno && n >= 0 && end != v && i < sizeof(units) / sizeof(units[0]); i++) {
		if (end[0] == units[i].unit && !end[1]) {
			time_t t = time(NULL) - (time_t)n * units[i].secs;
			struct tm tm;

			gmtime_r(&t, &tm);
			strftime(buf, cap, "%Y-%m-%dT%H:%M:%S", &tm);
			return 0;
		}
	}
	return -EINVAL;
}

struct offender {
	const char *id;
	const json_t *o;
};

static long num(const json_t *obj, const char *key)
{
	return (long)json_integer_value(json_object_get(obj, key));
}

static int by_harm(const void *a, const void *b)
{
	const json_t *x = ((const struct offender *)a)->o, *y = ((const struct offender *)b)->o;
	long d = num(y, "denied") - num(x, "denied");

	if (!d)
		d = num(y, "findings") - num(x, "findings");
	return d ? (d > 0 ? 1 : -1) : strcmp(((const struct offender *)a)->id, ((const struct offender *)b)->id);
}

/* The worst offenders first, at most top of them. */
static json_t *top_offenders(const struct summary *s, size_t top)
{
	size_t n = json_object_size(s->offenders), i = 0;
	cleanup_free struct offender *list = calloc(n ? n : 1, sizeof(*list));
	json_t *out = json_array(), *o;
	const char *id;

	if (!list || !out)
		return out;
	json_object_foreach(s->offenders, id, o)
		list[i++] = (struct offender){ id, o };
	qsort(list, n, sizeof(*list), by_harm);
	for (i = 0; i < n && i < top; i++) {
		json_t *e = json_deep_copy(list[i].o);

		json_object_set_new(e, "id", json_string(list[i].id));
		json_array_append_new(out, e);
	}
	return out;
}

/* Sets of container ids become their counts. */
static void count_sets(json_t *map)
{
	const char *k;
	json_t *v;

	json_object_foreach(map, k, v)
		json_object_set_new(v, "containers",
				    json_integer((json_int_t)json_object_size(json_object_get(v, "containers"))));
}

static void print_human(const struct summary *s, const char *path, const json_t *top)
{
	const char *k;
	json_t *v;
	size_t i;

	printf("%s: %ld decision%s", path, s->decisions, s->decisions == 1 ? "" : "s");
	if (s->since)
		printf(" since %s", s->since);
	if (s->unreadable)
		printf(" (%ld unreadable line%s, the first at line %ld)", s->unreadable, s->unreadable == 1 ? "" : "s",
		       s->first_bad);
	printf("\n\n%-20s %10s %10s %10s %8s %8s %8s\n", "profile", "decisions", "containers", "rewritten", "denied",
	       "allowed", "shaped");
	json_object_foreach((json_t *)s->profiles, k, v)
		printf("%-20s %10ld %10ld %10ld %8ld %8ld %8ld\n", k, num(v, "decisions"), num(v, "containers"),
		       num(v, "rewritten"), num(v, "denied"), num(v, "allowed"), num(v, "shaped"));
	printf("\n%-20s %10s %10s %8s %8s %8s\n", "rule", "containers", "rewritten", "denied", "audited", "warnings");
	json_object_foreach((json_t *)s->rules, k, v)
		printf("%-20s %10ld %10ld %8ld %8ld %8ld\n", k, num(v, "containers"), num(v, "rewritten"),
		       num(v, "denied"), num(v, "audited"), num(v, "warnings"));
	printf("\ntop offenders (denials, then findings)\n");
	json_array_foreach(top, i, v)
		printf("  %-16.16s %-20s %4ld denied %5ld findings  last: %s\n",
		       json_string_value(json_object_get(v, "id")), json_string_value(json_object_get(v, "profile")),
		       num(v, "denied"), num(v, "findings"), json_string_value(json_object_get(v, "last")));
	if (!json_array_size(top))
		printf("  none\n");
}

static int print_json(const struct summary *s, const char *path, json_t *top)
{
	cleanup_json json_t *out =
	    json_pack("{s:s, s:s?, s:I, s:I, s:O, s:O, s:O}", "file", path, "since", s->since, "decisions",
		      (json_int_t)s->decisions, "unreadable", (json_int_t)s->unreadable, "profiles", s->profiles,
		      "rules", s->rules, "top_offenders", top);
	cleanup_free char *text = NULL;
	struct cd_error err;
	size_t len = 0;

	if (!out || json_text_dump(out, &text, &len, &err) < 0)
		return ctl_fail("out of memory");
	puts(text);
	return 0;
}

static int usage(void)
{
	return ctl_fail("usage: clampctl log [--config PATH] [--file LOG] [--since TIME|SPAN] [--top N] [--json]");
}

int ctl_log(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' }, { "file", required_argument, NULL, 'f' },
		{ "since", required_argument, NULL, 's' },  { "top", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },	    { NULL, 0, NULL, 0 },
	};
	struct node_config cfg __attribute__((cleanup(node_config_free))) = { 0 };
	cleanup_json json_t *profiles = json_object(), *rules = json_object(), *offenders = json_object(), *top = NULL;
	struct summary s = { .profiles = profiles, .rules = rules, .offenders = offenders };
	const char *config = NULL, *file = NULL;
	struct cd_error err = { 0 };
	char since[64];
	bool json = false;
	long ntop = 10;
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "c:f:s:t:", opts, NULL)) != -1) {
		if (c == 'c')
			config = optarg;
		else if (c == 'f')
			file = optarg;
		else if (c == 's' && parse_since(optarg, since, sizeof(since)) == 0)
			s.since = since;
		else if (c == 's')
			return ctl_fail(
			    "log: --since %s: not a UTC time (2026-11-22T10:00:00Z) or a span (90m, 2h, 7d)", optarg);
		else if (c == 't' && (ntop = strtol(optarg, &end, 10)) >= 0 && *optarg && !*end)
			continue;
		else if (c == 'j')
			json = true;
		else
			return usage();
	}
	if (optind != argc)
		return usage();
	if (!file && node_config_load(node_config_path(config), &cfg, &err) < 0)
		return ctl_fail("%s", err.msg);
	if (!file && !cfg.decision_log)
		return ctl_fail("%s: decision_log is null: clampdown keeps no decision log", cfg.path);
	file = file ? file : cfg.decision_log;
	if (read_log(&s, file) != 0)
		return CTL_TROUBLE;
	count_sets(profiles);
	count_sets(rules);
	top = top_offenders(&s, (size_t)ntop);
	if (json)
		return print_json(&s, file, top);
	print_human(&s, file, top);
	return CTL_OK;
}
