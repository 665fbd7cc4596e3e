#!/usr/bin/env python3
"""Compare servsim's serverless model with SimFaaS (Mahmoudi & Khazaei, 2021).

Runs SimFaaS's ParServerlessSimulator and servsim (`dispatch: per_request`,
`pick: newest`, `queue_limit: 0`, the semantics SimFaaS implements) on the same
scenarios, several independent replications each, and prints the cold-start
fraction, the mean number of live instances and the rejection fraction side by
side, each as mean ± standard error across replications, with the difference in
combined standard errors (|z| < 3 is agreement within the statistical error).

Usage, from the repository root:

    python3 tests/support/simfaas_compare.py [--reps 8] [--scale 1.0] [--only NAME]

It is not part of `cargo test`: it installs SimFaaS from PyPI into a virtual
environment under target/ (once), builds servsim in release mode and takes a few
minutes. `--scale` multiplies every horizon.
"""

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import warnings

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
VENV = os.path.join(ROOT, "target", "simfaas-venv")
VENV_PYTHON = os.path.join(VENV, "bin", "python")
SERVSIM = os.path.join(ROOT, "target", "release", "servsim")

# Each scenario: Poisson arrivals, exponential warm service, a cold-start
# (initialisation) distribution, an idle expiration threshold, per-instance
# concurrency and an instance limit beyond which requests are rejected.
SCENARIOS = [
    {
        # The example at the bottom of SimFaaS's ParServerlessSimulator.py.
        "name": "simfaas-example",
        "rate_per_s": 0.9,
        "service_mean_s": 2.016,
        "cold": ("exponential", 2.163 - 2.016),
        "threshold_s": 600,
        "concurrency": 1,
        "max_instances": 1000,
        "horizon_s": 200_000,
    },
    {
        # A loss system: 4 Erlangs offered to at most 6 instances, a 5 s cold
        # start and a 10 s keep-alive, so instances come and go all the time.
        "name": "loss-6",
        "rate_per_s": 2.0,
        "service_mean_s": 2.0,
        "cold": ("constant", 5.0),
        "threshold_s": 10,
        "concurrency": 1,
        "max_instances": 6,
        "horizon_s": 50_000,
    },
    {
        # Four concurrent requests per instance; requests that arrive while an
        # instance boots join it (a free slot on a starting instance).
        "name": "concurrency-4",
        "rate_per_s": 8.0,
        "service_mean_s": 1.0,
        "cold": ("exponential", 5.0),
        "threshold_s": 60,
        "concurrency": 4,
        "max_instances": 1000,
        "horizon_s": 20_000,
    },
]


def ensure_simfaas():
    """Re-runs this script inside a virtual environment that has SimFaaS."""
    try:
        import simfaas  # noqa: F401

        return
    except ImportError:
        pass
    if os.path.abspath(sys.executable) == os.path.abspath(VENV_PYTHON):
        sys.exit("simfaas is not importable even inside " + VENV)
    if not os.path.exists(VENV_PYTHON):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    subprocess.run([VENV_PYTHON, "-m", "pip", "install", "--quiet", "simfaas==0.2.2"], check=True)
    os.execv(VENV_PYTHON, [VENV_PYTHON] + sys.argv)


def simfaas_replication(sc, horizon_s, seed):
    # SimFaaS averages an empty list of instance lifespans when none expired.
    warnings.simplefilter("ignore", RuntimeWarning)
    import numpy as np
    from simfaas.ParServerlessSimulator import ParServerlessSimulator
    from simfaas.SimProcess import ConstSimProcess, ExpSimProcess

    np.random.seed(seed)
    kind, mean_s = sc["cold"]
    cold = ConstSimProcess(rate=1 / mean_s) if kind == "constant" else ExpSimProcess(rate=1 / mean_s)
    sim = ParServerlessSimulator(
        concurrency_value=sc["concurrency"],
        arrival_process=ExpSimProcess(rate=sc["rate_per_s"]),
        warm_service_process=ExpSimProcess(rate=1 / sc["service_mean_s"]),
        cold_service_process=cold,
        expiration_threshold=sc["threshold_s"],
        max_time=horizon_s,
        maximum_concurrency=sc["max_instances"],
    )
    sim.generate_trace(debug_print=False, progress=False)
    r = sim.get_result_dict()
    return {
        "cold_start_fraction": r["prob_cold"],
        "mean_live_instances": float(r["inst_count_avg"]),
        "rejected_fraction": r["prob_reject"],
    }


