/* test-registry.c — the registry loads good modules and refuses every broken fixture.
 *
 * The fixtures (tests/fixtures/) are built from one source with one defect each; every one must
 * be refused with the right error code and a message that says what is wrong, and none may
 * crash the host or register a component.
 */
#include "config.h"

#include <string.h>

#include <plum/plum.h>

static char *
fixture_path(const char *name)
{
  const char *dir = g_getenv("PLUM_FIXTURE_DIR");
  g_assert_nonnull(dir);
  char *file = g_strconcat(name, ".la", NULL);
  char *path = g_build_filename(dir, file, NULL);
  g_free(file);
  return path;
}

static const PlumModule *
load(PlumRegistry *reg, const char *name, GError **error)
{
  char *path = fixture_path(name);
  const PlumModule *m = plum_registry_load_file(reg, path, error);
  g_free(path);
  return m;
}

static void
test_good(void)
{
  PlumRegistry *reg = plum_registry_new();
  GError *error = NULL;
  const PlumModule *m = load(reg, "fixture_good", &error);
  g_assert_no_error(error);
  g_assert_nonnull(m);
  g_assert_cmpstr(plum_module_name(m), ==, "fixture_good");
  g_assert_cmpstr(plum_module_version(m), ==, "1.0");
  g_assert_cmpstr(plum_module_license(m), ==, "MIT");
  g_assert_null(plum_module_error(m));

  const PlumComponent *c = plum_registry_find(reg, PLUM_KIND_KERNEL, "fixture_good");
  g_assert_nonnull(c);
  g_assert_true(plum_component_module(c) == m);
  g_assert_cmpuint(plum_component_n_params(c), ==, 1);
  g_assert_cmpstr(plum_component_param(c, 0)->name, ==, "level");
  g_assert_null(plum_component_param(c, 1));
  const PlumKernelVTable *vt = plum_component_vtable(c);
  g_assert_cmpuint(vt->struct_size, ==, sizeof(PlumKernelVTable));
  g_assert_nonnull(vt->eval);
  g_assert_null(vt->gram); /* a slot the plugin did not fill reads NULL */
  g_assert_null(plum_registry_find(reg, PLUM_KIND_MODEL, "fixture_good"));
  g_assert_cmpuint(plum_registry_n_components(reg), ==, 1);
  plum_registry_free(reg);
}

typedef struct {
  const char *fixture;
  int code;
  const char *message; /* a fragment the reason must contain */
} Refusal;

static const Refusal refusals[] = {
    {"fixture_abi_major", PLUM_PLUGIN_ERROR_ABI, "major versions differ"},
    {"fixture_abi_minor", PLUM_PLUGIN_ERROR_ABI, "needs a newer host"},
    {"fixture_fingerprint", PLUM_PLUGIN_ERROR_ABI, "fingerprint"},
    {"fixture_no_entry", PLUM_PLUGIN_ERROR_NO_ENTRY,
     "no entry symbol plum_plugin_fixture_no_entry_get_desc"},
    {"fixture_name_mismatch", PLUM_PLUGIN_ERROR_INVALID, "'someone_else' does not match"},
    {"fixture_twice", PLUM_PLUGIN_ERROR_DUPLICATE, "already provided by module 'fixture_twice'"},
    {"fixture_missing_slot", PLUM_PLUGIN_ERROR_INVALID, "required vtable slot 'eval'"},
    {"fixture_undefined_symbol", PLUM_PLUGIN_ERROR_OPEN, "plum_fixture_symbol_nobody_defines"},
    {"fixture_init_fail", PLUM_PLUGIN_ERROR_INIT, "the fixture refuses to start"},
    {"fixture_bad_default", PLUM_PLUGIN_ERROR_INVALID, "default 20 outside its bounds"},
};

