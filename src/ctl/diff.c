/* clampctl diff: what clampdown would do to a config.json, rule by rule. */
#include "ctl.h"

#include <string.h>

#include "cleanup.h"
#include "json_text.h"

#define RED    "\033[31m"
#define GREEN  "\033[32m"
#define YELLOW "\033[33m"
#define BOLD   "\033[1m"
#define RESET  "\033[0m"

static const char *verdict_of(const struct ctl_eval *ev)
{
	return ev->denied ? "denied" : ev->changed ? "rewritten" : "allowed";
}

static enum rule_mode mode_of(const struct profile *p, const char *rule)
{
	for (size_t i = 0; i < p->nrules; i++)
		if (!strcmp(p->rules[i].def->name, rule))
			return p->rules[i].mode;
	return MODE_OFF;
}

/* The findings of one rule, in the order found. */
static json_t *findings_of(const json_t *findings, const char *rule)
{
	json_t *out = json_array(), *f;
	size_t i;

	json_array_foreach(findings, i, f)
		if (!strcmp(json_string_value(json_object_get(f, "rule")) ?: "", rule))
			json_array_append(out, f);
	return out;
}

static void print_finding(const json_t *f, bool color)
{
	const char *warning = json_string_value(json_object_get(f, "warning"));
	const char *action = json_string_value(json_object_get(f, "action")) ?: "";
	const json_t *before = json_object_get(f, "before"), *after = json_object_get(f, "after");
	bool deny = !strcmp(action, "denied");

	if (warning) {
		printf("  %swarning%s: %s\n", ctl_sgr(color, YELLOW), ctl_sgr(color, RESET), warning);
		return;
	}
	printf("  %s%s%s %s: %s\n", ctl_sgr(color, deny ? RED BOLD : YELLOW), deny ? "refused" : action,
	       ctl_sgr(color, RESET), json_string_value(json_object_get(f, "field")),
	       json_string_value(json_object_get(f, "reason")));
	if (!json_is_null(before)) {
		printf("    %s- ", ctl_sgr(color, RED));
		ctl_print_json(stdout, before, 400);
		printf("%s\n", ctl_sgr(color, RESET));
	}
	if (!json_is_null(after) && !deny) {
		printf("    %s+ ", ctl_sgr(color, GREEN));
		ctl_print_json(stdout, after, 400);
		printf("%s\n", ctl_sgr(color, RESET));
	}
}

static void print_human(const struct ctl_eval *ev, bool color)
{
	size_t n = json_array_size(ev->findings);

	printf("%s%s%s, profile %s: %s", ctl_sgr(color, BOLD), ev->source, ctl_sgr(color, RESET), ev->profile.name,
	       verdict_of(ev));
	if (ev->denied)
		printf(" (%s)", ev->deny_msg);
	printf(", %zu finding%s\n", n, n == 1 ? "" : "s");
	for (const struct rule_def *const *d = rules_table; *d; d++) {
		enum rule_mode m = mode_of(&ev->profile, (*d)->name);
		cleanup_json json_t *mine = findings_of(ev->findings, (*d)->name);
		json_t *f;
		size_t i;

		if (m == MODE_OFF)
			continue;
		printf("%s%s%s (%s)%s\n", ctl_sgr(color, BOLD), (*d)->name, ctl_sgr(color, RESET), rules_mode_name(m),
		       json_array_size(mine) ? "" : ": no change");
		json_array_foreach(mine, i, f)
			print_finding(f, color);
	}
}

static int print_json(const struct ctl_eval *ev)
{
	cleanup_json json_t *out = NULL, *rules = json_array();
	cleanup_free char *text = NULL;
	struct cd_error err;
	size_t len = 0;

	for (const struct rule_def *const *d = rules_table; *d; d++) {
		enum rule_mode m = mode_of(&ev->profile, (*d)->name);

		if (m != MODE_OFF)
			json_array_append_new(rules, json_pack("{s:s, s:s, s:o}", "rule", (*d)->name, "mode",
							       rules_mode_name(m), "findings",
							       findings_of(ev->findings, (*d)->name)));
	}
	out = json_pack("{s:s, s:s, s:s, s:s?, s:O, s:O}", "source", ev->source, "profile", ev->profile.name, "verdict",
			verdict_of(ev), "refusal", ev->denied ? ev->deny_msg : NULL, "rules", rules, "config",
			ev->denied ? json_null() : ev->spec);
	if (!out || json_text_dump(out, &text, &len, &err) < 0)
		return ctl_fail("out of memory");
	puts(text);
	return 0;
}

int ctl_diff(int argc, char **argv)
{
	struct ctl_eval ev __attribute__((cleanup(ctl_eval_free))) = { 0 };
	struct ctl_eval_args o = { 0 };
	struct cd_error err = { 0 };

	if (ctl_eval_args_parse(argc, argv, "diff", &o) < 0)
		return CTL_TROUBLE;
	if (ctl_evaluate(o.config, o.target, o.profile, CTL_AS_PROFILE, &ev, &err) < 0)
		return ctl_fail("%s", err.msg);
	if (o.json ? print_json(&ev) : (print_human(&ev, o.color), 0))
		return CTL_TROUBLE;
	return ev.changed || ev.denied ? CTL_FOUND : CTL_OK;
}
