"""The office that holds the force to account, and the title of the one who holds that role, in words.

force.yaml names the office ("South Yorkshire Mayoral Combined Authority") and its holder's title ("Mayor (Police
and Crime Commissioner functions)"); pages, packs and commands say them as configured, never a title of their own.
The public side reads them from the published snapshot's meta (keys "office" and "holder_title"), never from the
reference files: `from_meta` gives the words a snapshot carries, with the usual title for a snapshot written before
the title was carried, for what the snapshot says of itself ("Published by ..."); `current` gives the words of
whoever holds the role now, as the pointer in force carries them, for text in the present tense ("... holds the
Chief Constable to account", whom to contact), and `contact_now` their contact details, the pointer's too. They differ
when the role has passed to another holder and a later publication was withdrawn, so that the public reads an earlier
snapshot again. Only the standard library: the public app imports this.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_TITLE = "Police and Crime Commissioner"
DEFAULT_OFFICE = "the office of the Police and Crime Commissioner"


def _the(name: str) -> str:
    """A name as said in a sentence: "the South Yorkshire Mayoral Combined Authority"."""
    name = " ".join(str(name or "").split())
    if not name:
        return ""
    return "the " + name[4:] if name.lower().startswith("the ") else "the " + name


@dataclass(frozen=True)
class Office:
    name: str = DEFAULT_OFFICE   # the office, as said in a sentence ("the South Yorkshire Mayoral Combined Authority")
    title: str = DEFAULT_TITLE   # the holder's title in full ("Mayor (Police and Crime Commissioner functions)")

    @property
    def short_title(self) -> str:
        """The title said again after the first time: its words before any bracket ("Mayor"); "Commissioner" for
        the Police and Crime Commissioner."""
        short = re.sub(r"\s*\(.*?\)\s*", " ", self.title).strip() or self.title
        return "Commissioner" if short == DEFAULT_TITLE else short

    @property
    def holder(self) -> str:
        """The holder, first named: "the Mayor (Police and Crime Commissioner functions)"."""
        return f"the {self.title}"

    @property
    def holder_short(self) -> str:
        """The holder, named again: "the Mayor"."""
        return f"the {self.short_title}"

    @property
    def holders(self) -> str:
        """Of the holder, named again: "the Mayor's" ("the Mayor of the West Midlands'")."""
        return possessive(self.holder_short)


def possessive(name: str) -> str:
    """Of a name: "Rotherham's", and for a name ending in s, "West Midlands'" (not "West Midlands's")."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def cap(text: str) -> str:
    """A sentence's first word capitalised ("The Mayor ...")."""
    return text[:1].upper() + text[1:]


def in_sentence(name: str) -> str:
    """A name as it reads inside a sentence: its first letter lower-cased unless it starts an abbreviation
    ("Victims and survivors of CSE supported" -> "victims and survivors of CSE supported"; "CSE suspects
    identified" and "CAWNs issued" kept), never the whole name lower-cased ("cse")."""
    return name[:1].lower() + name[1:] if len(name) > 1 and name[0].isupper() and name[1].islower() else name


def office(name: object = None, title: object = None) -> Office:
    """The office's words from its name and its holder's title, each falling back to the usual one when not given."""
    name = _the(str(name or "")) or DEFAULT_OFFICE
    title = " ".join(str(title or "").split()) or DEFAULT_TITLE
    return Office(name, title)


def from_meta(meta: Mapping | None, pointer: Mapping | None = None) -> Office:
    """The office's words as a published snapshot's meta carries them (else the pointer beside it, as a withdrawal
    that left no snapshot keeps them); an older snapshot without the holder's title reads the usual one."""
    meta, pointer = dict(meta or {}), dict(pointer or {})
    return office(meta.get("office") or pointer.get("office"), meta.get("holder_title") or pointer.get("holder_title"))


def current(meta: Mapping | None, pointer: Mapping | None = None) -> Office:
    """The office's words as they stand now, for present-tense text: the pointer in force's (the newest publication's,
    which a withdrawal keeps while the public reads an earlier snapshot again), else the snapshot's (`from_meta`).
    A snapshot published before the role passed to another holder still says who published it (`from_meta`), while
    who holds the role now, and whom to contact, are the pointer's."""
    meta, pointer = dict(meta or {}), dict(pointer or {})
    name = pointer.get("office") or meta.get("office")
    # a pointer written before the title was carried: the snapshot's title, when it is the same office's
    title = pointer.get("holder_title") or (meta.get("holder_title") if name == meta.get("office") else None)
    return office(name, title)


CONTACT_KEYS = ("name", "email", "phone", "address", "response_time")  # what the pages give of the office's contact


def contact_now(published: Mapping, pointer: Mapping | None = None) -> dict:
    """The office's contact details as they stand now, for "contact ..." (present tense, as `current`): the pointer in
    force's (a withdrawal's, which keeps the newest publication's), else those the snapshot was published with. After
    a withdrawal back past a change of holder, whom to contact is then whoever holds the role now, as the name is."""
    found = dict(pointer or {}).get("contact")
    if isinstance(found, Mapping) and all(found.get(key) for key in CONTACT_KEYS):
        return dict(found)
    return dict(published)


def contact(details: Mapping, said: Office) -> dict:
    """The office's contact details (public_info.yaml's contact) as the public reads them. While they are still the
    file's examples (example_values), the example's name and first line of address are this office's, so that they
    never name an office of another kind ("the South Yorkshire Mayoral Combined Authority (example details, ...)")."""
    details = dict(details)
    if details.get("example_values"):
        details["name"] = f"{said.name} (example details, to be set by the office)"
        address = list(details.get("address") or [])
        details["address"] = [cap(said.name), *address[1:]]
    return details


def configured() -> Office:
    """The office's words as force.yaml gives them now (for the internal pages, the pack and the commands)."""
    from .catalogue import force

    f = force()
    return office(f.office_name, f.holder_title)


# Words that name no kind of office, for text that must be said even when force.yaml cannot be read.
NEUTRAL = Office("the office", "office holder")


def configured_or_neutral() -> Office:
    """force.yaml's words, else neutral ones ("the office", "the office holder") where a force.yaml that cannot be
    read must not stop the text being said: a command's help, the sign-in page, the demo's list of users."""
    try:
        return configured()
    except Exception:  # noqa: BLE001 -- whatever is wrong with the file, `pccdash check` and the pages name it
        return NEUTRAL