static void
test_refused(gconstpointer data)
{
  const Refusal *r = data;
  PlumRegistry *reg = plum_registry_new();
  GError *error = NULL;
  g_assert_null(load(reg, r->fixture, &error));
  g_assert_error(error, PLUM_PLUGIN_ERROR, r->code);
  g_test_message("%s: %s", r->fixture, error->message);
  g_assert_nonnull(strstr(error->message, r->message));
  g_assert_nonnull(strstr(error->message, r->fixture)); /* the path names the module */
  /* The refusal is kept in the registry, and nothing of the module is registered. */
  g_assert_cmpuint(plum_registry_n_modules(reg), ==, 1);
  const PlumModule *m = plum_registry_module_at(reg, 0);
  g_assert_nonnull(plum_module_error(m));
  g_assert_cmpstr(plum_module_error(m)->message, ==, error->message);
  g_assert_cmpuint(plum_registry_n_components(reg), ==, 0);
  g_error_free(error);
  plum_registry_free(reg);
}

static void
test_duplicate_across_modules(void)
{
  PlumRegistry *reg = plum_registry_new();
  GError *error = NULL;
  g_assert_nonnull(load(reg, "fixture_good", &error));
  g_assert_null(load(reg, "fixture_duplicate", &error));
  g_assert_error(error, PLUM_PLUGIN_ERROR, PLUM_PLUGIN_ERROR_DUPLICATE);
  g_assert_nonnull(strstr(error->message, "kernel 'fixture_good' is already provided by module "
                                          "'fixture_good'"));
  g_clear_error(&error);
  /* The first provider stays in place. */
  const PlumComponent *c = plum_registry_find(reg, PLUM_KIND_KERNEL, "fixture_good");
  g_assert_cmpstr(plum_module_name(plum_component_module(c)), ==, "fixture_good");
  /* Loading the same module twice is refused too. */
  g_assert_null(load(reg, "fixture_good", &error));
  g_assert_error(error, PLUM_PLUGIN_ERROR, PLUM_PLUGIN_ERROR_DUPLICATE);
  g_clear_error(&error);
  g_assert_cmpuint(plum_registry_n_components(reg), ==, 1);
  plum_registry_free(reg);
}

/* Two modules define the same exported global; each must see its own. */
static void
test_globals_isolated(void)
{
  PlumRegistry *reg = plum_registry_new();
  GError *error = NULL;
  g_assert_nonnull(load(reg, "fixture_global_a", &error));
  g_assert_no_error(error);
  g_assert_nonnull(load(reg, "fixture_global_b", &error));
  g_assert_no_error(error);
  const PlumComponent *a = plum_registry_find(reg, PLUM_KIND_KERNEL, "fixture_global_a");
  const PlumComponent *b = plum_registry_find(reg, PLUM_KIND_KERNEL, "fixture_global_b");
  const PlumKernelVTable *va = plum_component_vtable(a), *vb = plum_component_vtable(b);
  double x = 0;
  g_assert_cmpfloat(va->eval(NULL, &x, &x, 1), ==, 1.0);
  g_assert_cmpfloat(vb->eval(NULL, &x, &x, 1), ==, 2.0);
  plum_registry_free(reg);
}

static void
test_missing_file(void)
{
  PlumRegistry *reg = plum_registry_new();
  GError *error = NULL;
  g_assert_null(plum_registry_load_file(reg, "/nonexistent/dir/nothing.so", &error));
  g_assert_error(error, PLUM_PLUGIN_ERROR, PLUM_PLUGIN_ERROR_OPEN);
  g_assert_nonnull(strstr(error->message, "/nonexistent/dir/nothing.so"));
  g_clear_error(&error);
  plum_registry_free(reg);
}

