"""Hang guards: run code in a fresh interpreter within a generous time bound (quadratic code takes minutes on the
inputs these tests use); the child prints JSON as its last line, which the test then checks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

BOUND_SECONDS = 20
ROOT = Path(__file__).resolve().parents[1]


def run_bounded(code: str, bound: float = BOUND_SECONDS) -> Any:
    """Run ``code`` in a fresh interpreter within ``bound`` seconds; the JSON it prints last."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    try:
        done = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(code)],
            capture_output=True,
            text=True,
            timeout=bound,
            cwd=ROOT,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"still running after {bound} s (quadratic time?)")
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
