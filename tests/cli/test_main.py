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


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["evaluate", "x.md", "--bogus"], "adaptive-splitters evaluate: error: unrecognized arguments: --bogus"),
        (["chunk", "x.md", "--candidate", "nope"], "adaptive-splitters chunk: error: unknown candidate 'nope'"),
        (["split", "x.md"], "adaptive-splitters split: error: the following arguments are required: --json"),
    ],
)
def test_a_commands_errors_show_its_own_usage(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"usage: adaptive-splitters {argv[0]} [-h]")
    assert message in err


def test_help_explains_long_texts_and_selection(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["evaluate", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert "--long-texts {sentences,pool,truncate} how the embedding metrics embed a text:" in shown
    assert "--selection {fair,paper} how candidates are compared:" in shown
