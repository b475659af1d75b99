"""bench/RESULTS.md from the measurements bench/run collects (its run-*.json), so the page is
only ever written by a program:

    python3 bench/render.py RUN.json > RESULTS.md

Every number is a median over the alternated repetitions of one side at one thread count;
ratios are plum / peer, shown as they are (above 1 means plum is slower). Standard library only.
"""
import json
import os
import re
import statistics
import sys

sys.dont_write_bytecode = True   # keep __pycache__ out of the source tree


def fmt_s(v):
    if v is None:
        return "–"
    if v >= 10:
        return "%.1f" % v
    if v >= 0.1:
        return "%.3f" % v
    if v >= 1e-3:
        return "%.4f" % v
    return "%.2e" % v


def fmt_v(v):
    if v is None:
        return "–"
    if isinstance(v, float):
        return "%.6g" % v
    return str(v)


def fmt_ratio(a, b):
    return "%.2f" % (a / b) if a is not None and b else "–"


def cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return out


class Runs:
    """The runs of one side of one pipeline at one thread count, summarised."""

    def __init__(self, runs):
        self.ok = [r for r in runs if "error" not in r]
        self.errors = [r["error"] for r in runs if "error" in r]

    def median(self, key):
        vals = [r[key] for r in self.ok if r.get(key) is not None]
        return statistics.median(vals) if vals else None

    def last(self, key):
        return self.ok[-1].get(key) if self.ok else None

    def peak_rss_mb(self):
        vals = [r["rss_kb"] for r in self.ok if r.get("rss_kb")]
        return max(vals) / 1024.0 if vals else None


def collect(rec):
    by = {}
    for r in rec["runs"]:
        by.setdefault((r["pair"], r["side"], r["threads"]), []).append(r)
    return lambda pair, side, threads: Runs(by.get((pair, side, threads), []))


def target_time(runs, spec):
    """The time a peer's target is on: fit, or fit + predict where the model issue says so."""
    fit = runs.median("fit")
    if not spec.get("with_predict"):
        return fit
    predict = runs.median("predict")
    return fit + predict if fit is not None and predict is not None else None


def target_text(ours, theirs, target, what="fit"):
    if target is None:
        return "–"
    label = "≤ %g×%s" % (target, "" if what == "fit" else " (%s)" % what)
    if ours is None or not theirs:
        return label
    return "%s: %s" % (label, "met" if ours / theirs <= target else "**NOT met**")


def scaling_note(name, runs_at, threads, base):
    """Flags a side that got much slower with more threads: cores busy with other work."""
    now, then = runs_at(threads).median("fit"), runs_at(base).median("fit")
    if threads == base or now is None or not then or now < 2 * then:
        return None
    return "%s's fit takes %.1f× its %d-thread time (cores oversubscribed?)" % (name, now / then, base)


def objective_note(plum, peer, spec):
    objective = plum.last("objective")
    theirs = (peer.last("metrics") or {}).get("train_objective_per_sample")
    if not objective or theirs is None:
        return None
    if "error" in objective:
        return "plum objective: " + objective["error"]
    ours = objective[str(spec["penalise_bias"])]
    verdict = "plum ≤ peer" if ours <= theirs else "plum HIGHER by %.2g" % (ours - theirs)
    form = " (bias penalised, as liblinear)" if spec["penalise_bias"] else ""
    return "train objective%s: plum %.12g, peer %.12g (%s)" % (form, ours, theirs, verdict)


# What a fit report says that both sides report: (plum's fit.KEY, the peer's metrics key, label).
REPORTED = [("n_iter", "n_iter", "iterations"),
            ("log_marginal_likelihood", "log_marginal_likelihood", "log marginal likelihood")]


def report_notes(plum, peer):
    ours, theirs = plum.last("fit_report") or {}, peer.last("metrics") or {}
    return ["%s: plum %s, peer %s" % (label, fmt_v(ours[a]), fmt_v(theirs[b]))
            for a, b, label in REPORTED if a in ours and b in theirs]


