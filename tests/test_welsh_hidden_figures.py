"""A text in Welsh (a question the public sent in Welsh, the force's answer in Welsh) that ties a number to a figure
the publication hides is read as its English would be: the number, the month, the place and the measure in Welsh."""

from __future__ import annotations

import datetime as dt
import shutil

import pandas as pd
import yaml

from pipelines.accountability.release import (
    hidden_number_warnings,
    quoted_hidden_figures,
    small_number_warnings,
    whole_numbers,
)
from pipelines.catalogue import REFERENCE_DIR, catalogue
from pipelines.publish.snapshot import HIDDEN_COLUMNS

ASKED = "Faint o arestiadau CSE oedd yn Barnsley ym mis Mawrth 2015?"


def _hidden(*rows) -> pd.DataFrame:
    return pd.DataFrame([(m, a, p, t, v, "", "", "") for m, a, p, t, v in rows], columns=HIDDEN_COLUMNS)


MARCH = _hidden(("cse_arrests", "Barnsley", "2015-03", "month", 3),
                ("cse_charges", "Doncaster", "2015-03", "month", 2))


def tied(text, context=None, hidden=MARCH, days=()):
    return [(q.number, q.figure) for q in quoted_hidden_figures(text, hidden, context, days) if q.tied]


def test_a_welsh_answer_quoting_a_hidden_count_is_tied_to_its_figure_as_its_english_is():
    """Regression: "Faint o arestiadau CSE oedd yn Barnsley ym mis Mawrth 2015?" answered "Roedd 3." was only said
    to mention a number equal to a hidden one, and was published with Barnsley's hidden 3; the same in English
    stops the publication. The check knew only English months, numbers and measures."""
    arrests = [(3, "CSE arrests for Barnsley in March 2015")]
    assert tied("Roedd 3.", ASKED) == arrests
    assert tied(f"{ASKED}\nRoedd 3.") == arrests, "the record's texts, one to a line, as the approval reads them"
    assert tied("How many CSE arrests were there in Barnsley in March 2015? There were 3.") == arrests
    warning = hidden_number_warnings(None, f"{ASKED} Roedd 3.", MARCH)
    assert warning and warning.startswith("This text quotes a figure the next publication hides"), warning
    assert "publishing is refused" in warning, warning

    # the count in Welsh words, mutated as a sentence says it, the month after "fis" or mutated, the measure as its
    # verb in each mutation
    for text in ("Roedd tri.", "Cafodd dri eu harestio.", "Tri pherson a arestiwyd."):
        assert tied(text, ASKED) == arrests, text
        assert whole_numbers(f"{ASKED} {text}")[-1][0] == 3, text
    assert tied("Ers fis Mawrth 2015 cafodd tri eu harestio yn Barnsley.") == arrests
    assert tied("Cafodd dau eu cyhuddo yn Doncaster ym mis Mawrth 2015.") == [
        (2, "CSE charges for Doncaster in March 2015")]
    assert tied("Cafodd dau eu harestio yn Doncaster ym mis Mawrth 2015.") == [], "arrests, not charges"
    # the month by its name alone, as read on the day the text was said, as an English month is
    assert tied("Cafodd tri eu harestio yn Barnsley ym mis Mawrth.", days=(dt.date(2015, 4, 20),)) == arrests
    assert tied("Cafodd tri eu harestio yn Barnsley ym mis Mawrth.", days=(dt.date(2016, 4, 20),)) == []


