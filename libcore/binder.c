/* binder.c — the one place where configuration becomes hyperparameters.
 *
 * Every component declares its hyperparameters as a PlumParamSpec table; this file maps a
 * configuration node onto such a table and fills the component's params struct at each spec's
 * offset, recursing into nested components (looked up in the registry by kind and name), lists
 * of them, and records. It does not stop at the first mistake: every unknown key, wrong type,
 * out-of-range value, missing key and unknown component is collected with its location and key
 * path and reported in one GError, one per line in document order, so a user fixes a
 * configuration in one round. The same schema walk frees, copies and prints bound params (the
 * resolved configuration kept in model files) and packs learnable reals into a parameter vector
 * for hyperparameter optimisation, in log space where flagged.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <plum/config.h>
#include <plum/error.h>

#include "binder.h"

struct PlumBinding {
  const PlumComponent *component;
  void *params; /* plum_component_params_size bytes (at least 1), bound against its schema */
  char *path;
};

/* A schema is either a host table (pipeline sections, record fields) or a component's, which
 * the registry hands out one spec at a time. */
typedef struct {
  const PlumParamSpec *table;
  const PlumComponent *component;
  size_t n;
} Schema;

static Schema
schema_of_table(const PlumParamSpec *specs, size_t n)
{
  return (Schema){.table = specs, .n = n};
}

static Schema
schema_of_component(const PlumComponent *c)
{
  return (Schema){.component = c, .n = plum_component_n_params(c)};
}

static Schema
schema_of_fields(const PlumParamSpec *spec)
{
  return schema_of_table(spec->fields, spec->n_fields);
}

static const PlumParamSpec *
schema_at(const Schema *s, size_t i)
{
  return s->table != NULL ? &s->table[i] : plum_component_param(s->component, i);
}

static const PlumParamSpec *
schema_find(const Schema *s, const char *name)
{
  for (size_t i = 0; i < s->n; i++) {
    if (strcmp(schema_at(s, i)->name, name) == 0)
      return schema_at(s, i);
  }
  return NULL;
}

static void *
field_at(void *params, const PlumParamSpec *spec)
{
  return (char *)params + spec->offset;
}

static size_t
params_alloc_size(const PlumComponent *c)
{
  return MAX(plum_component_params_size(c), 1);
}

/* Kinds and names ----------------------------------------------------------------------------- */

static const char *const kind_names[PLUM_KIND_LAST + 1] = {
    [PLUM_KIND_MODEL] = "model",   [PLUM_KIND_OPTIMIZER] = "optimizer",
    [PLUM_KIND_KERNEL] = "kernel", [PLUM_KIND_ACTIVATION] = "activation",
    [PLUM_KIND_COST] = "cost",     [PLUM_KIND_FAMILY] = "family",
};

const char *
plum_kind_to_string(PlumComponentKind kind)
{
  if (kind < PLUM_KIND_MODEL || kind > PLUM_KIND_LAST)
    return NULL;
  return kind_names[kind];
}

PlumComponentKind
plum_kind_from_string(const char *s)
{
  for (int k = PLUM_KIND_MODEL; s != NULL && k <= PLUM_KIND_LAST; k++) {
    if (strcmp(s, kind_names[k]) == 0)
      return (PlumComponentKind)k;
  }
  return 0;
}

static size_t
edit_distance(const char *a, const char *b)
{
  size_t m = strlen(b);
  size_t *row = g_new(size_t, m + 1);
  for (size_t j = 0; j <= m; j++)
    row[j] = j;
  for (size_t i = 1; a[i - 1] != '\0'; i++) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= m; j++) {
      size_t above = row[j];
      size_t substitute = diagonal + (a[i - 1] != b[j - 1]);
      row[j] = MIN(MIN(row[j] + 1, row[j - 1] + 1), substitute);
      diagonal = above;
    }
  }
  size_t d = row[m];
  g_free(row);
  return d;
}

const char *
plum_did_you_mean(const char *word, const char *const *candidates)
{
  if (word == NULL || candidates == NULL)
    return NULL;
  size_t limit = MAX(2, strlen(word) / 3);
  const char *best = NULL;
  size_t best_distance = limit + 1;
  for (const char *const *c = candidates; *c != NULL; c++) {
    size_t d = edit_distance(word, *c);
    if (d < best_distance) {
      best = *c;
      best_distance = d;
    }
  }
  return best;
}

void
plum_format_real(double value, char *buf, size_t size)
{
  static const char *const formats[] = {"%.15g", "%.16g", "%.17g"};
  for (size_t i = 0; i < G_N_ELEMENTS(formats); i++) {
    g_ascii_formatd(buf, (int)size, formats[i], value);
    if (g_ascii_strtod(buf, NULL) == value)
      return;
  }
}

/* Error collection ---------------------------------------------------------------------------- */

typedef struct {
  guint64 line; /* G_MAXUINT64 when the location has no line (overrides, defaults) */
  guint64 column;
  PlumConfigError code;
  char *message;
} BindError;

typedef struct {
  const PlumRegistry *reg;
  GArray *errors; /* BindError */
} Binder;

static void
bind_error_clear(BindError *e)
{
  g_free(e->message);
}

static void
binder_init(Binder *b, const PlumRegistry *reg)
{
  b->reg = reg;
  b->errors = g_array_new(FALSE, FALSE, sizeof(BindError));
  g_array_set_clear_func(b->errors, (GDestroyNotify)bind_error_clear);
}

/* Errors are reported in document order, so the line and column are read back from the end of
 * "file:line:column" (a file name may itself contain ':'); other locations sort last, in the
 * order they were found. */
static void
location_position(const char *location, guint64 *line, guint64 *column)
{
  *line = *column = G_MAXUINT64;
  const char *last = location != NULL ? strrchr(location, ':') : NULL;
  if (last == NULL || last == location)
    return;
  const char *prev = last - 1;
  while (prev > location && *prev != ':')
    prev--;
  if (*prev != ':')
    return;
  char *line_text = g_strndup(prev + 1, (gsize)(last - prev - 1));
  guint64 l, c;
  if (g_ascii_string_to_unsigned(line_text, 10, 1, G_MAXUINT32, &l, NULL) &&
      g_ascii_string_to_unsigned(last + 1, 10, 1, G_MAXUINT32, &c, NULL)) {
    *line = l;
    *column = c;
  }
  g_free(line_text);
}

