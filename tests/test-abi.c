/* test-abi.c — the plugin ABI's layout, frozen.
 *
 * Every struct that crosses the plugin boundary is listed with its size and the offset of its
 * last field, as of ABI 1.0 on LP64, and the sizes later minor versions grew to. Appending a
 * field at the end (a minor ABI bump) changes only the size — update the table and
 * PLUM_ABI_MINOR together; any other change moves an offset and fails here, because it would
 * break every plugin already built.
 */
#include "config.h"

#include <plum/plugin.h>

typedef struct {
  const char *what;
  size_t got;
  size_t want;
} Layout;

#define L(expr, value)                                                                             \
  {                                                                                                \
#expr, expr, value                                                                             \
  }

static const Layout layouts[] = {
    L(sizeof(PlumMatrix), 32),
    L(offsetof(PlumMatrix, ld), 24),
    L(sizeof(PlumParamSpec), 144),
    L(offsetof(PlumParamSpec, offset), 16),
    L(offsetof(PlumParamSpec, def_int), 32),
    L(offsetof(PlumParamSpec, min), 72),
    L(offsetof(PlumParamSpec, choices), 104),
    L(offsetof(PlumParamSpec, record_size), 136),
    L(sizeof(PlumRealArray), 16),
    L(sizeof(PlumIntArray), 16),
    L(sizeof(PlumBindingList), 16),
    L(sizeof(PlumRecordList), 16),
    L(sizeof(PlumObjective), 72),
    L(offsetof(PlumObjective, eval), 32),
    L(offsetof(PlumObjective, upper), 64),
    L(sizeof(PlumOptimCommon), 40),
    L(offsetof(PlumOptimContext, validate_user), 32),
    L(sizeof(PlumOptimContext), 64), /* 1.1: validate_metric, validate_metric_name, report */
    L(sizeof(PlumOptimResult), 136),
    L(sizeof(PlumFitData), 88), /* 1.2: flags */
    L(offsetof(PlumFitData, report), 72),
    L(offsetof(PlumFitData, flags), 80),
    L(sizeof(PlumModelShape), 40),
    L(sizeof(PlumModelVTable), 128), /* 1.1: predict_all */
    L(offsetof(PlumModelVTable, load), 48),
    L(offsetof(PlumModelVTable, set_theta), 112),
    L(sizeof(PlumOptimizerVTable), 16),
    L(sizeof(PlumKernelVTable), 40),
    L(sizeof(PlumActivationVTable), 24),
    L(sizeof(PlumCostVTable), 16),
    L(sizeof(PlumFamilyVTable), 88), /* 1.2: working_weights */
    L(offsetof(PlumFamilyVTable, valid_mu), 72),
    L(sizeof(PlumComponentDesc), 88),
    L(offsetof(PlumComponentDesc, vtable), 72),
    L(offsetof(PlumComponentDesc, state_version), 80),
    L(sizeof(PlumPluginDesc), 80),
    L(offsetof(PlumPluginDesc, name), 24),
    L(offsetof(PlumPluginDesc, components), 56),
    L(offsetof(PlumPluginDesc, init), 72),
};

static void
test_layout(gconstpointer data)
{
  const Layout *l = data;
  if (l->got != l->want)
    g_test_fail_printf("%s is %zu, the frozen ABI says %zu", l->what, l->got, l->want);
}

static void
test_fingerprint(void)
{
  g_assert_cmphex(PLUM_ABI_FINGERPRINT, ==, 0x08080808);
}

/* PlumFitData.flags reads as 0 from a caller built before ABI 1.2, whatever lies past its data. */
static void
test_fit_data_flags(void)
{
  PlumFitData fd = {.struct_size = sizeof fd, .flags = PLUM_FIT_X_FINITE};
  g_assert_cmpuint(plum_fit_data_flags(&fd), ==, PLUM_FIT_X_FINITE);
  fd.struct_size = G_STRUCT_OFFSET(PlumFitData, flags); /* an ABI 1.1 caller's size */
  g_assert_cmpuint(plum_fit_data_flags(&fd), ==, 0);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  if (sizeof(void *) != 8) {
    g_test_skip("the frozen layout table is for LP64");
    return g_test_run();
  }
  for (size_t i = 0; i < G_N_ELEMENTS(layouts); i++) {
    char *path = g_strdup_printf("/abi/layout/%zu", i);
    g_test_add_data_func(path, &layouts[i], test_layout);
    g_free(path);
  }
  g_test_add_func("/abi/fingerprint", test_fingerprint);
  g_test_add_func("/abi/fit-data-flags", test_fit_data_flags);
  return g_test_run();
}
