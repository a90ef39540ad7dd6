"""The command's own surface: its version, and help that reads as text."""

from __future__ import annotations

import pytest

from adaptive_splitters.cli import main


def test_version_names_the_installed_release(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out.strip() == f"adaptive-splitters {version('adaptive-splitters')}"


def test_help_has_no_rest_markup(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    shown = capsys.readouterr().out
    assert "``" not in shown
    assert "'chunk'" in shown
