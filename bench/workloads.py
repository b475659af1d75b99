"""What bench/run compares: each plum pipeline in bench/configs/ beside the peers that run the
same workload with the same settings, and the speed target the model issues set for each pair.

A Pair is one plum pipeline (a config file and the components it needs) on one workload of the
shared bench (gen_data.py), with its peers. A Peer says how to run one repetition of one peer
program (one process, one JSON line) and what it needs installed. Targets are on fit time as
plum / peer: 0.5 means "at most half of the peer's time"; None means "reported beside, no
target". Standard library only.
"""
import collections
import os

HERE = os.path.dirname(os.path.abspath(__file__))
PEERS = os.path.join(HERE, "peers")

# needs: "python", "sklearn", "torch" (the peers' python, with those modules), "bin:NAME" (a C
# harness from peers/build.sh), "cmd:NAME" (a program on PATH).
# penalise_bias: the peer's training objective penalises the intercept (liblinear's -B bias).
# with_predict: the target is on fit + predict time (the model issue says so), not fit alone.
Peer = collections.namedtuple("Peer", "label needs argv env_threads fit_target predict_target metric "
                                      "penalise_bias with_predict", defaults=(False, False))
Pair = collections.namedtuple("Pair", "workload name config components train test plum_metric "
                                      "plum_predict objective flops peers")

# The files gen_data.py writes for each workload (as peers/sk.py reads them).
FILES = {
    "logreg": ("logreg", "logreg_test"),
    "linreg": ("linreg", "linreg_test"),
    "poisson": ("poisson", "poisson_test"),
    "blobs": ("blobs", "blobs_test"),
    "blobs_small": ("blobs_small",),
    "gp": ("gp", "gp_test"),
    "mlp": ("mlp", "mlp_test"),
    "svm": ("svm", "svm_test"),
    "nb_knn": ("nb_knn", "nb_knn_test", "knn_query"),
    "pca": ("pca",),
}
WORKLOADS = list(FILES)


def sk(workload, label, fit_target=0.5, predict_target=None, metric=None, with_predict=False):
    """A scikit-learn estimator of peers/sk.py, one repetition per process."""
    def argv(ctx, threads):
        return [ctx.python, os.path.join(PEERS, "sk.py"), workload, "--peer", label,
                "--threads", str(threads), "--repeat", "1", "--data", ctx.data]
    return Peer(label, ("sklearn",), argv, False, fit_target, predict_target, metric, False, with_predict)


def torch(dtype):
    def argv(ctx, threads):
        return [ctx.python, os.path.join(PEERS, "torch_mlp.py"), "--dtype", dtype,
                "--threads", str(threads), "--repeat", "1", "--data", ctx.data]
    return Peer("torch Adam (CPU, %s)" % dtype, ("torch",), argv, False, 1.0, None, None)


def harness(name, label, args, fit_target, predict_target=None, penalise_bias=False):
    """A C harness of peers/c/ built by peers/build.sh: TRAIN.csv TEST.csv options -r 1 -t T."""
    def argv(ctx, threads):
        files = [os.path.join(ctx.data, f) for f in args[0]]
        return [os.path.join(ctx.bin, name)] + files + list(args[1:]) + ["-r", "1", "-t", str(threads)]
    return Peer(label, ("bin:" + name,), argv, True, fit_target, predict_target, None, penalise_bias)


def cli(workload, label, tool):
    """Debian's command-line tool, timed as a whole process by peers/cli_peers.py."""
    def argv(ctx, threads):
        return [ctx.python, os.path.join(PEERS, "cli_peers.py"), workload,
                "--threads", str(threads), "--repeat", "1", "--data", ctx.data]
    return Peer(label, ("python", "cmd:" + tool), argv, False, None, None, None)


def pair(workload, name, components, plum_metric, peers, test=True, train=None, plum_predict="test",
         objective=None, flops=None):
    train = train or workload
    test_file = (test if isinstance(test, str) else workload + "_test") if test else None
    return Pair(workload, name, os.path.join(HERE, "configs", name + ".yaml"), components,
                train + ".csv", test_file + ".csv" if test_file else None, plum_metric,
                plum_predict, objective, flops, peers)


# Floating-point work of a compute-bound fit, as (flops at the dgemm rate, flops at the dpotrf
# rate), from the rows n and features d of the training data: the time the machine's measured
# ceiling needs for the arithmetic that cannot be avoided.
def gp_flops(n, d):
    return 2.0 * n * n * d, n ** 3 / 3.0          # Gram matrix by GEMM, one Cholesky


def mlp_flops(n, d):
    per_row = 2.0 * (d * 128 + 128 * 10)           # forward GEMMs of a d-128-10 network
    return 10 * 3 * per_row * n, 0.0               # 10 epochs, backward costs twice the forward


def pca_flops(n, d):
    return 2.0 * n * d * d, 0.0                    # XᵀX, a lower bound for any full SVD


