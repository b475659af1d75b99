/* new-plugin.c — `plum new-plugin --kind KIND NAME [DIR]`: a starter project for a plugin.
 *
 * Writes into DIR (default ./NAME) a plugin of the requested kind with every vtable slot
 * filled by a small working example, a Makefile that builds it against the installed SDK
 * through pkg-config and whose `check` target runs `plum check-plugin` and a pipeline, that
 * pipeline and its data, and a README. The files come from src/templates/, which the build
 * compiles into this program (src/embed-templates.awk), rather than from template files
 * installed under $(pkgdatadir): the command then works the same from a build tree, a
 * relocated or DESTDIR install, or a copied binary, and can never pair this plum with another
 * version's templates. `@NAME@` and `@KIND@` are the only placeholders. The project appears
 * whole or not at all: it is written into a temporary sibling directory that is then renamed.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>

#include <plum/plum.h>

#include "new-plugin.h"

typedef struct {
  const char *name;
  const char *text;
} Template;

#include "src/new-plugin-templates.h"

enum { STATUS_OK = 0, STATUS_FAILED = 1, STATUS_USAGE = 2 };

/* The registry refuses longer component names. */
#define MAX_NAME_LEN 64

/* The data each kind's pipeline runs on. */
static const char *
data_template(PlumComponentKind kind)
{
  switch (kind) {
  case PLUM_KIND_MODEL:
    return "classes.csv";
  case PLUM_KIND_FAMILY:
    return "counts.csv";
  default:
    return "regression.csv";
  }
}

static const char *
find_template(const char *name, GError **error)
{
  for (size_t i = 0; i < G_N_ELEMENTS(templates); i++)
    if (strcmp(templates[i].name, name) == 0)
      return templates[i].text;
  g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
              "this plum was built without the %s template", name);
  return NULL;
}

/* (transfer full) text with @NAME@ and @KIND@ replaced. */
static char *
expand(const char *text, const char *name, const char *kind)
{
  GString *out = g_string_sized_new(strlen(text) + 256);
  for (const char *p = text; *p != '\0'; p++) {
    if (g_str_has_prefix(p, "@NAME@")) {
      g_string_append(out, name);
      p += strlen("@NAME@") - 1;
    } else if (g_str_has_prefix(p, "@KIND@")) {
      g_string_append(out, kind);
      p += strlen("@KIND@") - 1;
    } else {
      g_string_append_c(out, *p);
    }
  }
  return g_string_free(out, FALSE);
}

/* Checks ------------------------------------------------------------------------------------ */

static gboolean
check_name(const char *name, GError **error)
{
  gboolean ok = g_ascii_islower(name[0]) && strlen(name) <= MAX_NAME_LEN;
  for (const char *p = name; ok && *p != '\0'; p++)
    ok = g_ascii_islower(*p) || g_ascii_isdigit(*p) || *p == '_';
  if (!ok)
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "'%s' cannot name a plugin: use a lower-case letter, then lower-case letters, "
                "digits or '_', at most %d characters in all",
                name, MAX_NAME_LEN);
  return ok;
}

/* A plugin may not take a name plum already has: the registry would refuse the component, or
 * the module of the same basename found later on the search path. */
static gboolean
check_name_free(const char *name, PlumComponentKind kind, GError **error)
{
  PlumRegistry *reg = plum_registry_get_default(error);
  if (reg == NULL)
    return FALSE;
  const PlumComponent *c = plum_registry_find(reg, kind, name);
  const char *path = c ? plum_module_path(plum_component_module(c)) : NULL;
  for (size_t i = 0; path == NULL && i < plum_registry_n_modules(reg); i++) {
    const PlumModule *m = plum_registry_module_at(reg, i);
    if (strcmp(plum_module_name(m), name) == 0)
      path = plum_module_path(m);
  }
  if (path != NULL)
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "plum already has a %s named '%s' (in %s): choose another name",
                c ? plum_kind_to_string(kind) : "plugin module", name, path);
  return path == NULL;
}

/* DIR may be absent or an empty directory: nothing of the user's is ever overwritten. */
static gboolean
check_target(const char *dir, GError **error)
{
  if (!g_file_test(dir, G_FILE_TEST_EXISTS))
    return TRUE;
  GDir *d = g_dir_open(dir, 0, NULL);
  gboolean empty = d != NULL && g_dir_read_name(d) == NULL;
  if (d != NULL)
    g_dir_close(d);
  if (!empty)
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "%s exists and is not an empty directory: not writing into it", dir);
  return empty;
}

/* Writing ----------------------------------------------------------------------------------- */

/* Expands one template into tmp/file; the path is added to `written`. */
static gboolean
write_file(const char *tmp, const char *file, const char *template, const char *name,
           const char *kind_name, GPtrArray *written, GError **error)
{
  const char *text = find_template(template, error);
  if (text == NULL)
    return FALSE;
  char *expanded = expand(text, name, kind_name);
  char *path = g_build_filename(tmp, file, NULL);
  gboolean ok = g_file_set_contents(path, expanded, -1, error);
  g_ptr_array_add(written, path);
  g_free(expanded);
  return ok;
}

