"""How a text in Welsh says a month, a small count, a length of time, a place and a measure, for the approval's check
of the figures a publication hides (`release.quoted_hidden_figures`): "Faint o arestiadau oedd yn Barnsley ym mis
Mawrth 2015? Roedd tri." publishes March's hidden count as surely as its English does.

The words are in pipelines/reference/welsh.yaml (the language's) and measures.yaml (each measure's `welsh`). A text is
read in Welsh only where it, or a line of it, is Welsh (`language.language_of`): an English text reads as it did, and
a word that is English too ("pump", "bump", "un") is never taken for a Welsh number in it.

Welsh changes a word's first letters after some words ("cyhuddo", "ei gyhuddo", "fy nghyhuddo", "ei chyhuddo"; "eu
harestio"): a measure's, a counted thing's and a place's words are read in each such form (`mutations`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import yaml

from ..catalogue import REFERENCE_DIR, YAML_LOADER
from ..publish.language import WELSH, language_of

# the first letters of a word and what each mutation makes of them: soft ("ei gyhuddo"), nasal ("fy nghyhuddo") and
# aspirate ("ei chyhuddo"); a word beginning with a vowel takes an "h" ("eu harestio")
_MUTATIONS = (("ll", ("l",)), ("rh", ("r",)), ("p", ("b", "mh", "ph")), ("t", ("d", "nh", "th")),
              ("c", ("g", "ngh", "ch")), ("b", ("f", "m")), ("d", ("dd", "n")), ("g", ("", "ng")), ("m", ("f",)))
_VOWELS = "aeiouwyâêîôûŵŷ"


def mutations(word: str) -> tuple[str, ...]:
    """A word and the forms Welsh mutates it into, its first word only for a phrase ("cyhuddo": "gyhuddo",
    "nghyhuddo", "chyhuddo"; "arestio": "harestio"), in its own case."""
    first, _, rest = word.partition(" ")
    tail = f" {rest}" if rest else ""
    lower = first.lower()
    forms = [first]
    for start, into in _MUTATIONS:
        if lower.startswith(start) and not lower.startswith(("ch", "ph", "th", "dd", "ff", "ng")):
            forms += [f"{m}{first[len(start):]}" for m in into if f"{m}{first[len(start):]}"]
            break
    if first[:1].isupper():  # "Powys": "Mhowys"
        forms = [f[:1].upper() + f[1:] for f in forms]
    if lower[:1] in _VOWELS:
        forms.append(f"h{first}")
    return tuple(dict.fromkeys(f"{f}{tail}" for f in forms))


@dataclass(frozen=True)
class Welsh:
    """The Welsh words of pipelines/reference/welsh.yaml, as the check reads them."""

    months: tuple[tuple[str, ...], ...]   # January to December, each name's forms
    month_word: tuple[str, ...]
    weekday_before: tuple[str, ...]
    twelve_months: tuple[str, ...]
    month_to_month: tuple[str, ...]
    quarter_letter: str
    numbers: dict                         # "un ar ddeg" -> 11
    counted: frozenset                    # every mutation, lower case
    not_a_thing: frozenset
    measure_nouns: dict                   # every mutation of a measure noun, lower case -> its English ("arrest",)
    force: tuple[str, ...]
    number_run: re.Pattern                # a run of number words, group 1
    noun_inside: re.Pattern               # a teen with its noun inside: the number, the noun, "ar ddeg"
    duration: re.Pattern                  # what follows a number that is a length of time


@functools.lru_cache(maxsize=1)
def welsh() -> Welsh:
    """The Welsh words, read once from the bundled pipelines/reference/welsh.yaml."""
    data = yaml.load((REFERENCE_DIR / "welsh.yaml").read_text(encoding="utf-8"), Loader=YAML_LOADER)
    numbers = {" ".join(str(form).lower().split()): int(n) for n, forms in data["numbers"].items() for form in forms}
    tokens = sorted({w for form in numbers for w in form.split()} - {"ar"} | set(data["bigger_numbers"]),
                    key=len, reverse=True)
    token = "(?:" + "|".join(re.escape(t) for t in tokens) + ")"
    before = "".join(rf"(?<!\b{re.escape(w)} )" if w[0].isalpha() else rf"(?<!{re.escape(w)} )"
                     for w in data["not_a_count_before"])
    before += "".join(rf"(?<!{q}r )" for q in ("'", "’"))  # "o'r ddau", as "o'r" is written with either
    # A teen said with its noun inside ("tri phlentyn ar ddeg", 13; "un achos ar bymtheg", 16) is read first, as the
    # noun ends no number: read alone, "tri" would be 3 and "ddeg" 10. Nor is a teen's end after "ar" a number of its
    # own where its start is not read ("y tri phlentyn ar ddeg", the thirteen).
    teen_end = r"ar\s+(?:ddeg|bymtheg|hugain)"
    not_a_teen_end = r"(?:(?<!\bar\s)|(?!(?:ddeg|bymtheg|hugain)(?![\w'’-])))"
    noun = rf"(?!(?:{token}|ar)(?![\w'’-]))[^\W\d_]+"
    number_run = re.compile(
        rf"(?<![\w'’-]){before}{not_a_teen_end}({token}\s+{noun}\s+{teen_end}|{token}(?:\s+(?:{teen_end}|{token}))*)"
        r"(?=['’][nri]\b|(?![\w'’-]))", re.IGNORECASE)
    noun_inside = re.compile(rf"({token})\s+({noun})\s+({teen_end})", re.IGNORECASE)
    duration = re.compile(r"[\s-]+(?:" + "|".join(re.escape(w) for w in data["durations"]) + r")\b", re.IGNORECASE)
    return Welsh(
        months=tuple(tuple(str(f) for f in m) for m in data["months"]),
        month_word=tuple(data["month_word"]), weekday_before=tuple(data["weekday_before"]),
        twelve_months=tuple(str(w) for w in data["twelve_months"]), month_to_month=tuple(data["month_to_month"]),
        quarter_letter=str(data["quarter_letter"]), numbers=numbers,
        counted=frozenset(f.lower() for w in data["counted"] for f in mutations(str(w))),
        not_a_thing=frozenset(str(w).lower() for w in data["not_a_thing"]),
        measure_nouns=_measure_nouns(data["measure_nouns"]),
        force=tuple(data["force"]), number_run=number_run, noun_inside=noun_inside, duration=duration)


def _measure_nouns(listed: dict) -> dict:
    """Each form of welsh.yaml's measure nouns, in every mutation and lower case, with the English nouns it is
    ("chyhuddiad": ("charge",))."""
    english: dict[str, set[str]] = {}
    for noun, words in listed.items():
        for form in (f.lower() for w in words for f in mutations(str(w))):
            english.setdefault(form, set()).add(str(noun))
    return {form: tuple(sorted(nouns)) for form, nouns in english.items()}


def measure_nouns_of(word: str) -> tuple[str, ...]:
    """The English measure nouns a Welsh word is, in any mutation ("chyhuddiad" after "tri": ("charge",)); () for
    any other word."""
    return welsh().measure_nouns.get(word.lower(), ())


def in_welsh(text: object) -> bool:
    """Whether a text is Welsh, or holds a line that is (a question sent in Welsh above the force's answer)."""
    written = str(text or "")
    return language_of(written) == WELSH or any(language_of(line) == WELSH for line in written.splitlines())


def number_of(run: str) -> int | None:
    """The small count a run of Welsh number words says ("tri", "un ar ddeg", "tri phlentyn ar ddeg": 13); None for
    any other ("tri deg"; "dau blentyn ar hugain", 22)."""
    w = welsh()
    if inside := w.noun_inside.fullmatch(run.strip()):
        run = f"{inside.group(1)} {inside.group(3)}"
    return w.numbers.get(" ".join(run.lower().split()))


def noun_inside(run: str) -> str:
    """The noun a teen is said with inside it ("plentyn" of "tri phlentyn ar ddeg"), as written; "" for a run with
    none."""
    inside = welsh().noun_inside.fullmatch(run.strip())
    return inside.group(2) if inside else ""


def words_pattern(words: tuple[str, ...] | list[str]) -> re.Pattern | None:
    """Any of the words or phrases, in any mutation, as whole words in any case; None for none."""
    forms = sorted({f for w in words for f in mutations(str(w))}, key=len, reverse=True)
    if not forms:
        return None
    alternatives = "|".join(r"\s+".join(re.escape(p) for p in f.split()) for f in forms)
    return re.compile(rf"(?<![\w'’-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


@functools.lru_cache(maxsize=512)
def cached_words_pattern(words: tuple[str, ...]) -> re.Pattern | None:
    return words_pattern(words)


@functools.lru_cache(maxsize=256)
def month_pattern(month: int, year: str | None) -> re.Pattern:
    """A month's Welsh name, with the year after it (`year`) or without one (a year is not next to it): with its
    capital, or in any case after "mis"; not a day of the week ("dydd Mawrth")."""
    w = welsh()
    names = "|".join(re.escape(n) for n in w.months[month - 1])
    lowered = "|".join(re.escape(n.lower()) for n in w.months[month - 1])
    mis = "|".join(re.escape(m) for m in w.month_word)
    weekday = "".join(rf"(?<!\b{re.escape(d)} )(?<!\b{re.escape(d.capitalize())} )" for d in w.weekday_before)
    after = rf"\s+{re.escape(year)}(?!\d)" if year else r"(?!\s+\d{4})"
    return re.compile(rf"(?:(?<![\w'’-]){weekday}(?:{names})|(?i:\b(?:{mis})\s+)(?i:{names}|{lowered}))"
                      rf"(?![\w'’-]){after}")


def quarter_named(text: str, n: int, start: int, first: int, year: int, yy: str) -> bool:
    """Whether a Welsh text names quarter `n` of the financial year from `start`: "Ch1 2015/16", or its first to
    its last month ("Ebrill i Fehefin 2015")."""
    w = welsh()
    if re.search(rf"(?<![\w]){re.escape(w.quarter_letter)}{n}\s+(?:{start}/{yy}|{start}-{yy})(?![\w/-])", text,
                 re.IGNORECASE):
        return True
    firsts = "|".join(re.escape(f) for f in w.months[first - 1])
    lasts = "|".join(re.escape(f) for f in w.months[first + 1])
    to = "|".join(r"\s+".join(re.escape(p) for p in t.split()) for t in w.month_to_month)
    return bool(re.search(rf"(?<![\w])(?:{firsts})\s+(?:{to})\s+(?:{lasts})\s+{year}(?!\d)", text))


def twelve_months_named(text: str) -> bool:
    """Whether a Welsh text speaks of 12 months ("12 mis hyd at Fawrth 2015", "y flwyddyn hyd at")."""
    pattern = cached_words_pattern(welsh().twelve_months)
    return bool(pattern and pattern.search(text))
