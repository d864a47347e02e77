"""Tune a prunetop recipe with Optuna: each trial is one `prunetop run RECIPE --set ...
--result-json -`, whose single stdout line (JSON) gives the objective.

    python examples/optuna/tune.py --trials 20
    python examples/optuna/tune.py --recipe examples/gradual-magnitude-90.yaml --trials 30 --prunetop .build/release/prunetop

It searches the learning rate and the pruning method at the recipe's final sparsity and
maximises the final test accuracy; every trial prints one JSON line, and the last line is
the best trial. The result line also has the sparsity, the FLOP reductions, the wall time
(`seconds`), the seed and the effective config, to use as constraints or attributes.
"""

import argparse
import json
import os
import subprocess
import sys

import optuna

HERE = os.path.dirname(os.path.abspath(__file__))


def run_prunetop(prunetop, recipe, overrides):
    """One run; its result line as a dict."""
    command = [prunetop, "run", recipe, "--result-json", "-"]
    for override in overrides:
        command += ["--set", override]
    finished = subprocess.run(command, capture_output=True, text=True)
    if finished.returncode not in (0, 3):  # 3: the run diverged, and its result line says so
        raise RuntimeError(f"{' '.join(command)} failed ({finished.returncode}):\n{finished.stderr}")
    return json.loads(finished.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipe", default=os.path.join(HERE, "tiny.yaml"))
    parser.add_argument("--prunetop", default="prunetop", help="the prunetop executable")
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--methods", default="magnitude,snip,random")
    parser.add_argument("--seed", type=int, default=0, help="the sampler's seed and every run's")
    args = parser.parse_args()

    def objective(trial):
        lr = trial.suggest_float("lr", 0.01, 0.3, log=True)
        method = trial.suggest_categorical("method", args.methods.split(","))
        result = run_prunetop(args.prunetop, args.recipe, [f"optimizer.lr={lr}", f"method={method}", f"seed={args.seed}"])
        for key in ("sparsity", "seconds", "inference_flops_reduction"):
            trial.set_user_attr(key, result.get(key))
        print(json.dumps({"trial": trial.number, "params": trial.params, "outcome": result["outcome"],
                          "test_acc": result.get("test_acc"), "sparsity": result.get("sparsity"),
                          "seconds": result.get("seconds")}), flush=True)
        if result["outcome"] != "done" or result.get("test_acc") is None:
            raise optuna.TrialPruned(f"the run ended {result['outcome']}")
        return result["test_acc"]

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=args.seed))
    study.optimize(objective, n_trials=args.trials)
    best = study.best_trial
    print(json.dumps({"best_trial": best.number, "params": best.params, "test_acc": best.value, **best.user_attrs}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
