/* svm_solver.h — libsvm's SMO solver for the C-SVC and ε-SVR duals, over any kernel plugin.
 *
 * Private to the svm module (svm_solver.c is compiled into it; nothing here is exported). One
 * call solves one binary C-SVC or one ε-SVR dual problem on a set of points:
 *
 *   C-SVC   min ½ αᵀQα − Σα   s.t. yᵀα = 0, 0 <= α_i <= C_i,   Q_ij = y_i y_j k(x_i, x_j)
 *   ε-SVR   the same over (α⁺, α⁻) with linear term ε ± y (libsvm's 2l-variable form)
 *
 * and returns the decision function Σ_i coef_i k(x_i, x) − rho.
 */
#ifndef PLUM_MODELS_SVM_SOLVER_H
#define PLUM_MODELS_SVM_SOLVER_H

#include <plum/plugin.h>

typedef struct {
  const PlumBinding *kernel;
  const PlumMatrix *X; /* the points, one per row */
  const double *y;     /* C-SVC: +1 or −1 per point; ε-SVR: the real targets */
  const double *C;     /* each point's bound on its dual variable(s), > 0 */
  gboolean regression; /* ε-SVR instead of C-SVC */
  double epsilon;      /* ε-SVR: half-width of the insensitive tube */
  double tol;          /* stop when the maximal violating pair violates by at most tol */
  gboolean shrinking;  /* libsvm's shrinking heuristic */
  double cache_mb;     /* kernel-row cache, MiB */
} SvmProblem;

typedef struct {
  double *coef; /* X->rows, caller-allocated: y_i α_i (C-SVC) or α⁺_i − α⁻_i (ε-SVR) */
  double rho;   /* decision(x) = Σ_i coef_i k(x_i, x) − rho */
  double objective; /* the dual objective at the answer */
  size_t n_iter;
  gboolean hit_max_iter; /* libsvm's iteration cap stopped it before tol was met */
} SvmSolution;

/* Solves prob into sol (sol->coef allocated by the caller). Fails when the kernel does (a
 * mismatched ARD width…) or the cache cannot be allocated. */
gboolean svm_solve(const SvmProblem *prob, SvmSolution *sol, GError **error);

#endif /* PLUM_MODELS_SVM_SOLVER_H */
