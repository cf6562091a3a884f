"""A sign-in holds a role only from a trusted issuer, and by a verified e-mail address or by the subject, object id
or groups access.yaml lists: a claimed address alone makes no one the Commissioner."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml
from dashboard_helpers import DEMO_ISSUER, NO_ROLE, PCC, claims_of, internal, texts

from pipelines import audit
from pipelines.access import NotAllowed, refusal, require, roles_for
from pipelines.errors import ConfigError
from pipelines.publish.approval import approve
from pipelines.signin import DEMO_USERS

UNCONFIRMED = "did not confirm this e-mail address"
UNTRUSTED = "comes from an identity provider the office does not trust"
ENTRA = "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0"
OID = "00000000-0000-0000-66f3-3332eca7ea81"


@pytest.fixture
def access(tmp_path, monkeypatch, command_line_reference):
    """`access(**changes)`: access.yaml in use with its top-level keys (issuers, roles, ...) replaced."""
    folder = tmp_path / "reference"
    shutil.copytree(command_line_reference, folder)
    monkeypatch.setenv("PCCDASH_REFERENCE_DIR", str(folder))

    def write(**changes) -> None:
        data = yaml.safe_load((folder / "access.yaml").read_text(encoding="utf-8"))
        data.update(changes)
        (folder / "access.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")

    return write


@pytest.fixture
def warehouse_db(con, db):
    """An empty warehouse (its tables made), enough for the app to open once a user is let in."""
    return db


def test_an_unverified_email_claim_signs_in_as_no_one(monkeypatch, warehouse_db):
    at = internal(monkeypatch, warehouse_db, "internal_pages/briefing.py",
                  claims_of("pcc@example.org", email_verified=False))
    shown = texts(at)
    assert "Not allowed" in shown and UNCONFIRMED in shown
    assert "You are signed in as pcc@example.org (unconfirmed), but that account has no role here" in shown
    assert "Signed in as pcc@example.org (pcc)" not in shown
    assert not at.sidebar.caption  # no sidebar, so no page of the app is offered


@pytest.mark.parametrize("claims", [
    claims_of("pcc@example.org", iss="https://accounts.example.net"),
    claims_of("pcc@example.org", iss=ENTRA, oid=OID),
    {k: v for k, v in claims_of("pcc@example.org").items() if k != "iss"},
])
def test_a_verified_email_from_an_untrusted_issuer_signs_in_as_no_one(monkeypatch, warehouse_db, claims):
    at = internal(monkeypatch, warehouse_db, "internal_pages/briefing.py", claims)
    shown = texts(at)
    assert "Not allowed" in shown and UNTRUSTED in shown and "issuers:" in shown
    assert not at.sidebar.caption


def test_a_verified_email_from_the_trusted_issuer_is_the_commissioner(monkeypatch, warehouse_db):
    at = internal(monkeypatch, warehouse_db, "internal_pages/briefing.py", PCC)
    assert not at.exception
    assert [c.value for c in at.sidebar.caption] == ["Signed in as pcc\u200b@example\\.org (pcc)"]
    assert "Not allowed" not in texts(at)


@pytest.mark.parametrize("listed, claims", [
    ({"subjects": ["AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ"]},
     {"sub": "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ", "email": "someone@contoso.example"}),
    ({"object_ids": [OID.upper()]}, {"sub": "opaque", "oid": OID}),
    ({"groups": ["pcc-office"]}, {"sub": "opaque", "groups": ["everyone", "pcc-office"]}),
])
def test_a_role_by_subject_object_id_or_group_needs_no_email(monkeypatch, access, warehouse_db, listed, claims):
    access(issuers=[ENTRA], roles={"pcc": listed})
    at = internal(monkeypatch, warehouse_db, "internal_pages/briefing.py",
                  {"is_logged_in": True, "iss": ENTRA, **claims})
    assert not at.exception
    caption = [c.value for c in at.sidebar.caption]
    assert len(caption) == 1 and caption[0].endswith("(pcc)")
    # the same claims from another issuer are someone else's
    assert roles_for({"iss": "https://login.microsoftonline.com/another-tenant/v2.0", **claims}) == set()


def test_an_entra_email_without_email_verified_gives_no_role_even_when_listed(access):
    # Entra ID sends no email_verified: an address a guest or another tenant typed in is not proof of anyone.
    access(issuers=[ENTRA], roles={"pcc": {"emails": ["pcc@example.org"], "object_ids": [OID]}})
    assert roles_for({"iss": ENTRA, "sub": "x", "email": "pcc@example.org"}) == set()
    assert roles_for({"iss": ENTRA, "sub": "x", "email": "pcc@example.org", "oid": OID}) == {"pcc"}


@pytest.mark.parametrize("said, verified", [
    (True, True), ("true", True), ("TRUE", True), (False, False), ("false", False), ("yes", False), (1, False),
    (None, False)])
def test_only_a_plain_yes_counts_as_verified(said, verified):
    claims = claims_of("analyst@example.org", email_verified=said)
    assert (roles_for(claims) == {"analyst"}) is verified


def test_the_demo_issuer_is_trusted_on_any_port_of_this_computer_only():
    assert roles_for(claims_of("pcc@example.org", iss="http://127.0.0.1:53011")) == {"pcc"}
    for issuer in ("http://127.0.0.2:9400", "http://127.0.0.1.example.net:9400", "https://127.0.0.1:9400",
                   "http://127.0.0.1:9400/other", "http://127.0.0.1"):
        assert roles_for(claims_of("pcc@example.org", iss=issuer)) == set(), issuer


def test_a_writer_refuses_an_unverified_address_and_says_why(con):
    with pytest.raises(NotAllowed, match=rf"pcc@example.org \(unconfirmed\) may not approve.*{UNCONFIRMED}"):
        approve(con, ["2015-07"], claims_of("pcc@example.org", email_verified=False))
    with pytest.raises(NotAllowed, match=UNTRUSTED):
        require(claims_of("pcc@example.org", iss="https://evil.example"), "publish")
    assert con.execute("SELECT count(*) FROM audit_event").fetchone() == (0,)


def test_the_command_line_still_acts_as_the_identity_access_yaml_lets_it():
    # The account is vouched for by command_line, not by a provider: no issuer or email_verified to ask for.
    assert roles_for(audit.cli_actor("pcc@example.org")) == {"pcc"}
    assert roles_for(audit.system_actor("analyst@example.org")) == {"analyst"}
    # bare claims, as the app passes them, are a sign-in and are checked as one
    assert roles_for({"email": "pcc@example.org"}) == set()


def test_the_demo_provider_says_its_own_users_addresses_are_verified():
    for user in DEMO_USERS:
        claims = {"iss": DEMO_ISSUER, "sub": user.email, **user.claims()}
        assert roles_for(claims) == ({user.role} if user.role else set())
        assert refusal(claims) is None


def test_no_reason_is_given_for_an_account_simply_not_listed():
    assert refusal(claims_of("visitor@example.org")) is None
    assert refusal(claims_of("visitor@example.org", email_verified=False)) is None


@pytest.mark.parametrize("changes, said", [
    ({"issuers": None}, "list the identity providers whose accounts may hold a role"),
    ({"issuers": []}, "list the identity providers whose accounts may hold a role"),
    ({"issuers": "https://accounts.google.com"}, "list the identity providers"),
    ({"issuers": ["accounts.google.com"]}, '"accounts.google.com" is not an issuer'),
    ({"issuers": ["http://idp.example.org"]}, "trusted only on this computer"),
    ({"issuers": ["https://idp.example.org:*"]}, "trusted only on this computer"),
    ({"roles": {"pcc": {"subjects": "abc"}}}, "subjects should be a list"),
    ({"roles": {"pcc": {"object_ids": [OID], "oids": [OID]}}}, "object_ids: [...] and groups: [...]"),
])
def test_a_malformed_issuers_or_role_entry_is_a_clear_error_naming_the_line(access, changes, said):
    access(**changes)
    with pytest.raises(ConfigError, match="access.yaml") as err:
        roles_for(PCC)
    assert said in str(err.value) and ", line " in str(err.value)


def test_a_claimed_address_is_never_recorded_as_who_acted(con, access):
    # An account given a role by its object id, whose provider did not confirm the address it claims.
    access(issuers=[ENTRA], roles={"analyst": {"object_ids": [OID]}})
    claims = {"iss": ENTRA, "sub": "opaque", "oid": OID, "email": "pcc@example.org"}
    assert require(claims, "flag") == f"{OID} (pcc@example.org, unconfirmed)"
    assert audit.app_actor(claims).identity == f"{OID} (pcc@example.org, unconfirmed)"
    assert audit.app_actor({**claims, "email_verified": True}).identity == "pcc@example.org"
    assert audit.cli_actor("analyst@example.org").identity == "analyst@example.org"


def test_a_refusal_names_the_access_file_in_force_where_the_office_keeps_its_own(monkeypatch, access, warehouse_db,
                                                                                  run_cli):
    """Regression: with PCCDASH_REFERENCE_DIR pointing at the office's reference folder, a refusal on the command line
    or in the app sent the office to "pipelines/reference/access.yaml", the bundled copy, not the file read, and the
    Recommendations page called the register "pipelines/reference/recommendations.yaml". Each names the file read."""
    access()
    folder = Path(os.environ["PCCDASH_REFERENCE_DIR"])
    in_force = f'"{folder / "access.yaml"}"'

    refused = run_cli("approve", "2015-07", "--db", warehouse_db, "--as", "analyst@example.org")
    assert refused.exit_code == 1
    assert f"analyst@example.org may not approve: that needs the role pcc (given in {in_force})." in refused.output
    unnamed = run_cli("approve", "2015-07", "--db", warehouse_db, "--as", " ")
    assert unnamed.exit_code != 0
    assert f"an identity that {in_force} lets this account act as under command_line" in unnamed.output
    with pytest.raises(NotAllowed, match="may not publish: that needs the role pcc") as told:
        require(claims_of("analyst@example.org"), "publish")
    assert f"(given in {in_force})" in str(told.value)
    assert f"add it under issuers: in {in_force}" in refusal(claims_of("pcc@example.org", iss=ENTRA))

    at = internal(monkeypatch, warehouse_db, "internal_pages/briefing.py", NO_ROLE)
    shown = texts(at)
    assert f"Ask the office's administrator to add it to {in_force} (or to your identity provider's group" in shown
    at = internal(monkeypatch, warehouse_db, "internal_pages/recommendations.py", PCC)
    assert not at.exception, at.exception
    shown = texts(at)
    assert f'the register itself is "{folder / "recommendations.yaml"}".' in shown
    assert "pipelines/reference/" not in shown + refused.output + unnamed.output
