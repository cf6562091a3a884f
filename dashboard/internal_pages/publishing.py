"""Approve months for publication, see what the public will see, publish it or withdraw it: the PCC role only."""

from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import auth, data, ui
from pipelines import office, settings
from pipelines.accountability.release import long_date as release_long_date
from pipelines.accountability.release import quoting, unrelease
from pipelines.catalogue import catalogue, counted, listed
from pipelines.public import current_snapshot, pointer, published_dir, spelled_out
from pipelines.publish.approval import approve_or_standing, not_all_in, period_states, states_frame, stopped
from pipelines.publish.snapshot import (
    approval_reason_warnings,
    latest_held,
    numbering_hold_path,
    numbering_hold_words,
    preview_publication,
    publish,
    read_numbering_hold,
    releases_taken_back,
    withdraw,
    withdrawal_headline,
    withdrawal_words,
)
from pipelines.uk_time import uk_day_words, uk_words

user = auth.signed_in()
st.title("Approve and publish")
data.no_warehouse_guard()
said = office.configured()  # the office holder's title as force.yaml gives it
st.write(f"A month goes from draft to approved (by {said.holder_short}, as its figures stand) to published (in a "
         "new public snapshot, after small counts are suppressed). A month with an unreplaced refused file or a "
         "blocking flag cannot be approved, nor can a month whose measures lack a district's figure: a measure is "
         "published with every district's figure or not at all. A month with a part of its return still to come "
         "can be approved: it is published without that part, and shows as changed once it arrives. A month "
         "revised after its approval shows as changed and needs approving again.")
states = states_frame(data.call(period_states))
if states.empty:
    st.info(data.no_figures())
    st.stop()
counts = states["status"].value_counts()
# a month the last publication held back by the disclosure check is counted apart from those waiting for the next one
statuses_shown = ("draft", "approved", *(("held back",) if counts.get("held back") else ()), "published", "changed")
cols = st.columns(len(statuses_shown))
for col, status in zip(cols, statuses_shown, strict=True):
    col.metric(status.capitalize(), int(counts.get(status, 0)))
status_filter = st.multiselect("Status", ["draft", "approved", "held back", "published", "changed", "withdrawn"],
                               key="status_filter", placeholder="Every status")
shown = states[states["status"].isin(status_filter)] if status_filter else states
ui.table(ui.readable(shown.iloc[::-1], {"figures": "Figures"}), "states_table", "publication-status.csv")

if not user.may("approve"):
    st.info(f"{ui.md_escape(user.email)} can see this page but not approve or publish: that needs {said.holders} "
            "role (pcc).")
    st.stop()

st.header("Approve")
for row in states[states["status"] == "withdrawn"].itertuples():
    # the note quotes the withdrawal's reason, typed by a person
    note = stopped(row.note or "withdrawn. Approve again to publish")
    st.warning(f"{ui.month_words(row.period)}: {ui.md_escape(note)}")
# what changed since approval, said once for the months it is true of (a long resubmission can change many)
changed = states[states["status"] == "changed"]
for note, rows in changed.groupby("note", sort=False):
    months = [ui.month_words(p) for p in rows["period"].iloc[::-1]]
    named = ", ".join(months[:6]) + (f" and {len(months) - 6} more" if len(months) > 6 else "")
    st.info(f"{named}: {note}.", icon=":material/published_with_changes:")
candidates = states[states["status"].isin(["draft", "changed", "withdrawn"])]["period"].tolist()[::-1]
chosen = st.multiselect("Months to approve", candidates, key="approve_months", format_func=ui.month_words,
                        placeholder="Choose months (newest first)")
# a correction of a month the public reads: why it changes, in the public's words
if set(chosen) & set(states.loc[states["first_published"] != "", "period"]):
    st.text_input("Why the published figures change (optional; the public reads it beside each figure revised)",
                  key="approve_reason", max_chars=500,
                  placeholder="The force corrected Sheffield's arrests after an audit of its records.")
for sentence in data.call(not_all_in, tuple(chosen), _also=settings.today()) or []:  # said before the button is pressed
    st.warning(ui.md_escape(sentence), icon=":material/hourglass_top:")


def _preview_changed_here() -> None:
    """An approval given (or withdrawn) on this page changes what the public would see: the tick given to the preview
    before is undone, and the page does not then say that the preview changed meanwhile, as if in another window."""
    st.session_state["publish_checked"] = False
    st.session_state.pop("publish_seen", None)


