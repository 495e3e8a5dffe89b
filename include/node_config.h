/* The node config (/etc/clampdown/config.json): which runtime, which profiles. */
#ifndef CLAMPDOWN_NODE_CONFIG_H
#define CLAMPDOWN_NODE_CONFIG_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "error.h"

#define NODE_CONFIG_DEFAULT "/etc/clampdown/config.json"

struct node_config {
	char path[4096];
	json_t *root; /* owns the strings below */
	const char *runtime;
	const char *profile_dir;
	const char *default_profile;
	const char *profile_annotation;
	json_t *selectable;	  /* array of names */
	const char *decision_log; /* NULL: no decision log */
	const char *cache_dir;	  /* validated seccomp filters; NULL: none */
	struct stat st;		  /* the file as read */
	struct stat runtime_st;	  /* the runtime as checked */
};

/* The path in force: the flag, then $CLAMPDOWN_CONFIG, then the default. */
const char *node_config_path(const char *flag_value);

/* Load and validate; every error names the file and the field. */
int node_config_load(const char *path, struct node_config *ret, struct cd_error *err)
    __attribute__((nonnull, warn_unused_result));

/* The runtime must be an executable that is not clampdown itself. */
int node_config_check_runtime(struct node_config *c, struct cd_error *err) __attribute__((nonnull, warn_unused_result));

bool node_config_selectable(const struct node_config *c, const char *profile) __attribute__((nonnull));

/* A profile name is a plain file stem: no '/', no leading dot. */
bool node_config_valid_profile_name(const char *name) __attribute__((nonnull));

void node_config_free(struct node_config *c);

#endif