def servsim_scenario(sc, horizon_s):
    kind, mean_s = sc["cold"]
    cold = {"dist": "constant", "value_s": mean_s} if kind == "constant" else {"dist": "exponential", "mean_s": mean_s}
    return {
        "name": sc["name"],
        "description": "SimFaaS comparison",
        "horizon": horizon_s,
        "workload": {
            "arrivals": {"process": "poisson", "rate_per_s": sc["rate_per_s"]},
            "service": {"dist": "exponential", "mean_s": sc["service_mean_s"]},
        },
        "platforms": [
            {
                "name": "servsim",
                "type": "serverless",
                "gpu_usd_per_s": 0.001,
                "cold_start": cold,
                "scaledown_window_s": sc["threshold_s"],
                "max_inputs": sc["concurrency"],
                "max_containers": sc["max_instances"],
                "dispatch": "per_request",
                "pick": "newest",
                "queue_limit": 0,
                "execution_timeout_s": "365d",
            }
        ],
    }


def servsim_replication(path, seed):
    out = subprocess.run(
        [SERVSIM, "run", path, "--format", "json", "--seeds", "1", "--seed", str(seed)],
        check=True,
        capture_output=True,
        text=True,
    )
    p = json.loads(out.stdout)["platforms"][0]
    requests = p["requests"]
    return {
        "cold_start_fraction": p["cold_start_fraction"]["mean"],
        "mean_live_instances": p["containers_mean"]["mean"],
        "rejected_fraction": requests["rejected"]["mean"] / requests["arrived"]["mean"],
    }


def mean_se(xs):
    m = sum(xs) / len(xs)
    var = sum((x - m) ** 2 for x in xs) / (len(xs) - 1)
    return m, math.sqrt(var / len(xs))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=8, help="replications per tool and scenario")
    ap.add_argument("--scale", type=float, default=1.0, help="multiplies every horizon")
    ap.add_argument("--only", help="run only the scenario of this name")
    args = ap.parse_args()
    if args.reps < 2:
        sys.exit("--reps must be at least 2 for a standard error")
    ensure_simfaas()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    metrics = ["cold_start_fraction", "mean_live_instances", "rejected_fraction"]
    print("| scenario | metric | SimFaaS 0.2.2 | servsim | difference / SE |")
    print("|---|---|---|---|---|")
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for sc in SCENARIOS:
            if args.only and sc["name"] != args.only:
                continue
            horizon_s = sc["horizon_s"] * args.scale
            path = os.path.join(tmp, sc["name"] + ".json")
            with open(path, "w") as f:
                json.dump(servsim_scenario(sc, horizon_s), f)
            ours = [servsim_replication(path, seed) for seed in range(1, args.reps + 1)]
            theirs = [simfaas_replication(sc, horizon_s, seed) for seed in range(1, args.reps + 1)]
            for m in metrics:
                (a, sa), (b, sb) = mean_se([r[m] for r in theirs]), mean_se([r[m] for r in ours])
                se = math.hypot(sa, sb)
                z = (b - a) / se if se > 0 else 0.0
                if se > 0:
                    worst = max(worst, abs(z))
                print(f"| {sc['name']} | {m} | {a:.5g} ± {sa:.2g} | {b:.5g} ± {sb:.2g} | {z:+.2f} |")
            sys.stdout.flush()
    print(f"\nlargest |difference| / SE: {worst:.2f} ({args.reps} replications each, ± is one standard error)")


if __name__ == "__main__":
    main()
