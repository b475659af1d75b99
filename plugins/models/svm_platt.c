/* svm_platt.c — probability outputs for C-SVC, as libsvm computes them.
 *
 * Two classes: Platt's sigmoid 1 / (1 + exp(A f + B)) on the decision value f, with A and B
 * fitted to decision values that the caller obtained by internal cross-validation, by the
 * Newton method with backtracking line search of Lin, Lin & Weng ("A note on Platt's
 * probabilistic outputs for support vector machines", 2007): targets (N₊ + 1)/(N₊ + 2) and
 * 1/(N₋ + 2) instead of 0 and 1, and every log(1 + e^x) written so that it cannot overflow.
 * More classes: the pairwise probabilities are coupled into one distribution by method 2 of Wu,
 * Lin & Weng ("Probability estimates for multi-class classification by pairwise coupling",
 * 2004), the fixed-point iteration libsvm uses, with its stopping rule and iteration cap.
 */
#include "config.h"

#include <math.h>
#include <glib.h>

#include "svm_platt.h"

#define SIGMOID_MAX_ITER 100
#define SIGMOID_MIN_STEP 1e-10
#define SIGMOID_SIGMA 1e-12 /* added to the Hessian's diagonal: strictly positive definite */
#define SIGMOID_EPS 1e-5

/* The negative log-likelihood of targets t under the sigmoid (A, B). */
static double
sigmoid_loss(const double *dec, const double *t, size_t n, double A, double B)
{
  double f = 0;
  for (size_t i = 0; i < n; i++) {
    double z = dec[i] * A + B;
    f += z >= 0 ? t[i] * z + log1p(exp(-z)) : (t[i] - 1) * z + log1p(exp(z));
  }
  return f;
}

typedef struct {
  double h11, h22, h21, g1, g2;
} SigmoidDerivs;

static SigmoidDerivs
sigmoid_derivs(const double *dec, const double *t, size_t n, double A, double B)
{
  SigmoidDerivs d = {.h11 = SIGMOID_SIGMA, .h22 = SIGMOID_SIGMA};
  for (size_t i = 0; i < n; i++) {
    double z = dec[i] * A + B, e = exp(-fabs(z));
    double p = z >= 0 ? e / (1 + e) : 1 / (1 + e), q = 1 - p;
    double d2 = p * q, d1 = t[i] - p;
    d.h11 += dec[i] * dec[i] * d2;
    d.h22 += d2;
    d.h21 += dec[i] * d2;
    d.g1 += dec[i] * d1;
    d.g2 += d1;
  }
  return d;
}

/* One Newton step with backtracking; FALSE when no step decreases the loss enough. */
static gboolean
sigmoid_step(const double *dec, const double *t, size_t n, const SigmoidDerivs *d, double *A,
             double *B, double *fval)
{
  double det = d->h11 * d->h22 - d->h21 * d->h21;
  double dA = -(d->h22 * d->g1 - d->h21 * d->g2) / det;
  double dB = -(-d->h21 * d->g1 + d->h11 * d->g2) / det;
  double gd = d->g1 * dA + d->g2 * dB;
  for (double step = 1; step >= SIGMOID_MIN_STEP; step /= 2) {
    double nA = *A + step * dA, nB = *B + step * dB, nf = sigmoid_loss(dec, t, n, nA, nB);
    if (nf < *fval + 0.0001 * step * gd) {
      *A = nA;
      *B = nB;
      *fval = nf;
      return TRUE;
    }
  }
  return FALSE;
}

void
svm_sigmoid_train(const double *dec, const double *labels, size_t n, double *A, double *B)
{
  double prior1 = 0, prior0 = 0;
  for (size_t i = 0; i < n; i++)
    *(labels[i] > 0 ? &prior1 : &prior0) += 1;
  double hi = (prior1 + 1) / (prior1 + 2), lo = 1 / (prior0 + 2);
  double *t = g_new(double, n);
  for (size_t i = 0; i < n; i++)
    t[i] = labels[i] > 0 ? hi : lo;
  *A = 0;
  *B = log((prior0 + 1) / (prior1 + 1));
  double fval = sigmoid_loss(dec, t, n, *A, *B);
  for (int iter = 0; iter < SIGMOID_MAX_ITER; iter++) {
    SigmoidDerivs d = sigmoid_derivs(dec, t, n, *A, *B);
    if (fabs(d.g1) < SIGMOID_EPS && fabs(d.g2) < SIGMOID_EPS)
      break;
    if (!sigmoid_step(dec, t, n, &d, A, B, &fval))
      break;
  }
  g_free(t);
}

double
svm_sigmoid_predict(double dec, double A, double B)
{
  double z = dec * A + B, e = exp(-fabs(z));
  return z >= 0 ? e / (1 + e) : 1 / (1 + e);
}

/* Q_tt = Σ_{j≠t} r_jt², Q_tj = −r_jt r_tj. */
static void
coupling_matrix(size_t k, const double *r, double *Q)
{
  for (size_t t = 0; t < k; t++) {
    Q[t * k + t] = 0;
    for (size_t j = 0; j < k; j++) {
      if (j == t)
        continue;
      Q[t * k + t] += r[j * k + t] * r[j * k + t];
      Q[t * k + j] = -r[j * k + t] * r[t * k + j];
    }
  }
}

/* Qp = Q p; returns pᵀQp. */
static double
coupling_products(size_t k, const double *Q, const double *p, double *Qp)
{
  double pQp = 0;
  for (size_t t = 0; t < k; t++) {
    Qp[t] = 0;
    for (size_t j = 0; j < k; j++)
      Qp[t] += Q[t * k + j] * p[j];
    pQp += p[t] * Qp[t];
  }
  return pQp;
}

void
svm_couple(size_t k, const double *r, double *p, double *work)
{
  double *Q = work, *Qp = work + k * k, eps = 0.005 / (double)k;
  size_t max_iter = MAX(100, k);
  coupling_matrix(k, r, Q);
  for (size_t t = 0; t < k; t++)
    p[t] = 1.0 / (double)k;
  for (size_t iter = 0; iter < max_iter; iter++) {
    double pQp = coupling_products(k, Q, p, Qp), max_error = 0;
    for (size_t t = 0; t < k; t++)
      max_error = MAX(max_error, fabs(Qp[t] - pQp));
    if (max_error < eps)
      break;
    for (size_t t = 0; t < k; t++) {
      double diff = (-Qp[t] + pQp) / Q[t * k + t];
      p[t] += diff;
      pQp = (pQp + diff * (diff * Q[t * k + t] + 2 * Qp[t])) / (1 + diff) / (1 + diff);
      for (size_t j = 0; j < k; j++) {
        Qp[j] = (Qp[j] + diff * Q[t * k + j]) / (1 + diff);
        p[j] /= 1 + diff;
      }
    }
  }
}
