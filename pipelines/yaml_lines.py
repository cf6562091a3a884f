"""Where each entry of a YAML reference file starts, so that a check can name the line to correct."""

from __future__ import annotations

import yaml


def key_lines(text: str) -> dict[tuple, int]:
    """Line numbers (from 1) by path: a mapping's key by its name, a list's entry by its index, so that
    ("returns", 0, "measures", 2) is the third measure of the first return, and ("signpost", "councils",
    "Rotherham") the line of the key Rotherham. A value is placed on its key's line; the whole file is (). Text
    that is not YAML gives no lines (the caller reports the parse error itself)."""
    out: dict[tuple, int] = {}

    def walk(node, path: tuple) -> None:
        out.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                out[(*path, k.value)] = k.start_mark.line + 1
                walk(v, (*path, k.value))
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                walk(v, (*path, i))

    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return out
    if root is not None:
        walk(root, ())
    return out
