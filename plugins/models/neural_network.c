/* neural_network.c — feed-forward networks (multi-layer perceptrons): mlp_classifier and
 * mlp_regressor.
 *
 * Two components share this one implementation, because the pipeline decides how to read the
 * label column from a model's capability flags and a component has one set of them:
 * mlp_classifier (SUPERVISED | CLASSIFIER: class indices in, class indices and probabilities
 * out; softmax output and categorical cross-entropy by default) and mlp_regressor (SUPERVISED |
 * REGRESSOR | MULTI_OUTPUT: one or more real targets, identity output and mse by default,
 * targets standardised for training unless scale_targets is off). A classifier with two classes
 * and a sigmoid output uses a single output column; otherwise it has one column per class and
 * one-hot targets.
 *
 * Layers are dense, A_l = f_l(A_{l-1} W_l + 1 b_lᵀ), with the activation of each a plugin, an
 * optional bias and inverted dropout (masks scaled by 1/(1 − p) in training, nothing at predict
 * time, masks drawn from a child stream of the fit's generator). θ packs each layer's W
 * (n_in × n_out, row-major) followed by its b, layer after layer. The training objective is the
 * seam's sum over rows,
 *   F(θ) = Σ_i [ cost(a_i, t_i) + R(θ) / n ],   R(θ) = λ₂/2 ‖W‖² + λ₁ ‖W‖₁ (weights only),
 * so any optimizer trains it: minibatches of rows for sgd/adam/rmsprop/adagrad, all rows for
 * lbfgs/cg. A selection of rows is processed in chunks of at most NN_CHUNK_ROWS, each a gather
 * of the rows, one dgemm per layer forward and two backward (none for the input's gradient),
 * into buffers allocated once per objective. When the output activation and the cost pair up
 * through capability flags (CAP_OUTPUT_SOFTMAX with CAP_FUSES_SOFTMAX, or the sigmoid pair), the
 * gradient with respect to the output pre-activations is A − T directly: exact, stable, and
 * cheaper than chaining the two Jacobians.
 *
 * Early stopping uses the optimizer's common `patience`: the monitor scores the mean cost on
 * held-out rows after every epoch, the fit data's X_val/y_val when given, otherwise a random
 * validation_fraction of the training rows. That validation loss, and a classifier's accuracy
 * on the same rows (counted in the same pass), are shown per epoch beside the training loss,
 * and the fit report gets the best of them and the epoch that reached it. Weights start from
 * Glorot/Xavier or He uniform draws, biases at 0. The child streams (initialisation, dropout,
 * validation split) are split from the fit's generator in a fixed order, so one seed gives one
 * network, bit for bit, at one thread.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <cblas.h>
#include <plum/plugin.h>
#include <plum/registry.h>

/* Rows per forward/backward chunk: large enough for BLAS to run at speed, small enough that
 * the activations of a chunk stay in cache. */
#define NN_CHUNK_ROWS 512

typedef enum {
  INIT_HE = 0,
  INIT_XAVIER,
} NnInit;

static const char *const init_names[] = {"he", "xavier", NULL};

typedef struct {
  gint64 units;
  PlumBinding *activation;
  gboolean bias;
  double dropout;
} NnLayerParams;

typedef struct {
  PlumRecordList layers; /* of NnLayerParams: the hidden layers */
  PlumBinding *output_activation;
  PlumBinding *cost;
  double l2;
  double l1;
  int init;
  PlumBinding *optimizer;
  double validation_fraction;
  gboolean scale_targets; /* mlp_regressor only; FALSE for the classifier */
} NnParams;

/* One dense layer inside θ. */
typedef struct {
  size_t n_in, n_out;
  const PlumBinding *activation;
  gboolean bias;
  double dropout;
  size_t w_off, b_off; /* offsets of W and b in θ */
} NnLayer;

typedef struct {
  NnLayer *layers; /* hidden layers, then the output layer */
  size_t n_layers;
  size_t n_inputs, n_outputs;
  size_t n_params;
  size_t max_width; /* widest layer output */
  gboolean fused;   /* output activation and cost give dZ = A − T */
  gboolean one_hot; /* classifier with a column per class */
  const PlumBinding *cost;
} NnNet;

/* Buffers for the rows of one chunk, allocated once. */
typedef struct {
  size_t cap;
  double *x, *t;     /* gathered inputs and targets (training only) */
  double **z, **a;   /* per layer: pre-activations and activations */
  double **mask;     /* per layer: dropout scale factors (NULL without dropout) */
  double **dropped;  /* per layer: a ⊙ mask, the next layer's input (NULL without dropout) */
  double *delta[2];  /* ping-pong gradients w.r.t. a layer's output and pre-activation */
  gboolean dropping; /* the last forward pass applied dropout */
} NnWork;

/* A set of rows of the fit data: all of X, or those listed in `rows`. */
typedef struct {
  const PlumMatrix *X;
  const PlumMatrix *Y; /* class indices (n x 1) or the (scaled) real targets */
  const size_t *rows;  /* nullable */
  size_t n;
} NnRows;

typedef struct {
  NnNet net;
  NnRows train, val;
  gboolean classifier;
  double val_accuracy; /* of the point objective_validate scored last (classifier) */
  double l1, l2;
  int init;
  PlumRng *init_rng, *drop_rng;
  NnWork work;
  /* owned storage behind the views above */
  PlumMatrix *scaled_y, *scaled_y_val;
  size_t *train_rows;
  double *y_mean, *y_scale; /* regressor with scale_targets; NULL otherwise */
} NnObjective;

typedef struct {
  const NnParams *params; /* borrowed from the binding, which outlives the instance */
  gboolean classifier;
  NnNet net;
  double *theta; /* NULL until fitted */
  size_t n_classes;
  double *y_mean, *y_scale; /* regressor with scaled targets; NULL otherwise */
} Nn;

static const char *
model_name(const Nn *self)
{
  return self->classifier ? "mlp_classifier" : "mlp_regressor";
}

static guint64
caps_of(const PlumBinding *b)
{
  return plum_component_caps(plum_binding_component(b));
}

/* The network's geometry ------------------------------------------------------------------- */

static const NnLayerParams *
hidden_params(const NnParams *p, size_t l)
{
  return (const NnLayerParams *)p->layers.items + l;
}