def pair_rows(pair, threads, get, base):
    if pair["status"] != "run":
        return [[pair["name"], "(all)", "%s: %s" % (pair["status"], pair["reason"])] + ["–"] * 10]
    plum = get(pair["name"], "plum", threads)
    rows = []
    for spec in pair["peers"]:
        if spec["missing"]:
            rows.append([pair["name"], spec["label"], "missing: " + spec["missing"]] + ["–"] * 10)
            continue
        peer = get(pair["name"], spec["label"], threads)
        pf, qf = plum.median("fit"), peer.median("fit")
        pp, qp = plum.median("predict"), peer.median("predict")
        notes = ["plum failed: " + e for e in plum.errors[:1]] + ["peer failed: " + e for e in peer.errors[:1]]
        notes.append(objective_note(plum, peer, spec))
        notes += report_notes(plum, peer)
        if peer.last("fit_includes_parse"):
            notes.append("peer fit and predict are whole CLI processes, parse included")
        if spec["predict_target"] is not None:
            notes.append("predict " + target_text(pp, qp, spec["predict_target"]))
        notes.append(scaling_note("plum", lambda t: get(pair["name"], "plum", t), threads, base))
        notes.append(scaling_note("the peer", lambda t: get(pair["name"], spec["label"], t), threads, base))
        target = target_text(target_time(plum, spec), target_time(peer, spec), spec["fit_target"],
                             "fit+predict" if spec.get("with_predict") else "fit")
        rows.append([pair["name"], spec["label"], fmt_s(pf), fmt_s(qf), fmt_ratio(pf, qf), target,
                     fmt_s(pp), fmt_s(qp), fmt_ratio(pp, qp), pair["metric"] or "–", fmt_v(plum.last("metric")),
                     "%s %s" % (peer.last("metric_name") or "", fmt_v(peer.last("metric"))),
                     "; ".join(n for n in notes if n)])
    return rows


def side_by_side(rec, get):
    out = []
    for threads in rec["threads"]:
        rows = [row for pair in rec["pairs"] for row in pair_rows(pair, threads, get, rec["threads"][0])]
        out += ["", "### threads = %d" % threads, ""]
        out += table(["pipeline", "peer", "plum fit s", "peer fit s", "fit plum/peer", "target",
                      "plum predict s", "peer predict s", "predict plum/peer", "metric", "plum",
                      "peer", "notes"], rows)
    return out


def targets_summary(rec, get):
    met, missed = 0, []
    for pair in (p for p in rec["pairs"] if p["status"] == "run"):
        for spec in (s for s in pair["peers"] if not s["missing"] and s["fit_target"] is not None):
            for threads in rec["threads"]:
                ours = target_time(get(pair["name"], "plum", threads), spec)
                theirs = target_time(get(pair["name"], spec["label"], threads), spec)
                if ours is None or not theirs:
                    continue
                if ours / theirs <= spec["fit_target"]:
                    met += 1
                else:
                    missed.append("%s vs %s at %d thread%s: %.2f× (target ≤ %g× on %s)" % (
                        pair["name"], spec["label"], threads, "" if threads == 1 else "s", ours / theirs,
                        spec["fit_target"], "fit+predict" if spec.get("with_predict") else "fit"))
    pending = [p["name"] for p in rec["pairs"] if p["status"] != "run"]
    out = ["", "Speed targets met: %d of %d." % (met, met + len(missed))]
    out += ["Not met:"] + ["- " + m for m in missed] if missed else []
    if pending:
        out += ["", "Not timed (no runnable plum side): " + ", ".join(pending) + "."]
    return out


def startup_table(rec):
    rows = [[s["command"], s["what"], "%.1f" % (1000 * s["median_s"]) if "median_s" in s else s["error"],
             s.get("runs", "–")] for s in rec["startup"]]
    return table(["command", "what it includes", "median wall ms", "runs"], rows)


