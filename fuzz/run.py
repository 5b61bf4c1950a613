"""Run one fuzz target under atheris (libFuzzer, coverage-guided).

    python fuzz/run.py extract -runs=10000 -timeout=5 -max_len=2048
    python fuzz/run.py dates -runs=10000 -timeout=5
    python fuzz/run.py urls -runs=10000 -timeout=5
    python fuzz/run.py discovery -runs=10000 -timeout=5 -max_len=2048

Extra arguments go to libFuzzer (``-runs`` inputs, ``-timeout`` seconds per input: the per-document
time limit, ``-max_len`` bytes). A crash or timeout writes ``crash-*``/``timeout-*`` files into
the working directory (``-artifact_prefix=DIR/`` moves them); copy them into ``fuzz/regressions/<target>/`` once fixed.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

with atheris.instrument_imports(include=["crawler", "spiders"]):
    from fuzz.targets import TARGETS, warm_up


SEEDS = Path(__file__).resolve().parent / "seeds"


def main() -> None:
    name, flags = sys.argv[1], sys.argv[2:]
    target = TARGETS[name]
    warm_up()  # one-time loading, outside the first input's time limit
    # libFuzzer adds what it finds to its first corpus directory: a scratch one, so the seeds
    # in the repository stay as committed.
    scratch = tempfile.mkdtemp(prefix=f"fuzz-{name}-")
    corpora = [arg for arg in flags if not arg.startswith("-")] or [str(SEEDS / name)]
    options = [arg for arg in flags if arg.startswith("-")]
    atheris.Setup([sys.argv[0], *options, scratch, *corpora], target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