/* Classifier outputs: one sigmoid column for two classes, else a column per class. */
static size_t
classifier_outputs(const NnParams *p, size_t n_classes)
{
  gboolean sigmoid = (caps_of(p->output_activation) & PLUM_CAP_OUTPUT_SIGMOID) != 0;
  return n_classes == 2 && sigmoid ? 1 : n_classes;
}

static gboolean
fuses(const NnParams *p)
{
  guint64 act = caps_of(p->output_activation), cost = caps_of(p->cost);
  return ((act & PLUM_CAP_OUTPUT_SOFTMAX) && (cost & PLUM_CAP_FUSES_SOFTMAX)) ||
         ((act & PLUM_CAP_OUTPUT_SIGMOID) && (cost & PLUM_CAP_FUSES_SIGMOID));
}

static void
net_build(NnNet *net, const NnParams *p, gboolean classifier, size_t d, size_t k)
{
  size_t n_hidden = p->layers.len, off = 0, n_in = d;
  net->n_layers = n_hidden + 1;
  net->layers = g_new0(NnLayer, net->n_layers);
  net->n_inputs = d;
  net->n_outputs = k;
  net->max_width = 0;
  for (size_t l = 0; l < net->n_layers; l++) {
    NnLayer *L = &net->layers[l];
    const NnLayerParams *h = l < n_hidden ? hidden_params(p, l) : NULL;
    *L = (NnLayer){
        .n_in = n_in,
        .n_out = h ? (size_t)h->units : k,
        .activation = h ? h->activation : p->output_activation,
        .bias = h ? h->bias : TRUE,
        .dropout = h ? h->dropout : 0.0,
        .w_off = off,
    };
    off += L->n_in * L->n_out;
    L->b_off = off;
    off += L->bias ? L->n_out : 0;
    n_in = L->n_out;
    net->max_width = MAX(net->max_width, L->n_out);
  }
  net->n_params = off;
  net->fused = fuses(p);
  net->one_hot = classifier && k > 1;
  net->cost = p->cost;
}

static void
net_clear(NnNet *net)
{
  g_free(net->layers);
  net->layers = NULL;
}

/* Uniform draws on ±√(6 / fan): fan = n_in (He) or n_in + n_out (Glorot); biases 0. */
static void
net_init_theta(const NnNet *net, int init, PlumRng *rng, double *theta)
{
  memset(theta, 0, net->n_params * sizeof *theta);
  for (size_t l = 0; l < net->n_layers; l++) {
    const NnLayer *L = &net->layers[l];
    double fan = (double)(init == INIT_HE ? L->n_in : L->n_in + L->n_out);
    double limit = sqrt(6.0 / fan);
    double *W = theta + L->w_off;
    for (size_t j = 0; j < L->n_in * L->n_out; j++)
      W[j] = limit * (2.0 * plum_rng_uniform(rng) - 1.0);
  }
}

/* share · R(θ) over the weights; share · ∇R added into grad when non-NULL. */
static double
net_penalty(const NnNet *net, double l2, double l1, double share, const double *theta, double *grad)
{
  if (l2 == 0 && l1 == 0)
    return 0;
  double squares = 0, absolutes = 0;
  for (size_t l = 0; l < net->n_layers; l++) {
    const NnLayer *L = &net->layers[l];
    const double *W = theta + L->w_off;
    double *gW = grad ? grad + L->w_off : NULL;
    for (size_t j = 0; j < L->n_in * L->n_out; j++) {
      squares += W[j] * W[j];
      absolutes += fabs(W[j]);
      if (gW)
        gW[j] += share * (l2 * W[j] + l1 * (double)((W[j] > 0) - (W[j] < 0)));
    }
  }
  return share * (0.5 * l2 * squares + l1 * absolutes);
}

/* Work buffers ----------------------------------------------------------------------------- */

static void
work_init(NnWork *w, const NnNet *net, size_t cap, gboolean training)
{
  size_t L = net->n_layers;
  w->cap = cap;
  w->z = g_new0(double *, L);
  w->a = g_new0(double *, L);
  w->mask = g_new0(double *, L);
  w->dropped = g_new0(double *, L);
  for (size_t l = 0; l < L; l++) {
    size_t size = cap * net->layers[l].n_out;
    w->z[l] = g_new(double, size);
    w->a[l] = g_new(double, size);
    if (training && net->layers[l].dropout > 0) {
      w->mask[l] = g_new(double, size);
      w->dropped[l] = g_new(double, size);
    }
  }
  if (!training)
    return;
  w->x = g_new(double, cap * net->n_inputs);
  w->t = g_new(double, cap * net->n_outputs);
  w->delta[0] = g_new(double, cap * net->max_width);
  w->delta[1] = g_new(double, cap * net->max_width);
}

static void
work_clear(NnWork *w, const NnNet *net)
{
  for (size_t l = 0; w->z && l < net->n_layers; l++) {
    g_free(w->z[l]);
    g_free(w->a[l]);
    g_free(w->mask[l]);
    g_free(w->dropped[l]);
  }
  g_free(w->z);
  g_free(w->a);
  g_free(w->mask);
  g_free(w->dropped);
  g_free(w->x);
  g_free(w->t);
  g_free(w->delta[0]);
  g_free(w->delta[1]);
  memset(w, 0, sizeof *w);
}

/* Forward and backward passes ---------------------------------------------------------------- */

/* Z = X W + 1 bᵀ. */
static void
dense_forward(const NnLayer *L, const double *theta, const PlumMatrix *X, PlumMatrix *Z)
{
  const double *b = theta + L->b_off;
  for (size_t i = 0; i < X->rows; i++) {
    if (L->bias)
      memcpy(PLUM_MATRIX_ROW(Z, i), b, L->n_out * sizeof *b);
    else
      memset(PLUM_MATRIX_ROW(Z, i), 0, L->n_out * sizeof *b);
  }
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)X->rows, (int)L->n_out, (int)L->n_in,
              1.0, X->data, (int)X->ld, theta + L->w_off, (int)L->n_out, 1.0, Z->data, (int)Z->ld);
}

/* Inverted dropout: keep each unit with probability 1 − p and scale it by 1 / (1 − p). */
static void
dropout_forward(double p, PlumRng *rng, const double *a, double *mask, double *out, size_t size)
{
  double scale = 1.0 / (1.0 - p);
  for (size_t j = 0; j < size; j++)
    mask[j] = plum_rng_uniform(rng) >= p ? scale : 0.0;
  for (size_t j = 0; j < size; j++)
    out[j] = a[j] * mask[j];
}