def test_a_welsh_text_is_not_tied_where_it_names_another_thing_than_the_figure():
    """A Welsh text ties a number no more readily than its English: Tuesday is not March ("dydd Mawrth"), "y ddau"
    (the two) and "dim un" (none) count nothing, "tri mis" is a length of time, "tri deg" is 30, and "un cyfarfod"
    (one meeting) counts what no figure counts as "one operation" does. English words that are Welsh numbers too
    ("pump", "bump", "un") are not numbers in an English text."""
    days = (dt.date(2015, 3, 20),)
    assert tied("Cafodd tri eu harestio yn Barnsley ddydd Mawrth.", days=days) == []
    assert tied("Cafodd tri eu harestio yn Barnsley ym mis Mawrth.", days=days) == [
        (3, "CSE arrests for Barnsley in March 2015")]
    assert tied("Cafodd y ddau eu cyhuddo yn Doncaster ym mis Mawrth 2015.") == []
    assert tied("Tri mis yn ôl, ym mis Mawrth 2015, roedd arestiadau yn Barnsley.") == []
    assert tied("Roedd tri deg o arestiadau yn Barnsley ym mis Mawrth 2015.") == []
    assert whole_numbers("Roedd tri deg o arestiadau; dau ar hugain; tri chant; dim un; o fewn 12 wythnos.") == []
    one = _hidden(("cse_arrests", "Barnsley", "2015-03", "month", 1))
    assert tied("Bu un cyfarfod yn Barnsley ym mis Mawrth 2015. Roedd llai o arestiadau.", hidden=one) == []
    assert tied("There was one operation in Barnsley in March 2015. Arrests fell.", hidden=one) == []
    assert tied("Cafodd un plentyn ei arestio yn Barnsley ym mis Mawrth 2015.", hidden=one) == [
        (1, "CSE arrests for Barnsley in March 2015")]
    assert tied("Un person a arestiwyd yn Barnsley ym mis Mawrth 2015.", hidden=one) == [
        (1, "CSE arrests for Barnsley in March 2015")]

    five = _hidden(("cse_arrests", "Barnsley", "2015-03", "month", 5))
    english = "We will pump money into work on CSE arrests in Barnsley after March 2015: a bump, a UN report."
    assert whole_numbers(english) == [(2015, "2015")]
    assert tied(english, hidden=five) == [] and tied(english, hidden=one) == []
    assert whole_numbers("Mae pump wedi eu harestio yn Barnsley.") == [(5, "pump")]
    assert small_number_warnings("Roedd dau wedi eu harestio yn Barnsley.") is not None


def test_a_welsh_text_names_a_quarter_and_twelve_months_as_its_english_does():
    hidden = _hidden(("cse_arrests", "Barnsley", "Q1 2015/16", "quarter", 12),
                     ("cse_charges", "Rotherham", "12 months to 2015-07", "rolling_12_months", 16))
    quarter = [(12, "CSE arrests for Barnsley in Q1 2015/16")]
    assert tied("Cafodd deuddeg eu harestio yn Barnsley rhwng Ebrill i Fehefin 2015.", hidden=hidden) == quarter
    assert tied("Roedd 12 arestiad yn Barnsley yn Ch1 2015/16.", hidden=hidden) == quarter
    assert tied("Roedd 12 arestiad yn Barnsley ym mis Ebrill 2015.", hidden=hidden) == [], "a month, not the quarter"
    rolling = [(16, "CSE charges for Rotherham in the 12 months to July 2015")]
    assert tied("Cafodd un ar bymtheg eu cyhuddo yn Rotherham yn y 12 mis hyd at Orffennaf 2015.",
                hidden=hidden) == rolling
    assert tied("Cafodd 16 eu cyhuddo yn Rotherham ym mis Gorffennaf 2015.", hidden=hidden) == []