def csv_tables(rec, get, workloads):
    files = rec["data"]["files"]
    rows = []
    for pair in (p for p in rec["pairs"] if p["status"] == "run"):
        if any(r[0] == pair["workload"] for r in rows):
            continue
        spec = workloads.BY_NAME[pair["name"]]
        plum_bytes = sum(files.get(f, 0) for f in (spec.train, spec.test) if f)
        peer_bytes = sum(files.get(f + ".csv", 0) for f in workloads.FILES[pair["workload"]])
        # plum's reader splits a large file over the run's threads: one column per thread count
        plum_cells = []
        for t in rec["threads"]:
            pl = Runs(get(pair["name"], "plum", t).ok).median("load")
            plum_cells += [fmt_s(pl), "%.1f" % (plum_bytes / 1e6 / pl) if pl else "–"]
        peers = [s for s in pair["peers"] if not s["missing"] and s["label"].startswith("sklearn")]
        peer = Runs([r for s in peers[:1] for t in rec["threads"] for r in get(pair["name"], s["label"], t).ok])
        ql = peer.median("load")
        rows.append([pair["workload"], "%.1f" % (plum_bytes / 1e6)] + plum_cells +
                    ["%.1f" % (peer_bytes / 1e6), fmt_s(ql), "%.1f" % (peer_bytes / 1e6 / ql) if ql else "–"])
    plum_heads = []
    for t in rec["threads"]:
        plum_heads += ["plum time.load s (%d thr)" % t, "plum MB/s (%d thr)" % t]
    out = table(["workload", "plum MB (train+test)"] + plum_heads +
                ["peer MB (all files)", "numpy.loadtxt s (sklearn peer, 1 thr)", "numpy MB/s"], rows)
    csv = rec.get("csv")
    if csv and "error" in csv:
        out += ["", "bench/csv-parse.sh on %s failed: %s" % (csv["file"], csv["error"])]
    elif csv:
        out += ["", "bench/csv-parse.sh on %s (%.1f MB), the read alone, in-process, 5 runs each alternating:"
                % (csv["file"], csv["bytes"] / 1e6), ""]
        out += table(["reader", "median s", "MB/s", "runs s"],
                     [[r["reader"], "%.4f" % r["median_s"], "%.1f" % r["mb_per_s"],
                       " ".join("%.4f" % x for x in r["runs_s"])] for r in csv["readers"]])
    return out


def model_table(rec):
    rows = []
    for name, m in rec["models"].items():
        if "error" in m:
            rows.append([name, "–", "–", m["error"]])
        else:
            rows.append([name, str(m["bytes"]), "%.3f" % (1000 * m["save_seconds"]),
                         "%.3f" % (1000 * m["load_seconds"])])
    return table(["pipeline", "model file bytes", "plum_pipeline_save ms", "plum_pipeline_load ms"], rows)


def rss_table(rec, get):
    rows = []
    for pair in (p for p in rec["pairs"] if p["status"] == "run"):
        plum = Runs([r for t in rec["threads"] for r in get(pair["name"], "plum", t).ok]).peak_rss_mb()
        for spec in (s for s in pair["peers"] if not s["missing"]):
            peer = Runs([r for t in rec["threads"] for r in get(pair["name"], spec["label"], t).ok]).peak_rss_mb()
            rows.append([pair["name"], spec["label"], "%.0f" % plum if plum else "–",
                         "%.0f" % peer if peer else "–", fmt_ratio(plum, peer)])
    return table(["pipeline", "peer", "plum peak RSS MB", "peer peak RSS MB", "plum/peer"], rows)


def ceiling_rates(rec):
    return {(c["routine"], c["threads"]): c["gflops_median"] for c in rec["ceiling"] if "routine" in c}


def ceiling_table(rec):
    rows = [[c["routine"], c["n"], c["threads"], "%.1f" % c["gflops_median"], "%.1f" % c["gflops_best"],
             c["openblas_corename"]] for c in rec["ceiling"] if "routine" in c]
    rows += [["(failed)", "–", c["threads"], c["error"], "–", "–"] for c in rec["ceiling"] if "error" in c]
    return table(["routine", "n", "threads", "GFLOP/s median", "GFLOP/s best", "OpenBLAS core"], rows)


def bound_rows(rec, get, workloads):
    """Compute-bound fits as a fraction of the ceiling: (time the arithmetic needs at the
    measured dgemm/dpotrf rates) / (fit time)."""
    rates = ceiling_rates(rec)
    rows = []
    for pair in (p for p in rec["pairs"] if p["status"] == "run" and workloads.BY_NAME[p["name"]].flops):
        for threads in rec["threads"]:
            plum = get(pair["name"], "plum", threads)
            n, d = plum.last("n_train"), plum.last("d")
            gemm, potrf = rates.get(("dgemm", threads)), rates.get(("dpotrf", threads))
            if not (n and d and gemm and potrf):
                continue
            fg, fp = workloads.BY_NAME[pair["name"]].flops(n, d)
            bound = fg / (gemm * 1e9) + fp / (potrf * 1e9)
            sides = [("plum", plum)] + [(s["label"], get(pair["name"], s["label"], threads))
                                        for s in pair["peers"] if not s["missing"]]
            for label, runs in sides:
                fit = runs.median("fit")
                rows.append([pair["name"], threads, label, fmt_s(bound), fmt_s(fit),
                             "%.0f%%" % (100 * bound / fit) if fit else "–"])
    return rows