/* The input of layer l + 1 (the network's output for the last layer). */
static PlumMatrix
layer_output(const NnNet *net, const NnWork *w, size_t l, size_t m)
{
  double *data = w->dropping && w->dropped[l] ? w->dropped[l] : w->a[l];
  return plum_matrix_view(data, m, net->layers[l].n_out, 0);
}

/* Runs the rows of X (at most w->cap) through the network; drop is the dropout stream, NULL at
 * predict time. Returns the output activations. */
static PlumMatrix
net_forward(const NnNet *net, const double *theta, const PlumMatrix *X, NnWork *w, PlumRng *drop)
{
  size_t m = X->rows;
  PlumMatrix in = *X;
  w->dropping = drop != NULL;
  for (size_t l = 0; l < net->n_layers; l++) {
    const NnLayer *L = &net->layers[l];
    PlumMatrix Z = plum_matrix_view(w->z[l], m, L->n_out, 0);
    PlumMatrix A = plum_matrix_view(w->a[l], m, L->n_out, 0);
    dense_forward(L, theta, &in, &Z);
    plum_activation_forward(L->activation, &Z, &A);
    if (drop && w->dropped[l])
      dropout_forward(L->dropout, drop, w->a[l], w->mask[l], w->dropped[l], m * L->n_out);
    in = layer_output(net, w, l, m);
  }
  return in;
}

/* Adds the gradient of layer l's parameters given dZ (m x n_out) and the layer's input. */
static void
dense_backward(const NnLayer *L, const PlumMatrix *in, const PlumMatrix *dZ, double *grad)
{
  cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)L->n_in, (int)L->n_out, (int)dZ->rows,
              1.0, in->data, (int)in->ld, dZ->data, (int)dZ->ld, 1.0, grad + L->w_off,
              (int)L->n_out);
  if (!L->bias)
    return;
  double *gb = grad + L->b_off;
  for (size_t i = 0; i < dZ->rows; i++) {
    const double *row = PLUM_MATRIX_ROW(dZ, i);
    for (size_t j = 0; j < L->n_out; j++)
      gb[j] += row[j];
  }
}

/* Back-propagates dZ of the output layer (in w->delta[(n_layers − 1) % 2]) and adds the
 * parameter gradient into grad. */
static void
net_backward(const NnNet *net, const double *theta, const PlumMatrix *X, NnWork *w, double *grad)
{
  size_t m = X->rows;
  for (size_t l = net->n_layers; l-- > 0;) {
    const NnLayer *L = &net->layers[l];
    PlumMatrix dZ = plum_matrix_view(w->delta[l % 2], m, L->n_out, 0);
    PlumMatrix in = l == 0 ? *X : layer_output(net, w, l - 1, m);
    dense_backward(L, &in, &dZ, grad);
    if (l == 0)
      break;
    const NnLayer *P = &net->layers[l - 1];
    PlumMatrix dA = plum_matrix_view(w->delta[(l - 1) % 2], m, P->n_out, 0);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)m, (int)P->n_out, (int)L->n_out, 1.0,
                dZ.data, (int)dZ.ld, theta + L->w_off, (int)L->n_out, 0.0, dA.data, (int)dA.ld);
    if (w->dropping && w->mask[l - 1]) {
      const double *mask = w->mask[l - 1];
      for (size_t j = 0; j < m * P->n_out; j++)
        dA.data[j] *= mask[j];
    }
    PlumMatrix Z = plum_matrix_view(w->z[l - 1], m, P->n_out, 0);
    PlumMatrix A = plum_matrix_view(w->a[l - 1], m, P->n_out, 0);
    plum_activation_backward(P->activation, &Z, &A, &dA, &dA);
  }
}

/* The cost of the output P against T, and dZ of the output layer into w->delta when grad. */
static gboolean
output_loss(const NnNet *net, NnWork *w, const PlumMatrix *P, const PlumMatrix *T, gboolean grad,
            double *value, GError **error)
{
  size_t last = net->n_layers - 1, m = P->rows, k = net->n_outputs;
  PlumMatrix D = plum_matrix_view(w->delta[last % 2], m, k, 0);
  if (!grad || net->fused) {
    if (!plum_cost_loss(net->cost, P, T, value, NULL, error))
      return FALSE;
    for (size_t j = 0; grad && j < m * k; j++)
      D.data[j] = P->data[j] - T->data[j];
    return TRUE;
  }
  if (!plum_cost_loss(net->cost, P, T, value, &D, error))
    return FALSE;
  PlumMatrix Z = plum_matrix_view(w->z[last], m, k, 0);
  plum_activation_backward(net->layers[last].activation, &Z, P, &D, &D);
  return TRUE;
}

/* Rows and targets ------------------------------------------------------------------------- */

static void
target_row(const NnNet *net, const PlumMatrix *Y, size_t r, double *t)
{
  if (!net->one_hot) {
    memcpy(t, PLUM_MATRIX_ROW(Y, r), net->n_outputs * sizeof *t);
    return;
  }
  memset(t, 0, net->n_outputs * sizeof *t);
  t[(size_t)PLUM_MATRIX_AT(Y, r, 0)] = 1.0;
}

/* Copies the rows of src selected by terms[begin..begin + m) (all rows in order when terms is
 * NULL) into the chunk buffers. */
static void
gather(const NnNet *net, const NnRows *src, const size_t *terms, size_t begin, size_t m, NnWork *w,
       PlumMatrix *X, PlumMatrix *T)
{
  size_t d = net->n_inputs, k = net->n_outputs;
  for (size_t i = 0; i < m; i++) {
    size_t idx = terms ? terms[begin + i] : begin + i;
    size_t r = src->rows ? src->rows[idx] : idx;
    memcpy(w->x + i * d, PLUM_MATRIX_ROW(src->X, r), d * sizeof *w->x);
    target_row(net, src->Y, r, w->t + i * k);
  }
  *X = plum_matrix_view(w->x, m, d, 0);
  *T = plum_matrix_view(w->t, m, k, 0);
}

/* The class a row of outputs (or of one-hot targets) stands for: the largest column, or a single
 * sigmoid column above 0.5. */
static size_t
output_class(const double *a, size_t k)
{
  size_t best = k == 1 && a[0] > 0.5 ? 1 : 0;
  for (size_t j = 1; j < k; j++)
    if (a[j] > a[best])
      best = j;
  return best;
}

