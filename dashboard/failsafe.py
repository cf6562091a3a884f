"""No traceback reaches a person: a page's unexpected error becomes a sentence, its details go to the log.

The internal app runs its pages inside `guarded()`: a domain error (a broken reference file, a warehouse
held by a load) is told as it is, with what to do; anything else is told as a fault with a reference
that finds its full details in the server's log. The public app runs its pages inside `public_guarded()`:
whatever went wrong, a member of the public reads one sentence written for them (no file, no command),
with where to turn if a child is in danger, and the details go to the log. Streamlit's own stop and rerun
pass through both.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from collections.abc import Iterator

import streamlit as st

from pipelines.errors import FAULTS, ConfigError, PccDashError, environment_fault

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
    said = environment_fault(exc)
    if said is not None:  # the machine's fault (a full disk, a damaged file): what to do is known
        return f"{said} The details are in the server's log under the reference {ref}."
    return (f"Something went wrong while showing this page, and it could not be finished. Reload it; if it "
            f"happens again, give the office's administrator the reference {ref}: the details are in the "
            "server's log under it.")


# What a member of the public reads when a page cannot be shown: never a file, a command or a fault's words.
PUBLIC_SORRY = ("This page cannot be shown just now. Please try again later. In an emergency, or if a child is in "
                "danger now, call 999.")


def log_public(exc: Exception) -> str:
    """Keep a public page's error in the log (a broken reference file's name and line in the office's words, or a
    fault's traceback) under a new reference, which is returned."""
    ref = secrets.token_hex(4)
    if isinstance(exc, PccDashError):  # the office's to correct, not a fault of the code
        log.warning("public page refused %s: %s", ref, exc)
    else:
        FAULTS.append(exc)
        log.error("public page fault %s", ref, exc_info=exc)
    return ref


def explain_public(exc: Exception) -> str:
    """What a member of the public is told about any error: `PUBLIC_SORRY` and the reference its details are
    logged under."""
    return f"{PUBLIC_SORRY} If you contact the office about it, please quote the reference {log_public(exc)}."


@contextlib.contextmanager
def public_guarded() -> Iterator[None]:
    """Run a public page; show any error as a sentence written for the public instead of a traceback."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001 -- the last line of defence: every error becomes a sentence
        st.error(explain_public(exc), icon=":material/error:")


@contextlib.contextmanager
def guarded() -> Iterator[None]:
    """Run a page; show any error as a sentence instead of a traceback."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001 -- the last line of defence: every error becomes a sentence
        if isinstance(exc, PccDashError):
            log.warning("page refused: %s", exc)
        st.error(explain(exc), icon=":material/error:")