static void binder_fail(Binder *b, PlumConfigError code, const char *location, const char *path,
                        const char *format, ...) G_GNUC_PRINTF(5, 6);

static void
binder_fail(Binder *b, PlumConfigError code, const char *location, const char *path,
            const char *format, ...)
{
  GString *message = g_string_new(NULL);
  if (location != NULL)
    g_string_append_printf(message, "%s: ", location);
  if (path != NULL && *path != '\0')
    g_string_append_printf(message, "%s: ", path);
  va_list args;
  va_start(args, format);
  g_string_append_vprintf(message, format, args);
  va_end(args);
  BindError e = {.code = code, .message = g_string_free(message, FALSE)};
  location_position(location, &e.line, &e.column);
  g_array_append_val(b->errors, e);
}

static gint
compare_errors(gconstpointer pa, gconstpointer pb)
{
  const BindError *a = pa, *b = pb;
  if (a->line != b->line)
    return a->line < b->line ? -1 : 1;
  if (a->column != b->column)
    return a->column < b->column ? -1 : 1;
  return 0;
}

/* Frees the binder; TRUE when nothing went wrong, else every error in one GError. */
static gboolean
binder_finish(Binder *b, GError **error)
{
  gboolean ok = b->errors->len == 0;
  if (!ok) {
    g_array_sort(b->errors, compare_errors); /* stable: ties keep the order found */
    GString *text = g_string_new(NULL);
    for (guint i = 0; i < b->errors->len; i++) {
      const BindError *e = &g_array_index(b->errors, BindError, i);
      g_string_append_printf(text, "%s%s", i > 0 ? "\n" : "", e->message);
    }
    g_set_error_literal(error, PLUM_CONFIG_ERROR, g_array_index(b->errors, BindError, 0).code,
                        text->str);
    g_string_free(text, TRUE);
  }
  g_array_unref(b->errors);
  return ok;
}

static char *
join_path(const char *parent, const char *key)
{
  return *parent != '\0' ? g_strdup_printf("%s.%s", parent, key) : g_strdup(key);
}

static void
type_error(Binder *b, const PlumConfigNode *node, const char *path, const char *expected)
{
  const char *where = plum_config_node_location(node);
  switch (plum_config_node_type(node)) {
  case PLUM_NODE_SCALAR:
    binder_fail(b, PLUM_CONFIG_ERROR_TYPE, where, path, "expected %s, got '%s'", expected,
                plum_config_node_scalar(node));
    break;
  case PLUM_NODE_SEQUENCE:
    binder_fail(b, PLUM_CONFIG_ERROR_TYPE, where, path, "expected %s, got a list", expected);
    break;
  case PLUM_NODE_MAPPING:
    binder_fail(b, PLUM_CONFIG_ERROR_TYPE, where, path, "expected %s, got a mapping", expected);
    break;
  }
}

/* "; did you mean 'x'?" or "" (transfer full). */
static char *
suggestion(const char *word, const char *const *candidates)
{
  const char *guess = plum_did_you_mean(word, candidates);
  return guess != NULL ? g_strdup_printf("; did you mean '%s'?", guess) : g_strdup("");
}

/* The names of the loaded components of `kind`, comma-separated (transfer full). */
static char *
component_names(const PlumRegistry *reg, PlumComponentKind kind)
{
  GString *names = g_string_new(NULL);
  for (size_t i = 0; i < plum_registry_n_components(reg); i++) {
    const PlumComponent *c = plum_registry_component_at(reg, i);
    if (plum_component_kind(c) == kind)
      g_string_append_printf(names, "%s%s", names->len > 0 ? ", " : "", plum_component_name(c));
  }
  if (names->len == 0)
    g_string_append(names, "none is loaded");
  return g_string_free(names, FALSE);
}

static void
missing_error(Binder *b, const PlumParamSpec *spec, const char *location, const char *path)
{
  if (spec->type == PLUM_PARAM_COMPONENT || spec->type == PLUM_PARAM_COMPONENT_LIST) {
    char *names = component_names(b->reg, spec->component_kind);
    binder_fail(b, PLUM_CONFIG_ERROR_MISSING, location, path, "required key is missing (%s: %s)",
                plum_kind_to_string(spec->component_kind), names);
    g_free(names);
    return;
  }
  binder_fail(b, PLUM_CONFIG_ERROR_MISSING, location, path, "required key is missing%s%s%s",
              spec->doc != NULL ? " (" : "", spec->doc != NULL ? spec->doc : "",
              spec->doc != NULL ? ")" : "");
}

/* Scalars ----------------------------------------------------------------------------------- */

static const char *
scalar_text(Binder *b, const PlumConfigNode *node, const char *path, const char *expected)
{
  if (plum_config_node_type(node) == PLUM_NODE_SCALAR)
    return plum_config_node_scalar(node);
  type_error(b, node, path, expected);
  return NULL;
}

static gboolean
check_bounds(Binder *b, const PlumParamSpec *spec, double value, const PlumConfigNode *node,
             const char *path)
{
  if (spec->min == 0 && spec->max == 0)
    return TRUE;
  gboolean min_open = (spec->flags & PLUM_PARAM_MIN_EXCLUSIVE) != 0;
  gboolean max_open = (spec->flags & PLUM_PARAM_MAX_EXCLUSIVE) != 0;
  const char *text = plum_config_node_scalar(node), *where = plum_config_node_location(node);
  char bound[G_ASCII_DTOSTR_BUF_SIZE];
  if (value < spec->min || (min_open && value == spec->min)) {
    plum_format_real(spec->min, bound, sizeof bound);
    binder_fail(b, PLUM_CONFIG_ERROR_RANGE, where, path,
                min_open ? "value %s must be greater than %s" : "value %s is below the minimum %s",
                text, bound);
    return FALSE;
  }
  if (value > spec->max || (max_open && value == spec->max)) {
    plum_format_real(spec->max, bound, sizeof bound);
    binder_fail(b, PLUM_CONFIG_ERROR_RANGE, where, path,
                max_open ? "value %s must be less than %s" : "value %s is above the maximum %s",
                text, bound);
    return FALSE;
  }
  return TRUE;
}

