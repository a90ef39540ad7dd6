"""The one id recipe: ``uuid5(ID_NAMESPACE, f"{key}|{start}|{end}")``, with keys unique within a call.

Both adapters and the ``chunk`` command take their ids from here, so one chunk of one source has one id
everywhere.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from uuid import NAMESPACE_URL, uuid5

ID_NAMESPACE = uuid5(NAMESPACE_URL, "adaptive-splitters")
"""The namespace of chunk ids: ``uuid5(ID_NAMESPACE, f"{key}|{start}|{end}")``."""


def chunk_id(source_key: str, start: int, end: int, level: str = "chunk") -> str:
    """The deterministic id of the chunk ``[start, end)`` of the source keyed ``source_key``; a ``parent`` (a context
    unit of whole chunks) gets ``|parent`` after the offsets, so it never shares an id with a chunk, whatever the key.

    A key with lone surrogates (a file name that is not UTF-8) is hashed through its UTF-8 bytes written with
    backslash escapes, rather than failing."""
    name = f"{source_key}|{start}|{end}" + ("" if level == "chunk" else f"|{level}")
    try:
        return str(uuid5(ID_NAMESPACE, name))
    except UnicodeEncodeError:
        return str(uuid5(ID_NAMESPACE, name.encode("utf-8", "surrogatepass").decode("utf-8", "backslashreplace")))


def text_key(text: str) -> str:
    """The SHA-256 of ``text`` (UTF-8), the source key of a document without ``source``."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def unique_keys(entries: Sequence[tuple[str, str, int]]) -> list[str]:
    """The id keys of one call's units, given each unit's ``(key, text, id_offset)``: the one id recipe.

    Two units whose offsets index different texts under one key (two files named alike, an edited document
    under its old id) get the text's SHA-256 appended (``#sha256=``), so their ids never collide; the second
    and later repeats of one unit (the same text passed twice, duplicate files) get ``#copy=N``, so ids are
    unique within a call. Both depend only on the input, so identical calls give identical ids.
    """
    texts: dict[tuple[str, int], set[str]] = {}
    for key, text, offset in entries:
        texts.setdefault((key, offset), set()).add(text)
    seen: dict[tuple[str, str, int], int] = {}
    out = []
    for key, text, offset in entries:
        unique = f"{key}#sha256={text_key(text)}" if len(texts[key, offset]) > 1 else key
        seen[key, text, offset] = count = seen.get((key, text, offset), 0) + 1
        out.append(unique if count == 1 else f"{unique}#copy={count}")
    return out
