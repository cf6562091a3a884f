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


def not_yaml(path: object, exc: yaml.YAMLError) -> str:
    """A file that is not YAML, in a sentence naming the line the parser stopped at and the usual fixes: where PyYAML's
    own text named the line its block began on first ('while parsing a block collection ... line 12 ... did not find
    expected '-' indicator ... line 21'), and read "<unicode string>" for the file."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    where, column = (f", line {mark.line + 1}", f", at column {mark.column + 1}") if mark is not None else ("", "")
    return (f'Reference file "{path}"{where}: is not valid YAML ({problem}{column}). Look at that line and the '
            'one before it: each key is followed by a colon and a space ("start: 2025-04"), each entry of a list or '
            "mapping is indented as far as the others at its level (with spaces, not tabs), and a value holding a "
            "colon or starting with a quote, [ or { is put in quotes.")

