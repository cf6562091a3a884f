"""A district renamed in force.yaml while the warehouse keeps its figures under the former name."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest

from pipelines.catalogue import REFERENCE_DIR
from pipelines.errors import ConfigError
from pipelines.publish.snapshot import _districts_as_named


def _reference(tmp_path, monkeypatch, aliases: str) -> None:
    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, folder)
    path = folder / "force.yaml"
    text = path.read_text(encoding="utf-8")
    old = "  - name: Sheffield\n    aliases: []"
    assert old in text
    path.write_text(text.replace(old, f"  - name: Sheffield City\n    aliases: {aliases}"), encoding="utf-8")
    monkeypatch.setenv("PCCDASH_REFERENCE_DIR", str(folder))


def _figures(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["period", "district", "measure", "value"])


def test_former_name_kept_as_alias_is_published_under_the_new_name(tmp_path, monkeypatch):
    _reference(tmp_path, monkeypatch, "[Sheffield]")
    out = _districts_as_named(_figures(("2026-03", "Sheffield", "cse_arrests", 11),
                                       ("2026-04", "Sheffield City", "cse_arrests", 9),
                                       ("2026-03", "Barnsley", "cse_arrests", 6)))
    assert set(out["district"]) == {"Sheffield City", "Barnsley"}
    assert len(out) == 3


def test_former_name_dropped_is_a_sentence_naming_the_fix(tmp_path, monkeypatch):
    _reference(tmp_path, monkeypatch, "[]")
    with pytest.raises(ConfigError) as err:
        _districts_as_named(_figures(("2026-03", "Sheffield", "cse_arrests", 11)))
    message = str(err.value)
    assert message.startswith("force.yaml")
    assert '"Sheffield"' in message and "aliases: [Sheffield]" in message


def test_one_month_under_both_names_is_refused(tmp_path, monkeypatch):
    _reference(tmp_path, monkeypatch, "[Sheffield]")
    with pytest.raises(ConfigError, match="under two"):
        _districts_as_named(_figures(("2026-03", "Sheffield", "cse_arrests", 11),
                                     ("2026-03", "Sheffield City", "cse_arrests", 12)))