def test_the_force_is_named_in_welsh_and_a_district_by_its_welsh_name_in_force_yaml(tmp_path, monkeypatch):
    """A figure of the whole force is named by "yr heddlu" as by "the force"; a district whose Welsh name force.yaml
    gives as an alias is named by it, in its mutations too ("yng Nghaerdydd", in Cardiff)."""
    force = _hidden(("cse_arrests", "South Yorkshire", "2015-03", "month", 7))
    assert tied("Arestiodd yr heddlu saith yn Barnsley a Doncaster ym mis Mawrth 2015: saith arestiad.",
                hidden=force) == [(7, "CSE arrests for South Yorkshire in March 2015")]

    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, folder)
    path = folder / "force.yaml"
    text = path.read_text(encoding="utf-8")
    assert "  - name: Barnsley\n    aliases: []" in text
    path.write_text(text.replace("  - name: Barnsley\n    aliases: []", "  - name: Cardiff\n    aliases: [Caerdydd]"),
                    encoding="utf-8")
    monkeypatch.setenv("PCCDASH_REFERENCE_DIR", str(folder))
    cardiff = _hidden(("cse_arrests", "Cardiff", "2015-03", "month", 3))
    assert tied("Cafodd tri eu harestio yng Nghaerdydd ym mis Mawrth 2015.", hidden=cardiff) == [
        (3, "CSE arrests for Cardiff in March 2015")]
    assert tied("Three were arrested in Caerdydd in March 2015.", hidden=cardiff) == [
        (3, "CSE arrests for Cardiff in March 2015")]


def test_every_count_a_return_sends_has_welsh_words():
    """Each measure a publication may hide is named in Welsh by the words measures.yaml gives it."""
    lacking = [m.id for m in catalogue().measures if m.from_force_return and not m.welsh]
    assert lacking == []


def test_a_welsh_teen_said_with_its_noun_inside_is_read_as_the_teen():
    """Regression: "tri phlentyn ar ddeg" (thirteen children: Welsh puts the noun inside the teen) was read as 3 and
    10, so a hidden 13 published in it went untied and an answer saying it was stopped over a hidden 3 of the same
    month and place. Each teen said with its noun inside is read as the teen; a length of time so said ("tri mis ar
    ddeg", 13 months) counts nothing, and "ar hugain" makes no small count whatever is inside it."""
    said = {"Cafodd tri phlentyn ar ddeg eu harestio.": 13, "Roedd pedwar achos ar ddeg.": 14,
            "Cafodd un plentyn ar ddeg ei arestio.": 11, "Roedd tair merch ar ddeg.": 13,
            "Cafodd un bachgen ar bymtheg ei arestio.": 16, "Roedd dau blentyn ar bymtheg.": 17,
            "Roedd pedair merch ar bymtheg.": 19, "Cafodd dri dyn ar ddeg eu harestio.": 13}
    for text, n in said.items():
        assert [v for v, _ in whole_numbers(text, welsh=True)] == [n], text
    assert whole_numbers("Cafodd tri phlentyn ar ddeg eu harestio.", welsh=True) == [(13, "tri phlentyn ar ddeg")]
    assert whole_numbers("Roedd dau blentyn ar hugain; tri mis ar ddeg yn ôl; pedair blynedd ar ddeg.",
                         welsh=True) == []
    assert whole_numbers("Roedd y tri phlentyn ar ddeg wedi eu harestio.", welsh=True) == [], "the thirteen"

    text = "Cafodd tri phlentyn ar ddeg eu harestio yn Barnsley ym mis Mawrth 2015."
    thirteen = _hidden(("cse_arrests", "Barnsley", "2015-03", "month", 13))
    assert tied(text, hidden=thirteen) == [(13, "CSE arrests for Barnsley in March 2015")]
    assert tied(text) == [], "no 3 in it to be Barnsley's hidden 3"
    assert quoted_hidden_figures(text, MARCH) == []
    ten = _hidden(("cse_arrests", "Barnsley", "2015-03", "month", 10))
    assert tied(text, hidden=ten) == []
    assert tied("Cafodd un achos ar bymtheg eu cyhuddo yn Rotherham yn y 12 mis hyd at Orffennaf 2015.",
                hidden=_hidden(("cse_charges", "Rotherham", "12 months to 2015-07", "rolling_12_months", 16))) == [
        (16, "CSE charges for Rotherham in the 12 months to July 2015")]


