/* state.c — named, typed arrays: what a component learned, or what its fit reported. Entries
 * keep their insertion order (a model file lists them as the model saved them) and a setter on
 * an existing name replaces that entry in place. Every getter checks name, type and shape and
 * says which entry was wrong and how, because a model file from another version or another
 * configuration must fail with a message, not with an out-of-bounds read.
 */
#include "config.h"

#include <string.h>

#include <plum/error.h>
#include <plum/state.h>

#define STATE_NAME_MAX 255

typedef struct {
  char *name;
  PlumStateType type;
  size_t rows; /* ints: the length; string: 1 */
  size_t cols; /* ints and string: 1 */
  void *data;  /* never NULL, even for an empty array, so getters can return NULL on error */
} StateEntry;

struct PlumState {
  GPtrArray *entries; /* of StateEntry, insertion order */
  GHashTable *index;  /* name -> StateEntry, borrowed from entries */
};

static void
entry_free(gpointer p)
{
  StateEntry *e = p;
  g_free(e->name);
  g_free(e->data);
  g_free(e);
}

PlumState *
plum_state_new(void)
{
  PlumState *state = g_new0(PlumState, 1);
  state->entries = g_ptr_array_new_with_free_func(entry_free);
  state->index = g_hash_table_new(g_str_hash, g_str_equal);
  return state;
}

void
plum_state_free(PlumState *state)
{
  if (state == NULL)
    return;
  g_hash_table_destroy(state->index);
  g_ptr_array_unref(state->entries);
  g_free(state);
}

static gboolean
name_is_valid(const char *name)
{
  return name != NULL && *name != '\0' && strlen(name) <= STATE_NAME_MAX;
}

/* Stores `bytes` copied from src (nullable when bytes == 0) under name, replacing in place. */
static void
state_put(PlumState *state, const char *name, PlumStateType type, size_t rows, size_t cols,
          const void *src, size_t bytes)
{
  void *data = g_malloc(MAX(bytes, 1));
  if (bytes > 0)
    memcpy(data, src, bytes);
  StateEntry *e = g_hash_table_lookup(state->index, name);
  if (e != NULL) {
    g_free(e->data);
  } else {
    e = g_new0(StateEntry, 1);
    e->name = g_strdup(name);
    g_ptr_array_add(state->entries, e);
    g_hash_table_insert(state->index, e->name, e);
  }
  e->type = type;
  e->rows = rows;
  e->cols = cols;
  e->data = data;
}

void
plum_state_set_reals(PlumState *state, const char *name, const double *data, size_t rows,
                     size_t cols)
{
  size_t count, bytes;
  g_return_if_fail(state != NULL && name_is_valid(name));
  g_return_if_fail(g_size_checked_mul(&count, rows, cols) &&
                   g_size_checked_mul(&bytes, count, sizeof(double)));
  g_return_if_fail(data != NULL || count == 0);
  state_put(state, name, PLUM_STATE_REALS, rows, cols, data, bytes);
}

void
plum_state_set_matrix(PlumState *state, const char *name, const PlumMatrix *m)
{
  g_return_if_fail(m != NULL);
  if (m->ld == m->cols || m->rows <= 1) {
    plum_state_set_reals(state, name, m->data, m->rows, m->cols);
    return;
  }
  double *compact = g_new(double, m->rows * m->cols);
  PlumMatrix dst = plum_matrix_view(compact, m->rows, m->cols, m->cols);
  plum_matrix_copy_into(m, &dst, NULL);
  plum_state_set_reals(state, name, compact, m->rows, m->cols);
  g_free(compact);
}

void
plum_state_set_real(PlumState *state, const char *name, double value)
{
  plum_state_set_reals(state, name, &value, 1, 1);
}

void
plum_state_set_ints(PlumState *state, const char *name, const gint64 *data, size_t n)
{
  size_t bytes;
  g_return_if_fail(state != NULL && name_is_valid(name));
  g_return_if_fail(g_size_checked_mul(&bytes, n, sizeof(gint64)));
  g_return_if_fail(data != NULL || n == 0);
  state_put(state, name, PLUM_STATE_INTS, n, 1, data, bytes);
}

void
plum_state_set_int(PlumState *state, const char *name, gint64 value)
{
  plum_state_set_ints(state, name, &value, 1);
}

void
plum_state_set_string(PlumState *state, const char *name, const char *value)
{
  g_return_if_fail(state != NULL && name_is_valid(name) && value != NULL);
  state_put(state, name, PLUM_STATE_STRING, 1, 1, value, strlen(value) + 1);
}

