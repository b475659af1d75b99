/* plugin-util.h — binding and instantiating components in the tests, as the pipeline does.
 *
 * Test programs bind a component from a YAML snippet written under a key (`model: {name: …}`,
 * so the binder's messages name that key path) and create a model instance through its
 * vtable. Header-only: each test program is one translation unit.
 */
#ifndef PLUM_TESTS_PLUGIN_UTIL_H
#define PLUM_TESTS_PLUGIN_UTIL_H

#include <math.h>
#include <plum/plum.h>

/* Binds `KEY: YAML` as a component of `kind`; NULL with the binder's error when refused. */
static inline PlumBinding *
test_bind(const PlumRegistry *reg, PlumComponentKind kind, const char *key, const char *yaml,
          GError **error)
{
  char *text = g_strconcat(key, ": ", yaml, "\n", NULL);
  PlumConfig *cfg = plum_config_parse_string(text, "test.yaml", error);
  g_free(text);
  g_assert_nonnull(cfg);
  PlumBinding *b = plum_binding_new_from_node(reg, kind, plum_config_lookup(cfg, key), key, error);
  plum_config_free(cfg);
  return b;
}

typedef struct {
  PlumBinding *binding;
  const PlumModelVTable *vt;
  void *self;
} TestModel;

/* Binds a model (which must bind) and creates an instance (which must succeed). */
static inline void
test_model_init(TestModel *m, const PlumRegistry *reg, const char *key, const char *yaml)
{
  GError *error = NULL;
  m->binding = test_bind(reg, PLUM_KIND_MODEL, key, yaml, &error);
  g_assert_no_error(error);
  m->vt = plum_component_vtable(plum_binding_component(m->binding));
  m->self = m->vt->create(plum_binding_params(m->binding), &error);
  g_assert_no_error(error);
  g_assert_nonnull(m->self);
}

static inline void
test_model_clear(TestModel *m)
{
  m->vt->destroy(m->self);
  plum_binding_free(m->binding);
}

/* A real value a fit report (or any state) must hold. */
static inline double
report_real(const PlumState *report, const char *name)
{
  GError *error = NULL;
  double v = NAN;
  g_assert_true(plum_state_get_real(report, name, &v, &error));
  g_assert_no_error(error);
  return v;
}

#endif /* PLUM_TESTS_PLUGIN_UTIL_H */
