/* svm_platt.h — probabilities from SVM decision values: Platt's sigmoid and pairwise coupling.
 *
 * Private to the svm module (svm_platt.c is compiled into it; nothing here is exported).
 */
#ifndef PLUM_MODELS_SVM_PLATT_H
#define PLUM_MODELS_SVM_PLATT_H

#include <stddef.h>

/* Fits P(positive | f) = 1 / (1 + exp(A f + B)) to decision values dec[n] with labels[n] (> 0:
 * positive), by Lin, Lin & Weng's Newton method with backtracking on Platt's regularised
 * targets. */
void svm_sigmoid_train(const double *dec, const double *labels, size_t n, double *A, double *B);
double svm_sigmoid_predict(double dec, double A, double B);

/* Class probabilities p[k] from pairwise probabilities r (k x k row-major, r[i][j] = P(i | i or
 * j), r[j][i] = 1 − r[i][j]) by Wu, Lin & Weng's method 2. work holds k² + k doubles. */
void svm_couple(size_t k, const double *r, double *p, double *work);

#endif /* PLUM_MODELS_SVM_PLATT_H */