static void
read_bool(Binder *b, const PlumConfigNode *node, const char *path, gboolean *out)
{
  const char *text = scalar_text(b, node, path, "true or false");
  if (text == NULL)
    return;
  if (strcmp(text, "true") == 0 || strcmp(text, "false") == 0)
    *out = text[0] == 't';
  else
    type_error(b, node, path, "true or false");
}

static gboolean
read_int(Binder *b, const PlumParamSpec *spec, const PlumConfigNode *node, const char *path,
         gint64 *out)
{
  const char *text = scalar_text(b, node, path, "an integer");
  if (text == NULL)
    return FALSE;
  gint64 value;
  GError *local_error = NULL;
  if (!g_ascii_string_to_signed(text, 10, G_MININT64, G_MAXINT64, &value, &local_error)) {
    if (local_error->code == G_NUMBER_PARSER_ERROR_OUT_OF_BOUNDS)
      binder_fail(b, PLUM_CONFIG_ERROR_RANGE, plum_config_node_location(node), path,
                  "integer %s does not fit in 64 bits", text);
    else
      type_error(b, node, path, "an integer");
    g_error_free(local_error);
    return FALSE;
  }
  if (!check_bounds(b, spec, (double)value, node, path))
    return FALSE;
  *out = value;
  return TRUE;
}

static gboolean
read_real(Binder *b, const PlumParamSpec *spec, const PlumConfigNode *node, const char *path,
          double *out)
{
  const char *text = scalar_text(b, node, path, "a number");
  if (text == NULL)
    return FALSE;
  char *end;
  double value = g_ascii_strtod(text, &end);
  if (end == text || *end != '\0' || g_ascii_isspace(text[0])) {
    type_error(b, node, path, "a number");
    return FALSE;
  }
  if (!isfinite(value)) {
    binder_fail(b, PLUM_CONFIG_ERROR_RANGE, plum_config_node_location(node), path,
                "'%s' is not a finite number", text);
    return FALSE;
  }
  if (!check_bounds(b, spec, value, node, path))
    return FALSE;
  *out = value;
  return TRUE;
}

static void
read_string(Binder *b, const PlumConfigNode *node, const char *path, char **out)
{
  const char *text = scalar_text(b, node, path, "a string");
  if (text != NULL)
    *out = g_strdup(text);
}

static void
read_enum(Binder *b, const PlumParamSpec *spec, const PlumConfigNode *node, const char *path,
          int *out)
{
  char *choices = g_strjoinv(", ", (char **)spec->choices);
  char *expected = g_strdup_printf("one of %s", choices);
  const char *text = scalar_text(b, node, path, expected);
  if (text != NULL) {
    int i = 0;
    while (spec->choices[i] != NULL && strcmp(spec->choices[i], text) != 0)
      i++;
    if (spec->choices[i] != NULL) {
      *out = i;
    } else {
      char *hint = suggestion(text, spec->choices);
      binder_fail(b, PLUM_CONFIG_ERROR_RANGE, plum_config_node_location(node), path,
                  "'%s' is not %s%s", text, expected, hint);
      g_free(hint);
    }
  }
  g_free(expected);
  g_free(choices);
}

/* Structure ----------------------------------------------------------------------------------- */

static void bind_mapping(Binder *b, const Schema *s, const PlumConfigNode *node,
                         gboolean has_name_key, const char *location, const char *path,
                         void *params);
static PlumBinding *bind_component(Binder *b, PlumComponentKind kind, const PlumConfigNode *node,
                                   const char *path);

/* A list node of acceptable length; FALSE only when it is no list at all, so that the items of a
 * list of the wrong length are still checked. */
static gboolean
check_list(Binder *b, const PlumParamSpec *spec, const PlumConfigNode *node, const char *path,
           const char *expected)
{
  if (plum_config_node_type(node) != PLUM_NODE_SEQUENCE) {
    type_error(b, node, path, expected);
    return FALSE;
  }
  size_t n = plum_config_node_size(node);
  const char *where = plum_config_node_location(node);
  if (n < spec->min_len)
    binder_fail(b, PLUM_CONFIG_ERROR_RANGE, where, path,
                "length %zu is below the minimum length %zu", n, spec->min_len);
  else if (spec->max_len > 0 && n > spec->max_len)
    binder_fail(b, PLUM_CONFIG_ERROR_RANGE, where, path,
                "length %zu is above the maximum length %zu", n, spec->max_len);
  return TRUE;
}

static char *
item_path(const char *path, size_t i)
{
  return g_strdup_printf("%s[%zu]", path, i);
}

static void
bind_number_array(Binder *b, const PlumParamSpec *spec, const PlumConfigNode *node,
                  const char *path, void *field)
{
  gboolean real = spec->type == PLUM_PARAM_REAL_ARRAY;
  if (!check_list(b, spec, node, path, real ? "a list of numbers" : "a list of integers"))
    return;
  size_t n = plum_config_node_size(node);
  double *reals = real ? g_new0(double, n) : NULL;
  gint64 *ints = real ? NULL : g_new0(gint64, n);
  for (size_t i = 0; i < n; i++) {
    char *ipath = item_path(path, i);
    const PlumConfigNode *item = plum_config_node_item(node, i);
    if (real)
      read_real(b, spec, item, ipath, &reals[i]);
    else
      read_int(b, spec, item, ipath, &ints[i]);
    g_free(ipath);
  }
  if (real)
    *(PlumRealArray *)field = (PlumRealArray){.data = reals, .len = n};
  else
    *(PlumIntArray *)field = (PlumIntArray){.data = ints, .len = n};
}

static void
bind_string_array(Binder *b, const PlumParamSpec *spec, const PlumConfigNode *node,
                  const char *path, char ***field)
{
  if (!check_list(b, spec, node, path, "a list of strings"))
    return;
  size_t n = plum_config_node_size(node);
  char **strings = g_new0(char *, n + 1);
  for (size_t i = 0; i < n; i++) {
    char *ipath = item_path(path, i);
    const char *text = scalar_text(b, plum_config_node_item(node, i), ipath, "a string");
    strings[i] = g_strdup(text != NULL ? text : "");
    g_free(ipath);
  }
  *field = strings;
}

