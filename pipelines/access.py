"""Roles from identity claims, as configured in pipelines/reference/access.yaml."""

from __future__ import annotations

from collections.abc import Mapping

import yaml

from .catalogue import _load_yaml, reference_dir
from .errors import ConfigError, PccDashError

ROLES = ("pcc", "analyst")
MAY = {
    "approve": {"pcc"},
    "publish": {"pcc"},
    "flag": {"pcc", "analyst"},
    "resolve": {"pcc", "analyst"},
    "view_internal": {"pcc", "analyst"},
    "comment": {"pcc", "analyst"},
    "supersede": {"pcc", "analyst"},
    "audit": {"pcc", "analyst"},
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
    """The identities access.yaml lets an operating-system account act as from the command line.

    `command_line:` maps each account to a list of identities (a single address may stand alone). An
    account that is not listed may act for no one; a mapping of any other shape is refused, naming the
    line of access.yaml to correct, rather than read as "no one" or as something it does not say.
    """
    return command_line_mapping().get(account, [])


def command_line_mapping() -> dict[str, list[str]]:
    """access.yaml's `command_line:` mapping, checked: account -> identities it may act as."""
    cfg = _load_yaml("access.yaml")
    raw = cfg.get("command_line")
    if raw is None:
        return {}
    path = reference_dir() / "access.yaml"
    lines = _key_lines(path)
    example = "command_line:\n    root: [pcc@example.org]"
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}, line {lines.get(None, '?')}: command_line should map each operating-system "
                          f"account to the identities it may act as, like\n  {example}")
    out: dict[str, list[str]] = {}
    for account, listed in raw.items():
        where = f'{path}, line {lines.get(str(account), "?")}: command_line, account "{account}"'
        if not isinstance(account, str) or not account.strip():
            raise ConfigError(f'{where}: an account is a name such as root or jsmith (quote a name made of '
                              'digits: "1001").')
        if isinstance(listed, str):
            listed = [listed]
        if not isinstance(listed, list) or not listed:
            raise ConfigError(f"{where}: list the identities it may act as, like [pcc@example.org]; "
                              "remove the account to let it act for no one.")
        bad = [x for x in listed if not isinstance(x, str) or not x.strip() or any(c.isspace() for c in x.strip())]
        if bad:
            raise ConfigError(f"{where}: {bad[0]!r} is not an identity; write the e-mail address the "
                              "identity signs in with.")
        out[account] = [x.strip() for x in listed]
    return out


def _key_lines(path) -> dict[str | None, int]:
    """Where `command_line:` (None) and each account under it start in access.yaml, counted from 1."""
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    out: dict[str | None, int] = {}
    for key, value in getattr(root, "value", []) if isinstance(root, yaml.MappingNode) else []:
        if key.value == "command_line":
            out[None] = key.start_mark.line + 1
            if isinstance(value, yaml.MappingNode):
                out.update({k.value: k.start_mark.line + 1 for k, _ in value.value})
    return out


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
