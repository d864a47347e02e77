#!/usr/bin/env bash
# The venv the Python side of the tests runs in (outside the repository): creates it once,
# reinstalls when python/requirements-test.txt changes, installs ./python in editable mode,
# and prints the path of its python. Tests find it through PRUNETOP_PYTHON.
#
# usage: scripts/python-env.sh      (env: PRUNETOP_VENV=dir, default ~/.cache/prunetop/test-venv)
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${PRUNETOP_VENV:-$HOME/.cache/prunetop/test-venv}
requirements=python/requirements-test.txt
stamp="$venv/.prunetop-requirements"
if [ ! -x "$venv/bin/python" ]; then
    echo "python-env.sh: creating $venv (once)" >&2
    python3 -m venv "$venv"
fi
if ! cmp -s "$requirements" "$stamp" 2>/dev/null; then
    echo "python-env.sh: installing $requirements into $venv" >&2
    "$venv/bin/pip" install -q -r "$requirements" >&2
    cp "$requirements" "$stamp"
fi
if [ -f python/pyproject.toml ]; then
    "$venv/bin/pip" install -q --no-deps -e ./python >&2
fi
echo "$venv/bin/python"
