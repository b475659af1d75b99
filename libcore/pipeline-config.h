/* pipeline-config.h — the schema of a pipeline document and its bound form (private). */
#ifndef PLUM_PIPELINE_CONFIG_H
#define PLUM_PIPELINE_CONFIG_H

#include <plum/config.h>
#include <plum/params.h>

typedef struct {
  char *train;
  char *test;
  char *label; /* a column name, an index ("-1" = last), or "none" */
  gboolean header;
  char *delimiter;
  char **missing_tokens;
  int missing; /* PlumMissingPolicy */
  char **use;
  char **drop;
  char **categorical;
} PlumPipelineData;

typedef struct {
  double test_fraction;
  gint64 folds;
  gboolean stratify;
  char **metrics;
} PlumPipelineEvaluate;

typedef enum {
  PLUM_SEARCH_GRID = 0,
  PLUM_SEARCH_RANDOM,
} PlumSearchMethod;

/* One searched parameter: a list of values, or a distribution for random search. */
typedef struct {
  char *path;
  char **values;
  PlumRealArray uniform;
  PlumRealArray log_uniform;
  PlumIntArray int_uniform;
} PlumSearchParam;

typedef struct {
  int method; /* PlumSearchMethod */
  gint64 n_iter;
  gint64 folds;
  char *scoring;
  PlumRecordList params; /* PlumSearchParam */
} PlumPipelineSearch;

typedef struct {
  char *model;
  char *predictions;
  char *metrics;
} PlumPipelineOutput;

typedef struct {
  gint64 version;
  gint64 seed;
  gint64 threads;
  PlumPipelineData data;
  PlumBindingList transforms;
  PlumBinding *model;
  PlumPipelineEvaluate evaluate;
  PlumPipelineSearch search;
  PlumPipelineOutput output;
} PlumPipelineConfig;

/* Binds the whole document and checks what spans sections (transform capabilities, metric
 * names against the model's task, search paths); every error at once. */
gboolean plum_pipeline_config_bind(const PlumRegistry *reg, const PlumConfig *cfg,
                                   PlumPipelineConfig *out, GError **error);
void plum_pipeline_config_clear(PlumPipelineConfig *cfg);
char *plum_pipeline_config_to_yaml(const PlumPipelineConfig *cfg);
/* The task the model performs, from its capabilities (0 for a transform-only model). */
int plum_pipeline_config_task(const PlumPipelineConfig *cfg);

#endif /* PLUM_PIPELINE_CONFIG_H */