def test_a_welsh_number_before_a_noun_no_figure_counts_is_not_tied_as_its_english_is_not():
    """"Cafodd dau swyddog eu hyfforddi" (two officers were trained) counts officers, as "two officers were trained"
    does: the 2 is not Barnsley's hidden 2 arrests. Regression: Welsh says a number before a singular noun, and only a
    plural (or a noun after "un") was read as a thing counted, so the 2 stayed tied to the arrests and publishing was
    refused. Said of a noun the figure counts (officers beside officers trained, a person, a child), in a clause naming
    the measure ("dau swyddog eu harestio"), or of a word that is no thing ("dau mewn dalfa", "dau gafodd eu
    harestio"), the number may be the figure and stays tied."""
    arrests = _hidden(("cse_arrests", "Barnsley", "2015-03", "month", 2))
    trained = _hidden(("officers_trained", "Barnsley", "2015-03", "month", 2))
    officers = "Cafodd dau swyddog eu hyfforddi yn Barnsley ym mis Mawrth 2015. Roedd llai o arestiadau."
    assert tied(officers, hidden=arrests) == []
    assert tied("There were two officers trained in Barnsley in March 2015. Arrests fell.", hidden=arrests) == []
    assert tied(officers, hidden=trained) == [(2, "Officers trained for Barnsley in March 2015")]
    assert tied("Roedd tri swyddog ar ddeg yn Barnsley ym mis Mawrth 2015. Roedd llai o arestiadau.",
                hidden=_hidden(("cse_arrests", "Barnsley", "2015-03", "month", 13))) == []
    two = [(2, "CSE arrests for Barnsley in March 2015")]
    for text in ("Cafodd dau swyddog eu harestio yn Barnsley ym mis Mawrth 2015.",
                 "Cafodd dau blentyn eu harestio yn Barnsley ym mis Mawrth 2015.",
                 "Roedd dau berson yn Barnsley ym mis Mawrth 2015 a arestiwyd."):
        assert tied(text, hidden=arrests) == two, text
    for text in ("Roedd dau mewn dalfa.", "Roedd dau gafodd eu harestio.", "Roedd dau ddyn wedi eu harestio.",
                 "Roedd dau hen ddyn.", "Cafodd dau eu harestio."):
        assert tied(text, ASKED, hidden=arrests) == two, text