/* Rows of the outputs P whose class is that of their targets T. */
static size_t
count_correct(const PlumMatrix *P, const PlumMatrix *T)
{
  size_t n = 0;
  for (size_t i = 0; i < P->rows; i++)
    n += output_class(PLUM_MATRIX_ROW(P, i), P->cols) ==
         output_class(PLUM_MATRIX_ROW(T, i), T->cols);
  return n;
}

/* The summed cost (and gradient) over a selection of rows, chunk by chunk; with `correct`
 * (nullable, classifier), the number of rows classified right too. */
static gboolean
rows_loss(NnObjective *o, const NnRows *src, const double *theta, const size_t *terms, size_t n_sel,
          PlumRng *drop, double *value, double *grad, size_t *correct, GError **error)
{
  double total = 0;
  if (correct)
    *correct = 0;
  for (size_t begin = 0; begin < n_sel; begin += o->work.cap) {
    size_t m = MIN(o->work.cap, n_sel - begin);
    PlumMatrix X, T;
    double chunk;
    gather(&o->net, src, terms, begin, m, &o->work, &X, &T);
    PlumMatrix P = net_forward(&o->net, theta, &X, &o->work, drop);
    if (!output_loss(&o->net, &o->work, &P, &T, grad != NULL, &chunk, error))
      return FALSE;
    if (grad)
      net_backward(&o->net, theta, &X, &o->work, grad);
    if (correct)
      *correct += count_correct(&P, &T);
    total += chunk;
  }
  *value = total;
  return TRUE;
}

/* The objective ---------------------------------------------------------------------------- */

static gboolean
objective_eval(void *ctx, const double *theta, const size_t *terms, size_t n_sel, double *value,
               double *grad, GError **error)
{
  NnObjective *o = ctx;
  size_t n = o->train.n;
  if (terms == NULL)
    n_sel = n;
  for (size_t i = 0; terms && i < n_sel; i++) {
    if (terms[i] >= n) {
      g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_FAILED,
                  "neural network: objective term %zu is out of range (%zu terms)", terms[i], n);
      return FALSE;
    }
  }
  if (grad)
    memset(grad, 0, o->net.n_params * sizeof *grad);
  double loss;
  if (!rows_loss(o, &o->train, theta, terms, n_sel, o->drop_rng, &loss, grad, NULL, error))
    return FALSE;
  double share = (double)n_sel / (double)n;
  *value = loss + net_penalty(&o->net, o->l2, o->l1, share, theta, grad);
  return TRUE;
}

static void
objective_initial(void *ctx, double *theta)
{
  NnObjective *o = ctx;
  net_init_theta(&o->net, o->init, o->init_rng, theta);
}

/* Early stopping's score: the mean cost on the held-out rows, without dropout or penalty; a
 * classifier's accuracy on them comes from the same pass. */
static gboolean
objective_validate(void *user, const double *theta, double *score, GError **error)
{
  NnObjective *o = user;
  double loss;
  size_t correct;
  if (!rows_loss(o, &o->val, theta, NULL, o->val.n, NULL, &loss, NULL,
                 o->classifier ? &correct : NULL, error))
    return FALSE;
  *score = loss / (double)o->val.n;
  o->val_accuracy = o->classifier ? (double)correct / (double)o->val.n : NAN;
  return TRUE;
}

static double
objective_val_accuracy(void *user)
{
  const NnObjective *o = user;
  return o->val_accuracy;
}

static void
objective_free(void *ctx)
{
  NnObjective *o = ctx;
  work_clear(&o->work, &o->net);
  net_clear(&o->net);
  plum_rng_free(o->init_rng);
  plum_rng_free(o->drop_rng);
  plum_matrix_free(o->scaled_y);
  plum_matrix_free(o->scaled_y_val);
  g_free(o->train_rows);
  g_free(o->y_mean);
  g_free(o->y_scale);
  g_free(o);
}

/* Target standardisation (regressor) -------------------------------------------------------- */

/* Column means and standard deviations of Y (1 for a constant column). */
static void
target_stats(const PlumMatrix *Y, double *mean, double *scale)
{
  size_t n = Y->rows, k = Y->cols;
  for (size_t j = 0; j < k; j++) {
    double sum = 0, sq = 0;
    for (size_t i = 0; i < n; i++)
      sum += PLUM_MATRIX_AT(Y, i, j);
    mean[j] = sum / (double)n;
    for (size_t i = 0; i < n; i++) {
      double r = PLUM_MATRIX_AT(Y, i, j) - mean[j];
      sq += r * r;
    }
    double sd = sqrt(sq / (double)n);
    scale[j] = sd > 0 && isfinite(sd) ? sd : 1.0;
  }
}

static PlumMatrix *
scaled_copy(const PlumMatrix *Y, const double *mean, const double *scale)
{
  PlumMatrix *S = plum_matrix_new(Y->rows, Y->cols, NULL);
  for (size_t i = 0; i < Y->rows; i++)
    for (size_t j = 0; j < Y->cols; j++)
      PLUM_MATRIX_AT(S, i, j) = (PLUM_MATRIX_AT(Y, i, j) - mean[j]) / scale[j];
  return S;
}

/* Checking the fit data ----------------------------------------------------------------------- */

static gboolean
check_labels(const Nn *self, const PlumMatrix *y, size_t n_classes, const char *what,
             GError **error)
{
  for (size_t i = 0; i < y->rows; i++) {
    double v = PLUM_MATRIX_AT(y, i, 0);
    if (v >= 0 && v < (double)n_classes && v == floor(v))
      continue;
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                "%s: %s = %g at row %zu (counting from 0) is not a class index in 0..%zu",
                model_name(self), what, v, i, n_classes - 1);
    return FALSE;
  }
  return TRUE;
}

/* X and y of one set (training or validation) against the model's kind. */
static gboolean
check_xy(const Nn *self, const PlumFitData *data, const PlumMatrix *X, const PlumMatrix *y,
         size_t d, const char *x_name, const char *y_name, GError **error)
{
  if (X == NULL || y == NULL || X->rows < 1 || (d > 0 && X->cols != d)) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                "%s: %s and %s are both required, with at least one row%s", model_name(self),
                x_name, y_name, d > 0 ? " and the training set's columns" : "");
    return FALSE;
  }
  size_t y_cols = self->classifier ? 1 : (d > 0 ? data->y->cols : 0);
  if (!plum_matrix_check_shape(y, X->rows, y_cols, y_name, error) ||
      !plum_matrix_check_finite(X, x_name, error) || !plum_matrix_check_finite(y, y_name, error))
    return FALSE;
  return !self->classifier || check_labels(self, y, data->n_classes, y_name, error);
}