static void
bind_component_list(Binder *b, const PlumParamSpec *spec, const PlumConfigNode *node,
                    const char *path, PlumBindingList *list)
{
  if (!check_list(b, spec, node, path, "a list of components"))
    return;
  list->len = plum_config_node_size(node);
  list->items = g_new0(PlumBinding *, list->len);
  for (size_t i = 0; i < list->len; i++) {
    char *ipath = item_path(path, i);
    list->items[i] = bind_component(b, spec->component_kind, plum_config_node_item(node, i), ipath);
    g_free(ipath);
  }
}

static void
bind_record_list(Binder *b, const PlumParamSpec *spec, const PlumConfigNode *node, const char *path,
                 PlumRecordList *list)
{
  if (!check_list(b, spec, node, path, "a list of mappings"))
    return;
  Schema fields = schema_of_fields(spec);
  list->len = plum_config_node_size(node);
  list->items = g_malloc0_n(list->len, spec->record_size);
  for (size_t i = 0; i < list->len; i++) {
    char *ipath = item_path(path, i);
    bind_mapping(b, &fields, plum_config_node_item(node, i), FALSE, NULL, ipath,
                 (char *)list->items + i * spec->record_size);
    g_free(ipath);
  }
}

static void
bind_value(Binder *b, const PlumParamSpec *spec, const PlumConfigNode *node, const char *path,
           void *field)
{
  Schema fields = schema_of_fields(spec);
  switch (spec->type) {
  case PLUM_PARAM_BOOL:
    read_bool(b, node, path, field);
    break;
  case PLUM_PARAM_INT:
    read_int(b, spec, node, path, field);
    break;
  case PLUM_PARAM_REAL:
    read_real(b, spec, node, path, field);
    break;
  case PLUM_PARAM_STRING:
    read_string(b, node, path, field);
    break;
  case PLUM_PARAM_ENUM:
    read_enum(b, spec, node, path, field);
    break;
  case PLUM_PARAM_REAL_ARRAY:
  case PLUM_PARAM_INT_ARRAY:
    bind_number_array(b, spec, node, path, field);
    break;
  case PLUM_PARAM_STRING_ARRAY:
    bind_string_array(b, spec, node, path, field);
    break;
  case PLUM_PARAM_COMPONENT:
    *(PlumBinding **)field = bind_component(b, spec->component_kind, node, path);
    break;
  case PLUM_PARAM_COMPONENT_LIST:
    bind_component_list(b, spec, node, path, field);
    break;
  case PLUM_PARAM_RECORD_LIST:
    bind_record_list(b, spec, node, path, field);
    break;
  case PLUM_PARAM_RECORD:
    bind_mapping(b, &fields, node, FALSE, NULL, path, field);
    break;
  }
}

static PlumBinding *instantiate(Binder *b, const PlumComponent *c, const PlumConfigNode *params,
                                gboolean has_name_key, const char *location, const char *path);

static PlumBinding *
bind_default_component(Binder *b, const PlumParamSpec *spec, const char *location, const char *path)
{
  if (spec->def_string == NULL) {
    if ((spec->flags & PLUM_PARAM_OPTIONAL) == 0)
      missing_error(b, spec, location, path);
    return NULL;
  }
  const PlumComponent *c = plum_registry_find(b->reg, spec->component_kind, spec->def_string);
  if (c == NULL) {
    binder_fail(b, PLUM_CONFIG_ERROR_COMPONENT, location, path, "the default %s '%s' is not loaded",
                plum_kind_to_string(spec->component_kind), spec->def_string);
    return NULL;
  }
  return instantiate(b, c, NULL, FALSE, location, path);
}

/* The value of an absent key; `location` is where the mapping that lacks it is. */
static void
bind_default(Binder *b, const PlumParamSpec *spec, const char *location, const char *path,
             void *field)
{
  Schema fields = schema_of_fields(spec);
  if ((spec->flags & PLUM_PARAM_REQUIRED) != 0) {
    missing_error(b, spec, location, path);
    return;
  }
  switch (spec->type) {
  case PLUM_PARAM_BOOL:
    *(gboolean *)field = spec->def_int != 0;
    break;
  case PLUM_PARAM_INT:
    *(gint64 *)field = spec->def_int;
    break;
  case PLUM_PARAM_REAL:
    *(double *)field = spec->def_real;
    break;
  case PLUM_PARAM_STRING:
    *(char **)field = g_strdup(spec->def_string);
    break;
  case PLUM_PARAM_ENUM:
    *(int *)field = (int)spec->def_int;
    break;
  case PLUM_PARAM_REAL_ARRAY:
    *(PlumRealArray *)field = (PlumRealArray){
        .data = g_memdup2(spec->def_reals, spec->def_len * sizeof(double)), .len = spec->def_len};
    break;
  case PLUM_PARAM_STRING_ARRAY:
    *(char ***)field = g_strdupv((char **)spec->choices);
    break;
  case PLUM_PARAM_COMPONENT:
    *(PlumBinding **)field = bind_default_component(b, spec, location, path);
    break;
  case PLUM_PARAM_INT_ARRAY:
  case PLUM_PARAM_COMPONENT_LIST:
  case PLUM_PARAM_RECORD_LIST:
    break; /* empty; length bounds apply to lists given, REQUIRED says one must be */
  case PLUM_PARAM_RECORD:
    bind_mapping(b, &fields, NULL, FALSE, location, path, field);
    break;
  }
}

static void
report_unknown_keys(Binder *b, const Schema *s, const PlumConfigNode *node, gboolean has_name_key,
                    const char *path)
{
  GPtrArray *valid = g_ptr_array_new();
  if (has_name_key)
    g_ptr_array_add(valid, (gpointer) "name");
  for (size_t i = 0; i < s->n; i++)
    g_ptr_array_add(valid, (gpointer)schema_at(s, i)->name);
  g_ptr_array_add(valid, NULL);
  char *list = valid->len > 1 ? g_strjoinv(", ", (char **)valid->pdata) : g_strdup("none");
  for (size_t i = 0; i < plum_config_node_size(node); i++) {
    const char *key = plum_config_node_key_at(node, i);
    if ((has_name_key && strcmp(key, "name") == 0) || schema_find(s, key) != NULL)
      continue;
    char *kpath = join_path(path, key);
    char *hint = suggestion(key, (const char *const *)valid->pdata);
    binder_fail(b, PLUM_CONFIG_ERROR_UNKNOWN_KEY, plum_config_node_key_location_at(node, i), kpath,
                "unknown key (valid keys: %s)%s", list, hint);
    g_free(hint);
    g_free(kpath);
  }
  g_free(list);
  g_ptr_array_unref(valid);
}

