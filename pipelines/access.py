"""Roles from identity claims, as configured in access.yaml in the reference folder (PCCDASH_REFERENCE_DIR; the
bundled pipelines/reference by default)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from urllib.parse import urlsplit

import yaml

from .catalogue import load_yaml, reference_dir, reference_file, reference_stamp
from .errors import ConfigError, PccDashError

ROLES = ("pcc", "analyst")
# What access.yaml may list under a role: the claims email, sub, oid and the groups claim.
WHO_KEYS = ("emails", "subjects", "object_ids", "groups")
LOOPBACK = ("127.0.0.1", "localhost", "::1")
MAY = {
    "approve": {"pcc"},
    "publish": {"pcc"},
    "flag": {"pcc", "analyst"},
    "resolve": {"pcc", "analyst"},
    "view_internal": {"pcc", "analyst"},
    "comment": {"pcc", "analyst"},
    "supersede": {"pcc", "analyst"},
    "load": {"pcc", "analyst"},        # returns uploaded in the app
    "audit": {"pcc", "analyst"},
    # the accountability loop (pipelines.accountability): the office keeps the record, the Commissioner decides
    "record": {"pcc", "analyst"},      # meetings, questions, answers, actions, recommendations' statuses
    "moderate": {"pcc", "analyst"},    # the public's questions
    "decide": {"pcc"},                 # assurance decisions
    "release": {"pcc"},                # approving the loop's items for publication
}


class NotAllowed(PccDashError):
    """The user lacks the role an action needs."""


def roles_for(claims: Mapping[str, object] | None) -> set[str]:
    """The roles a user holds.

    A sign-in (the app's claims) counts only from a trusted issuer (`issuers:`), and its e-mail address
    only when the provider says it verified it: an address is a name anyone can type into an account
    at many providers (with Entra ID's multi-tenant sign-in, the "nOAuth" pattern). Its subject, object
    id and groups, which the provider assigns, count as listed. The command line and the program itself
    act as an identity that access.yaml's command_line, or the code, already vouches for, so their
    e-mail address is taken as given.
    """
    if not claims:
        return set()
    cfg = load_access()
    vouched = getattr(claims, "channel", "app") != "app"  # an audit.Actor of the command line or the program
    if not vouched and _claim_problem(claims, cfg):
        return set()
    email = str(claims.get("email") or "").strip().lower()
    if not vouched and not email_verified(claims):
        email = ""
    sub = "" if vouched else str(claims.get("sub") or "")
    oid = "" if vouched else str(claims.get("oid") or "").strip().lower()
    raw_groups = (claims.get(cfg["groups_claim"]) or []) if not vouched else []
    groups = {str(g) for g in (raw_groups if isinstance(raw_groups, (list, tuple, set)) else [raw_groups])}
    return {role for role, who in cfg["roles"].items()
            if (email and email in who["emails"]) or (sub and sub in who["subjects"])
            or (oid and oid in who["object_ids"]) or groups & who["groups"]}


def identity(claims: Mapping[str, object] | None) -> str:
    """Who the claims name, as the app shows them and the records keep them: the e-mail address when it can be
    believed (the provider verified it, or command_line vouches for it), else the provider's own id for the
    account, with any unconfirmed address after it, so that a claimed address is never recorded as the actor."""
    claims = claims or {}
    email = str(claims.get("email") or "").strip()
    if email and (getattr(claims, "channel", "app") != "app" or email_verified(claims)):
        return email
    account = str(claims.get("oid") or claims.get("sub") or "").strip()
    if not email:
        return account or "an unknown account"
    return f"{email} (unconfirmed)" if account in ("", email) else f"{account} ({email}, unconfirmed)"


def email_verified(claims: Mapping[str, object]) -> bool:
    """Whether the provider says it confirmed the `email` claim (some send the string "true")."""
    said = claims.get("email_verified")
    return said is True or (isinstance(said, str) and said.strip().lower() == "true")


def trusted_issuer(issuer: object, issuers: list[str]) -> bool:
    """Whether `issuer` (an `iss` claim) is one access.yaml trusts; a loopback entry may end in `:*`, any port."""
    if not isinstance(issuer, str) or not issuer.strip():
        return False
    said = issuer.strip().rstrip("/")
    for listed in issuers:
        if listed.endswith(":*"):
            base, _, port = said.rpartition(":")
            if base == listed[:-2] and port.isdigit():
                return True
        elif said == listed:
            return True
    return False


def refusal(claims: Mapping[str, object] | None) -> str | None:
    """Why a sign-in with these claims holds no role even if it is listed, in words for the person; else None."""
    if not claims:
        return None
    cfg = load_access()
    problem = _claim_problem(claims, cfg)
    if problem:
        return problem
    email = str(claims.get("email") or "").strip().lower()
    listed = any(email in who["emails"] for who in cfg["roles"].values())
    if email and listed and not email_verified(claims) and not roles_for(claims):
        return ("Your identity provider did not confirm this e-mail address, so it cannot give you a role here. "
                "Confirm the address with your provider (or sign in with the office's own account), then sign in "
                "again; or ask the office's administrator to list your account's subject or object id in "
                f'"{reference_file("access.yaml")}".')
    return None


def _claim_problem(claims: Mapping[str, object], cfg: dict) -> str | None:
    if getattr(claims, "channel", "app") != "app":
        return None
    if not trusted_issuer(claims.get("iss"), cfg["issuers"]):
        issuer = str(claims.get("iss") or "an unnamed provider").encode("unicode_escape").decode("ascii")
        return (f"This account comes from an identity provider the office does not trust ({issuer}), so it has no "
                "role here. Sign in with the office's own account; if this provider should be trusted, ask the "
                f'office\'s administrator to add it under issuers: in "{reference_file("access.yaml")}".')
    return None


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
    """access.yaml, checked: issuers (trusted `iss` values), groups_claim, roles (role -> sets of lowered emails,
    subjects, lowered object ids and groups) and command_line (account -> identities). A problem is a ConfigError
    naming the file, the line and the fix.

    Read again only when the file changes (every page asks for roles on every run, twice): the answer is shared,
    for reading only."""
    return _load_access(reference_stamp("access.yaml"))


@functools.lru_cache(maxsize=4)
def _load_access(_stamp: tuple) -> dict:
    cfg = load_yaml("access.yaml")
    path = reference_dir() / "access.yaml"

    def where(*keys: str, label: str | None = None) -> str:
        lines = _key_lines(path)  # read again only for a message: a page asks for roles on every run
        line = lines.get(keys) or lines.get(keys[:1])
        said = label or ", ".join(keys)
        return f"{path}, line {line}: {said}" if line else f"{path}: {said}"

    groups_claim = cfg.get("groups_claim", "groups")
    if not isinstance(groups_claim, str) or not groups_claim.strip():
        raise ConfigError(f"{where('groups_claim')}: name the claim that holds a user's groups, e.g. groups or roles.")
    issuers = cfg.get("issuers")
    if not isinstance(issuers, list) or not issuers or not all(isinstance(x, str) and x.strip() for x in issuers):
        raise ConfigError(f"{where('issuers')}: list the identity providers whose accounts may hold a role, by their "
                          "issuer (the iss claim), like\n  issuers: [https://login.microsoftonline.com/TENANT-ID/v2.0]")
    issuers = [x.strip().rstrip("/") for x in issuers]
    for listed in issuers:
        parsed = urlsplit(listed[:-2] if listed.endswith(":*") else listed)
        if parsed.scheme not in ("https", "http") or not parsed.hostname:
            raise ConfigError(f'{where("issuers")}: "{listed}" is not an issuer; write the address the provider '
                              "names itself by, e.g. https://accounts.google.com.")
        if (listed.endswith(":*") or parsed.scheme == "http") and parsed.hostname not in LOOPBACK:
            raise ConfigError(f'{where("issuers")}: "{listed}" is trusted only on this computer (127.0.0.1 or '
                              "localhost), for the local demo provider; write the https address of the office's "
                              "provider.")
    raw_roles = cfg.get("roles") or {}
    if not isinstance(raw_roles, dict):
        raise ConfigError(f"{where('roles')}: should map each role ({', '.join(ROLES)}) to its emails and groups.")
    roles = {}
    for role, who in raw_roles.items():
        if role not in ROLES:
            raise ConfigError(f'{where("roles", str(role))}: "{role}" is not a role; the roles are '
                              f"{', '.join(ROLES)}.")
        who = who or {}
        if not isinstance(who, dict) or set(who) - set(WHO_KEYS):
            raise ConfigError(f"{where('roles', role)}: should hold emails: [...], subjects: [...], "
                              "object_ids: [...] and groups: [...] (each may be left out), nothing else.")
        entry = {}
        for key in WHO_KEYS:
            listed = who.get(key) or []
            if not isinstance(listed, list) or not all(isinstance(x, (str, int)) for x in listed):
                raise ConfigError(f"{where('roles', role)}: {key} should be a list, like [{key[:-1]}-one, "
                                  f"{key[:-1]}-two].")
            # addresses and Entra object ids (GUIDs) are the same whatever their case; subjects and groups may not be
            entry[key] = {str(x).strip().lower() if key in ("emails", "object_ids") else str(x) for x in listed}
        roles[role] = entry

    raw = cfg.get("command_line")
    mapping: dict[str, list[str]] = {}
    if raw is not None and not isinstance(raw, dict):
        raise ConfigError(f"{where('command_line')}: should map each operating-system account to the identities "
                          "it may act as, like\n  command_line:\n    root: [pcc@example.org]")
    for account, listed in (raw or {}).items():
        def at(account=account) -> str:  # the line is looked up only for a message
            return where("command_line", str(account), label=f'command_line, account "{account}"')

        if not isinstance(account, str) or not account.strip():
            raise ConfigError(f'{at()}: an account is a name such as root or jsmith (quote a name made of '
                              'digits: "1001").')
        if isinstance(listed, str):
            listed = [listed]
        if not isinstance(listed, list) or not listed:
            raise ConfigError(f"{at()}: list the identities it may act as, like [pcc@example.org]; "
                              "remove the account to let it act for no one.")
        bad = [x for x in listed if not isinstance(x, str) or not x.strip() or any(c.isspace() for c in x.strip())]
        if bad:
            raise ConfigError(f"{at()}: {bad[0]!r} is not an identity; write the e-mail address the "
                              "identity signs in with.")
        mapping[account] = [x.strip() for x in listed]
    return {"issuers": issuers, "groups_claim": groups_claim, "roles": roles, "command_line": mapping}


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


def require(claims: Mapping[str, object] | None, action: str, doing: str | None = None) -> str:
    """Who the user is (`identity`), if they may do `action`; otherwise a clear refusal, naming what was refused as
    `doing` when it is not the action's own name ("withdraw a publication", which needs "publish")."""
    who = identity(claims)
    if not may(claims, action):
        needed = " or ".join(sorted(MAY[action]))
        why = refusal(claims)
        raise NotAllowed(f"{who} may not {doing or action}: that needs the role {needed} "
                         f'(given in "{reference_file("access.yaml")}").' + (f" {why}" if why else ""))
    return who
