/*
 * Build-time generator of profiles/seccomp/default.json: the template's
 * denied and argument-filtered syscalls, plus an allow entry for every other
 * syscall libseccomp knows on the template's architectures. A syscall the
 * kernel adds later is absent, so the default action (EPERM) denies it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "fsutil.h"
#include "json_text.h"
#include "sc_lsc.h"
#include "sc_profile.h"

static int die(const struct cd_error *err)
{
	fprintf(stderr, "seccomp-gen: %s\n", err->msg);
	return 1;
}

/* Every architecture the template's archMap names. */
static int template_arches(const json_t *tpl, int *idx, int max)
{
	json_t *e, *s;
	size_t i, k;
	int n = 0;

	json_array_foreach(json_object_get(tpl, "archMap"), i, e) {
		int a = sc_arch_index(json_string_value(json_object_get(e, "architecture")) ?: "");

		if (a >= 0 && n < max)
			idx[n++] = a;
		json_array_foreach(json_object_get(e, "subArchitectures"), k, s) {
			a = sc_arch_index(json_string_value(s) ?: "");
			if (a >= 0 && n < max)
				idx[n++] = a;
		}
	}
	return n;
}

static bool named(const json_t *tpl, const char *name)
{
	json_t *c, *v;
	size_t i, k;

	json_array_foreach(json_object_get(tpl, "syscalls"), i, c)
		json_array_foreach(json_object_get(c, "names"), k, v)
			if (!strcmp(json_string_value(v), name))
				return true;
	return false;
}

static int add_allow(json_t *tpl, const int *idx, int n, struct cd_error *err)
{
	char **all = NULL, comment[256];
	json_t *names = json_array(), *entry;
	int r = sc_lsc_all_names(idx, n, &all);

	if (r < 0)
		return cd_err(err, -r, "listing libseccomp's syscalls: %s", strerror(-r));
	for (char **p = all; *p; p++) {
		if (!named(tpl, *p))
			json_array_append_new(names, json_string(*p));
		free(*p);
	}
	free(all);
	snprintf(comment, sizeof(comment), "every other syscall libseccomp %s knows on these architectures",
		 sc_lsc_version());
	entry = json_pack("{s:o,s:s,s:s}", "names", names, "action", "SCMP_ACT_ALLOW", "comment", comment);
	json_array_insert_new(json_object_get(tpl, "syscalls"), 0, entry);
	return 0;
}

/* The result must load as a node profile and compile. */
static int check(const json_t *out, const char *file, struct cd_error *err)
{
	struct jpath at = { file, "" };
	struct sc_profile p;
	struct sc_render rd;
	int r;

	sc_render_host(&rd, NULL, NULL);
	r = sc_profile_parse(out, SC_SRC_NODE, &rd, &at, &p, err);
	if (r >= 0)
		r = sc_lsc_compile(&p, file, err);
	sc_profile_free(&p);
	return r;
}

int main(int argc, char **argv)
{
	cleanup_free char *text = NULL, *out = NULL;
	cleanup_json json_t *tpl = NULL;
	struct cd_error err = { 0 };
	char tmp[4096];
	struct stat st;
	size_t len = 0;
	int idx[8], n;
	FILE *f;

	if (argc != 3) {
		fprintf(stderr, "usage: seccomp-gen TEMPLATE OUTPUT\n");
		return 2;
	}
	if (fs_read_at(AT_FDCWD, argv[1], false, 1u << 20, &text, &len, &st, &err) < 0 ||
	    json_text_load(text, len, argv[1], &tpl, &err) < 0 || check(tpl, argv[1], &err) < 0)
		return die(&err);
	n = template_arches(tpl, idx, 8);
	if (add_allow(tpl, idx, n, &err) < 0 || check(tpl, argv[2], &err) < 0)
		return die(&err);
	out = json_dumps(tpl, JSON_INDENT(1) | JSON_COMPACT | JSON_PRESERVE_ORDER);
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[2]);
	f = fopen(tmp, "we");
	if (!out || !f || fprintf(f, "%s\n", out) < 0 || fclose(f) != 0 || rename(tmp, argv[2]) < 0) {
		perror(argv[2]);
		return 1;
	}
	return 0;
}
