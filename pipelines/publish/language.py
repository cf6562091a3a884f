"""Which language a text from the public is in, so that a page can mark it (WCAG 3.1.2, Language of Parts).

The public pages are in English (`lang="en-GB"`); a question the public sent in Welsh, and the force's answer in
Welsh, are published as they were written. A screen reader reads a part in the page's language with English sounds
unless the part says otherwise: the words would come out as nonsense. `language_of` tells Welsh from English by the
short words every sentence uses, which are unlike in the two languages ("mae", "yn", "beth", "pam" against "the",
"is", "what", "why"); it says "cy" only where the Welsh words clearly outnumber the English ones, and nothing (the
page's language) otherwise: a place or a school named in Welsh in an English sentence stays English.

Only the standard library: the public app imports this.
"""

from __future__ import annotations

import re

WELSH = "cy"

# Words common in Welsh sentences that are not English words (nor a short form one could be taken for): the verb "to
# be" in its forms, the article, the prepositions, pronouns and question words, the clitics after an apostrophe
# ("mae'r", "heddlu'n") and the words a question to a police body often uses.
_WELSH_WORDS = frozenset("""
    yw ydy ydyw ydi mae maen roedd oedd oeddent bydd fydd byddai fyddai sydd oes ydych ydyn ydym ydw wyt dylai
    gall gallai gellir wedi yn yr y ac ag ar gan gyda efo heb dros drwy trwy rhwng mewn ym yng wrth tuag ynghylch
    ynglŷn ynglyn ei eu ein eich fy fi chi ni nhw ef fe fo hyn hynny hwn hon hyno yma yna yno beth pam sut pryd ble
    lle faint pwy pa ddim dim nid nad ond neu hefyd felly oherwydd achos bod fod cael gael gwneud wneud mwy llai
    heddlu plant plentyn ardal ardaloedd trosedd troseddau blwyddyn flwyddyn mis misoedd diolch ers cyn pobl
    cymuned cymunedau swyddogion comisiynydd bwrdd ddiogel diogelwch camfanteisio rhywiol nifer
    r n
""".split())
_ENGLISH_WORDS = frozenset("""
    the and of to is are was were be been being what why how when where who which will would can could should does
    do did has have had in on for with that this these those by from it its there their they we you our your not
    more less than about after before into over under because if so but or as an
""".split())
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def language_of(text: object) -> str:
    """"cy" for a text in Welsh, "" for one in English (the pages' own language) or one that cannot be told: at
    least two Welsh words, and more than twice as many as English ones."""
    return language_told(text) or ""


def language_told(text: object) -> str | None:
    """"cy" for a text in Welsh (`language_of`), "" for one that is not and says at least one of English's short
    words, None for one whose words tell neither: a line too short to be told ("Dau swyddog.", "2 officers."), which
    a reader takes in the language of what it answers."""
    words = [w.lower() for w in _WORD.findall(str(text or "").replace("’", "'"))]
    welsh = sum(w in _WELSH_WORDS for w in words)
    english = sum(w in _ENGLISH_WORDS for w in words)
    if welsh >= 2 and welsh > 2 * english:
        return WELSH
    return "" if english else None
