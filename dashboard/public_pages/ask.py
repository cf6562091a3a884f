"""Ask the Board a question (public): the public app's only write, into the inbox the office imports from."""

import secrets
import string

import streamlit as st

from dashboard import public_data, public_view
from pipelines import catalogue, inbox, office, settings
from pipelines.errors import ConfigError, record_fault
from pipelines.plaintext import blank
from pipelines.uk_time import MONTHS

SENT, REFUSED, CUT, REPLY = "ask_receipt", "ask_refusal", "ask_cut", "ask_reply"
# a question sent already in this session (its reference), the personal details found in one before it is sent, the
# words so warned about (sent as they are if Send is pressed again unchanged), and each question sent: its words ->
# its reference
ALREADY, PERSONAL, WARNED, BODIES = "ask_already", "ask_personal", "ask_warned", "ask_bodies"
FIELDS = ("ask_body", "ask_name", "ask_contact")


def literal(text: str) -> str:
    """A sentence shown exactly as written in Markdown (its "<b>" and "&amp;" too)."""
    return "".join("\\" + ch if ch in string.punctuation else ch for ch in text)


def send() -> None:
    """Take the form's question into the inbox; on success clear the form, so it is not sent twice."""
    body = str(st.session_state.get("ask_body") or "")
    # the box is emptied when a question is received: pressed again (a double click, or to be sure), the refusal
    # says that question was received, with its reference, rather than leave "Not sent" over a question that was sent
    earlier = st.session_state.get(SENT) if blank(body) else None
    for key in (SENT, REFUSED, ALREADY, PERSONAL):
        st.session_state.pop(key, None)
    session = st.session_state.setdefault("ask_session", secrets.token_hex(16))
    if blank(body):  # the box also stays empty when a paste is too long; a zero-width space is nothing to read
        st.session_state[REFUSED] = (f"Write your question in the box first. It may be at most "
                                     f"{inbox.LIMITS['body']:,} characters; a longer text pasted in is not taken, so "
                                     "shorten it before pasting." + (
                                         f" The question you sent before was received: its reference is {earlier}. "
                                         "Nothing more was sent." if earlier else ""))
        if earlier:
            st.session_state[SENT] = earlier
        return
    words = " ".join(body.split()).casefold()  # the same words, however spaced or capitalised
    sent = st.session_state.setdefault(BODIES, {})
    if words in sent:  # sent already from this page: told its reference, not sent twice
        st.session_state[ALREADY] = sent[words]
        return
    details = inbox.personal_details(body, figure_label)
    if details and st.session_state.get(WARNED) != words:  # said before it is sent; pressed again, it is sent
        st.session_state[WARNED] = words
        st.session_state[PERSONAL] = details
        return
    try:
        receipt = inbox.submit(st.session_state.get("ask_body", ""), st.session_state.get("ask_name", ""),
                               st.session_state.get("ask_contact", ""), session=session)
    except inbox.SubmissionRefused as exc:
        st.session_state[REFUSED] = str(exc)
        return
    except OSError as exc:  # the inbox folder cannot be written: told as a sentence, the details kept in the log
        record_fault(exc)
        st.session_state[REFUSED] = ("Your question could not be received just now because of a fault on our "
                                     "side. Nothing was sent; please try again later.")
        return
    st.session_state[SENT] = receipt
    sent[words] = receipt
    st.session_state.pop(WARNED, None)
    st.session_state[REPLY] = bool(str(st.session_state.get("ask_contact") or "").strip())
    # the form takes at most the limit (a longer paste is cut there): say so, or the cut would go unnoticed
    st.session_state[CUT] = len(st.session_state.get("ask_body") or "") >= inbox.LIMITS["body"]
    for key in FIELDS:
        st.session_state[key] = ""


def figure_label(word: str) -> bool:
    """Whether a word before a number in brackets is the force's or a district's name, or a month's ("Rotherham (14)"):
    a figure, not a person's name and age."""
    try:
        known = catalogue.force()
        places = {w for name in (known.force_short_name, *known.districts) for w in str(name).split()}
    except ConfigError:
        places = set()
    return word in places or word in MONTHS


def personal_warning(details: list[tuple[str, list[str]]]) -> str:
    """What the sender is told before a question giving personal details is sent: what was found, that it is taken
    out before anything is published, and to leave it out (the contact box being the place for their own)."""
    found = [f"{kind} (“{'”, “'.join(hits[:3])}”)" for kind, hits in details]
    gives = found[0] if len(found) == 1 else ", ".join(found[:-1]) + " and " + found[-1]
    return (f"Your question has not been sent yet. It seems to give {gives}. Anything in a question that could "
            "identify someone, a child above all, is taken out before anything is published, so please leave such "
            "details out of the question: to be replied to, put your own contact details in the box for them, "
            "which is never published. To send the question as it is, press Send again.")