def _keep_asked() -> None:
    """The months chosen when Approve is pressed, kept before the page is drawn again: one approved meanwhile (in
    another window) is no longer offered, and the choice drawn anew would drop it without a word."""
    st.session_state["approve_asked"] = list(st.session_state.get("approve_months") or [])
    st.session_state["approve_asked_reason"] = st.session_state.get("approve_reason") or None


def _approve(con, months: list[str], claims: dict, reason: str | None):
    """`approve_or_standing`, and what the reason given would have publishing refuse (`approval_reason_warnings`),
    read in the approval's own connection."""
    done, standing = approve_or_standing(con, months, claims, reason)
    quoting = approval_reason_warnings(con, [f"{p:%Y-%m}" for p in [*done, *standing]], folder) if reason else []
    return done, standing, quoting


def _approved_words(out) -> str:
    """What the approval did: the months approved, and each month asked for that stood approved already, by whom
    and when (kept to be said again under the button once the page is drawn anew), and a reason given that
    publishing would refuse (kept to be said as a warning)."""
    done, standing, quoting = out
    said = [f"Approved {listed([ui.month_words(p) for p in done])} as {user.email}."] if done else []
    for period, (by, at, reasoned) in sorted(standing.items()):
        where = " (in another window, or by the command line)" if by == user.email else ""
        said.append(f"{ui.month_words(period)} was approved already, while this page was open: by {by} on "
                    f"{uk_words(at, 'words')}{where}. Its figures have not changed since, so "
                    + ("nothing more was recorded." if reasoned is None else
                       "it stays approved as it was, and the reason for the public given is now kept with that "
                       "approval (the audit trail says so)."))
    if standing:
        st.session_state["approve_said"] = said
    if quoting:
        st.session_state["approve_quoting"] = quoting
    if done:
        _preview_changed_here()
    return ui.md_escape(" ".join(said))


st.button("Approve", key="approve", type="primary", disabled=not chosen, on_click=_keep_asked)
for sentence in st.session_state.pop("approve_said", []):
    st.info(ui.md_escape(sentence), icon=":material/task_alt:")
for sentence in st.session_state.pop("approve_quoting", []):  # it quotes the reason's number, typed by a person
    st.warning(ui.md_escape(sentence), icon=":material/visibility_off:")
asked = st.session_state.pop("approve_asked", None)
folder = str(published_dir())  # part of the cached answer's key: the preview compares with this folder's snapshot
if asked:
    ui.act(_approve, asked, user.claims, st.session_state.pop("approve_asked_reason", None),
           done=_approved_words)

# disclosure control of every approved month, against every earlier snapshot: seconds on the sample, a minute or more
# after years of monthly publications (kept until a table it reads changes)
with st.spinner("Working out what the next publication would show and hide, against every earlier one ..."):
    preview = data.call(preview_publication, folder, _also=str(current_snapshot(Path(folder))))


def notes(table: str):
    """The open flags and caveats on each figure of one of the preview's tables, in words, for its download only:
    the public reads none of them, and the office taking a table away keeps what it knows of each figure."""
    with st.spinner("Finding the open flags and caveats on the figures ..."):
        found = data.preview_notes(folder, str(current_snapshot(Path(folder)))) or {}
    return found.get(table)


def figures_table(frame: pd.DataFrame, key: str, download_name: str, names: dict[str, str] | None = None,
                  notes_of: str | None = None) -> None:
    """One of the preview's tables of figures: its period headed "Period" (a month, a quarter or 12 months), its
    download (naming each measure as the grid does, the measure's id beside it under "Measure code", as every
    readable table's does) ending with the figure's open flags and caveats (`notes_of` the preview table's key)."""
    shown = ui.readable(frame, {"period": "Period", **(names or {})})
    ui.table(shown, key, download_name, download_also=notes(notes_of) if notes_of else None)

st.header("The accountability record to publish")
st.write("Questions, the force's answers, assurance decisions and recommendations' statuses are approved for "
         "publication one by one on the Meetings and Recommendations pages, as their public text stands then. The "
         "next publication carries every approval below, with the approved months; withdrawing an approval takes "
         "the item out of the next publication (the public keeps reading the current one until then).")
approvals = preview.approvals  # the approvals in force the preview's accountability record is made from
if not approvals:
    st.write("Nothing of the accountability record is approved for publication.")