/* Binds `node` (a mapping, or NULL for all defaults) onto schema `s` into params. In the
 * `{name: x, ...}` form of a component reference, has_name_key skips the `name` key. */
static void
bind_mapping(Binder *b, const Schema *s, const PlumConfigNode *node, gboolean has_name_key,
             const char *location, const char *path, void *params)
{
  if (node != NULL && plum_config_node_type(node) != PLUM_NODE_MAPPING) {
    type_error(b, node, path, "a mapping of keys to values");
    return;
  }
  if (node != NULL)
    location = plum_config_node_location(node);
  for (size_t i = 0; i < s->n; i++) {
    const PlumParamSpec *spec = schema_at(s, i);
    const PlumConfigNode *value = node != NULL ? plum_config_node_get(node, spec->name) : NULL;
    char *fpath = join_path(path, spec->name);
    if (value != NULL)
      bind_value(b, spec, value, fpath, field_at(params, spec));
    else
      bind_default(b, spec, location, fpath, field_at(params, spec));
    g_free(fpath);
  }
  if (node != NULL)
    report_unknown_keys(b, s, node, has_name_key, path);
}

/* Components ---------------------------------------------------------------------------------- */

static void clear_schema(const Schema *s, void *params);

static PlumBinding *
binding_new(const PlumComponent *c, void *params, const char *path)
{
  PlumBinding *binding = g_new(PlumBinding, 1);
  binding->component = c;
  binding->params = params;
  binding->path = g_strdup(path);
  return binding;
}

static void
check_component(Binder *b, const PlumComponent *c, const void *params, const char *location,
                const char *path)
{
  GError *local_error = NULL;
  if (plum_component_check_params(c, params, &local_error))
    return;
  gboolean ours = local_error->domain == PLUM_CONFIG_ERROR;
  binder_fail(b, ours ? (PlumConfigError)local_error->code : PLUM_CONFIG_ERROR_RANGE, location,
              path, "%s", local_error->message);
  g_error_free(local_error);
}

/* Binds the parameters of component c; NULL (with the errors recorded) when any is wrong. */
static PlumBinding *
instantiate(Binder *b, const PlumComponent *c, const PlumConfigNode *params_node,
            gboolean has_name_key, const char *location, const char *path)
{
  guint before = b->errors->len;
  Schema s = schema_of_component(c);
  void *params = g_malloc0(params_alloc_size(c));
  bind_mapping(b, &s, params_node, has_name_key, location, path, params);
  if (b->errors->len == before)
    check_component(b, c, params, location, path);
  if (b->errors->len == before)
    return binding_new(c, params, path);
  clear_schema(&s, params);
  g_free(params);
  return NULL;
}

/* The three ways to write a component: `lbfgs`, `{name: lbfgs, ...}`, `{lbfgs: {...}}`. */
typedef struct {
  const char *name;
  const char *name_location;
  const PlumConfigNode *params; /* NULL: every default */
  const char *location;
  gboolean has_name_key;
} ComponentRef;

static gboolean
parse_reference(Binder *b, PlumComponentKind kind, const PlumConfigNode *node, const char *path,
                ComponentRef *ref)
{
  static const char expected[] = "a component name or a mapping with 'name'";
  const char *where = plum_config_node_location(node);
  *ref = (ComponentRef){.location = where, .name_location = where};
  PlumNodeType type = plum_config_node_type(node);
  if (type == PLUM_NODE_SCALAR) {
    ref->name = plum_config_node_scalar(node);
  } else if (type == PLUM_NODE_MAPPING && plum_config_node_get(node, "name") != NULL) {
    const PlumConfigNode *name = plum_config_node_get(node, "name");
    char *npath = join_path(path, "name");
    ref->name = scalar_text(b, name, npath, "a component name");
    g_free(npath);
    ref->name_location = plum_config_node_location(name);
    ref->params = node;
    ref->has_name_key = TRUE;
  } else if (type == PLUM_NODE_MAPPING && plum_config_node_size(node) == 1 &&
             plum_config_node_type(plum_config_node_value_at(node, 0)) == PLUM_NODE_MAPPING) {
    ref->name = plum_config_node_key_at(node, 0);
    ref->name_location = plum_config_node_key_location_at(node, 0);
    ref->params = plum_config_node_value_at(node, 0);
    ref->location = plum_config_node_location(ref->params);
  } else if (type == PLUM_NODE_MAPPING) {
    char *names = component_names(b->reg, kind);
    binder_fail(b, PLUM_CONFIG_ERROR_MISSING, where, path, "missing key 'name' (%s: %s)",
                plum_kind_to_string(kind), names);
    g_free(names);
  } else {
    type_error(b, node, path, expected);
  }
  return ref->name != NULL;
}

static PlumBinding *
bind_component(Binder *b, PlumComponentKind kind, const PlumConfigNode *node, const char *path)
{
  ComponentRef ref;
  if (!parse_reference(b, kind, node, path, &ref))
    return NULL;
  GError *local_error = NULL;
  const PlumComponent *c = plum_registry_lookup(b->reg, kind, ref.name, &local_error);
  if (c == NULL) {
    binder_fail(b, PLUM_CONFIG_ERROR_COMPONENT, ref.name_location, path, "%s",
                local_error->message);
    g_error_free(local_error);
    return NULL;
  }
  return instantiate(b, c, ref.params, ref.has_name_key, ref.location, path);
}

PlumBinding *
plum_binding_new_from_node(const PlumRegistry *reg, PlumComponentKind kind,
                           const PlumConfigNode *node, const char *path, GError **error)
{
  g_return_val_if_fail(reg != NULL && node != NULL, NULL);
  Binder b;
  binder_init(&b, reg);
  PlumBinding *binding = bind_component(&b, kind, node, path != NULL ? path : "");
  /* bind_component returns NULL exactly when it recorded an error */
  return binder_finish(&b, error) ? binding : NULL;
}

PlumBinding *
plum_binding_new_default(const PlumRegistry *reg, const PlumComponent *c, GError **error)
{
  g_return_val_if_fail(reg != NULL && c != NULL, NULL);
  Binder b;
  binder_init(&b, reg);
  PlumBinding *binding = instantiate(&b, c, NULL, FALSE, NULL, "");
  return binder_finish(&b, error) ? binding : NULL;
}