def privacy(said) -> str:
    """How the name and contact are used, how long they are kept, and how to have them erased: whom to write to as
    the Contact page gives the office's details."""
    try:
        months = settings.get_int("contact_retention_months")
        how_long = (f"until {catalogue.counted(months, 'month')} after your question is answered at a Board, "
                    "or the office decides not to put it,")
    except ConfigError as exc:  # the setting is wrong: said in the log, and the promise made without its number
        record_fault(exc)
        how_long = "only until your question is answered at a Board, or the office decides not to put it,"
    contact = public_data.page("pipelines.publish.info.contact_of")
    ways = " or ".join(f"{how} {contact[key]}" for key, how in (("email", "e-mail"), ("phone", "call"))
                       if contact.get(key))
    return ("Your name and contact details are optional. They are used only to reply to you, and are never "
            f"published. {office.cap(said.name)} keeps them {how_long} and then erases them; your "
            "question itself is kept, unless the office decides not to put it: then it is erased with them. To "
            "have them erased sooner, or to ask what is kept about you, contact "
            f"{contact.get('name') or said.name}" + (f": {ways}" if ways else "") + ", giving your question's "
            "reference.")


def next_steps(said, reply: bool) -> str:
    """What happens to a question received, and where the sender will find it answered: on the Questions and
    decisions page once approved, and from the office itself only when a contact was given."""
    steps = (f"{office.cap(said.name)} reads it before the next Public Accountability Board. If it is put to the "
             "Board, it appears under Questions and decisions on these pages, with the force's answer, once "
             f"{said.holder_short} has approved them for publication.")
    if reply:
        return steps + " The office will use the contact details you gave only to reply to you."
    return (steps + " You gave no contact details, so the office cannot reply to you: look for your question under "
            "Questions and decisions after the Board.")


st.title("Ask the Board a question")
public_view.signpost()
# the office and its holder's title as they stand now (the newest publication's, kept by a withdrawal since)
said = public_data.office()
st.markdown(
    f"{literal(office.cap(said.holder))} holds the Chief Constable to account at the **Public Accountability "
    "Board**, which meets in public every month; its dates and papers are on "
    f"{literal(office.possessive(said.name))} website, and anyone may come. You can send a question here for a "
    "forthcoming Board.\n\n"
    f"{literal(office.cap(said.name))} reads every question before any is put. Nothing you write is shown on these "
    "pages unless the office accepts your question, and then it may be edited (shortened, or joined with "
    "others like it). Questions put at a Board, and what the force answered, appear under *Questions and "
    "decisions*.\n\n" + literal(privacy(said)))
st.warning(
    "**Do not use this form to report a crime or a concern about a child**: it is read only before a Board, "
    "not straight away. In an emergency call **999**. To report a crime that is not an emergency, call **101**. "
    "If you are worried about a child, call the NSPCC helpline on **0808 800 5000**; children and young people "
    "can call Childline free on **0800 1111**.", icon=":material/emergency:")

with st.form("ask_form", enter_to_submit=False):
    st.text_area("Your question", key="ask_body", max_chars=inbox.LIMITS["body"], height=160,
                 help="Plain words, at most 1,500 characters. Please do not name anyone, or a child.")
    st.text_input("Your name (optional)", key="ask_name", max_chars=inbox.LIMITS["name"])
    st.text_input("Contact details (optional)", key="ask_contact", max_chars=inbox.LIMITS["contact"],
                  help=f"{inbox.CONTACT_HELP[0].upper()}{inbox.CONTACT_HELP[1:]}; never published.")
    st.form_submit_button("Send the question", type="primary", on_click=send, icon=":material/send:")

if st.session_state.get(REFUSED):
    st.error("Not sent. " + literal(st.session_state[REFUSED]), icon=":material/error:")
elif st.session_state.get(ALREADY):
    st.info(f"You have sent this question already: its reference is {st.session_state[ALREADY]}. It was not sent "
            "again. To send another question, change the words in the box.", icon=":material/info:")
elif st.session_state.get(PERSONAL):
    st.warning(literal(personal_warning(st.session_state[PERSONAL])), icon=":material/warning:")
elif st.session_state.get(SENT):
    st.success(f"Thank you: your question has been received. Its reference is {st.session_state[SENT]}; quote it "
               "if you write to the office about it. " + literal(next_steps(said, st.session_state.get(REPLY)))
               + (f" It reached the limit of {inbox.LIMITS['body']:,} characters: anything after that was not sent."
                  if st.session_state.get(CUT) else ""), icon=":material/check_circle:")