else:
    unrelease_reason = st.text_input("Why an approval is withdrawn (kept in the audit trail)",
                                     key="unrelease_reason", max_chars=500)
    # the latest approved first: after a year of Boards the list is long, and the one just given is the one looked for
    st.caption(f"{counted(len(approvals), 'approval')} in force, the latest first." if len(approvals) > 1
               else "1 approval in force.")
    for item in sorted(approvals, key=lambda a: (a.approved_at, a.release_id), reverse=True):
        left, right = st.columns([5, 1])
        carried = quoting(approvals, item)  # withdrawing the question's approval alone leaves these publishing it
        also = ("; its words are published with " + ", ".join(f"the approved {a.kind} ({a.release_id})"
                                                               for a in carried) + " too" if carried else "")
        left.markdown(f"{ui.md_escape(item.label)}  \n:small[approved by {ui.md_escape(item.approved_by)} on "
                      f"{ui.md_escape(release_long_date(item.approved_at))}{ui.md_escape(also)}]")
        if right.button("Withdraw approval", key=f"unrelease_{item.release_id}",
                        disabled=not unrelease_reason.strip() or not user.may("release")):
            ui.act(unrelease, user.claims, item.release_id, unrelease_reason, icon=":material/undo:",
                   done=lambda _, label=item.label: _preview_changed_here() or f"Withdrew the approval of {label}.")

st.header("Publish: what the public will see")
if preview.problem:
    st.info(ui.md_escape(preview.problem))  # it may quote a flag's reason, typed by a person
    # an approval a withdrawal took back goes out with no publication until approved again: said while nothing else
    # is to publish too, as "pccdash publish" says it, or the item is missing from the public record unnoticed
    for line in preview.left_out:
        st.warning(ui.md_escape(line), icon=":material/undo:")
    for line in preview.info_lines:  # what public_info.yaml wants doing, said though there is nothing to publish
        st.warning(ui.md_escape(line), icon=":material/event_busy:")
else:
    for line in preview.summary:
        st.markdown(f"- {ui.md_escape(line)}")
    # an approved month whose return is not all in goes out without what has not arrived: said where it is published,
    # not only where it was approved
    waiting = tuple(states.loc[states["status"] == "approved", "period"])
    for sentence in (data.call(not_all_in, waiting, _also=settings.today()) or []) if waiting else []:
        st.warning(ui.md_escape(sentence), icon=":material/hourglass_top:")
    names = {m.id: spelled_out(m.name) for m in catalogue().measures}  # as the public pages name them
    # under each count's chart, or in its place while one month of it is published
    st.markdown("**What the public will read of each count** (the force as a whole):")
    for measure, sentence in preview.sentences.items():
        st.markdown(f"- **{names.get(measure, measure)}**: {ui.md_escape(sentence)}")
    if preview.uncharted:
        st.caption(ui.md_escape(preview.uncharted))
    if not preview.revised.empty:
        st.markdown("**Published figures that would change**")
        figures_table(preview.revised, "preview_revised", "publication-preview-revised.csv", notes_of="revised")
    if preview.newly_shown is not None and not preview.newly_shown.empty:
        st.markdown("**Figures hidden now that would be shown**")
        figures_table(preview.newly_shown, "preview_shown", "publication-preview-newly-shown.csv",
                      notes_of="newly_shown")
    for frame, heading, key in ((preview.caveats_added, "Notes beside figures the public would read, new", "added"),
                                (preview.caveats_removed, "Notes beside figures the public would no longer read",
                                 "removed")):
        if frame is not None and not frame.empty:
            st.markdown(f"**{heading}**")
            figures_table(frame, f"preview_notes_{key}", f"publication-preview-notes-{key}.csv")
    if not preview.newly_suppressed.empty:
        st.markdown("**Figures that would be hidden to protect privacy, and are not hidden now**")
        st.caption("Most are a new month's small counts, which the public has never been shown; \"Shown to the "
                   "public now\" marks those it reads now.")
        newly = preview.newly_suppressed.assign(
            shown_now=preview.newly_suppressed["shown_now"].map({True: "Yes", False: "No"}))
        figures_table(newly, "preview_suppressed", "publication-preview-newly-hidden.csv",
                      {"shown_now": "Shown to the public now"}, notes_of="newly_suppressed")
    with st.expander("Every cell the public pages and downloads would hold"):
        figures_table(preview.cells.drop(columns=["reason"], errors="ignore"), "preview_cells",
                      "publication-preview-cells.csv", notes_of="cells")
    # Publish what this page showed the person, not what it works out in the run their click starts: a month
    # approved meanwhile (in another session) changes the preview, and the tick given to the one before is undone.
    seen = st.session_state.get("publish_seen")
    changed = seen is not None and seen != preview.fingerprint
    if changed:
        st.session_state["publish_checked"] = False
        st.warning("What the public would see has changed since this page last showed it (a month was approved or "
                   "a flag changed meanwhile): read the preview above again, then tick and publish.",
                   icon=":material/update:")
    st.session_state["publish_seen"] = preview.fingerprint
    # restored into a new published folder: the numbers published since the backup was taken are not known here, and
    # the next publication waits for the latest the public has seen (as "pccdash publish --after-snapshot" gives it)
    hold = read_numbering_hold(numbering_hold_path(data.db())) if user.may("publish") else None
    after = None
    if hold is not None:
        said = numbering_hold_words(hold)
        st.warning(f"{said[:1].upper()}{said[1:]} Give below the number of the latest publication the public has "
                   "seen: the next is numbered after it.", icon=":material/pin:")
        # below what the folder (or the warehouse's record) holds is not the latest seen: "publish" refuses it
        lowest = max(data.call(latest_held, folder, _also=str(current_snapshot(Path(folder)))) or (0, 0))
        after = st.number_input("Latest snapshot number the public has seen", key="publish_after", min_value=lowest,
                                step=1, value=None, placeholder="The number on the public revisions page",
                                help="The public site's revisions page lists every publication with its number: give "
                                     "the highest there. The new snapshot is numbered after it (and after every "
                                     "snapshot this warehouse and its published folder hold). Asked once, after a "
                                     "restore into a new published folder; restoring into the published folder that "
                                     "holds the later snapshots (the public web server's) instead keeps them, and "
                                     "needs no number.")
    checked = st.checkbox("I have checked what the public will see", key="publish_checked")
    if st.button("Publish", key="publish", type="primary",
                 disabled=not checked or (hold is not None and after is None)) and not changed:
        ui.act(publish, user.claims, expected=seen or preview.fingerprint,
               after=None if after is None else int(after),
               done=lambda out: f"Published snapshot {out[0]}.", icon=":material/publish:")