gboolean
plum_params_bind(const PlumRegistry *reg, const PlumParamSpec *specs, size_t n_specs,
                 const PlumConfigNode *node, const char *path, void *params, GError **error)
{
  g_return_val_if_fail(reg != NULL && params != NULL, FALSE);
  Binder b;
  binder_init(&b, reg);
  Schema s = schema_of_table(specs, n_specs);
  bind_mapping(&b, &s, node, FALSE, NULL, path != NULL ? path : "", params);
  if (binder_finish(&b, error))
    return TRUE;
  clear_schema(&s, params);
  return FALSE;
}

gboolean
plum_params_defaults(const PlumRegistry *reg, const PlumParamSpec *specs, size_t n_specs,
                     const char *path, void *params, GError **error)
{
  return plum_params_bind(reg, specs, n_specs, NULL, path, params, error);
}

/* Freeing and copying --------------------------------------------------------------------- */

static void
clear_field(const PlumParamSpec *spec, void *field)
{
  Schema fields = schema_of_fields(spec);
  switch (spec->type) {
  case PLUM_PARAM_BOOL:
    *(gboolean *)field = FALSE;
    break;
  case PLUM_PARAM_INT:
    *(gint64 *)field = 0;
    break;
  case PLUM_PARAM_REAL:
    *(double *)field = 0;
    break;
  case PLUM_PARAM_ENUM:
    *(int *)field = 0;
    break;
  case PLUM_PARAM_STRING:
    g_clear_pointer((char **)field, g_free);
    break;
  case PLUM_PARAM_STRING_ARRAY:
    g_clear_pointer((char ***)field, g_strfreev);
    break;
  case PLUM_PARAM_REAL_ARRAY:
    g_free(((PlumRealArray *)field)->data);
    *(PlumRealArray *)field = (PlumRealArray){0};
    break;
  case PLUM_PARAM_INT_ARRAY:
    g_free(((PlumIntArray *)field)->data);
    *(PlumIntArray *)field = (PlumIntArray){0};
    break;
  case PLUM_PARAM_COMPONENT:
    g_clear_pointer((PlumBinding **)field, plum_binding_free);
    break;
  case PLUM_PARAM_COMPONENT_LIST: {
    PlumBindingList *list = field;
    for (size_t i = 0; i < list->len; i++)
      plum_binding_free(list->items[i]);
    g_free(list->items);
    *list = (PlumBindingList){0};
    break;
  }
  case PLUM_PARAM_RECORD_LIST: {
    PlumRecordList *list = field;
    for (size_t i = 0; i < list->len; i++)
      clear_schema(&fields, (char *)list->items + i * spec->record_size);
    g_free(list->items);
    *list = (PlumRecordList){0};
    break;
  }
  case PLUM_PARAM_RECORD:
    clear_schema(&fields, field);
    break;
  }
}

static void
clear_schema(const Schema *s, void *params)
{
  for (size_t i = 0; i < s->n; i++)
    clear_field(schema_at(s, i), field_at(params, schema_at(s, i)));
}

void
plum_params_clear(const PlumParamSpec *specs, size_t n_specs, void *params)
{
  if (params == NULL)
    return;
  Schema s = schema_of_table(specs, n_specs);
  clear_schema(&s, params);
}

static void deepen_schema(const Schema *s, void *params);

/* `field` is a byte copy of a bound field; give it copies of everything the original owns. */
static void
deepen_field(const PlumParamSpec *spec, void *field)
{
  Schema fields = schema_of_fields(spec);
  switch (spec->type) {
  case PLUM_PARAM_STRING:
    *(char **)field = g_strdup(*(char **)field);
    break;
  case PLUM_PARAM_STRING_ARRAY:
    *(char ***)field = g_strdupv(*(char ***)field);
    break;
  case PLUM_PARAM_REAL_ARRAY: {
    PlumRealArray *a = field;
    a->data = g_memdup2(a->data, a->len * sizeof(double));
    break;
  }
  case PLUM_PARAM_INT_ARRAY: {
    PlumIntArray *a = field;
    a->data = g_memdup2(a->data, a->len * sizeof(gint64));
    break;
  }
  case PLUM_PARAM_COMPONENT:
    *(PlumBinding **)field = plum_binding_copy(*(PlumBinding **)field);
    break;
  case PLUM_PARAM_COMPONENT_LIST: {
    PlumBindingList *list = field;
    list->items = g_memdup2(list->items, list->len * sizeof(PlumBinding *));
    for (size_t i = 0; i < list->len; i++)
      list->items[i] = plum_binding_copy(list->items[i]);
    break;
  }
  case PLUM_PARAM_RECORD_LIST: {
    PlumRecordList *list = field;
    list->items = g_memdup2(list->items, list->len * spec->record_size);
    for (size_t i = 0; i < list->len; i++)
      deepen_schema(&fields, (char *)list->items + i * spec->record_size);
    break;
  }
  case PLUM_PARAM_RECORD:
    deepen_schema(&fields, field);
    break;
  case PLUM_PARAM_BOOL:
  case PLUM_PARAM_INT:
  case PLUM_PARAM_REAL:
  case PLUM_PARAM_ENUM:
    break;
  }
}

static void
deepen_schema(const Schema *s, void *params)
{
  for (size_t i = 0; i < s->n; i++)
    deepen_field(schema_at(s, i), field_at(params, schema_at(s, i)));
}

PlumBinding *
plum_binding_copy(const PlumBinding *b)
{
  if (b == NULL)
    return NULL;
  Schema s = schema_of_component(b->component);
  void *params = g_memdup2(b->params, params_alloc_size(b->component));
  deepen_schema(&s, params);
  return binding_new(b->component, params, b->path);
}

void
plum_binding_free(PlumBinding *b)
{
  if (b == NULL)
    return;
  Schema s = schema_of_component(b->component);
  clear_schema(&s, b->params);
  g_free(b->params);
  g_free(b->path);
  g_free(b);
}

const PlumComponent *
plum_binding_component(const PlumBinding *b)
{
  g_return_val_if_fail(b != NULL, NULL);
  return b->component;
}

const void *
plum_binding_params(const PlumBinding *b)
{
  g_return_val_if_fail(b != NULL, NULL);
  return b->params;
}