gboolean
plum_state_has(const PlumState *state, const char *name)
{
  g_return_val_if_fail(state != NULL && name != NULL, FALSE);
  return g_hash_table_contains(state->index, name);
}

static const char *
type_name(PlumStateType type)
{
  switch (type) {
  case PLUM_STATE_REALS:
    return "reals";
  case PLUM_STATE_INTS:
    return "integers";
  case PLUM_STATE_STRING:
    return "a string";
  }
  return "an unknown type";
}

/* The entry `name` of `type`, or NULL with an error naming what is missing or different. */
static const StateEntry *
state_find(const PlumState *state, const char *name, PlumStateType type, GError **error)
{
  g_return_val_if_fail(state != NULL && name != NULL, NULL);
  const StateEntry *e = g_hash_table_lookup(state->index, name);
  if (e == NULL) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE, "state entry \"%s\" is missing",
                name);
    return NULL;
  }
  if (e->type != type) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE,
                "state entry \"%s\": expected %s, found %s", name, type_name(type),
                type_name(e->type));
    return NULL;
  }
  return e;
}

const double *
plum_state_get_reals(const PlumState *state, const char *name, size_t rows, size_t cols,
                     size_t *rows_out, size_t *cols_out, GError **error)
{
  const StateEntry *e = state_find(state, name, PLUM_STATE_REALS, error);
  if (e == NULL)
    return NULL;
  /* The matrix shape check words the message; only its domain changes here. */
  PlumMatrix shape = plum_matrix_view(e->data, e->rows, e->cols, e->cols);
  char what[STATE_NAME_MAX + 32];
  g_snprintf(what, sizeof what, "state entry \"%s\"", name);
  GError *local = NULL;
  if (!plum_matrix_check_shape(&shape, rows, cols, what, &local)) {
    g_set_error_literal(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE, local->message);
    g_error_free(local);
    return NULL;
  }
  if (rows_out != NULL)
    *rows_out = e->rows;
  if (cols_out != NULL)
    *cols_out = e->cols;
  return e->data;
}

gboolean
plum_state_get_matrix(const PlumState *state, const char *name, size_t rows, size_t cols,
                      PlumMatrix *view_out, GError **error)
{
  g_return_val_if_fail(view_out != NULL, FALSE);
  size_t r = 0, c = 0;
  const double *data = plum_state_get_reals(state, name, rows, cols, &r, &c, error);
  if (data == NULL)
    return FALSE;
  /* The view is read-only by contract (the state owns it); PlumMatrix has no const variant. */
  *view_out = plum_matrix_view((double *)data, r, c, c);
  return TRUE;
}

gboolean
plum_state_get_real(const PlumState *state, const char *name, double *out, GError **error)
{
  g_return_val_if_fail(out != NULL, FALSE);
  const double *data = plum_state_get_reals(state, name, 1, 1, NULL, NULL, error);
  if (data == NULL)
    return FALSE;
  *out = data[0];
  return TRUE;
}

const gint64 *
plum_state_get_ints(const PlumState *state, const char *name, size_t n, size_t *n_out,
                    GError **error)
{
  const StateEntry *e = state_find(state, name, PLUM_STATE_INTS, error);
  if (e == NULL)
    return NULL;
  if (n != 0 && e->rows != n) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE,
                "state entry \"%s\": expected length %zu, found %zu", name, n, e->rows);
    return NULL;
  }
  if (n_out != NULL)
    *n_out = e->rows;
  return e->data;
}

gboolean
plum_state_get_int(const PlumState *state, const char *name, gint64 *out, GError **error)
{
  g_return_val_if_fail(out != NULL, FALSE);
  const gint64 *data = plum_state_get_ints(state, name, 1, NULL, error);
  if (data == NULL)
    return FALSE;
  *out = data[0];
  return TRUE;
}

const char *
plum_state_get_string(const PlumState *state, const char *name, GError **error)
{
  const StateEntry *e = state_find(state, name, PLUM_STATE_STRING, error);
  return e != NULL ? e->data : NULL;
}

size_t
plum_state_size(const PlumState *state)
{
  g_return_val_if_fail(state != NULL, 0);
  return state->entries->len;
}

static const StateEntry *
state_at(const PlumState *state, size_t i)
{
  g_return_val_if_fail(state != NULL && i < state->entries->len, NULL);
  return g_ptr_array_index(state->entries, i);
}

const char *
plum_state_name_at(const PlumState *state, size_t i)
{
  const StateEntry *e = state_at(state, i);
  return e != NULL ? e->name : NULL;
}

PlumStateType
plum_state_type_at(const PlumState *state, size_t i)
{
  const StateEntry *e = state_at(state, i);
  return e != NULL ? e->type : 0;
}