st.header("Withdraw the current publication")


def _withdrawn(out) -> str:
    """What the withdrawal did, kept to be said in full under this heading once the page is drawn anew."""
    st.session_state["withdraw_done"] = out
    return withdrawal_headline(out)


done = st.session_state.pop("withdraw_done", None)
if done is not None:  # as "pccdash withdraw" says it: what the public reads again that the warehouse says otherwise
    st.success(ui.md_escape(withdrawal_headline(done)), icon=":material/undo:")
    taken = data.call(releases_taken_back, done.version, _also=str(current_snapshot(Path(folder)))) or []
    blocks: list[list[str]] = []
    for line in withdrawal_words(done, preview, taken):
        if line.startswith("  ") and blocks:  # a detail of the sentence before it
            blocks[-1].append("- " + ui.md_escape(line.strip().removeprefix("- ")))
        else:
            blocks.append([ui.md_escape(line)])
    for block in blocks:
        st.warning("\n".join(block[:1] + ([""] + block[1:] if block[1:] else [])), icon=":material/info:")
current = current_snapshot()
if current is None:
    st.write("Nothing is published, so there is nothing to withdraw.")
    st.stop()
in_force = pointer()
version = in_force.get("version") or current.stem.removeprefix("snapshot-").lstrip("0")
published_on = uk_day_words(in_force.get("published_at")) if in_force.get("published_at") else ""
current_words = f"snapshot {version}" + (f", published on {published_on}" if published_on else "")
st.write(f"The public reads {current_words}. Withdrawing it sends the public pages back to the snapshot before it "
         "(or to \"nothing published yet\") in one switch. The withdrawal is recorded with your name, and the "
         "reason is shown to the public on the revisions page: write it for them.")
reason = st.text_input("Reason, as the public will read it", key="withdraw_reason", max_chars=500,
                       help="Say why in general terms, not by how much figures were wrong (\"counted twice\", \"5 too "
                            "many\"): with the withdrawn figures the public has seen, that could let a figure hidden "
                            "now be worked out.")
sure = st.checkbox(f"Withdraw snapshot {version} from the public pages", key="withdraw_checked")
if st.button("Withdraw", key="withdraw", disabled=not (sure and reason.strip())):
    ui.act(withdraw, user.claims, reason, icon=":material/undo:", done=_withdrawn)
