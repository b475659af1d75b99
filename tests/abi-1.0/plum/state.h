/* plum/state.h — named, typed arrays: the fitted state of a component and its fit report.
 *
 * A model saves what it learned as named arrays (reals with a shape, 64-bit integers, strings)
 * and loads them back; the model-file layer serialises a PlumState without knowing the model.
 * The same container carries a fit report (deviance, number of iterations, stop reason…).
 * Getters validate name, type and shape, so a plugin never reads a wrong-sized array.
 */
#ifndef PLUM_STATE_H
#define PLUM_STATE_H

#include <stddef.h>
#include <glib.h>
#include <plum/matrix.h>

G_BEGIN_DECLS

typedef struct PlumState PlumState;

typedef enum {
  PLUM_STATE_REALS = 1, /* double, rows x cols */
  PLUM_STATE_INTS,      /* gint64, a vector */
  PLUM_STATE_STRING,    /* a UTF-8 string */
} PlumStateType;

PlumState *plum_state_new(void);
void plum_state_free(PlumState *state);

/* Setters copy their input and replace an entry of the same name. Names are non-empty, at most
 * 255 bytes. */
void plum_state_set_reals(PlumState *state, const char *name, const double *data, size_t rows,
                          size_t cols);
void plum_state_set_matrix(PlumState *state, const char *name, const PlumMatrix *m);
void plum_state_set_real(PlumState *state, const char *name, double value);
void plum_state_set_ints(PlumState *state, const char *name, const gint64 *data, size_t n);
void plum_state_set_int(PlumState *state, const char *name, gint64 value);
void plum_state_set_string(PlumState *state, const char *name, const char *value);

gboolean plum_state_has(const PlumState *state, const char *name);
/* (transfer none) Fails with PLUM_MODEL_ERROR_STATE when the entry is missing, of another type,
 * or (for rows/cols != 0) of another shape. rows_out/cols_out are nullable. */
const double *plum_state_get_reals(const PlumState *state, const char *name, size_t rows,
                                   size_t cols, size_t *rows_out, size_t *cols_out,
                                   GError **error);
gboolean plum_state_get_matrix(const PlumState *state, const char *name, size_t rows, size_t cols,
                               PlumMatrix *view_out, GError **error);
gboolean plum_state_get_real(const PlumState *state, const char *name, double *out,
                             GError **error);
const gint64 *plum_state_get_ints(const PlumState *state, const char *name, size_t n,
                                  size_t *n_out, GError **error);
gboolean plum_state_get_int(const PlumState *state, const char *name, gint64 *out,
                            GError **error);
const char *plum_state_get_string(const PlumState *state, const char *name, GError **error);

/* Entries in insertion order. */
size_t plum_state_size(const PlumState *state);
const char *plum_state_name_at(const PlumState *state, size_t i);
PlumStateType plum_state_type_at(const PlumState *state, size_t i);

G_END_DECLS

#endif /* PLUM_STATE_H */
