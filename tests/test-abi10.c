/* test-abi10.c — a plugin built against ABI 1.0 still loads and runs in this host.
 *
 * tests/fixtures/abi10.la is compiled against the frozen headers of tests/abi-1.0/plum/, which
 * never change when PLUM_ABI_MINOR grows (see doc/plugin-guide.md). The host must accept it,
 * pass every conformance check on its components, and train its model through its optimizer to
 * the known answer — with the structs the plugin allocates (PlumObjective, PlumOptimContext,
 * PlumOptimResult, its descriptors) of the 1.0 sizes and those the host hands it of its own.
 */
#include "config.h"

#include <math.h>

#include <plum/check.h>
#include <plum/plum.h>

typedef struct {
  PlumRegistry *reg;
  const PlumModule *module;
} Fixture;

static void
fixture_set_up(Fixture *f, gconstpointer data)
{
  const char *dir = g_getenv("PLUM_FIXTURE_DIR");
  g_assert_nonnull(dir);
  char *path = g_build_filename(dir, "abi10.la", NULL);
  GError *error = NULL;
  f->reg = plum_registry_new();
  f->module = plum_registry_load_file(f->reg, path, &error);
  g_assert_no_error(error);
  g_free(path);
}

static void
fixture_tear_down(Fixture *f, gconstpointer data)
{
  plum_registry_free(f->reg);
}

static void
test_loads(Fixture *f, gconstpointer data)
{
  g_assert_null(plum_module_error(f->module));
  g_assert_cmpstr(plum_module_version(f->module), ==, "1.0");
  g_assert_nonnull(plum_registry_find(f->reg, PLUM_KIND_MODEL, "abi10_line"));
  g_assert_nonnull(plum_registry_find(f->reg, PLUM_KIND_OPTIMIZER, "abi10_solver"));
  /* Slots the 1.0 plugin left out read NULL in the host's vtable. */
  const PlumModelVTable *vt =
      plum_component_vtable(plum_registry_find(f->reg, PLUM_KIND_MODEL, "abi10_line"));
  g_assert_nonnull(vt->set_theta);
  g_assert_null(vt->predict_proba);
}

static void
report(gboolean ok, const char *what, const char *detail, gpointer user)
{
  if (!ok)
    g_test_fail_printf("%s%s%s", what, detail ? ": " : "", detail ? detail : "");
}

static void
test_conformance(Fixture *f, gconstpointer data)
{
  for (size_t i = 0; i < plum_registry_n_components(f->reg); i++)
    plum_check_component(f->reg, plum_registry_component_at(f->reg, i), NULL, report, NULL);
}

/* y = 1 + 2 x₀ − x₁ exactly: least squares must find it, through the plugin's own optimizer. */
static void
test_trains(Fixture *f, gconstpointer data)
{
  enum { N = 40 };
  double x[N * 2], y[N], pred[N];
  PlumRng *rng = plum_rng_new(7);
  for (size_t i = 0; i < N; i++) {
    x[2 * i] = plum_rng_normal(rng);
    x[2 * i + 1] = plum_rng_normal(rng);
    y[i] = 1 + 2 * x[2 * i] - x[2 * i + 1];
  }
  PlumMatrix X = plum_matrix_view(x, N, 2, 0), Y = plum_matrix_view(y, N, 1, 0),
             P = plum_matrix_view(pred, N, 1, 0);
  const PlumComponent *c = plum_registry_find(f->reg, PLUM_KIND_MODEL, "abi10_line");
  GError *error = NULL;
  PlumBinding *b = plum_binding_new_default(f->reg, c, &error);
  g_assert_no_error(error);
  const PlumModelVTable *vt = plum_component_vtable(c);
  void *model = vt->create(plum_binding_params(b), &error);
  g_assert_no_error(error);
  PlumState *fit_report = plum_state_new();
  PlumFitData fd = {.struct_size = sizeof fd, .X = &X, .y = &Y, .rng = rng, .report = fit_report};
  g_assert_true(vt->fit(model, &fd, &error));
  g_assert_no_error(error);
  gint64 n_iter = 0;
  g_assert_true(plum_state_get_int(fit_report, "n_iter", &n_iter, NULL));
  g_assert_cmpint(n_iter, >, 1);
  g_assert_true(vt->predict(model, &X, &P, &error));
  g_assert_no_error(error);
  for (size_t i = 0; i < N; i++)
    g_assert_cmpfloat_with_epsilon(pred[i], y[i], 1e-6);
  vt->destroy(model);
  plum_state_free(fit_report);
  plum_binding_free(b);
  plum_rng_free(rng);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add("/abi10/loads", Fixture, NULL, fixture_set_up, test_loads, fixture_tear_down);
  g_test_add("/abi10/conformance", Fixture, NULL, fixture_set_up, test_conformance,
             fixture_tear_down);
  g_test_add("/abi10/trains", Fixture, NULL, fixture_set_up, test_trains, fixture_tear_down);
  return g_test_run();
}
