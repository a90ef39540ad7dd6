"""``chunk --out`` written whole or not at all: signals, write errors and concurrent runs leave no partial output."""

from __future__ import annotations

import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from adaptive_splitters.cli import main

FAST = ["--metrics", "SC,BI,RC"]  # no embedding model: for tests about files, not about selection
FOREGROUND = (
    "import signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "from adaptive_splitters.cli import main; sys.exit(main())"
)


def _many_docs(folder: Path, count: int, paragraphs: int = 1500) -> Path:
    folder.mkdir(parents=True)
    for i in range(count):
        text = "\n\n".join(f"Paragraph {j} of document {i}, with a few more words to read." for j in range(paragraphs))
        (folder / f"{i:02d}.txt").write_text(text, encoding="utf-8")
    return folder


def _parts(out: Path) -> list[Path]:
    """The temporary files a run writes beside ``out``."""
    return sorted(out.parent.glob(f".{out.name}.*.part"))


def _writing(out: Path, before: bytes | None) -> bool:
    """Whether a run has begun writing records for ``out`` (beside it, or, were it written in place, into it)."""
    for path in [*_parts(out), out]:
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            continue
        if size > 0 and (path != out or before is None or size != len(before)):
            return True
    return False


def _chunk_command(docs: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "adaptive_splitters.cli", "chunk", str(docs), "--out", str(out), *FAST]


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
@pytest.mark.parametrize("previous", [False, True], ids=["no-previous-out", "previous-out"])
def test_signal_mid_run_leaves_out_unchanged(tmp_path: Path, signum: int, code: int, previous: bool) -> None:
    out = tmp_path / "x.jsonl"
    before = None
    if previous:  # a complete output of an earlier run
        (tmp_path / "small.md").write_text("Earlier run.", encoding="utf-8")
        assert main(["chunk", str(tmp_path / "small.md"), "--out", str(out), "--quiet", *FAST]) == 0
        before = out.read_bytes()
    docs = _many_docs(tmp_path / "docs", 40)
    # as a foreground command gets SIGINT (a test run in a shell's background would pass it on ignored, and the
    # command rightly leaves an ignored signal ignored)
    command = [sys.executable, "-c", FOREGROUND, *_chunk_command(docs, out)[3:]]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not _writing(out, before):  # some documents written, many to go
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.01)
        proc.send_signal(signum)
        _, stderr = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == code
    assert f"adaptive-splitters: interrupted; {out} left unchanged" in stderr.splitlines()
    assert "Traceback" not in stderr
    assert "document(s)" not in stderr  # no summary of a run that did not finish
    if before is not None:
        assert out.read_bytes() == before
    else:
        assert not out.exists()
    assert _parts(out) == []


def _limit_file_size() -> None:  # in the child: writes past 64 KiB fail with EFBIG, as on a full disk
    resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def test_write_error_exits_1_and_leaves_out_unchanged(tmp_path: Path) -> None:
    out = tmp_path / "x.jsonl"
    (tmp_path / "small.md").write_text("Earlier run.", encoding="utf-8")
    assert main(["chunk", str(tmp_path / "small.md"), "--out", str(out), "--quiet", *FAST]) == 0
    before = out.read_bytes()
    docs = _many_docs(tmp_path / "docs", 3)  # about 100 KB of records each
    proc = subprocess.run(
        _chunk_command(docs, out), capture_output=True, text=True, check=False, preexec_fn=_limit_file_size
    )
    assert proc.returncode == 1
    assert f"adaptive-splitters: cannot write {out}: File too large; {out} left unchanged" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert out.read_bytes() == before
    assert _parts(out) == []


def test_concurrent_runs_on_one_out_leave_one_complete_output(tmp_path: Path) -> None:
    first, second = _many_docs(tmp_path / "first", 12), _many_docs(tmp_path / "second", 8, paragraphs=1000)
    alone = []
    for docs in (first, second):
        out = tmp_path / f"{docs.name}.jsonl"
        assert main(["chunk", str(docs), "--out", str(out), "--quiet", *FAST]) == 0
        alone.append(out.read_bytes())
    out = tmp_path / "shared.jsonl"
    procs = [
        subprocess.Popen(_chunk_command(docs, out), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for docs in (first, second)
    ]
    for proc in procs:
        proc.communicate(timeout=300)
        assert proc.returncode == 0
    assert out.read_bytes() in alone  # the last rename wins: one whole output, never a mix
    assert _parts(out) == []


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc to find the worker processes")
def test_sigterm_with_worker_processes_stops_them_and_leaves_out_unchanged(tmp_path: Path) -> None:
    out = tmp_path / "x.jsonl"
    docs = _many_docs(tmp_path / "docs", 12)
    command = [*_chunk_command(docs, out), "--workers", "2"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not _writing(out, None):  # the workers are running and some documents are written
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.01)
        workers = [c for c in _children(proc.pid) if Path(f"/proc/{c}").exists()]
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 143
    assert f"adaptive-splitters: interrupted; {out} left unchanged" in stderr.splitlines()
    assert not out.exists()
    assert _parts(out) == []
    assert len(workers) >= 2  # the pool (and multiprocessing's helper, if any)
    time.sleep(0.5)
    assert [w for w in workers if Path(f"/proc/{w}").exists() and "zombie" not in _state(w)] == []


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().lower()
    except OSError:
        return "zombie"
