"""`pccdash serve` watches its children: Ctrl+C reaching the whole group stops everything quietly, however late
this process sees it; one child stopping while the others go on is said, and stops the rest."""

from __future__ import annotations

import signal

import pytest

from pipelines import serving


class Child:
    """A child process that ends after `runs` polls with `code` (None: never ends by itself)."""

    def __init__(self, runs: int | None, code: int):
        self.runs, self.code, self.returncode = runs, code, None

    def poll(self):
        if self.runs is not None:
            self.runs -= 1
            if self.runs <= 0:
                self.returncode = self.code
        return self.returncode


@pytest.fixture
def supervised(monkeypatch, tmp_path):
    def run(children: list[Child], wait=None) -> tuple[int, list[str]]:
        """`wait`: what waiting for a dashboard's first answer does (by default, it answers at once)."""
        queue = list(children)
        said: list[str] = []
        monkeypatch.setattr(serving.subprocess, "Popen", lambda cmd, **kw: queue.pop(0))
        for name in ("ensure_port_free", "stop"):
            monkeypatch.setattr(serving.signin, name, lambda *a, **k: None)
        monkeypatch.setattr(serving.signin, "wait_for_http", wait or (lambda *a, **k: None))
        monkeypatch.setattr(serving.signin, "start_demo_provider", lambda *a, **k: queue.pop(0))
        monkeypatch.setattr(serving.signin, "write_auth_secrets", lambda path, **k: path)
        monkeypatch.setattr(serving, "STOP_WAIT_SECONDS", 1.0)
        monkeypatch.chdir(tmp_path)
        code = serving.serve_apps(tmp_path / "wh.duckdb", 8599, which="both", demo_sign_in=True,
                                  say=lambda text, *a: said.append(text))
        return code, said

    return run


def test_every_child_stopped_by_ctrl_c_before_this_process_sees_it_is_a_clean_stop(supervised):
    # the provider, the internal and the public dashboard end at nearly the same moment, as Ctrl+C ends them
    code, said = supervised([Child(2, -signal.SIGINT), Child(3, 0), Child(4, -signal.SIGINT)])
    assert code == 0
    assert said[-1] == "Stopped: every dashboard has been shut down."
    assert not any("stopping the rest" in s for s in said)


def test_one_dashboard_stopping_while_the_others_run_is_said_and_stops_the_rest(supervised):
    code, said = supervised([Child(None, 0), Child(2, 0), Child(None, 0)])
    assert code == 1
    assert "The internal dashboard stopped (exit code 0); stopping the rest." in said
    assert "Stopped: every dashboard has been shut down." not in said


def test_the_served_apps_neither_watch_their_sources_nor_collect_all_garbage_after_each_run():
    """Streamlit reads the flags the apps are served with as its own configuration: it starts no source watcher
    for a session when server.fileWatcherType is "none", and skips its full garbage collection after each page
    run when runner.postScriptGC is false (each walks the whole process on every run: see
    serving.STREAMLIT_FLAGS)."""
    from streamlit import config
    from streamlit.web import bootstrap, cli

    # the flags as `streamlit run` parses them (each to its option's type), then loaded as it loads them
    run = cli.main_run.make_context("run", ["app.py", *serving.STREAMLIT_FLAGS])
    bootstrap.load_config_options({k: v for k, v in run.params.items() if k not in ("target", "args")})
    try:
        assert config.get_option("server.fileWatcherType") == "none"
        assert config.get_option("runner.postScriptGC") is False
        assert config.get_option("client.showErrorDetails") == "none"
    finally:
        config.get_config_options(force_reparse=True)



def gone(url, *, proc=None, what="The server", **kw):
    """The wait for a dashboard's first answer finding it already ended, as `signin.wait_for_http` says it."""
    proc.poll()
    raise serving.PccDashError(f"{what} stopped (exit code {proc.returncode}) before answering at {url}.")


def test_ctrl_c_while_the_dashboards_start_is_a_clean_stop(supervised):
    """Ctrl+C before the dashboards answer: the children end before this process sees the signal, and the wait for
    their first answer finds them gone; that is a clean stop too, not a dashboard that failed to start."""
    code, said = supervised([Child(1, -signal.SIGINT), Child(1, -signal.SIGINT), Child(1, -signal.SIGINT)], gone)
    assert code == 0
    assert said[-1] == "Stopped: every dashboard has been shut down."


def test_a_dashboard_that_fails_to_start_is_still_an_error(supervised):
    with pytest.raises(serving.PccDashError, match="exit code 1"):
        supervised([Child(None, 0), Child(1, 1), Child(None, 0)], gone)
