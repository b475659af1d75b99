/* plum/threads.h — one knob for both thread pools.
 *
 * plum uses OpenMP for its own loops and OpenBLAS (which has its own pool) for linear algebra.
 * Setting them apart oversubscribes the cores, so this is the only place either is set: the
 * pipeline's `threads`, else PLUM_NUM_THREADS, else every core.
 */
#ifndef PLUM_THREADS_H
#define PLUM_THREADS_H

#include <glib.h>

G_BEGIN_DECLS

/* Sets OpenMP and OpenBLAS to n threads; n == 0 means PLUM_NUM_THREADS, else all cores.
 * Fails when PLUM_NUM_THREADS is not a positive integer. */
gboolean plum_threads_set(unsigned n, GError **error);
unsigned plum_threads_get(void);
/* A short description of the BLAS in use, e.g. "OpenBLAS 0.3.21 Haswell (pthread) threads=2". */
char *plum_threads_blas_info(void);

G_END_DECLS

#endif /* PLUM_THREADS_H */
