/*
 * libFuzzer: the input as a node seccomp profile (Docker's format or OCI's),
 * rendered against fixed capabilities, architecture and kernel. A profile
 * that renders must then hold up everywhere clampdown takes it: written as
 * OCI JSON it parses back as a container's linux.seccomp and writes out the
 * same again; intersected with the shipped default it still parses; small
 * ones compile with libseccomp. A file argument replays that file.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json_text.h"
#include "sc_lsc.h"
#include "sc_profile.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t len);

static struct sc_profile shipped;
static json_t *caps;
static int devnull = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct jpath at = { "profiles/seccomp/default.json", "" };
	struct sc_render rd = { 0 };
	struct cd_error err;
	json_t *j;

	(void)argc;
	(void)argv;
	caps = json_pack("[ssss]", "CAP_CHOWN", "CAP_SYS_ADMIN", "CAP_NET_BIND_SERVICE", "CAP_SYS_PTRACE");
	j = json_load_file(at.file, 0, NULL);
	sc_render_host(&rd, caps, NULL);
	if (!j || sc_profile_parse(j, SC_SRC_NODE, &rd, &at, &shipped, &err) < 0) {
		fprintf(stderr, "fuzz: %s\n", j ? err.msg : "cannot read profiles/seccomp/default.json");
		abort();
	}
	json_decref(j);
	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	return 0;
}

static void fail(const char *what)
{
	fprintf(stderr, "fuzz: %s\n", what);
	abort();
}

/* p written as OCI JSON and parsed back as a container's; a rule p has that differs from the default must survive. */
static json_t *reparse(const struct sc_profile *p, struct sc_profile *ret)
{
	struct jpath at = { "round-trip", "" };
	struct cd_error err;
	json_t *j = sc_profile_to_json(p);

	if (!j)
		return NULL;
	if (sc_profile_parse(j, SC_SRC_CONTAINER, NULL, &at, ret, &err) < 0) {
		fprintf(stderr, "fuzz: %s\n", err.msg);
		fail("a written profile does not parse back");
	}
	for (size_t i = 0; i < p->ncalls; i++)
		for (size_t k = 0; k < p->calls[i].n; k++)
			if (!sc_action_eq(&p->calls[i].r[k].act, &p->def) && !sc_profile_find(ret, p->calls[i].name))
				fail("a rule was lost in writing");
	return j;
}

/* Written, read and written again: the second writing is a fixed point (the first may normalise). */
static void round_trip(const struct sc_profile *p)
{
	struct sc_profile once = { 0 }, twice = { 0 };
	json_t *a = reparse(p, &once), *b = a ? reparse(&once, &twice) : NULL, *c = NULL;

	if (b) {
		sc_profile_free(&once);
		c = reparse(&twice, &once);
		if (c && !json_equal(b, c))
			fail("a written profile, read and written again, changed");
	}
	json_decref(c);
	json_decref(b);
	json_decref(a);
	sc_profile_free(&once);
	sc_profile_free(&twice);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t len)
{
	struct jpath at = { "fuzz", "" };
	struct sc_render rd = { 0 };
	struct sc_profile p, both;
	struct cd_error err;
	json_t *j = NULL, *warnings = json_array();

	if (json_text_load((const char *)data, len, "fuzz", &j, &err) < 0)
		goto out;
	rd = (struct sc_render){ caps, "amd64", "x86_64", { 6, 1, 0 }, warnings };
	if (sc_profile_parse(j, SC_SRC_NODE, &rd, &at, &p, &err) < 0)
		goto out;
	round_trip(&p);
	if (sc_profile_intersect(&shipped, &p, 1u << sc_arch_native(), warnings, &both, &err) >= 0) {
		round_trip(&both);
		sc_profile_free(&both);
	}
	if (p.ncalls <= 16 && devnull >= 0)
		(void)sc_lsc_export(&p, "fuzz", false, devnull, &err);
	sc_profile_free(&p);
out:
	json_decref(j);
	json_decref(warnings);
	return 0;
}
