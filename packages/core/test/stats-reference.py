"""Independent reference for packages/core/spec/stats.json (Python 3 + SciPy + NumPy).

Regenerate: python3 packages/core/test/stats-reference.py > packages/core/spec/stats.json
Special functions come from SciPy; the confidence sequences, verdicts and sketch are a second implementation of
the formulas in docs/statistics.md, written apart from the TypeScript one.
"""

import json
import math

import numpy as np
from scipy import stats

ALPHA, NSTAR = 0.05, 5000.0


def rho(alpha, n_star, sided):
    a = 2 * alpha if sided == "one" else alpha
    l = -2 * math.log(a)
    return math.sqrt((l + math.log(l + 1)) / n_star)


def half_width(se, n, alpha, n_star, sided):
    r = rho(alpha, n_star, sided)
    v = n * r * r + 1
    if sided == "two":
        log = math.log(math.sqrt(v) / alpha)
    else:
        log = math.log(1 + math.sqrt(v) / (2 * alpha))
    return math.sqrt(se * se * n * 2 * v / (n * r) ** 2 * log)


def moments(metric, arm):
    if metric == "proportion":
        p = arm["x"] / arm["n"]
        return arm["n"], p, p * (1 - p)
    n, s, ss = arm["n"], arm["sum"], arm["sumSquares"]
    var = 0.0 if n < 2 else max(0.0, ss - s * s / n) / (n - 1)
    return n, s / n, var


def effect(metric, t, c, kind):
    nt, mt, vt = moments(metric, t)
    nc, mc, vc = moments(metric, c)
    if kind == "absolute":
        return mt - mc, math.sqrt(vt / nt + vc / nc), nt + nc
    var = vt / (mc * mc * nt) + vc * mt * mt / (mc ** 4 * nc)
    return mt / mc - 1, math.sqrt(var), nt + nc


def interval_case(metric, t, c, opts):
    alpha, n_star = opts.get("alpha", ALPHA), opts.get("nStar", NSTAR)
    sided, kind = opts.get("sided", "two"), opts.get("effect", "absolute")
    est, se, n = effect(metric, t, c, kind)
    h = half_width(se, n, alpha, n_star, sided)
    return {"metric": metric, "treatment": t, "control": c, "options": opts,
            "expected": {"estimate": est, "lower": est - h, "upper": est + h, "se": se, "n": n}}


def decide(direction, threshold, lower, upper, n, min_samples, min_fail):
    lib = direction == "lower-is-better"
    worse = lower > threshold if lib else upper < threshold
    within = upper <= threshold if lib else lower >= threshold
    if worse and n >= min_fail:
        return "fail"
    if within and n >= min_samples:
        return "pass"
    return "inconclusive"


def compare_case(metric, t, c, opts):
    tol = opts.get("tolerance", {})
    kind = "relative" if "relative" in tol else "absolute"
    value = tol.get(kind, 0)
    alpha, n_star = opts.get("alpha", ALPHA), opts.get("nStar", NSTAR)
    est, se, n = effect(metric, t, c, kind)
    h = half_width(se, n, alpha, n_star, "one")
    threshold = value if opts["direction"] == "lower-is-better" else -value
    verdict = decide(opts["direction"], threshold, est - h, est + h, min(t["n"], c["n"]),
                     opts.get("minSamples", 100), opts.get("minSamplesToFail", 30))
    return {"data": {"metric": metric, "treatment": t, "control": c}, "options": opts,
            "expected": {"verdict": verdict, "estimate": est, "lower": est - h, "upper": est + h,
                         "threshold": threshold}}


def limit_case(metric, t, opts):
    alpha, n_star = opts.get("alpha", ALPHA), opts.get("nStar", NSTAR)
    n, m, v = moments(metric, t)
    h = half_width(math.sqrt(v / n), n, alpha, n_star, "one")
    verdict = decide(opts["direction"], opts["limit"], m - h, m + h, n, opts.get("minSamples", 100),
                     opts.get("minSamplesToFail", 30))
    return {"data": {"metric": metric, "treatment": t}, "options": opts,
            "expected": {"verdict": verdict, "estimate": m, "lower": m - h, "upper": m + h, "threshold": opts["limit"]}}


class Sketch:
    def __init__(self, accuracy=0.01):
        self.accuracy = accuracy
        self.ln_gamma = math.log1p(2 * accuracy / (1 - accuracy))
        self.gamma = 1 + 2 * accuracy / (1 - accuracy)
        self.bins, self.zero, self.values = {}, 0, []

    def index(self, v):
        return math.ceil(math.log(v) / self.ln_gamma)

    def add(self, v):
        self.values.append(v)
        if v > 2.0 ** -1023 * self.gamma:
            i = self.index(v)
            self.bins[i] = self.bins.get(i, 0) + 1
        else:
            self.zero += 1

    def quantile(self, q):
        count = len(self.values)
        rank = q * (count - 1)
        if rank < self.zero:
            return 0.0
        running = self.zero
        for k in sorted(self.bins):
            running += self.bins[k]
            if running > rank:
                value = 2 * math.exp(k * self.ln_gamma) / (1 + self.gamma)
                return min(max(value, min(self.values)), max(self.values))
        raise AssertionError("rank beyond count")

    def to_json(self):
        return {"relativeAccuracy": self.accuracy, "gamma": self.gamma,
                "bins": {str(k): self.bins[k] for k in sorted(self.bins)}, "zeroCount": self.zero,
                "count": len(self.values), "sum": math.fsum(self.values), "min": min(self.values),
                "max": max(self.values)}