const char *
plum_binding_path(const PlumBinding *b)
{
  g_return_val_if_fail(b != NULL, NULL);
  return b->path;
}

/* Printing ------------------------------------------------------------------------------------ */

static void append_schema(GString *out, const Schema *s, const void *params, const char *name);

static void
append_binding(GString *out, const PlumBinding *b)
{
  Schema s = schema_of_component(b->component);
  append_schema(out, &s, b->params, plum_component_name(b->component));
}

static void
append_quoted(GString *out, const char *s)
{
  g_string_append_c(out, '"');
  for (const guchar *p = (const guchar *)s; *p != '\0'; p++) {
    if (*p == '"' || *p == '\\')
      g_string_append_printf(out, "\\%c", *p);
    else if (*p < 0x20 || *p == 0x7f)
      g_string_append_printf(out, "\\x%02x", *p);
    else
      g_string_append_c(out, (char)*p);
  }
  g_string_append_c(out, '"');
}

static void
append_real(GString *out, double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  plum_format_real(value, buf, sizeof buf);
  g_string_append(out, buf);
}

static void
append_list_separator(GString *out, size_t i)
{
  if (i > 0)
    g_string_append(out, ", ");
}

/* Prints item i of the list-valued `field`. */
typedef void (*AppendItem)(GString *out, const PlumParamSpec *spec, const void *field, size_t i);

static void
append_list(GString *out, const PlumParamSpec *spec, const void *field, size_t n,
            AppendItem append_item)
{
  g_string_append_c(out, '[');
  for (size_t i = 0; i < n; i++) {
    append_list_separator(out, i);
    append_item(out, spec, field, i);
  }
  g_string_append_c(out, ']');
}

static void
append_string_item(GString *out, const PlumParamSpec *spec, const void *field, size_t i)
{
  append_quoted(out, (*(char **const *)field)[i]);
}

static void
append_real_item(GString *out, const PlumParamSpec *spec, const void *field, size_t i)
{
  append_real(out, ((const PlumRealArray *)field)->data[i]);
}

static void
append_int_item(GString *out, const PlumParamSpec *spec, const void *field, size_t i)
{
  g_string_append_printf(out, "%" G_GINT64_FORMAT, ((const PlumIntArray *)field)->data[i]);
}

static void
append_binding_item(GString *out, const PlumParamSpec *spec, const void *field, size_t i)
{
  append_binding(out, ((const PlumBindingList *)field)->items[i]);
}

static void
append_record_item(GString *out, const PlumParamSpec *spec, const void *field, size_t i)
{
  Schema fields = schema_of_fields(spec);
  const PlumRecordList *list = field;
  append_schema(out, &fields, (const char *)list->items + i * spec->record_size, NULL);
}

static void
append_value(GString *out, const PlumParamSpec *spec, const void *field)
{
  Schema fields = schema_of_fields(spec);
  switch (spec->type) {
  case PLUM_PARAM_BOOL:
    g_string_append(out, *(const gboolean *)field ? "true" : "false");
    break;
  case PLUM_PARAM_INT:
    g_string_append_printf(out, "%" G_GINT64_FORMAT, *(const gint64 *)field);
    break;
  case PLUM_PARAM_REAL:
    append_real(out, *(const double *)field);
    break;
  case PLUM_PARAM_STRING:
    append_quoted(out, *(char *const *)field);
    break;
  case PLUM_PARAM_ENUM:
    g_string_append(out, spec->choices[*(const int *)field]);
    break;
  case PLUM_PARAM_STRING_ARRAY:
    append_list(out, spec, field, g_strv_length(*(char **const *)field), append_string_item);
    break;
  case PLUM_PARAM_REAL_ARRAY:
    append_list(out, spec, field, ((const PlumRealArray *)field)->len, append_real_item);
    break;
  case PLUM_PARAM_INT_ARRAY:
    append_list(out, spec, field, ((const PlumIntArray *)field)->len, append_int_item);
    break;
  case PLUM_PARAM_COMPONENT:
    append_binding(out, *(PlumBinding *const *)field);
    break;
  case PLUM_PARAM_COMPONENT_LIST:
    append_list(out, spec, field, ((const PlumBindingList *)field)->len, append_binding_item);
    break;
  case PLUM_PARAM_RECORD_LIST:
    append_list(out, spec, field, ((const PlumRecordList *)field)->len, append_record_item);
    break;
  case PLUM_PARAM_RECORD:
    append_schema(out, &fields, field, NULL);
    break;
  }
}

/* A field that is NULL, or an empty list where leaving the key out binds an empty list too, is
 * left out: YAML's `null` would read back as a string or a name, and `[]` could fail a minimum
 * length that only applies to lists actually given. */
static gboolean
field_present(const PlumParamSpec *spec, const void *field)
{
  gboolean required = (spec->flags & PLUM_PARAM_REQUIRED) != 0;
  switch (spec->type) {
  case PLUM_PARAM_STRING:
  case PLUM_PARAM_STRING_ARRAY:
  case PLUM_PARAM_COMPONENT:
    return *(void *const *)field != NULL;
  case PLUM_PARAM_REAL_ARRAY:
    return ((const PlumRealArray *)field)->len > 0 || spec->def_len > 0 || required;
  case PLUM_PARAM_INT_ARRAY:
    return ((const PlumIntArray *)field)->len > 0 || required;
  case PLUM_PARAM_COMPONENT_LIST:
    return ((const PlumBindingList *)field)->len > 0 || required;
  case PLUM_PARAM_RECORD_LIST:
    return ((const PlumRecordList *)field)->len > 0 || required;
  case PLUM_PARAM_BOOL:
  case PLUM_PARAM_INT:
  case PLUM_PARAM_REAL:
  case PLUM_PARAM_ENUM:
  case PLUM_PARAM_RECORD:
    return TRUE;
  }
  return TRUE;
}

static void
append_entry(GString *out, const PlumParamSpec *spec, const void *field)
{
  g_string_append_printf(out, "%s: ", spec->name);
  append_value(out, spec, field);
}

static void
append_schema(GString *out, const Schema *s, const void *params, const char *name)
{
  size_t n_written = 0;
  g_string_append_c(out, '{');
  if (name != NULL) {
    g_string_append_printf(out, "name: %s", name);
    n_written++;
  }
  for (size_t i = 0; i < s->n; i++) {
    const PlumParamSpec *spec = schema_at(s, i);
    const void *field = (const char *)params + spec->offset;
    if (!field_present(spec, field))
      continue;
    append_list_separator(out, n_written++);
    append_entry(out, spec, field);
  }
  g_string_append_c(out, '}');
}

