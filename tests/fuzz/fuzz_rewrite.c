/*
 * libFuzzer: a config.json through the whole rewrite (parse, folded-key
 * check, every rule of a fixed profile, dump). With a file argument and no
 * libFuzzer, replays that file (crun's tests_libcrun_fuzzer does the same).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_text.h"
#include "profile.h"
#include "spec_schema.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t len);

static struct profile prof;
static int loaded;

static void load_profile(void)
{
	struct cd_error err;
	const char *dir = getenv("CLAMPDOWN_FUZZ_PROFILES");

	if (loaded)
		return;
	if (profile_load(dir ? dir : "profiles", "restricted", &prof, &err) < 0) {
		fprintf(stderr, "fuzz: %s\n", err.msg);
		abort();
	}
	loaded = 1;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t len)
{
	struct cd_error err;
	json_t *spec = NULL, *findings;
	struct rule_ctx ctx;
	char *out = NULL;
	size_t n = 0;

	load_profile();
	if (json_text_load((const char *)data, len, "fuzz", &spec, &err) < 0)
		return 0;
	if (!json_is_object(spec) || spec_schema_check(spec, &schema_spec, "fuzz", &err) < 0 ||
	    !json_is_object(json_object_get(spec, "process"))) {
		json_decref(spec);
		return 0;
	}
	findings = json_array();
	ctx =
	    (struct rule_ctx){ .spec = spec,
			       .process = json_object_get(spec, "process"),
			       .source = "fuzz",
			       .cache_dir = "/tmp/clampdown-fuzz-cache", /* a filter is compiled once, not per input */
			       /* as clampctl: host paths judged, nothing pinned (no mount per input) */
			       .predicting = true,
			       .findings = findings,
			       .err = &err };
	if (profile_apply(&prof, SCOPE_CONTAINER | SCOPE_PROCESS, &ctx) >= 0 &&
	    json_text_dump(spec, &out, &n, &err) == 0)
		free(out);
	json_decref(findings);
	json_decref(spec);
	return 0;
}

#ifdef FUZZ_REPLAY
int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		static unsigned char buf[1 << 24];
		size_t n;

		if (!f)
			return perror(argv[i]), 1;
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, n);
	}
	return 0;
}
#endif