static gboolean
check_fit_data(const Nn *self, const PlumFitData *data, GError **error)
{
  if (data->sample_weight != NULL) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_UNSUPPORTED,
                "%s: sample weights are not supported (costs are summed over rows unweighted)",
                model_name(self));
    return FALSE;
  }
  if (self->classifier && data->n_classes < 2) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                "%s: y must hold class indices of at least two classes (n_classes is %zu)",
                model_name(self), data->n_classes);
    return FALSE;
  }
  if (!check_xy(self, data, data->X, data->y, 0, "X", "y", error))
    return FALSE;
  if (data->X->cols < 1) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE, "%s: X has no feature columns",
                model_name(self));
    return FALSE;
  }
  if (data->X_val == NULL && data->y_val == NULL)
    return TRUE;
  return check_xy(self, data, data->X_val, data->y_val, data->X->cols, "X_val", "y_val", error);
}

/* Building the objective -------------------------------------------------------------------- */

static size_t
output_width(const Nn *self, const PlumFitData *data)
{
  return self->classifier ? classifier_outputs(self->params, data->n_classes) : data->y->cols;
}

static gint64
optimizer_patience(const NnParams *p)
{
  const PlumOptimCommon *common = plum_binding_params(p->optimizer);
  return common->patience;
}

/* Splits a random validation_fraction of the training rows off into o->val. */
static gboolean
carve_validation(const Nn *self, NnObjective *o, PlumRng *rng, GError **error)
{
  size_t n = o->train.n;
  size_t n_val = (size_t)llround(self->params->validation_fraction * (double)n);
  if (n_val < 1 || n_val >= n) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                "%s: early stopping holds out validation_fraction = %g of %zu rows, which "
                "leaves %zu for validation and %zu for training; both need at least one",
                model_name(self), self->params->validation_fraction, n, n_val, n - n_val);
    return FALSE;
  }
  size_t *order = g_new(size_t, n);
  for (size_t i = 0; i < n; i++)
    order[i] = i;
  plum_rng_shuffle(rng, order, n);
  o->train_rows = order;
  o->val = (NnRows){.X = o->train.X, .Y = o->train.Y, .rows = order, .n = n_val};
  o->train.rows = order + n_val;
  o->train.n = n - n_val;
  return TRUE;
}

/* Targets as the network sees them: the class indices, or the real targets standardised with
 * the training set's statistics. */
static void
objective_targets(const Nn *self, NnObjective *o, const PlumFitData *data)
{
  o->train = (NnRows){.X = data->X, .Y = data->y, .n = data->X->rows};
  if (data->X_val)
    o->val = (NnRows){.X = data->X_val, .Y = data->y_val, .n = data->X_val->rows};
  if (self->classifier || !self->params->scale_targets)
    return;
  size_t k = data->y->cols;
  o->y_mean = g_new(double, k);
  o->y_scale = g_new(double, k);
  target_stats(data->y, o->y_mean, o->y_scale);
  o->scaled_y = scaled_copy(data->y, o->y_mean, o->y_scale);
  o->train.Y = o->scaled_y;
  if (data->y_val) {
    o->scaled_y_val = scaled_copy(data->y_val, o->y_mean, o->y_scale);
    o->val.Y = o->scaled_y_val;
  }
}

/* The training objective on data; with `validation`, the held-out rows for early stopping are
 * set aside first. The child streams are split in a fixed order whatever is used. */
static NnObjective *
objective_new(const Nn *self, const PlumFitData *data, gboolean validation, GError **error)
{
  const NnParams *p = self->params;
  NnObjective *o = g_new0(NnObjective, 1);
  o->init_rng = plum_rng_split(data->rng);
  o->drop_rng = plum_rng_split(data->rng);
  PlumRng *split_rng = plum_rng_split(data->rng);
  o->classifier = self->classifier;
  o->l1 = p->l1;
  o->l2 = p->l2;
  o->init = p->init;
  net_build(&o->net, p, self->classifier, data->X->cols, output_width(self, data));
  objective_targets(self, o, data);
  gboolean ok = !validation || data->X_val || carve_validation(self, o, split_rng, error);
  plum_rng_free(split_rng);
  if (!ok) {
    objective_free(o);
    return NULL;
  }
  work_init(&o->work, &o->net, MIN(o->train.n, (size_t)NN_CHUNK_ROWS), TRUE);
  return o;
}

static void
objective_fill(NnObjective *o, PlumObjective *obj)
{
  *obj = (PlumObjective){
      .struct_size = sizeof *obj,
      .n_params = o->net.n_params,
      .n_terms = o->train.n,
      .ctx = o,
      .eval = objective_eval,
      .initial = objective_initial,
      .free = objective_free,
  };
}

/* Installing θ ------------------------------------------------------------------------------ */

static void
nn_reset(Nn *self)
{
  net_clear(&self->net);
  g_clear_pointer(&self->theta, g_free);
  g_clear_pointer(&self->y_mean, g_free);
  g_clear_pointer(&self->y_scale, g_free);
}

/* Takes θ (and the target scaling, nullable) for a network of d inputs and k outputs. */
static void
nn_install(Nn *self, size_t d, size_t k, size_t n_classes, double *theta, double *y_mean,
           double *y_scale)
{
  nn_reset(self);
  net_build(&self->net, self->params, self->classifier, d, k);
  self->theta = theta;
  self->n_classes = n_classes;
  self->y_mean = y_mean;
  self->y_scale = y_scale;
}

static void
report_fit(const PlumFitData *data, const PlumOptimResult *res, const NnObjective *o)
{
  if (data->report == NULL)
    return;
  plum_state_set_int(data->report, "n_iter", (gint64)res->n_iter);
  plum_state_set_int(data->report, "n_evals", (gint64)res->n_evals);
  plum_state_set_real(data->report, "objective", res->value);
  plum_state_set_real(data->report, "grad_norm", res->grad_norm);
  plum_state_set_string(data->report, "stop_reason", res->stop_reason);
  plum_state_set_int(data->report, "n_validation", (gint64)o->val.n);
}

/* The model vtable -------------------------------------------------------------------------- */