def test_a_welsh_number_said_of_another_measures_noun_is_that_measures_as_in_english():
    """Regression: "Roedd 7 arestiad yn Barnsley ym mis Mawrth 2015, a thri chyhuddiad." (7 arrests and three charges)
    was tied to Barnsley's hidden 3 arrests of March 2015 and publishing was refused, while its English ("and three
    charges") is not: a number said directly of another measure's noun is that measure's, and only English nouns were
    known. The Welsh nouns (welsh.yaml's `measure_nouns`) count for it in each mutation, a teen with its noun inside
    too; said of the figure's own noun, or of a noun its measure's names name, the number stays tied."""
    arrests = _hidden(("cse_arrests", "Barnsley", "2015-03", "month", 3))
    for text in ("Roedd 7 arestiad yn Barnsley ym mis Mawrth 2015, a thri chyhuddiad.",
                 "Roedd 7 arestiad yn Barnsley ym mis Mawrth 2015, a 3 chyhuddiad.",
                 "Roedd 7 arestiad yn Barnsley ym mis Mawrth 2015, a dau gyhuddiad a thri atgyfeiriad.",
                 "There were 7 arrests in Barnsley in March 2015, and three charges."):
        assert tied(text, hidden=arrests) == [], text
    assert tied("Roedd tri arestiad a dau gyhuddiad yn Barnsley ym mis Mawrth 2015.", hidden=arrests) == [
        (3, "CSE arrests for Barnsley in March 2015")]
    both = _hidden(("cse_arrests", "Barnsley", "2015-03", "month", 7),
                   ("cse_charges", "Barnsley", "2015-03", "month", 3))
    assert tied("Roedd 7 arestiad yn Barnsley ym mis Mawrth 2015, a thri chyhuddiad.", hidden=both) == [
        (3, "CSE charges for Barnsley in March 2015"), (7, "CSE arrests for Barnsley in March 2015")]

    thirteen = _hidden(("cse_arrests", "Barnsley", "2015-03", "month", 13),
                       ("cse_charges", "Barnsley", "2015-03", "month", 13))
    assert tied("Ym mis Mawrth 2015 roedd tri chyhuddiad ar ddeg yn Barnsley, ac arestiadau.", hidden=thirteen) == [
        (13, "CSE charges for Barnsley in March 2015")]

    # a noun the measure's names name is its own: an outcome of charge or summons counts charges and summonses, and a
    # live investigation's count is said of investigations
    outcome = _hidden(("cse_outcome_charge", "Barnsley", "2015-03", "month", 3))
    assert tied("Roedd tri chyhuddiad yn Barnsley ym mis Mawrth 2015.", hidden=outcome) == [
        (3, "Outcome charge or summons for Barnsley in March 2015")]
    # regression: "gwysion" (summonses) was no Welsh word of the measure, so "tair gwysion" was read as no count of it,
    # while "three summonses" is; said beside arrests it is the outcome's noun, not the arrests'
    for text in ("Roedd tair gwysion yn Barnsley ym mis Mawrth 2015.",
                 "Roedd tair gwŷs yn Barnsley ym mis Mawrth 2015.",
                 "There were three summonses in Barnsley in March 2015."):
        assert tied(text, hidden=outcome) == [(3, "Outcome charge or summons for Barnsley in March 2015")], text
    for text in ("Roedd 7 arestiad yn Barnsley ym mis Mawrth 2015, a thair gwysion.",
                 "There were 7 arrests in Barnsley in March 2015, and three summonses."):
        assert tied(text, hidden=arrests) == [], text
    live = _hidden(("cse_live_investigations", "Barnsley", "2015-03", "month", 3))
    assert tied("Roedd tri ymchwiliad yn Barnsley ym mis Mawrth 2015, ac arestiadau.", hidden=live) == [
        (3, "Live CSE investigations for Barnsley in March 2015")]
    assert tied("Roedd tri ymchwiliad yn Barnsley ym mis Mawrth 2015, ac arestiadau.", hidden=arrests) == []


def test_each_welsh_measure_noun_is_a_word_of_a_measure_naming_its_english():
    """welsh.yaml's measure nouns are the nouns measures.yaml's Welsh words name each measure by: each is among the
    Welsh words of a measure whose names name the English noun it is listed under, and each English noun is one the
    check knows."""
    from pipelines.accountability import welsh as cy
    from pipelines.accountability.release import _MEASURE_NOUNS, _nouns_named

    listed = yaml.safe_load((REFERENCE_DIR / "welsh.yaml").read_text(encoding="utf-8"))["measure_nouns"]
    assert set(listed) <= _MEASURE_NOUNS
    for noun, words in listed.items():
        for word in words:
            assert any(word in m.welsh and noun in _nouns_named(" ".join((m.short_name, m.name, *m.aliases, m.unit)))
                       for m in catalogue().measures), (noun, word)
            assert cy.measure_nouns_of(word.upper()) == (noun,)
    assert cy.measure_nouns_of("chyhuddiad") == ("charge",) and cy.measure_nouns_of("harestiadau") == ("arrest",)


