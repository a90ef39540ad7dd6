"""The README's main command, run as written with the real bundled model: its summary is the one the README shows."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_main_command_prints_the_summary_the_readme_shows(tmp_path: Path) -> None:
    command = re.search(r"&& (adaptive-splitters chunk [^\n]*)", README)
    assert command is not None
    args = command.group(1).split()[1:]
    out = tmp_path / "sample.jsonl"
    args[args.index("--out") + 1] = str(out)
    done = subprocess.run(
        [sys.executable, "-m", "adaptive_splitters.cli", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    shown = README.split("printed this summary on standard error:", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    assert done.stderr.strip().endswith(shown.strip())
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    third = json.loads(
        README.split("so it differs with where the checkout lies):", 1)[1].split("```json\n")[1].split("\n")[0]
    )
    assert {k: v for k, v in records[2].items() if k not in ("id", "text")} == {
        k: v for k, v in third.items() if k not in ("id", "text")
    }
    assert records[2]["text"].startswith(third["text"].rstrip("…"))
