"""No traceback reaches a person: a page's or a command's unexpected error becomes a sentence, with its
details in the log; a broken reference file is named on the page that needs it."""

from __future__ import annotations

import shutil

import pytest
from dashboard_helpers import PCC, internal, texts

from pipelines import errors
from pipelines.catalogue import REFERENCE_DIR


@pytest.mark.page_fault
def test_a_page_fault_is_a_sentence_with_a_reference_not_a_traceback(monkeypatch, sample_db):
    from dashboard import data

    def broken(*args, **kwargs):
        raise RuntimeError("boom at /srv/secret/path.py")

    monkeypatch.setattr(data, "figures_or_stop", broken)
    at = internal(monkeypatch, sample_db, "internal_pages/briefing.py", PCC)
    assert not at.exception
    shown = texts(at)
    assert "Something went wrong while showing this page" in shown
    assert "/srv/secret" not in shown and "RuntimeError" not in shown and "Traceback" not in shown
    assert errors.FAULTS and "boom" in str(errors.FAULTS[-1])  # the details are kept for the log


def test_a_broken_reference_file_is_named_on_the_page_and_mended_without_a_restart(monkeypatch, tmp_path,
                                                                                     sample_db):
    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, folder)
    monkeypatch.setenv("PCCDASH_REFERENCE_DIR", str(folder))
    plan = folder / "plan.yaml"
    good = plan.read_text()
    plan.write_text(good.replace("baseline: 2013/14", "baseline: 2013/99", 1))
    at = internal(monkeypatch, sample_db, "internal_pages/briefing.py", PCC)
    assert not at.exception
    shown = texts(at)
    assert "plan.yaml" in shown and "pccdash check" in shown and "no restart is needed" in shown
    assert not errors.FAULTS  # a reference problem is the office's to correct, not a fault
    plan.write_text(good)
    at.run()
    assert not at.exception and "pccdash check" not in texts(at)
    assert at.metric  # the overview's figures are back


@pytest.mark.page_fault
def test_a_command_fault_is_a_sentence_and_its_traceback_goes_to_the_log(monkeypatch, tmp_path, run_cli):
    monkeypatch.chdir(tmp_path)
    import pipelines.check as check

    def broken(*_args):  # check_all is given the warehouse
        raise RuntimeError("boom inside")

    monkeypatch.setattr(check, "check_all", broken)
    result = run_cli("check")
    assert result.exit_code == 1
    assert "stopped on a fault it did not expect (RuntimeError)" in result.stderr
    assert "Traceback" not in result.output
    log = tmp_path / "var" / "log" / "pccdash.log"
    assert "RuntimeError: boom inside" in log.read_text() and "Traceback" in log.read_text()


def test_help_version_and_usage_errors_are_clicks_own_not_faults(run_cli):
    """Regression: the catch-all must let click's normal exits (--help, --version) and usage errors through."""
    for args in (("--help",), ("check", "--help"), ("--version",)):
        result = run_cli(*args)
        assert result.exit_code == 0 and "did not expect" not in result.output, args
    result = run_cli("plan", "--no-such-option")
    assert result.exit_code == 2 and "No such option" in result.output and "did not expect" not in result.output
    assert not errors.FAULTS


@pytest.mark.page_fault
def test_a_public_page_fault_is_a_sentence_too(monkeypatch, tmp_path):
    from dashboard_helpers import public

    from dashboard import public_data

    def broken(*args, **kwargs):
        raise RuntimeError("boom at /srv/published/snapshot.duckdb")

    monkeypatch.setattr(public_data, "snapshot_state", broken)  # what every public page's figures come through
    at = public(monkeypatch, tmp_path, "public_pages/summary.py")
    assert not at.exception
    shown = texts(at)
    assert "This page cannot be shown just now. Please try again later." in shown and "call 999" in shown
    assert "/srv/" not in shown and "RuntimeError" not in shown and "administrator" not in shown
    assert errors.FAULTS and "boom" in str(errors.FAULTS[-1])  # the details are kept for the log


def test_a_reference_file_of_the_wrong_shape_is_named_on_the_page_not_a_fault(monkeypatch, tmp_path, sample_db):
    # regression: "dimensions: 3" was a TypeError, told as "Something went wrong" on most internal pages
    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, folder)
    monkeypatch.setenv("PCCDASH_REFERENCE_DIR", str(folder))
    (folder / "dimensions.yaml").write_text("dimensions: 3\n")
    at = internal(monkeypatch, sample_db, "internal_pages/measure.py", PCC)
    assert not at.exception and not errors.FAULTS
    shown = texts(at)
    assert "This page needs a reference file that has a problem: dimensions.yaml, line 1:" in shown
    assert "Something went wrong" not in shown


def test_a_public_page_tells_the_public_nothing_of_a_broken_reference_file(monkeypatch, tmp_path, caplog):
    """Regression: the public read the office's words ("This page needs a reference file that has a problem:
    /srv/.../public_info.yaml, line 3 ... pccdash check"); they read a sentence for them, the office the log."""
    from dashboard_helpers import public

    from dashboard import public_data
    from pipelines.errors import ConfigError

    def broken(*args, **kwargs):
        raise ConfigError("/srv/reference/public_info.yaml, line 3: not valid YAML. Run pccdash check.")

    monkeypatch.setattr(public_data, "snapshot_state", broken)
    with caplog.at_level("WARNING", logger="pccdash.dashboard"):
        at = public(monkeypatch, tmp_path, "public_pages/summary.py")
    assert not at.exception
    shown = texts(at)
    assert "This page cannot be shown just now" in shown and "call 999" in shown
    assert "/srv/" not in shown and "pccdash check" not in shown and "reference file" not in shown
    assert "/srv/reference/public_info.yaml, line 3" in caplog.text
    assert not errors.FAULTS  # the office's to correct, not a fault of the code


@pytest.mark.page_fault
@pytest.mark.parametrize("page", ["public_pages/report_a_concern.py", "public_pages/ask.py"])
def test_the_downloads_failing_stops_no_public_page(monkeypatch, tmp_path, page):
    """Regression: the public app made its download files in the guard that runs every page, so a fault there
    left every page blank, reporting a concern about a child and asking the Board a question too."""
    from dashboard_helpers import public

    from dashboard import public_data

    def broken():
        raise RuntimeError("boom making the downloads")

    monkeypatch.setattr(public_data, "download_files", broken)
    at = public(monkeypatch, tmp_path, page)
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.title[0].value in ("Report a concern about a child", "Ask the Board a question")
    assert "999" in texts(at)
    assert errors.FAULTS and "boom making" in str(errors.FAULTS[-1])  # kept for the log