def versions(rec):
    py = {}
    for r in rec["runs"]:
        py.update(r.get("versions") or {})
    blas = re.sub(r" threads=\d+$", "", rec["plum"].get("blas", rec["plum"].get("error", "?")))
    out = ["- plum %s (source %s); BLAS as plum sees it: %s; vector exp/log: %s"
           % (rec["plum"].get("plum", "?"), rec["source"], blas, rec["plum"].get("vector_math", "?"))]
    modules = ", ".join("%s %s" % kv for kv in sorted(py.items()))
    out.append("- python modules used by the peers: " + (modules or "none ran"))
    out.append("- Debian packages: " + ", ".join("%s %s" % kv for kv in rec["packages"].items()))
    blas = sorted({r["blas"] for r in rec["runs"] if r.get("blas")})
    if blas:
        out.append("- BLAS as the python peers see it (threadpoolctl): " + " | ".join(blas))
    return out


def header(rec):
    m = rec["machine"]
    load = lambda la: "/".join("%.2f" % x for x in la)  # noqa: E731
    out = ["# plum benchmark results", "",
           "Written by `make bench` (bench/run, bench/render.py): do not edit by hand; run `make bench` "
           "again.", ""]
    if rec["smoke"]:
        out += ["**SMOKE RUN** (`bench/run --smoke`): tiny generated data, one repetition — these numbers "
                "only prove that the harness works.", ""]
    out += ["- Date: %s to %s" % (rec["started"], rec["finished"]),
            "- Machine: %s, %d logical CPUs, %d MB memory, Linux %s" % (m["cpu"], m["logical_cpus"], m["memory_mb"],
                                                                     m["kernel"]),
            "- OpenBLAS environment as found (left as is): OPENBLAS_CORETYPE=%s, OPENBLAS_L2_SIZE=%s"
            % (m["env_OPENBLAS_CORETYPE"], m["env_OPENBLAS_L2_SIZE"]),
            "- Load average (1/5/15 min) at the start %s, at the end %s. The machine is shared with other "
            "engineers compiling, so every number carries noise; that is why each pair is timed side by "
            "side, alternating plum and its peers in the same run, and why only ratios measured together "
            "mean anything." % (load(rec["loadavg_start"]), load(rec["loadavg_end"])),
            "- Method: threads %s; %d alternated repetition(s) per side, one per process; medians. Fit and "
            "predict are timed inside each process (plum: `time.fit`, `test.time.predict` of its metrics "
            "JSON; peers: their own timers), CSV parsing apart." % (" and ".join(map(str, rec["threads"])),
                                                                     rec["repeat"]),
            "- Data: %s — %s" % (rec["data"]["dir"], rec["data"]["check"]), ""]
    return out + ["## Versions", ""] + versions(rec)


def markdown(rec, workloads):
    get = collect(rec)
    out = header(rec)
    out += ["", "## Fit and predict, side by side", "",
            "Ratios are plum / peer (below 1: plum is faster). Targets are the model issues' (on fit "
            "time unless marked fit+predict); the metric columns show each side's own quality on the "
            "same data."]
    out += targets_summary(rec, get)
    out += side_by_side(rec, get)
    out += ["", "## plum's own costs", "", "### Start-up and plugin discovery", ""] + startup_table(rec)
    out += ["", "### CSV parsing", ""] + csv_tables(rec, get, workloads)
    out += ["", "### Model files", "",
            "Median of 5 each on the model of the last run; save is the atomic write (temporary file, "
            "fsync, rename) every model file gets.", ""] + model_table(rec)
    out += ["", "### Peak memory", ""]
    if rec["rss_source"]:
        out += ["Peak RSS of the whole process (GNU time %M), data included, largest over every run.", ""]
        out += rss_table(rec, get)
    else:
        out += ["Not measured: GNU time (/usr/bin/time) is not installed; bench/setup installs it."]
    out += ["", "## Machine ceiling", "", "peers/c/blas_ceiling in the same run (OpenBLAS as plum uses it).", ""]
    out += ceiling_table(rec)
    rows = bound_rows(rec, get, workloads)
    out += ["", "### Compute-bound fits against the ceiling", ""]
    if rows:
        out += ["The time the unavoidable arithmetic takes at the measured GEMM/Cholesky rates, and that "
                "time as a share of each fit.", ""]
        out += table(["pipeline", "threads", "side", "ceiling-bound s", "fit s", "share of ceiling"], rows)
    else:
        out += ["No compute-bound pipeline (gp, mlp, pca) has its plum side in this run."]
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import workloads
    with open(sys.argv[1]) as f:
        sys.stdout.write(markdown(json.load(f), workloads))


if __name__ == "__main__":
    main()
