"""The engine's settings as options: generated from the config, with the checks' messages and argparse's kinds."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from adaptive_splitters.cli import build_parser, main
from adaptive_splitters.cli.options import add_settings, option_name, settings_from_args, with_user_metrics
from adaptive_splitters.core import config
from adaptive_splitters.metrics import METRIC_NAMES
from adaptive_splitters.metrics.user import FunctionMetric


def _parsed(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_settings(parser)
    return parser.parse_args(list(argv))


def test_every_setting_with_a_cli_kind_is_an_option_of_chunk_and_evaluate() -> None:
    wanted = {option_name(s.name) for s in config.settings() if s.metadata["cli"]}
    assert {"--chunk-size", "--candidates", "--metrics", "--llm", "--llm-timeout"} <= wanted
    commands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for name in ("chunk", "evaluate"):
        offered = {o for action in commands[name]._actions for o in action.option_strings}
        assert wanted <= offered, name


def test_left_out_options_leave_the_defaults() -> None:
    assert settings_from_args(_parsed()) == {}
    given = settings_from_args(_parsed("--chunk-size", "300", "--selection", "paper", "--llm-timeout", "2.5"))
    assert given == {"chunk_size": 300, "selection": "paper", "llm_timeout": 2.5}


def test_keep_separator_is_a_choice() -> None:
    assert settings_from_args(_parsed("--keep-separator", "end")) == {"keep_separator": "end"}


def test_flags_switch_on_and_off() -> None:
    assert settings_from_args(_parsed("--no-carry-headings")) == {"carry_headings": False}
    assert settings_from_args(_parsed("--carry-headings")) == {"carry_headings": True}


def test_no_carry_headings_leaves_a_heading_at_the_end_of_its_chunk(tmp_path: Path) -> None:
    import json

    sample = Path(__file__).resolve().parents[2] / "adaptive_splitters" / "data" / "sample.md"
    first = {}
    for flag in ("--carry-headings", "--no-carry-headings"):
        out = tmp_path / f"{flag}.jsonl"
        argv = ["chunk", str(sample), "--out", str(out), "--quiet", "--chunk-size", "128", flag]
        assert main([*argv, "--metrics", "SC", "--candidates", "recursive_128"]) == 0
        first[flag] = json.loads(out.read_text(encoding="utf-8").splitlines()[0])["text"]
    heading = "\n\n# 1. Purpose and Scope"
    assert first["--no-carry-headings"].endswith(heading)  # the paper's post-processing
    assert first["--carry-headings"] == first["--no-carry-headings"].removesuffix(heading)


def test_names_are_comma_separated_and_repeatable() -> None:
    args = _parsed("--metrics", "SC,BI", "--metrics", " RC ", "--candidate", "page", "--candidates", "sentence,x")
    assert settings_from_args(args) == {"metrics": ["SC", "BI", "RC"], "candidates": ["page", "sentence", "x"]}


def test_objects_are_loaded_from_module_attr() -> None:
    assert settings_from_args(_parsed("--llm", "os.path:join"))["llm"] is __import__("os").path.join


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--chunk-size", "abc"], "argument --chunk-size: must be a positive integer (received 'abc')"),
        (["--chunk-size", "-3"], "argument --chunk-size: must be a positive integer (received -3)"),
        (["--llm-timeout", "0"], "argument --llm-timeout: must be a positive finite number (received 0.0)"),
        (["--llm-timeout", "inf"], "argument --llm-timeout: must be a positive finite number (received inf)"),
        (["--selection", "best"], "argument --selection: invalid choice: 'best'"),
        (["--long-texts", "x"], "argument --long-texts: invalid choice: 'x'"),
        (["--pairs", "x"], "argument --pairs: invalid choice: 'x'"),
        (["--keep-separator", "x"], "argument --keep-separator: invalid choice: 'x'"),
        (["--llm", "nocolon"], "argument --llm: 'nocolon': expected MODULE:ATTR"),
        (["--llm", "os:missing"], "argument --llm: 'os:missing': cannot load it"),
    ],
)
def test_bad_values_are_named_by_option(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["chunk", "x.md", *argv])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "positive_int" not in err
    assert "value:" not in err  # not argparse's "invalid <function> value"


def _few(doc: object, spans: list[object]) -> float:
    return 1 / len(spans)


def test_user_metrics_are_objects_in_the_metrics_setting() -> None:
    mine = FunctionMetric("mine", _few, 0.5)
    assert with_user_metrics({}, []) == {}
    assert with_user_metrics({}, [mine]) == {"metrics": [*METRIC_NAMES, "SR", mine]}  # the default metrics, then mine
    assert with_user_metrics({"metrics": ["SC", "mine"]}, [mine]) == {"metrics": ["SC", mine]}
    other = FunctionMetric("other", _few)
    assert with_user_metrics({"metrics": ["SC"]}, [mine, other]) == {"metrics": ["SC", mine, other]}


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("nameonly", "expected NAME=MODULE:FUNCTION[@WEIGHT]"),
        ("x=os:missing", "cannot load it"),
        ("x=os.path:join@-1", "weight"),
        ("x=os.path:sep", "callable"),
    ],
)
def test_bad_user_metrics_are_bad_usage(
    spec: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["evaluate", "x.md", "--json", str(tmp_path / "o.json"), "--user-metric", spec])
    assert exit_info.value.code == 2
    assert "argument --user-metric" in (err := capsys.readouterr().err)
    assert message in err


def test_max_tokens_is_the_alias_of_chunk_size(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert settings_from_args(_parsed("--max-tokens", "300")) == {"chunk_size": 300}
    source = tmp_path / "v.txt"
    source.write_text("One paragraph.\n\nAnother paragraph.\n", encoding="utf-8")
    out = tmp_path / "o.json"
    assert main(["split", str(source), "--max-tokens", "50", "--json", str(out), "--quiet"]) == 0
    (doc,) = json.loads(out.read_text(encoding="utf-8"))["documents"]
    assert list(doc["spans"]) == ["recursive_50", "recursive_27"]  # page: none in this text
    with pytest.raises(SystemExit) as exit_info:
        main(["chunk", str(source), "--chunk-size", "50", "--max-tokens", "50"])
    assert exit_info.value.code == 2
    assert "argument --max-tokens: not allowed with argument --chunk-size" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["chunk", str(source), "--max-tokens", "0"])
    assert exit_info.value.code == 2
    assert "argument --max-tokens: must be a positive integer (received 0)" in capsys.readouterr().err