/* Scanning a directory registers the good modules and records every refusal. */
static void
test_scan(void)
{
  const char *dir = g_getenv("PLUM_FIXTURE_DIR");
  char *old_path = g_strdup(g_getenv("PLUM_PLUGIN_PATH"));
  g_setenv("PLUM_PLUGIN_PATH", dir, TRUE);
  g_setenv("PLUM_PLUGIN_SYSTEM_PATH", "", TRUE);
  PlumRegistry *reg = plum_registry_new();
  GError *error = NULL;
  g_assert_true(plum_registry_scan(reg, &error));
  g_assert_no_error(error);
  const char *const *path = plum_registry_search_path(reg);
  g_assert_cmpstr(path[0], ==, dir);
  g_assert_null(path[1]);

  size_t ok = 0, refused = 0;
  for (size_t i = 0; i < plum_registry_n_modules(reg); i++) {
    const PlumModule *m = plum_registry_module_at(reg, i);
    if (plum_module_error(m) == NULL)
      ok++;
    else
      refused++;
  }
  /* Every broken fixture and the duplicate are refused; good, global_a, global_b (and fixtures
   * other tests add, such as one built against frozen headers) load. */
  g_assert_cmpuint(ok, >=, 3);
  g_assert_cmpuint(refused, ==, G_N_ELEMENTS(refusals) + 1);
  for (size_t i = 0; i < G_N_ELEMENTS(refusals); i++)
    g_assert_null(plum_registry_find(reg, PLUM_KIND_KERNEL, refusals[i].fixture));
  g_assert_nonnull(plum_registry_find(reg, PLUM_KIND_KERNEL, "fixture_good"));
  g_assert_null(plum_registry_find(reg, PLUM_KIND_KERNEL, "fixture_init_fail"));
  /* Components come sorted by kind and name. */
  for (size_t i = 1; i < plum_registry_n_components(reg); i++)
    g_assert_cmpint(strcmp(plum_component_name(plum_registry_component_at(reg, i - 1)),
                           plum_component_name(plum_registry_component_at(reg, i))),
                    <, 0);
  plum_registry_free(reg);
  g_setenv("PLUM_PLUGIN_PATH", old_path, TRUE);
  g_free(old_path);
}

/* Relative and empty entries of the search path are ignored: never the current directory. */
static void
test_search_path_absolute_only(void)
{
  char *old_path = g_strdup(g_getenv("PLUM_PLUGIN_PATH"));
  g_setenv("PLUM_PLUGIN_PATH", "::.:relative/dir:/abs/one", TRUE);
  g_setenv("PLUM_PLUGIN_SYSTEM_PATH", "/abs/two", TRUE);
  PlumRegistry *reg = plum_registry_new();
  g_assert_true(plum_registry_scan(reg, NULL));
  const char *const *path = plum_registry_search_path(reg);
  g_assert_cmpstr(path[0], ==, "/abs/one");
  g_assert_cmpstr(path[1], ==, "/abs/two");
  g_assert_null(path[2]);
  plum_registry_free(reg);
  g_setenv("PLUM_PLUGIN_PATH", old_path, TRUE);
  g_setenv("PLUM_PLUGIN_SYSTEM_PATH", "", TRUE);
  g_free(old_path);
}

static void
test_lookup_suggests(void)
{
  PlumRegistry *reg = plum_registry_new();
  GError *error = NULL;
  g_assert_nonnull(load(reg, "fixture_good", &error));
  g_assert_null(plum_registry_lookup(reg, PLUM_KIND_KERNEL, "fixture_godo", &error));
  g_assert_error(error, PLUM_PLUGIN_ERROR, PLUM_PLUGIN_ERROR_NOT_FOUND);
  g_assert_nonnull(strstr(error->message, "did you mean 'fixture_good'?"));
  g_assert_nonnull(strstr(error->message, "available: fixture_good"));
  g_clear_error(&error);
  g_assert_null(plum_registry_lookup(reg, PLUM_KIND_MODEL, "anything", &error));
  g_assert_nonnull(strstr(error->message, "none loaded"));
  g_clear_error(&error);
  plum_registry_free(reg);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/registry/good", test_good);
  for (size_t i = 0; i < G_N_ELEMENTS(refusals); i++) {
    char *name = g_strdup_printf("/registry/refused/%s", refusals[i].fixture);
    g_test_add_data_func(name, &refusals[i], test_refused);
    g_free(name);
  }
  g_test_add_func("/registry/duplicate-across-modules", test_duplicate_across_modules);
  g_test_add_func("/registry/globals-isolated", test_globals_isolated);
  g_test_add_func("/registry/missing-file", test_missing_file);
  g_test_add_func("/registry/scan", test_scan);
  g_test_add_func("/registry/search-path-absolute-only", test_search_path_absolute_only);
  g_test_add_func("/registry/lookup-suggests", test_lookup_suggests);
  return g_test_run();
}