/* One top-level key per line, for people reading model files; values stay in flow style. */
char *
plum_params_to_yaml(const PlumParamSpec *specs, size_t n_specs, const void *params)
{
  g_return_val_if_fail(params != NULL, NULL);
  GString *out = g_string_new(NULL);
  for (size_t i = 0; i < n_specs; i++) {
    const void *field = (const char *)params + specs[i].offset;
    if (!field_present(&specs[i], field))
      continue;
    append_entry(out, &specs[i], field);
    g_string_append_c(out, '\n');
  }
  if (out->len == 0)
    g_string_append(out, "{}\n");
  return g_string_free(out, FALSE);
}

char *
plum_binding_to_yaml(const PlumBinding *b)
{
  g_return_val_if_fail(b != NULL, NULL);
  GString *out = g_string_new(NULL);
  append_binding(out, b);
  return g_string_free(out, FALSE);
}

/* Learnable hyperparameters ------------------------------------------------------------------- */

typedef struct {
  double *theta, *lower, *upper; /* get: outputs (lower, upper nullable) */
  const double *in;              /* set: input */
  size_t n;                      /* values visited so far */
} Learn;

typedef void (*LearnVisit)(Learn *l, const PlumParamSpec *spec, double *value);

static void learn_schema(const Schema *s, void *params, LearnVisit visit, Learn *l);

static void
learn_binding(const PlumBinding *b, LearnVisit visit, Learn *l)
{
  if (b == NULL)
    return;
  Schema s = schema_of_component(b->component);
  learn_schema(&s, b->params, visit, l);
}

/* Visits every learnable real below params, nested components and records included, depth
 * first in schema order: the order kernels' gram_gradient and optimizers rely on. */
static void
learn_field(const PlumParamSpec *spec, void *field, LearnVisit visit, Learn *l)
{
  gboolean learnable = (spec->flags & PLUM_PARAM_LEARNABLE) != 0;
  Schema fields = schema_of_fields(spec);
  switch (spec->type) {
  case PLUM_PARAM_REAL:
    if (learnable)
      visit(l, spec, field);
    break;
  case PLUM_PARAM_REAL_ARRAY:
    for (size_t j = 0; learnable && j < ((PlumRealArray *)field)->len; j++)
      visit(l, spec, &((PlumRealArray *)field)->data[j]);
    break;
  case PLUM_PARAM_COMPONENT:
    learn_binding(*(PlumBinding **)field, visit, l);
    break;
  case PLUM_PARAM_COMPONENT_LIST:
    for (size_t j = 0; j < ((PlumBindingList *)field)->len; j++)
      learn_binding(((PlumBindingList *)field)->items[j], visit, l);
    break;
  case PLUM_PARAM_RECORD_LIST: {
    PlumRecordList *list = field;
    for (size_t j = 0; j < list->len; j++)
      learn_schema(&fields, (char *)list->items + j * spec->record_size, visit, l);
    break;
  }
  case PLUM_PARAM_RECORD:
    learn_schema(&fields, field, visit, l);
    break;
  case PLUM_PARAM_BOOL:
  case PLUM_PARAM_INT:
  case PLUM_PARAM_STRING:
  case PLUM_PARAM_ENUM:
  case PLUM_PARAM_INT_ARRAY:
  case PLUM_PARAM_STRING_ARRAY:
    break;
  }
}

static void
learn_schema(const Schema *s, void *params, LearnVisit visit, Learn *l)
{
  for (size_t i = 0; i < s->n; i++)
    learn_field(schema_at(s, i), field_at(params, schema_at(s, i)), visit, l);
}

static gboolean
is_log_scale(const PlumParamSpec *spec)
{
  return (spec->flags & PLUM_PARAM_LOG_SCALE) != 0;
}

/* A value (or bound) in the space it is learned in. */
static double
to_theta(const PlumParamSpec *spec, double value)
{
  if (!is_log_scale(spec))
    return value;
  return value > 0 ? log(value) : -INFINITY;
}

static void
bounds_of(const PlumParamSpec *spec, double *lo, double *hi)
{
  gboolean bounded = !(spec->min == 0 && spec->max == 0);
  *lo = bounded ? spec->min : -INFINITY;
  *hi = bounded ? spec->max : INFINITY;
}

static void
visit_count(Learn *l, const PlumParamSpec *spec, double *value)
{
  l->n++;
}

static void
visit_get(Learn *l, const PlumParamSpec *spec, double *value)
{
  double lo, hi;
  bounds_of(spec, &lo, &hi);
  l->theta[l->n] = to_theta(spec, *value);
  if (l->lower != NULL)
    l->lower[l->n] = to_theta(spec, lo);
  if (l->upper != NULL)
    l->upper[l->n] = to_theta(spec, hi);
  l->n++;
}

static void
visit_set(Learn *l, const PlumParamSpec *spec, double *value)
{
  double lo, hi;
  bounds_of(spec, &lo, &hi);
  double theta = l->in[l->n++];
  double v = is_log_scale(spec) ? exp(theta) : theta;
  gboolean min_open = (spec->flags & PLUM_PARAM_MIN_EXCLUSIVE) != 0;
  gboolean max_open = (spec->flags & PLUM_PARAM_MAX_EXCLUSIVE) != 0;
  if (v < lo || (min_open && v == lo))
    v = min_open ? nextafter(lo, INFINITY) : lo;
  if (v > hi || (max_open && v == hi))
    v = max_open ? nextafter(hi, -INFINITY) : hi;
  *value = v;
}

size_t
plum_binding_n_learnable(const PlumBinding *b)
{
  Learn l = {0};
  learn_binding(b, visit_count, &l);
  return l.n;
}

void
plum_binding_get_learnable(const PlumBinding *b, double *theta, double *lower, double *upper)
{
  Learn l = {.theta = theta, .lower = lower, .upper = upper};
  learn_binding(b, visit_get, &l);
}

void
plum_binding_set_learnable(PlumBinding *b, const double *theta)
{
  Learn l = {.in = theta};
  learn_binding(b, visit_set, &l);
}
