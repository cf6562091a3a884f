"""Who is using the internal app: sign-in with OpenID Connect (`st.login`) and roles from access.yaml.

Every internal page calls `signed_in()` first, so a page opened by its address is refused to an
anonymous visitor or an account without a role just as the app's front door refuses them.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from dashboard.ui import md_escape
from pipelines.access import MAY, identity, refusal, roles_for
from pipelines.catalogue import reference_file
from pipelines.errors import shown
from pipelines.office import configured_or_neutral


@dataclass(frozen=True)
class User:
    email: str
    name: str
    roles: frozenset[str]
    claims: dict

    def may(self, action: str) -> bool:
        """Whether to offer the action; pipelines.access.require still decides when it is done."""
        return bool(self.roles & MAY[action])


def sign_in_configured() -> bool:
    """True when secrets.toml has an [auth] section for st.login."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises rather than answering False
        return False


def _claims() -> dict:
    info = st.user.to_dict()
    return {k: v for k, v in info.items() if k != "tokens"}


def signed_in() -> User:
    """The signed-in user with a role; otherwise show why not and stop the page."""
    # without an [auth] section Streamlit's st.user has no is_logged_in at all: nobody is signed in then
    if not getattr(st.user, "is_logged_in", False):
        st.title("Sign in")
        st.write(f"The briefing, data-quality and publishing pages are for {md_escape(configured_or_neutral().name)}. "
                 "Sign in with your organisation's account to continue.")
        if sign_in_configured():
            st.button("Sign in", type="primary", on_click=st.login, key="sign_in")
        else:
            st.warning('Sign-in is not set up on this server: there is no [auth] section in its secrets.toml. '
                       'Start it with "pccdash serve --auth-secrets FILE", or "pccdash serve --demo-sign-in" '
                       "for the local demo provider (see the README).")
        st.stop()
    claims = _claims()
    email = identity(claims)  # an address the provider did not confirm is never shown as who someone is
    user = User(email=email, name=str(claims.get("name") or email), roles=frozenset(roles_for(claims)), claims=claims)
    if not user.may("view_internal"):
        st.title("Not allowed")
        # why a listed account is refused (an unconfirmed address, an untrusted provider), else how to get a role
        why = refusal(claims) or (f'Ask the office\'s administrator to add it to "{reference_file("access.yaml")}" '
                                  "(or to your identity provider's group for the office).")
        st.error(f"You are signed in as {md_escape(shown(email, None))}, but that account has no role here. "
                 + md_escape(why))
        st.button("Sign out", on_click=st.logout, key="sign_out_refused")
        st.stop()
    return user


def sidebar(user: User) -> None:
    with st.sidebar:
        st.caption(f"Signed in as {md_escape(shown(user.email, None))} ({', '.join(sorted(user.roles))})")
        st.button("Sign out", on_click=st.logout, key="sign_out")
