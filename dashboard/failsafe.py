"""No traceback reaches a person: a page's unexpected error becomes a sentence, its details go to the log.

Both apps run their pages inside `guarded()`. A domain error (a broken reference file, a warehouse
held by a load) is told as it is, with what to do; anything else is told as a fault with a reference
that finds its full details in the server's log. Streamlit's own stop and rerun pass through.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from collections.abc import Iterator

import streamlit as st

from pipelines.errors import FAULTS, ConfigError, PccDashError

log = logging.getLogger("pccdash.dashboard")

CONFIG_ADVICE = ('Correct the file (the command "pccdash check" lists every problem in the reference files), '
                 "then reload this page; no restart is needed.")


def explain(exc: Exception) -> str:
    """What a person is told about an error: the domain's own sentence, or a fault with its log reference."""
    if isinstance(exc, ConfigError):
        return f"This page needs a reference file that has a problem: {exc} {CONFIG_ADVICE}"
    if isinstance(exc, PccDashError):
        return str(exc)
    ref = secrets.token_hex(4)
    FAULTS.append(exc)
    log.error("page fault %s", ref, exc_info=exc)
    return (f"Something went wrong while showing this page, and it could not be finished. Reload it; if it "
            f"happens again, give the office's administrator the reference {ref}: the details are in the "
            "server's log under it.")


@contextlib.contextmanager
def guarded() -> Iterator[None]:
    """Run a page; show any error as a sentence instead of a traceback."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001 -- the last line of defence: every error becomes a sentence
        if isinstance(exc, PccDashError):
            log.warning("page refused: %s", exc)
        st.error(explain(exc), icon=":material/error:")