/* Writes every project file into tmp; the paths written are added to `written`. */
static gboolean
write_files(const char *tmp, const char *name, PlumComponentKind kind, GPtrArray *written,
            GError **error)
{
  const char *kind_name = plum_kind_to_string(kind);
  char *files[][2] = {
      /* the file, its template */
      {g_strconcat(name, ".c", NULL), g_strconcat(kind_name, ".c.in", NULL)},
      {g_strconcat(name, ".yaml", NULL), g_strconcat(kind_name, ".yaml.in", NULL)},
      {g_strconcat(name, ".csv", NULL), g_strdup(data_template(kind))},
      {g_strdup("Makefile"), g_strdup("plugin.mk.in")},
      {g_strdup("README.md"), g_strdup("README.md.in")},
  };
  gboolean ok = TRUE;
  for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
    ok = ok && write_file(tmp, files[i][0], files[i][1], name, kind_name, written, error);
    g_free(files[i][0]);
    g_free(files[i][1]);
  }
  return ok;
}

static void
remove_partial(const char *tmp, GPtrArray *written)
{
  for (size_t i = 0; i < written->len; i++)
    g_remove(written->pdata[i]);
  g_rmdir(tmp);
}

static gboolean
write_project(const char *dir, const char *name, PlumComponentKind kind, GError **error)
{
  char *parent = g_path_get_dirname(dir);
  if (g_mkdir_with_parents(parent, 0777) != 0) {
    int e = errno;
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "cannot create %s: %s", parent,
                g_strerror(e));
    g_free(parent);
    return FALSE;
  }
  g_free(parent);
  char *tmp = g_strdup_printf("%s.new-XXXXXX", dir);
  if (g_mkdtemp_full(tmp, 0777) == NULL) {
    int e = errno;
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e),
                "cannot create a directory next to %s: %s", dir, g_strerror(e));
    g_free(tmp);
    return FALSE;
  }
  GPtrArray *written = g_ptr_array_new_with_free_func(g_free);
  gboolean ok = write_files(tmp, name, kind, written, error);
  if (ok && g_rename(tmp, dir) != 0) {
    int e = errno;
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "cannot rename %s to %s: %s", tmp,
                dir, g_strerror(e));
    ok = FALSE;
  }
  if (!ok)
    remove_partial(tmp, written);
  g_ptr_array_unref(written);
  g_free(tmp);
  return ok;
}

/* The command ------------------------------------------------------------------------------- */

static int
report(GError *error)
{
  int status = error->domain == G_OPTION_ERROR ? STATUS_USAGE : STATUS_FAILED;
  g_printerr("plum new-plugin: %s\n", error->message);
  if (status == STATUS_USAGE)
    g_printerr("Try 'plum new-plugin --help'.\n");
  g_error_free(error);
  return status;
}

static gboolean
parse_kind(const char *kind_name, PlumComponentKind *kind, GError **error)
{
  *kind = kind_name ? plum_kind_from_string(kind_name) : 0;
  if (*kind == 0 && kind_name == NULL)
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "--kind is required: model, optimizer, kernel, activation, cost or family");
  else if (*kind == 0)
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "unknown kind '%s': model, optimizer, kernel, activation, cost or family",
                kind_name);
  return *kind != 0;
}

/* Checks the arguments (NAME [DIR] after the options) and writes the project into *dir_out. */
static gboolean
new_plugin(const char *kind_name, int argc, char **argv, PlumComponentKind *kind,
           const char **dir_out, GError **error)
{
  if (argc < 2 || argc > 3) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                "new-plugin takes a NAME and at most one DIR");
    return FALSE;
  }
  const char *name = argv[1], *dir = argc == 3 ? argv[2] : argv[1];
  *dir_out = dir;
  return parse_kind(kind_name, kind, error) && check_name(name, error) &&
         check_name_free(name, *kind, error) && check_target(dir, error) &&
         write_project(dir, name, *kind, error);
}

int
plum_cli_new_plugin(int argc, char **argv)
{
  char *kind_name = NULL;
  const GOptionEntry entries[] = {
      {"kind", 'k', 0, G_OPTION_ARG_STRING, &kind_name,
       "model, optimizer, kernel, activation, cost or family", "KIND"},
      {NULL},
  };
  GOptionContext *ctx = g_option_context_new("NAME [DIR] - write a starter plugin project");
  g_option_context_set_description(
      ctx,
      "Writes NAME.c, Makefile, NAME.yaml, NAME.csv and README.md into DIR (default: ./NAME),\n"
      "which must not exist or be empty. Then: cd DIR && make && make check.");
  g_option_context_add_main_entries(ctx, entries, NULL);
  GError *error = NULL;
  PlumComponentKind kind = 0;
  const char *dir = NULL;
  gboolean ok = g_option_context_parse(ctx, &argc, &argv, &error) &&
                new_plugin(kind_name, argc, argv, &kind, &dir, &error);
  g_option_context_free(ctx);
  g_free(kind_name);
  if (!ok)
    return report(error);
  printf("wrote a %s plugin project to %s: %s.c, Makefile, %s.yaml, %s.csv, README.md\n"
         "next: cd %s && make && make check\n",
         plum_kind_to_string(kind), dir, argv[1], argv[1], argv[1], dir);
  return STATUS_OK;
}
