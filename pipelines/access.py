"""Roles from identity claims, as configured in pipelines/reference/access.yaml."""

from __future__ import annotations

from collections.abc import Mapping

from .catalogue import _load_yaml
from .errors import PccDashError

ROLES = ("pcc", "analyst")
MAY = {
    "approve": {"pcc"},
    "publish": {"pcc"},
    "flag": {"pcc", "analyst"},
    "resolve": {"pcc", "analyst"},
    "view_internal": {"pcc", "analyst"},
    "comment": {"pcc", "analyst"},
}


class NotAllowed(PccDashError):
    """The user lacks the role an action needs."""


def roles_for(claims: Mapping[str, object] | None) -> set[str]:
    """The roles a signed-in user holds, from their email and group claims."""
    if not claims:
        return set()
    cfg = _load_yaml("access.yaml")
    email = str(claims.get("email") or "").strip().lower()
    groups_claim = cfg.get("groups_claim", "groups")
    raw_groups = claims.get(groups_claim) or []
    groups = {str(g) for g in (raw_groups if isinstance(raw_groups, (list, tuple, set)) else [raw_groups])}
    out = set()
    for role, who in (cfg.get("roles") or {}).items():
        emails = {str(e).strip().lower() for e in (who or {}).get("emails") or []}
        if (email and email in emails) or groups & {str(g) for g in (who or {}).get("groups") or []}:
            out.add(role)
    return out


def command_line_identities(account: str) -> list[str]:
    """The identities access.yaml lets an operating-system account act as from the command line."""
    cfg = _load_yaml("access.yaml")
    mapping = cfg.get("command_line") or {}
    if not isinstance(mapping, dict):
        return []
    listed = mapping.get(account) or []
    return [str(x) for x in (listed if isinstance(listed, list) else [listed])]


def may(claims: Mapping[str, object] | None, action: str) -> bool:
    return bool(roles_for(claims) & MAY[action])


def require(claims: Mapping[str, object] | None, action: str) -> str:
    """The user's email, if they may do `action`; otherwise a clear refusal."""
    who = str((claims or {}).get("email") or "an unknown user")
    if not may(claims, action):
        needed = " or ".join(sorted(MAY[action]))
        raise NotAllowed(f"{who} may not {action}: that needs the role {needed} "
                         "(pipelines/reference/access.yaml).")
    return who
