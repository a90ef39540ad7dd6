"""The engine's settings as command-line options, generated from :func:`~adaptive_splitters.core.config.settings`.

Every setting with a ``cli`` kind becomes ``--<name-with-dashes>`` with the setting's help; a bad value is
refused by the setting's own check, in argparse's words (``argument --chunk-size: must be a positive integer
(received 0)``). Kinds: ``int`` and ``float`` numbers, ``choice`` (argparse choices taken from the check),
``names`` (comma-separated, repeatable), ``object`` (``MODULE:ATTR``), ``flag`` (``--x`` / ``--no-x``). An
option left out leaves the setting to its default (docs/method.md#overview). ``--user-metric`` builds
:class:`~adaptive_splitters.metrics.user.FunctionMetric` objects for the ``metrics`` setting.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import inspect
from collections.abc import Callable, Collection, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from adaptive_splitters.core import config

if TYPE_CHECKING:
    from adaptive_splitters.engine import AdaptiveChunker

ALIASES = MappingProxyType({"candidates": ("--candidate",)})
"""Option names kept from before the options were generated (the first is shown in the usage)."""
METAVARS = MappingProxyType({"int": "N", "float": "SECONDS", "names": "NAME", "object": "MODULE:ATTR"})


def add_settings(parser: argparse.ArgumentParser, *, leave_out: Collection[str] = ()) -> None:
    """Add an option for every setting with a ``cli`` kind (except those named in ``leave_out``)."""
    for spec in config.settings():
        kind = spec.metadata["cli"]
        if kind is None or spec.name in leave_out:
            continue
        names = (*ALIASES.get(spec.name, ()), option_name(spec.name))
        option = _option(spec, kind, names[0])
        aliases = [option_name(alias) for alias, name in config.SETTING_ALIASES.items() if name == spec.name]
        group = parser.add_mutually_exclusive_group() if aliases else parser
        group.add_argument(*names, dest=spec.name, default=None, **option)
        for alias in aliases:
            group.add_argument(alias, dest=spec.name, default=None, **{**option, "help": f"alias of {names[-1]}"})


def option_name(setting: str) -> str:
    """``chunk_size`` -> ``--chunk-size``."""
    return "--" + setting.replace("_", "-")


def chunker_from_args(
    parser: argparse.ArgumentParser, args: argparse.Namespace, *, user_metrics: Sequence[Any] = (), **fixed: Any
) -> AdaptiveChunker:
    """The engine with the command line's settings, the ``user_metrics`` and the command's ``fixed`` settings
    (``hard_limit``, ``raw``); a setting the engine refuses is bad usage (exit 2, the message on standard error)."""
    from adaptive_splitters.engine import AdaptiveChunker

    settings = with_user_metrics(settings_from_args(args), user_metrics)
    try:
        owner = f"adaptive-splitters {args.command}"
        return AdaptiveChunker(config.ChunkerConfig.from_settings(owner, settings, **fixed))
    except (ValueError, TypeError) as err:
        parser.error(str(err))


def settings_from_args(args: argparse.Namespace) -> dict[str, Any]:
    """The settings given on the command line (options left out are not settings: their defaults apply)."""
    given = {spec.name: getattr(args, spec.name, None) for spec in config.settings() if spec.metadata["cli"]}
    return {name: value for name, value in given.items() if value is not None}


def _option(spec: dataclasses.Field[Any], kind: str, shown: str) -> dict[str, Any]:
    check = spec.metadata["check"]
    help_text = spec.metadata["help"]
    default = f" (default: {spec.default})" if spec.default is not None else ""
    if kind == "choice":
        choices = _choices(check)
        return {"choices": choices, "help": f"{help_text}{default}"}
    if kind == "names":
        return {"action": NamesAction, "metavar": METAVARS[kind], "help": f"{help_text}; comma-separated, repeatable"}
    if kind in ("int", "float"):
        parse = int if kind == "int" else float
        value_type = _checked(spec.name, check, parse)
        return {"type": value_type, "metavar": METAVARS[kind], "help": f"{help_text}{default}"}
    if kind == "object":
        return {"type": _loaded(shown), "metavar": METAVARS[kind], "help": help_text}
    if kind == "flag":
        state = "on" if spec.default else "off"
        return {"action": argparse.BooleanOptionalAction, "help": f"{help_text} (default: {state})"}
    msg = f"setting {spec.name!r} has an unknown cli kind {kind!r}"
    raise ValueError(msg)


def _choices(check: Callable[..., Any]) -> tuple[str, ...]:
    """The names a choice check accepts: its ``choices`` attribute, else the ``choices`` it closes over."""
    choices = getattr(check, "choices", None)
    if choices is None:
        choices = inspect.getclosurevars(check).nonlocals.get("choices")
    if not isinstance(choices, tuple) or not all(isinstance(c, str) for c in choices):
        msg = f"cannot tell the choices of {check!r}"
        raise TypeError(msg)
    return choices


def _checked(name: str, check: Callable[[str, Any], Any], parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """An argparse type: ``parse`` the text, then ``check`` it as setting ``name``; the check's message (its
    leading setting name dropped: argparse names the option) on failure."""

    def value(text: str) -> Any:
        try:
            parsed: Any = parse(text)
        except ValueError:
            parsed = text  # the check refuses it in its own words
        try:
            return check(name, parsed)
        except (ValueError, TypeError) as err:
            raise argparse.ArgumentTypeError(str(err).removeprefix(f"{name} ")) from None

    return value


def _loaded(option: str) -> Callable[[str], Any]:
    def value(text: str) -> Any:
        try:
            return load_object(text)
        except ValueError as err:
            raise argparse.ArgumentTypeError(str(err)) from None

    return value


class NamesAction(argparse.Action):
    """A list option: each use adds its comma-separated names (``--metrics SC,BI --metrics RC``)."""

    def __call__(
        self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any, option: str | None = None
    ) -> None:
        names = [n.strip() for n in str(values).split(",") if n.strip()]
        setattr(namespace, self.dest, [*(getattr(namespace, self.dest, None) or []), *names])


def load_object(spec: str) -> Any:
    """The object at ``MODULE:ATTR`` (dotted attributes allowed); ``ValueError`` saying why it cannot be."""
    module, _, attribute = spec.partition(":")
    if not module or not attribute:
        msg = f"{spec!r}: expected MODULE:ATTR"
        raise ValueError(msg)
    try:
        found: Any = importlib.import_module(module)
        for part in attribute.split("."):
            found = getattr(found, part)
    except (ImportError, AttributeError) as err:
        msg = f"{spec!r}: cannot load it ({err})"
        raise ValueError(msg) from err
    return found


def add_user_metrics(parser: argparse.ArgumentParser) -> None:
    """Add ``--user-metric NAME=MODULE:FUNCTION[@WEIGHT]`` (repeatable)."""
    parser.add_argument(
        "--user-metric",
        action="append",
        default=[],
        type=_user_metric,
        metavar="NAME=MODULE:FUNCTION[@WEIGHT]",
        help="FUNCTION(doc, spans) -> float in [0, 1] | None as metric NAME, scored with the others "
        "(repeatable; weight 0.2)",
    )


def _user_metric(spec: str) -> Any:
    from adaptive_splitters.metrics.base import DEFAULT_WEIGHT
    from adaptive_splitters.metrics.user import FunctionMetric

    name, _, target = spec.partition("=")
    target, _, weight = target.partition("@")
    if not name or ":" not in target:
        msg = f"{spec!r}: expected NAME=MODULE:FUNCTION[@WEIGHT]"
        raise argparse.ArgumentTypeError(msg)
    try:
        value = float(weight) if weight else DEFAULT_WEIGHT
        return FunctionMetric(name, load_object(target), value)
    except (ValueError, TypeError) as err:
        raise argparse.ArgumentTypeError(f"{spec!r}: {err}") from None


def with_user_metrics(settings: dict[str, Any], user: Sequence[Any]) -> dict[str, Any]:
    """``settings`` with the ``user`` metrics in ``metrics``: each in place of its name where ``--metrics``
    names it, the others after; with no ``--metrics``, after the default metrics (the built-in ones and every
    registered one)."""
    if not user:
        return settings
    from adaptive_splitters.metrics.base import resolve_metrics

    by_name = {m.name: m for m in user}
    names = settings.get("metrics") or [m.name for m in resolve_metrics(None)]
    metrics = [by_name.pop(n, n) for n in names]
    return {**settings, "metrics": [*metrics, *by_name.values()]}