def logistic_objective(metrics, arrays, penalise_bias):
    """The per-row training objective of C=1 logistic regression, mean log-loss + ½‖w‖²/n, as
    scikit-learn's and liblinear's peers report it (liblinear also penalises the intercept)."""
    n = metrics["train.rows"]
    w2 = sum(v * v for v in arrays["coef"])
    if penalise_bias:
        w2 += sum(v * v for v in arrays["intercept"])
    return metrics["train.log_loss"] + 0.5 * w2 / n


SK_LOGREG = "sklearn.LogisticRegression(lbfgs)"
GP = ["model/gaussian_process", "kernel/sum", "kernel/squared_exponential", "kernel/white_noise"]
PAIRS = [
    pair("logreg", "logreg", ["model/logistic_regression", "optimizer/lbfgs"], "test.log_loss",
         [sk("logreg", SK_LOGREG, 0.5, 1.0),
          harness("liblinear_logreg", "liblinear -s 0 (in-process train())",
                  (("logreg.csv", "logreg_test.csv"), "-c", "1", "-e", "0.01", "-B", "1"), 1.0, 1.0,
                  penalise_bias=True),
          cli("logreg", "liblinear-train CLI -s 0", "liblinear-train")],
         objective=(("coef", "intercept"), logistic_objective)),
    pair("linreg", "linreg", ["model/linear_regression"], "test.mse",
         [sk("linreg", "sklearn.LinearRegression")]),
    pair("linreg", "linreg-ridge", ["model/linear_regression"], "test.mse",
         [sk("linreg", "sklearn.Ridge(cholesky)", 1.0)]),
    pair("poisson", "poisson", ["model/glm", "family/poisson"], "test.mean_poisson_deviance",
         [sk("poisson", "sklearn.PoissonRegressor(lbfgs)")]),
    pair("blobs", "blobs-kmeans", ["model/kmeans"], "train.inertia",
         [sk("blobs", "sklearn.KMeans(lloyd)")]),
    pair("blobs", "blobs-gmm-full", ["model/gaussian_mixture"], "train.log_likelihood",
         [sk("blobs", "sklearn.GaussianMixture(full)")]),
    pair("blobs", "blobs-gmm-diag", ["model/gaussian_mixture"], "train.log_likelihood",
         [sk("blobs", "sklearn.GaussianMixture(diag)")]),
    pair("blobs_small", "blobs_small", ["model/dbscan"], "train.adjusted_rand",
         [sk("blobs_small", "sklearn.DBSCAN", metric="ari_vs_truth")], test=False, plum_predict=None),
    pair("gp", "gp-fixed", GP, "test.mse",
         [sk("gp", "sklearn.GaussianProcessRegressor(fixed kernel)", with_predict=True)], flops=gp_flops),
    pair("gp", "gp-learned", GP + ["optimizer/lbfgs"], "test.mse",
         [sk("gp", "sklearn.GaussianProcessRegressor(optimised)", 0.2)]),
    pair("mlp", "mlp", ["model/mlp_classifier", "optimizer/adam", "activation/relu"], "test.accuracy",
         [sk("mlp", "sklearn.MLPClassifier(adam)", None), torch("float32"), torch("float64"),
          harness("fann_mlp", "FANN 2.2 incremental (float32)",
                  (("mlp.csv", "mlp_test.csv"), "--algo", "incremental", "--epochs", "10", "--lr", "0.1"),
                  0.5),
          harness("fann_mlp", "FANN 2.2 rprop (float32)",
                  (("mlp.csv", "mlp_test.csv"), "--algo", "rprop", "--epochs", "10"), 0.5)],
         flops=mlp_flops),
    pair("svm", "svm", ["model/svc", "kernel/squared_exponential"], "test.accuracy",
         [harness("libsvm_svc", "libsvm C-SVC rbf (in-process svm_train())",
                  (("svm.csv", "svm_test.csv"), "-g", "0.0625", "-c", "1", "-m", "200", "-e", "0.001",
                   "-h", "1"), 1.0),
          sk("svm", "sklearn.SVC(rbf)", None), cli("svm", "svm-train CLI -t 2", "svm-train")]),
    pair("nb_knn", "nb_knn-nb", ["model/gaussian_nb"], "test.accuracy",
         [sk("nb_knn", "sklearn.GaussianNB", with_predict=True)]),
    pair("nb_knn", "nb_knn-knn", ["model/knn_classifier"], "test.accuracy",
         [sk("nb_knn", "sklearn.KNeighborsClassifier(brute)", with_predict=True),
          sk("nb_knn", "sklearn.KNeighborsClassifier(kd_tree)", with_predict=True)], test="knn_query"),
    pair("pca", "pca", ["model/pca"], "fit.explained_variance_ratio",   # summed over the 16
         [sk("pca", "sklearn.PCA(full)"), sk("pca", "sklearn.PCA(randomized)", None)],
         test=False, plum_predict="train", flops=pca_flops),
]
BY_NAME = {p.name: p for p in PAIRS}