def test_a_welsh_answer_line_too_short_to_be_told_is_read_in_the_welsh_of_its_question():
    """Regression: "Dau swyddog." (two officers) answering a question in Welsh was read as English, as a line too short
    to be told is not Welsh, so "swyddog" (singular after a number, as Welsh says it) was no thing counted and the 2
    stayed tied to Barnsley's hidden 2 arrests, while "Two officers." is not. Such a line is read in Welsh where its
    number is Welsh, or in digits under a question in Welsh; in English where its number is an English word or its
    question is in English."""
    arrests = _hidden(("cse_arrests", "Barnsley", "2015-03", "month", 2))
    two = [(2, "CSE arrests for Barnsley in March 2015")]
    english = "How many CSE arrests were there in Barnsley in March 2015?"
    for text in ("Dau swyddog.", "2 swyddog.", "Roedd dau swyddog."):
        assert tied(text, ASKED, hidden=arrests) == [], text
    assert tied("Two officers.", english, hidden=arrests) == []
    for text in ("Dau.", "Dau ddyn.", "Dau berson.", "Dau gafodd eu harestio.", "2 arestiad."):
        assert tied(text, ASKED, hidden=arrests) == two, text
    # in English, "swyddog" is no plural: the number may be the figure, as "2 swyddog" under an English question is
    assert tied("2 swyddog.", english, hidden=arrests) == two
    assert tied("Two police.", ASKED, hidden=arrests) == two, "an English number: the line is English"


def test_a_welsh_teen_mutated_after_and_is_read_as_the_teen():
    """Regression: after "a" (and) or "gyda" (with) Welsh aspirates a teen's first word ("a thri ar ddeg", "a
    phymtheg", "a thri phlentyn ar ddeg"), and only the plain and soft teens were known, so no number was read in it:
    a hidden 13 said so was neither tied nor pointed out, and published."""
    said = {"Roedd arestiadau, a thri ar ddeg ohonynt yn blant.": 13, "a thair ar ddeg": 13, "a phedwar ar ddeg": 14,
            "a phedair ar ddeg": 14, "a phymtheg o arestiadau": 15, "a phymtheng mlynedd": None,
            "a phedwar ar bymtheg": 19, "a phedair ar bymtheg": 19, "gyda thri phlentyn ar ddeg": 13}
    for text, n in said.items():
        assert [v for v, _ in whole_numbers(text, welsh=True)] == ([n] if n else []), text
    thirteen = _hidden(("cse_arrests", "Barnsley", "2015-03", "month", 13))
    assert tied("Ym mis Mawrth 2015 yn Barnsley roedd saith cyhuddiad, a thri phlentyn ar ddeg a arestiwyd.",
                hidden=thirteen) == [(13, "CSE arrests for Barnsley in March 2015")]
    assert tied("Cafodd saith eu cyhuddo yn Barnsley ym mis Mawrth 2015 a thri ar ddeg eu harestio.",
                hidden=thirteen) == [(13, "CSE arrests for Barnsley in March 2015")]


def test_a_welsh_count_said_with_o_before_another_measures_noun_is_that_measures():
    """Regression: "a 13 o gyhuddiadau" (and 13 charges: Welsh often says a count with "o", of, before a plural) was
    tied to Barnsley's hidden 13 arrests named beside it, and publishing was refused, as only a noun straight after the
    number was read as what it counts. Said with "o" of the figure's own noun, the number stays tied."""
    arrests = _hidden(("cse_arrests", "Barnsley", "2015-03", "month", 13))
    for text in ("Roedd 7 arestiad yn Barnsley ym mis Mawrth 2015, a 13 o gyhuddiadau.",
                 "Roedd arestiadau yn Barnsley ym mis Mawrth 2015, a thri ar ddeg o atgyfeiriadau."):
        assert tied(text, hidden=arrests) == [], text
    thirteen = [(13, "CSE arrests for Barnsley in March 2015")]
    assert tied("Roedd 13 o arestiadau yn Barnsley ym mis Mawrth 2015, a chyhuddiadau.", hidden=arrests) == thirteen
    charges = _hidden(("cse_charges", "Barnsley", "2015-03", "month", 13))
    assert tied("Roedd 7 arestiad yn Barnsley ym mis Mawrth 2015, a 13 o gyhuddiadau.", hidden=charges) == [
        (13, "CSE charges for Barnsley in March 2015")]
    assert tied("Roedd 13 ohonynt yn Barnsley ym mis Mawrth 2015 wedi eu harestio.", hidden=arrests) == thirteen