static void *
nn_create_as(const void *params, gboolean classifier)
{
  Nn *self = g_new0(Nn, 1);
  self->params = params;
  self->classifier = classifier;
  return self;
}

static void *
nn_create_classifier(const void *params, GError **error)
{
  return nn_create_as(params, TRUE);
}

static void *
nn_create_regressor(const void *params, GError **error)
{
  return nn_create_as(params, FALSE);
}

static void
nn_destroy(void *self_ptr)
{
  nn_reset(self_ptr);
  g_free(self_ptr);
}

static gboolean
nn_fit(void *self_ptr, const PlumFitData *data, GError **error)
{
  Nn *self = self_ptr;
  if (!check_fit_data(self, data, error))
    return FALSE;
  gboolean early = optimizer_patience(self->params) > 0;
  NnObjective *o = objective_new(self, data, early, error);
  if (o == NULL)
    return FALSE;
  PlumObjective obj;
  objective_fill(o, &obj);
  double *theta = g_new(double, obj.n_params);
  obj.initial(o, theta);
  PlumOptimContext octx = {
      .struct_size = sizeof octx,
      .rng = data->rng,
      .progress = data->progress,
      .validate = early ? objective_validate : NULL,
      .validate_user = o,
      .validate_metric = early && self->classifier ? objective_val_accuracy : NULL,
      .validate_metric_name = "accuracy",
      .report = data->report,
  };
  PlumOptimResult res = {.struct_size = sizeof res};
  gboolean ok = plum_optimizer_minimize(self->params->optimizer, &obj, theta, &octx, &res, error);
  if (ok) {
    report_fit(data, &res, o);
    nn_install(self, o->net.n_inputs, o->net.n_outputs, data->n_classes, theta,
               g_steal_pointer(&o->y_mean), g_steal_pointer(&o->y_scale));
  } else {
    g_free(theta);
  }
  obj.free(o);
  return ok;
}

static gboolean
nn_objective(void *self_ptr, const PlumFitData *data, PlumObjective *obj, GError **error)
{
  const Nn *self = self_ptr;
  NnObjective *o =
      check_fit_data(self, data, error) ? objective_new(self, data, FALSE, error) : NULL;
  if (o == NULL)
    return FALSE;
  objective_fill(o, obj);
  return TRUE;
}

static gboolean
nn_set_theta(void *self_ptr, const PlumFitData *data, const double *theta, GError **error)
{
  Nn *self = self_ptr;
  if (!check_fit_data(self, data, error))
    return FALSE;
  size_t k = output_width(self, data);
  double *y_mean = NULL, *y_scale = NULL;
  if (!self->classifier && self->params->scale_targets) {
    y_mean = g_new(double, k);
    y_scale = g_new(double, k);
    target_stats(data->y, y_mean, y_scale);
  }
  nn_install(self, data->X->cols, k, data->n_classes, NULL, y_mean, y_scale);
  self->theta = g_memdup2(theta, self->net.n_params * sizeof *theta);
  return TRUE;
}

static void
nn_shape(const void *self_ptr, PlumModelShape *shape)
{
  const Nn *self = self_ptr;
  shape->n_features = self->net.n_inputs;
  shape->n_outputs = self->classifier ? 1 : self->net.n_outputs;
  shape->n_classes = self->classifier ? self->n_classes : 0;
  shape->n_transform = 0;
}

/* Prediction ------------------------------------------------------------------------------- */

typedef void (*NnOutputFunc)(const Nn *self, const PlumMatrix *A, PlumMatrix *out);

static gboolean
check_fitted(const Nn *self, GError **error)
{
  if (self->theta != NULL)
    return TRUE;
  g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_NOT_FITTED,
              "%s: the model is not fitted; call fit or load first", model_name(self));
  return FALSE;
}

static gboolean
check_predict_input(const Nn *self, const PlumMatrix *X, const PlumMatrix *out, size_t cols,
                    GError **error)
{
  if (!check_fitted(self, error))
    return FALSE;
  if (X->cols != self->net.n_inputs) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                "%s: X has %zu features, the model was fitted on %zu", model_name(self), X->cols,
                self->net.n_inputs);
    return FALSE;
  }
  return plum_matrix_check_finite(X, "X", error) &&
         plum_matrix_check_shape(out, X->rows, cols, "predictions", error);
}

/* Class probabilities: the softmax or sigmoid output as it is, any other output clipped at 0
 * and normalised per row (uniform when nothing is left). */
static void
emit_proba(const Nn *self, const PlumMatrix *A, PlumMatrix *out)
{
  gboolean softmax = (caps_of(self->params->output_activation) & PLUM_CAP_OUTPUT_SOFTMAX) != 0;
  size_t k = self->n_classes;
  for (size_t i = 0; i < A->rows; i++) {
    const double *a = PLUM_MATRIX_ROW(A, i);
    double *o = PLUM_MATRIX_ROW(out, i), total = 0;
    if (A->cols == 1) {
      o[0] = 1.0 - a[0];
      o[1] = a[0];
      continue;
    }
    for (size_t j = 0; j < k; j++) {
      o[j] = softmax ? a[j] : fmax(a[j], 0.0);
      total += o[j];
    }
    for (size_t j = 0; !softmax && j < k; j++)
      o[j] = total > 0 ? o[j] / total : 1.0 / (double)k;
  }
}

static void
emit_class(const Nn *self, const PlumMatrix *A, PlumMatrix *out)
{
  for (size_t i = 0; i < A->rows; i++)
    PLUM_MATRIX_AT(out, i, 0) = (double)output_class(PLUM_MATRIX_ROW(A, i), A->cols);
}

static void
emit_values(const Nn *self, const PlumMatrix *A, PlumMatrix *out)
{
  for (size_t i = 0; i < A->rows; i++) {
    const double *a = PLUM_MATRIX_ROW(A, i);
    double *o = PLUM_MATRIX_ROW(out, i);
    for (size_t j = 0; j < A->cols; j++)
      o[j] = self->y_mean ? a[j] * self->y_scale[j] + self->y_mean[j] : a[j];
  }
}

/* Runs X (checked) through the network in chunks, turning each chunk's outputs into rows of
 * values (through emit) and of proba (class probabilities), either nullable. */
