#include "ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "cleanup.h"
#include "fsutil.h"
#include "harden.h"
#include "json_text.h"
#include "spec_schema.h"

int ctl_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("clampctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CTL_TROUBLE;
}

int ctl_color_parse(const char *when, bool *ret)
{
	if (!strcmp(when, "auto"))
		*ret = ctl_color_auto(stdout);
	else if (!strcmp(when, "always"))
		*ret = true;
	else if (!strcmp(when, "never"))
		*ret = false;
	else
		return -EINVAL;
	return 0;
}

bool ctl_color_auto(FILE *f)
{
	const char *no = getenv("NO_COLOR");

	return isatty(fileno(f)) && !(no && *no);
}

const char *ctl_sgr(bool on, const char *code)
{
	return on ? code : "";
}

void ctl_print_json(FILE *f, const json_t *v, size_t max)
{
	cleanup_json json_t *wrap = json_pack("[O]", v ? v : json_null());
	cleanup_free char *text = NULL;
	struct cd_error err;
	size_t len = 0;

	/* wrapped, so scalars dump too; the brackets are cut off again */
	if (!wrap || json_text_dump(wrap, &text, &len, &err) < 0 || len < 2) {
		fputs("null", f);
		return;
	}
	len -= 2;
	if (len > max)
		fprintf(f, "%.*s…", (int)max, text + 1);
	else
		fprintf(f, "%.*s", (int)len, text + 1);
}

const char *ctl_clampdown_path(void)
{
	static char path[4096];
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n > 0) {
		self[n] = 0;
		snprintf(path, sizeof(path), "%s/clampdown", dirname(self));
		if (access(path, X_OK) == 0)
			return path;
	}
	return "/usr/local/bin/clampdown";
}

/* A config.json given as a file: its directory stands for the bundle. */
static int load_file(const char *file, struct ctl_eval *ev, struct cd_error *err)
{
	cleanup_free char *text = NULL;
	char copy[4096];
	struct stat st;
	size_t len = 0;
	int r;

	snprintf(ev->source, sizeof(ev->source), "%s", file);
	snprintf(copy, sizeof(copy), "%s", file);
	snprintf(ev->bundle_dir, sizeof(ev->bundle_dir), "%s", dirname(copy));
	r = fs_read_at(AT_FDCWD, file, false, FS_MAX_FILE, &text, &len, &st, err);
	r = r < 0 ? r : spec_schema_load(text, len, &schema_spec, file, &ev->spec, err);
	return r < 0 ? r : 0;
}

static int load_target(const char *target, struct ctl_eval *ev, struct cd_error *err)
{
	struct bundle b __attribute__((cleanup(bundle_close))) = { .dirfd = -1 };
	struct stat st;
	int r;

	if (stat(target, &st) < 0)
		return cd_err_sys(err, "%s", target);
	if (!S_ISDIR(st.st_mode))
		return load_file(target, ev, err);
	r = bundle_load(target, &b, err);
	if (r < 0)
		return r;
	snprintf(ev->source, sizeof(ev->source), "%s", b.path);
	snprintf(ev->bundle_dir, sizeof(ev->bundle_dir), "%s", b.dir);
	ev->spec = steal_pointer(&b.spec);
	return 0;
}

static int pick(const char *profile, struct ctl_eval *ev, struct cd_error *err)
{
	json_t *ann = json_object_get(ev->spec, "annotations");
	const char *name = profile;
	int r = 0;

	if (!name)
		r = harden_pick_profile(json_is_object(ann) ? ann : NULL, &ev->cfg, ev->source, &name, err);
	return r < 0 ? r : profile_load(ev->cfg.profile_dir, name, &ev->profile, err);
}

int ctl_eval_run(struct ctl_eval *ev, const struct node_config *cfg, enum ctl_eval_how how, struct cd_error *err)
{
	struct rule_ctx ctx = { .err = err };
	int r;

	for (size_t i = 0; how != CTL_AS_PROFILE && i < ev->profile.nrules; i++)
		if (ev->profile.rules[i].mode != MODE_OFF)
			ev->profile.rules[i].mode = how == CTL_AUDIT_ALL ? MODE_AUDIT : MODE_ENFORCE;
	ev->original = json_deep_copy(ev->spec);
	ev->findings = json_array();
	if (!ev->original || !ev->findings)
		return cd_err(err, ENOMEM, "out of memory");
	ctx.spec = ev->spec;
	ctx.process = json_object_get(ev->spec, "process");
	ctx.source = ev->source;
	ctx.bundle_dir = ev->bundle_dir;
	ctx.decision_log = cfg->decision_log;
	ctx.profile = ev->profile.name;
	ctx.self_exe = ctl_clampdown_path();
	ctx.predicting = true;
	ctx.crun = harden_runtime_is_crun(cfg);
	ctx.findings = ev->findings;
	if (!json_is_object(ctx.process))
		return cd_err(err, EINVAL, "%s: process: required, and must be an object", ev->source);
	r = profile_apply(&ev->profile, SCOPE_CONTAINER | SCOPE_PROCESS, &ctx);
	ev->changed = ctx.changed;
	ev->denied = ctx.denied;
	snprintf(ev->deny_msg, sizeof(ev->deny_msg), "%s", ctx.deny_msg);
	return r;
}

int ctl_evaluate(const char *config, const char *target, const char *profile, enum ctl_eval_how how,
		 struct ctl_eval *ev, struct cd_error *err)
{
	int r;

	*ev = (struct ctl_eval){ 0 };
	r = node_config_load(node_config_path(config), &ev->cfg, err);
	if (r >= 0)
		r = load_target(target, ev, err);
	if (r >= 0)
		r = pick(profile, ev, err);
	return r < 0 ? r : ctl_eval_run(ev, &ev->cfg, how, err);
}

void ctl_eval_free(struct ctl_eval *ev)
{
	profile_free(&ev->profile);
	node_config_free(&ev->cfg);
	json_decref(ev->spec);
	json_decref(ev->original);
	json_decref(ev->findings);
	*ev = (struct ctl_eval){ 0 };
}

int ctl_eval_args_parse(int argc, char **argv, const char *verb, struct ctl_eval_args *ret)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "profile", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "color", required_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*ret = (struct ctl_eval_args){ .color = ctl_color_auto(stdout) };
	while ((c = getopt_long(argc, argv, "c:p:", opts, NULL)) != -1) {
		if (c == 'c')
			ret->config = optarg;
		else if (c == 'p')
			ret->profile = optarg;
		else if (c == 'j')
			ret->json = true;
		else if (c != 'C' || ctl_color_parse(optarg, &ret->color) < 0)
			goto usage;
	}
	if (optind != argc - 1)
		goto usage;
	ret->target = argv[optind];
	return 0;
usage:
	ctl_fail("usage: clampctl %s [--config PATH] [--profile NAME] [--json] [--color auto|always|never] "
		 "BUNDLE|CONFIG_JSON",
		 verb);
	return -EINVAL;
}