def safe_values(rng, count, scale):
    """Log-normal latencies, none within 1e-6 of a bucket boundary (where float rounding may pick either bucket)."""
    s, out = Sketch(), []
    while len(out) < count:
        v = round(float(rng.lognormal(math.log(scale), 0.6)), 3)
        x = math.log(v) / s.ln_gamma
        if abs(x - round(x)) > 1e-6:
            out.append(v)
    return out


def quantile_limit_case(values, q, opts):
    s = Sketch()
    for v in values:
        s.add(v)
    n = len(values)
    alpha, n_star = opts.get("alpha", ALPHA), opts.get("nStar", NSTAR)
    h = half_width(math.sqrt(q * (1 - q) / n), n, alpha, n_star, "one")
    est, lo, hi = s.quantile(q), s.quantile(max(0.0, q - h)), s.quantile(min(1.0, q + h))
    verdict = decide(opts["direction"], opts["limit"], lo, hi, n, opts.get("minSamples", 100),
                     opts.get("minSamplesToFail", 30))
    return {"data": {"metric": "quantile", "q": q, "treatment": s.to_json()}, "options": opts,
            "expected": {"verdict": verdict, "estimate": est, "lower": lo, "upper": hi, "threshold": opts["limit"]}}


def main():
    rng = np.random.default_rng(20261122)
    out = {"specVersion": 1, "tolerance": "relative 1e-9 (absolute 1e-12 near 0)"}
    out["normalQuantile"] = [{"p": p, "x": float(stats.norm.ppf(p))}
                             for p in [1e-10, 1e-4, 0.001, 0.01, 0.025, 0.05, 0.1, 0.3, 0.5, 0.8, 0.9, 0.95, 0.975,
                                       0.99, 0.995, 0.999, 0.9999]]
    chi = [(10.828, 1), (13.816, 2), (16.266, 3), (3.841, 1), (5.991, 2), (7.815, 3), (18.307, 10), (23.209, 10),
           (0.5, 1), (0.5, 3), (2.0, 4), (40.0, 20), (100.0, 50), (60.0, 3)]
    out["chiSquareSurvival"] = [{"x": x, "df": df, "p": float(stats.chi2.sf(x, df))} for x, df in chi]
    out["sequentialRho"] = [{"alpha": a, "nStar": ns, "sided": sd, "rho": rho(a, ns, sd)}
                            for a in [0.05, 0.01, 0.0025] for ns in [5000, 1000, 100000] for sd in ["one", "two"]]
    props = [({"n": 10000, "x": 230}, {"n": 10000, "x": 200}), ({"n": 1000, "x": 13}, {"n": 1200, "x": 9}),
             ({"n": 250000, "x": 5100}, {"n": 250000, "x": 4950}), ({"n": 400, "x": 200}, {"n": 380, "x": 171})]
    means = [({"n": 500, "sum": 61000, "sumSquares": 8.1e6}, {"n": 500, "sum": 60000, "sumSquares": 7.9e6}),
             ({"n": 20000, "sum": 2.5e6, "sumSquares": 3.6e8}, {"n": 19800, "sum": 2.4e6, "sumSquares": 3.3e8})]
    opts_list = [{}, {"sided": "one"}, {"effect": "relative"}, {"effect": "relative", "sided": "one"},
                 {"alpha": 0.01, "nStar": 20000, "sided": "one"}]
    out["intervals"] = [interval_case("proportion", t, c, o) for t, c in props for o in opts_list] + \
                       [interval_case("mean", t, c, o) for t, c in means for o in opts_list]
    lib, hib = "lower-is-better", "higher-is-better"
    out["judgeCompare"] = [
        compare_case("proportion", {"n": 20000, "x": 410}, {"n": 20000, "x": 200}, {"direction": lib, "tolerance": {"absolute": 0.002}}),
        compare_case("proportion", {"n": 20000, "x": 205}, {"n": 20000, "x": 200}, {"direction": lib, "tolerance": {"absolute": 0.005}}),
        compare_case("proportion", {"n": 20000, "x": 205}, {"n": 20000, "x": 200}, {"direction": lib, "tolerance": {"absolute": 0.005}, "minSamples": 50000}),
        compare_case("proportion", {"n": 2000, "x": 25}, {"n": 2000, "x": 20}, {"direction": lib, "tolerance": {"relative": 0.1}}),
        compare_case("proportion", {"n": 30000, "x": 2400}, {"n": 30000, "x": 3000}, {"direction": hib, "tolerance": {"relative": 0.1}}),
        compare_case("proportion", {"n": 30000, "x": 2990}, {"n": 30000, "x": 3000}, {"direction": hib, "tolerance": {"relative": 0.1}, "alpha": 0.0025}),
        compare_case("mean", {"n": 5000, "sum": 1.2e6, "sumSquares": 3.4e8}, {"n": 5000, "sum": 6.0e5, "sumSquares": 8.5e7}, {"direction": lib, "tolerance": {"relative": 0.5}}),
        compare_case("mean", {"n": 5000, "sum": 6.05e5, "sumSquares": 8.6e7}, {"n": 5000, "sum": 6.0e5, "sumSquares": 8.5e7}, {"direction": lib, "tolerance": {"relative": 0.2}}),
        compare_case("mean", {"n": 40, "sum": 4000, "sumSquares": 4.1e5}, {"n": 40, "sum": 2000, "sumSquares": 1.05e5}, {"direction": lib, "minSamplesToFail": 50}),
    ]
    out["judgeCompare"] += [
        {"data": {"metric": "proportion", "treatment": {"n": 0, "x": 0}, "control": {"n": 100, "x": 1}},
         "options": {"direction": lib}, "expected": {"verdict": "no-data"}},
        {"data": {"metric": "proportion", "treatment": {"n": 10, "x": 11}, "control": {"n": 100, "x": 1}},
         "options": {"direction": lib}, "expected": {"verdict": "error"}},
        {"data": {"metric": "proportion", "treatment": {"n": 100, "x": 1}, "control": {"n": 100, "x": 1}},
         "options": {"direction": lib, "tolerance": {"absolute": 0.01, "relative": 0.1}}, "expected": {"verdict": "error"}},
        {"data": {"metric": "proportion", "treatment": {"n": 1000, "x": 3}, "control": {"n": 1000, "x": 0}},
         "options": {"direction": lib, "tolerance": {"relative": 0.5}}, "expected": {"verdict": "inconclusive"}},
        {"data": {"metric": "mean", "treatment": {"n": 100, "sum": 10, "sumSquares": 0.5}, "control": {"n": 100, "sum": 10, "sumSquares": 2}},
         "options": {"direction": lib}, "expected": {"verdict": "error"}},
    ]
    out["judgeLimit"] = [
        limit_case("proportion", {"n": 5000, "x": 40}, {"direction": lib, "limit": 0.05}),
        limit_case("proportion", {"n": 5000, "x": 400}, {"direction": lib, "limit": 0.05}),
        limit_case("proportion", {"n": 300, "x": 14}, {"direction": lib, "limit": 0.05}),
        limit_case("proportion", {"n": 8000, "x": 7200}, {"direction": hib, "limit": 0.85, "alpha": 0.01}),
        limit_case("mean", {"n": 3000, "sum": 3.0e5, "sumSquares": 3.3e7}, {"direction": lib, "limit": 120}),
        quantile_limit_case(safe_values(rng, 2000, 120), 0.95, {"direction": lib, "limit": 500}),
        quantile_limit_case(safe_values(rng, 2000, 300), 0.95, {"direction": lib, "limit": 500}),
        quantile_limit_case(safe_values(rng, 400, 200), 0.99, {"direction": lib, "limit": 2000, "minSamples": 1000}),
    ]
    srm = [([5000, 5400], [50, 50]), ([1000, 1010], [1, 1]), ([900, 9100], [10, 90]), ([3000, 3100, 2900], [1, 1, 1]),
           ([500, 0, 480], [1, 0, 1])]
    out["sampleRatioMismatch"] = []
    for obs, w in srm:
        keep = [i for i in range(len(w)) if w[i] > 0]
        total = sum(obs)
        exp = [total * w[i] / sum(w) for i in keep]
        chi2, p = stats.chisquare([obs[i] for i in keep], exp)
        out["sampleRatioMismatch"].append({"observed": obs, "weights": w, "expected": {
            "chi2": float(chi2), "df": len(keep) - 1, "pValue": float(p), "mismatch": bool(p < 0.001)}})
    out["splitAlpha"] = [{"alpha": a, "gates": g, "waves": wv, "perTest": a / (g * wv)}
                         for a, g, wv in [(0.05, 1, 1), (0.05, 4, 5), (0.1, 3, 4)]]
    s = Sketch()
    values = [0.0] + safe_values(rng, 12, 50) + [1.5, 1e-3, 12345.678]
    out["sketchIndex"] = [{"value": v, "index": s.index(v)} for v in values if v > 0]
    for v in values:
        s.add(v)
    out["sketchQuantiles"] = {"values": values, "json": s.to_json(),
                              "quantiles": [{"q": q, "value": s.quantile(q)} for q in [0, 0.1, 0.25, 0.5, 0.9, 0.99, 1]]}
    print(json.dumps(out, indent=1))


main()