static void
forward_rows(const Nn *self, const PlumMatrix *X, PlumMatrix *values, NnOutputFunc emit,
             PlumMatrix *proba)
{
  if (X->rows == 0)
    return;
  NnWork w = {0};
  work_init(&w, &self->net, MIN(X->rows, (size_t)NN_CHUNK_ROWS), FALSE);
  for (size_t begin = 0; begin < X->rows; begin += w.cap) {
    size_t m = MIN(w.cap, X->rows - begin);
    PlumMatrix Xc = plum_matrix_rows(X, begin, m);
    PlumMatrix A = net_forward(&self->net, self->theta, &Xc, &w, NULL);
    if (values != NULL) {
      PlumMatrix Vc = plum_matrix_rows(values, begin, m);
      emit(self, &A, &Vc);
    }
    if (proba != NULL) {
      PlumMatrix Pc = plum_matrix_rows(proba, begin, m);
      emit_proba(self, &A, &Pc);
    }
  }
  work_clear(&w, &self->net);
}

static gboolean
nn_run(const Nn *self, const PlumMatrix *X, PlumMatrix *out, size_t cols, NnOutputFunc emit,
       GError **error)
{
  if (!check_predict_input(self, X, out, cols, error))
    return FALSE;
  forward_rows(self, X, out, emit, NULL);
  return TRUE;
}

static gboolean
nn_predict(const void *self_ptr, const PlumMatrix *X, PlumMatrix *out, GError **error)
{
  const Nn *self = self_ptr;
  if (self->classifier)
    return nn_run(self, X, out, 1, emit_class, error);
  return nn_run(self, X, out, self->net.n_outputs, emit_values, error);
}

static gboolean
nn_predict_proba(const void *self_ptr, const PlumMatrix *X, PlumMatrix *out, GError **error)
{
  const Nn *self = self_ptr;
  if (!check_predict_input(self, X, out, self->n_classes, error))
    return FALSE;
  forward_rows(self, X, NULL, NULL, out);
  return TRUE;
}

/* Labels (or values) and class probabilities from one forward pass; the host has checked X
 * and sized the outputs (std: none here). */
static gboolean
nn_predict_all(const void *self_ptr, const PlumMatrix *X, PlumMatrix *values, PlumMatrix *proba,
               PlumMatrix *std, GError **error)
{
  const Nn *self = self_ptr;
  (void)std;
  if (!check_fitted(self, error))
    return FALSE;
  forward_rows(self, X, values, self->classifier ? emit_class : emit_values, proba);
  return TRUE;
}

/* Model files ------------------------------------------------------------------------------- */

static gboolean
nn_save(const void *self_ptr, PlumState *state, GError **error)
{
  const Nn *self = self_ptr;
  if (self->theta == NULL) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_NOT_FITTED,
                "%s: the model is not fitted; nothing to save", model_name(self));
    return FALSE;
  }
  const NnNet *net = &self->net;
  gint64 *sizes = g_new(gint64, net->n_layers + 1);
  sizes[0] = (gint64)net->n_inputs;
  for (size_t l = 0; l < net->n_layers; l++)
    sizes[l + 1] = (gint64)net->layers[l].n_out;
  plum_state_set_ints(state, "sizes", sizes, net->n_layers + 1);
  g_free(sizes);
  plum_state_set_reals(state, "theta", self->theta, 1, net->n_params);
  if (self->classifier)
    plum_state_set_int(state, "n_classes", (gint64)self->n_classes);
  if (self->y_mean) {
    plum_state_set_reals(state, "target_mean", self->y_mean, 1, net->n_outputs);
    plum_state_set_reals(state, "target_scale", self->y_scale, 1, net->n_outputs);
  }
  return TRUE;
}

static gboolean
state_error(const Nn *self, GError **error, const char *what)
{
  g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE,
              "%s: the saved network does not fit its configuration: %s", model_name(self), what);
  return FALSE;
}

/* The saved layer sizes must be the configured ones, end to end positive. */
static gboolean
check_sizes(const Nn *self, const gint64 *sizes, size_t n, GError **error)
{
  const NnParams *p = self->params;
  if (n != p->layers.len + 2)
    return state_error(self, error, "another number of layers");
  for (size_t l = 0; l < n; l++)
    if (sizes[l] < 1 || sizes[l] > G_MAXINT32)
      return state_error(self, error, "a layer size out of range");
  for (size_t l = 0; l < p->layers.len; l++)
    if (sizes[l + 1] != hidden_params(p, l)->units)
      return state_error(self, error, "other hidden layer units");
  return TRUE;
}

static const double *
load_reals(const PlumState *state, const char *name, size_t cols, GError **error)
{
  const double *v = plum_state_get_reals(state, name, 1, cols, NULL, NULL, error);
  if (v == NULL)
    return NULL;
  PlumMatrix view = plum_matrix_view((double *)v, 1, cols, 0);
  return plum_matrix_check_finite(&view, name, error) ? v : NULL;
}

/* Class count and target scaling, whichever the model kind has. */
static gboolean
load_outputs(const Nn *self, const PlumState *state, size_t k, gint64 *n_classes,
             const double **mean, const double **scale, GError **error)
{
  *n_classes = 0;
  *mean = *scale = NULL;
  if (self->classifier) {
    if (!plum_state_get_int(state, "n_classes", n_classes, error))
      return FALSE;
    if (*n_classes < 2 || *n_classes > G_MAXINT32 ||
        k != classifier_outputs(self->params, (size_t)*n_classes))
      return state_error(self, error, "an output layer that does not match the class count");
    return TRUE;
  }
  if (!self->params->scale_targets)
    return TRUE;
  *mean = load_reals(state, "target_mean", k, error);
  *scale = *mean ? load_reals(state, "target_scale", k, error) : NULL;
  return *scale != NULL;
}

static gboolean
nn_load(void *self_ptr, const PlumState *state, GError **error)
{
  Nn *self = self_ptr;
  size_t n_sizes = 0;
  const gint64 *sizes = plum_state_get_ints(state, "sizes", 0, &n_sizes, error);
  if (sizes == NULL || !check_sizes(self, sizes, n_sizes, error))
    return FALSE;
  size_t d = (size_t)sizes[0], k = (size_t)sizes[n_sizes - 1];
  gint64 n_classes;
  const double *mean, *scale;
  if (!load_outputs(self, state, k, &n_classes, &mean, &scale, error))
    return FALSE;
  NnNet net;
  net_build(&net, self->params, self->classifier, d, k);
  size_t n_params = net.n_params;
  net_clear(&net);
  const double *theta = load_reals(state, "theta", n_params, error);
  if (theta == NULL)
    return FALSE;
  nn_install(self, d, k, (size_t)n_classes, g_memdup2(theta, n_params * sizeof *theta),
             mean ? g_memdup2(mean, k * sizeof *mean) : NULL,
             scale ? g_memdup2(scale, k * sizeof *scale) : NULL);
  return TRUE;
}

