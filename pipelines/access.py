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
    cfg = load_access()
    email = str(claims.get("email") or "").strip().lower()
    raw_groups = claims.get(cfg["groups_claim"]) or []
    groups = {str(g) for g in (raw_groups if isinstance(raw_groups, (list, tuple, set)) else [raw_groups])}
    return {role for role, who in cfg["roles"].items()
            if (email and email in who["emails"]) or groups & who["groups"]}


def command_line_identities(account: str) -> list[str]:
    """The identities access.yaml lets an operating-system account act as from the command line.

    `command_line:` maps each account to a list of identities (a single address may stand alone). An
    account that is not listed may act for no one; a mapping of any other shape is refused, naming the
    line of access.yaml to correct, rather than read as "no one" or as something it does not say.
    """
    return command_line_mapping().get(account, [])


def command_line_mapping() -> dict[str, list[str]]:
    """access.yaml's `command_line:` mapping, checked: account -> identities it may act as."""
    return load_access()["command_line"]


def load_access() -> dict:
    """access.yaml, checked: groups_claim, roles (role -> lowered emails and groups, as sets) and
    command_line (account -> identities). A problem is a ConfigError naming the file, the line and the fix."""
    cfg = _load_yaml("access.yaml")
    path = reference_dir() / "access.yaml"

    def where(*keys: str, label: str | None = None) -> str:
        lines = _key_lines(path)  # read again only for a message: a page asks for roles on every run
        line = lines.get(keys) or lines.get(keys[:1])
        said = label or ", ".join(keys)
        return f"{path}, line {line}: {said}" if line else f"{path}: {said}"

    groups_claim = cfg.get("groups_claim", "groups")
    if not isinstance(groups_claim, str) or not groups_claim.strip():
        raise ConfigError(f"{where('groups_claim')}: name the claim that holds a user's groups, e.g. groups or roles.")
    raw_roles = cfg.get("roles") or {}
    if not isinstance(raw_roles, dict):
        raise ConfigError(f"{where('roles')}: should map each role ({', '.join(ROLES)}) to its emails and groups.")
    roles = {}
    for role, who in raw_roles.items():
        if role not in ROLES:
            raise ConfigError(f'{where("roles", str(role))}: "{role}" is not a role; the roles are '
                              f"{', '.join(ROLES)}.")
        who = who or {}
        if not isinstance(who, dict) or set(who) - {"emails", "groups"}:
            raise ConfigError(f"{where('roles', role)}: should hold emails: [...] and groups: [...], nothing else.")
        entry = {}
        for key in ("emails", "groups"):
            listed = who.get(key) or []
            if not isinstance(listed, list) or not all(isinstance(x, (str, int)) for x in listed):
                raise ConfigError(f"{where('roles', role)}: {key} should be a list, like [{key[:-1]}-one, "
                                  f"{key[:-1]}-two].")
            entry[key] = {str(x).strip().lower() if key == "emails" else str(x) for x in listed}
        roles[role] = entry

    raw = cfg.get("command_line")
    mapping: dict[str, list[str]] = {}
    if raw is not None and not isinstance(raw, dict):
        raise ConfigError(f"{where('command_line')}: should map each operating-system account to the identities "
                          "it may act as, like\n  command_line:\n    root: [pcc@example.org]")
    for account, listed in (raw or {}).items():
        at = where("command_line", str(account), label=f'command_line, account "{account}"')
        if not isinstance(account, str) or not account.strip():
            raise ConfigError(f'{at}: an account is a name such as root or jsmith (quote a name made of '
                              'digits: "1001").')
        if isinstance(listed, str):
            listed = [listed]
        if not isinstance(listed, list) or not listed:
            raise ConfigError(f"{at}: list the identities it may act as, like [pcc@example.org]; "
                              "remove the account to let it act for no one.")
        bad = [x for x in listed if not isinstance(x, str) or not x.strip() or any(c.isspace() for c in x.strip())]
        if bad:
            raise ConfigError(f"{at}: {bad[0]!r} is not an identity; write the e-mail address the "
                              "identity signs in with.")
        mapping[account] = [x.strip() for x in listed]
    return {"groups_claim": groups_claim, "roles": roles, "command_line": mapping}


def _key_lines(path) -> dict[tuple[str, ...], int]:
    """The line (counted from 1) each top-level key of a YAML file, and each key under it, starts on."""
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    out: dict[tuple[str, ...], int] = {}
    for key, value in root.value if isinstance(root, yaml.MappingNode) else []:
        out[(key.value,)] = key.start_mark.line + 1
        if isinstance(value, yaml.MappingNode):
            out.update({(key.value, k.value): k.start_mark.line + 1 for k, _ in value.value})
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