/* Schemas ------------------------------------------------------------------------------------ */

static const PlumParamSpec layer_fields[] = {
    PLUM_PARAM_INT_SPEC(NnLayerParams, units, 0, 1, 1e6, PLUM_PARAM_REQUIRED,
                        "units (outputs) of the layer"),
    PLUM_PARAM_COMPONENT_SPEC(NnLayerParams, activation, PLUM_KIND_ACTIVATION, "relu", 0,
                              "the layer's activation"),
    PLUM_PARAM_BOOL_SPEC(NnLayerParams, bias, TRUE, "add a bias to each unit"),
    PLUM_PARAM_REAL_SPEC(NnLayerParams, dropout, 0.0, 0.0, 1.0, PLUM_PARAM_MAX_EXCLUSIVE,
                         "share of the layer's outputs zeroed at random in training (inverted "
                         "dropout; none at predict time)"),
};

/* The schema of both components; they differ in the output defaults and scale_targets. */
#define NN_COMMON_SPECS(def_output, def_cost)                                                      \
  {.name = "layers",                                                                               \
   .type = PLUM_PARAM_RECORD_LIST,                                                                 \
   .flags = PLUM_PARAM_REQUIRED,                                                                   \
   .offset = offsetof(NnParams, layers),                                                           \
   .fields = layer_fields,                                                                         \
   .n_fields = G_N_ELEMENTS(layer_fields),                                                         \
   .record_size = sizeof(NnLayerParams),                                                           \
   .doc = "the hidden layers, input side first: {units, activation, bias, dropout} each ([] "      \
          "for none)"},                                                                            \
      PLUM_PARAM_COMPONENT_SPEC(NnParams, output_activation, PLUM_KIND_ACTIVATION, def_output, 0,  \
                                "the output layer's activation"),                                  \
      PLUM_PARAM_COMPONENT_SPEC(NnParams, cost, PLUM_KIND_COST, def_cost, 0,                       \
                                "the cost summed over rows"),                                      \
      PLUM_PARAM_REAL_SPEC(NnParams, l2, 0.0, 0.0, INFINITY, 0,                                    \
                           "L2 penalty l2/2 ||W||^2 on the weights (not the biases)"),             \
      PLUM_PARAM_REAL_SPEC(NnParams, l1, 0.0, 0.0, INFINITY, 0,                                    \
                           "L1 penalty l1 ||W||_1 on the weights (not the biases)"),               \
      PLUM_PARAM_ENUM_SPEC(NnParams, init, INIT_XAVIER, init_names,                                \
                           "weight initialisation: he, U(+-sqrt(6/n_in)), or xavier, "             \
                           "U(+-sqrt(6/(n_in+n_out))); biases start at 0"),                        \
      PLUM_PARAM_COMPONENT_SPEC(NnParams, optimizer, PLUM_KIND_OPTIMIZER, "adam", 0,               \
                                "the optimizer; epochs, batch size, shuffling and early "          \
                                "stopping (patience) are its parameters"),                         \
      PLUM_PARAM_REAL_SPEC(NnParams, validation_fraction, 0.1, 0.0, 1.0,                           \
                           PLUM_PARAM_MIN_EXCLUSIVE | PLUM_PARAM_MAX_EXCLUSIVE,                    \
                           "share of the training rows held out for early stopping when the "      \
                           "optimizer's patience is set")

static const PlumParamSpec classifier_params[] = {
    NN_COMMON_SPECS("softmax", "categorical_cross_entropy"),
};

static const PlumParamSpec regressor_params[] = {
    NN_COMMON_SPECS("identity", "mse"),
    PLUM_PARAM_BOOL_SPEC(NnParams, scale_targets, TRUE,
                         "train on standardised targets and map predictions back"),
};

static const PlumModelVTable classifier_vtable = {
    .struct_size = sizeof(PlumModelVTable),
    .create = nn_create_classifier,
    .destroy = nn_destroy,
    .fit = nn_fit,
    .shape = nn_shape,
    .save = nn_save,
    .load = nn_load,
    .predict = nn_predict,
    .predict_proba = nn_predict_proba,
    .objective = nn_objective,
    .set_theta = nn_set_theta,
    .predict_all = nn_predict_all,
};

static const PlumModelVTable regressor_vtable = {
    .struct_size = sizeof(PlumModelVTable),
    .create = nn_create_regressor,
    .destroy = nn_destroy,
    .fit = nn_fit,
    .shape = nn_shape,
    .save = nn_save,
    .load = nn_load,
    .predict = nn_predict,
    .objective = nn_objective,
    .set_theta = nn_set_theta,
    .predict_all = nn_predict_all,
};

static const PlumComponentDesc nn_components[] = {
    {
        .struct_size = sizeof(PlumComponentDesc),
        .kind = PLUM_KIND_MODEL,
        .name = "mlp_classifier",
        .summary = "feed-forward neural network classifier (softmax and cross-entropy by default)",
        .caps = PLUM_CAP_SUPERVISED | PLUM_CAP_CLASSIFIER,
        .params = classifier_params,
        .n_params = G_N_ELEMENTS(classifier_params),
        .params_size = sizeof(NnParams),
        .vtable = &classifier_vtable,
        .state_version = 1,
    },
    {
        .struct_size = sizeof(PlumComponentDesc),
        .kind = PLUM_KIND_MODEL,
        .name = "mlp_regressor",
        .summary = "feed-forward neural network regression, one or more targets",
        .caps = PLUM_CAP_SUPERVISED | PLUM_CAP_REGRESSOR | PLUM_CAP_MULTI_OUTPUT,
        .params = regressor_params,
        .n_params = G_N_ELEMENTS(regressor_params),
        .params_size = sizeof(NnParams),
        .vtable = &regressor_vtable,
        .state_version = 1,
    },
};

PLUM_PLUGIN_DEFINE(neural_network, PACKAGE_VERSION, "MIT",
                   "feed-forward neural networks trained through any optimizer", nn_components,
                   NULL)
