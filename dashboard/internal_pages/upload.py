"""Upload a return: each file checked against the contract before anything is loaded, with every failing cell shown
in the file and what loading it would change; then accepted (loaded as `pccdash ingest` loads it) or discarded."""

import pandas as pd
import streamlit as st

from dashboard import auth, data, ui
from pipelines.catalogue import counted, force
from pipelines.errors import PccDashError
from pipelines.ingest.preview import FilePreview, accept, discard, preview, preview_rows

GIVEN = "upload_given"  # [(name, bytes)] handed to the page instead of the uploader (tests, other pages)
CHECKED = "upload_checked"  # (the files' fingerprint, the data version, [FilePreview])
DONE = "upload_done"  # what the last acceptance did, said once after it
CHANGED = "upload_changed"  # the months approved before that it changed, said with it
DISCARDED = "upload_discarded"
TAKEN = ("passes", "passes_with_warnings", "refused", "unreadable")  # what ingest registers: loaded or refused
ROUND = "upload_round"  # a new uploader after each acceptance or discard, so the files chosen go with it
HIGHLIGHT = "background-color: #FBD8C8; color: #3D3D3D; font-weight: bold; outline: 2px solid #801650"
MARK = "\u26a0 "  # a failing cell reads as failing without its colour

user = auth.signed_in()
st.title("Upload a return")
data.no_warehouse_guard()

if DONE in st.session_state:
    st.success(st.session_state.pop(DONE), icon=":material/check_circle:")
    st.page_link("internal_pages/files.py", label="See them in Files loaded", icon=":material/folder_open:")
if st.session_state.get(CHANGED):
    st.warning("Months approved before this load that it changed: approve each again on the Publishing page.\n\n"
               + "\n".join(f"- {ui.md_escape(line)}" for line in st.session_state.pop(CHANGED)))
if st.session_state.pop(DISCARDED, False):
    st.info("Discarded: nothing was loaded, and nothing of the files was kept.", icon=":material/delete:")

st.write("Choose the force's return files (CSV or XLSX, one or several). Each is checked against the return's "
         "contract before anything is loaded: the page shows every failing cell in the file, and for a file that "
         "passes, what loading it would change, the caveats of figures already loaded included. Nothing is loaded "
         "until you accept.")
with st.expander("What a return looks like"):
    st.markdown(
        "A return holds monthly figures by district, in either of two layouts (the README's section "
        "*The returns*, and `docs/return-format.md`, say every check a file must pass).\n\n"
        "**Long**: one row per figure, with the columns period, district, measure and value:")
    # the force's own districts, as its returns name them
    districts = force().districts
    st.code("period,district,measure,value\n" + "\n".join(f"2026-03,{d},cse_arrests,{5 + 2 * i}"
                                                             for i, d in enumerate(districts[:2])), language=None)
    st.markdown("**Wide**, as a force's spreadsheet has it: one sheet (or, in a CSV, one block under a "
                "*Measure* line) per measure, one row per month and one column per district:")
    figures = [5 + 2 * i for i in range(len(districts))]
    st.code(f"Measure,cse_arrests\nPeriod,{','.join(districts)},Total\n"
            f"2026-03,{','.join(map(str, figures))},{sum(figures)}", language=None)

round_ = st.session_state.setdefault(ROUND, 0)
chosen = st.file_uploader("Return files", type=["csv", "xlsx"], accept_multiple_files=True,
                          key=f"upload_files_{round_}",
                          help="Several files at once are checked one by one; nothing is loaded until you accept.")
files = [(f.name, f.getvalue()) for f in chosen] if chosen else list(st.session_state.get(GIVEN) or [])
if not files:
    st.stop()


def size(n: int) -> str:
    return f"{n / 1048576:,.1f} MiB" if n >= 1048576 else f"{n / 1024:,.1f} KiB"


def check(files: list[tuple[str, bytes]]) -> list[FilePreview]:
    """Each file read and checked on the read copy (nothing written), with progress file by file."""
    out: list[FilePreview] = []
    with st.status(f"Checking {counted(len(files), 'file')} ...", expanded=True) as status:
        bar = st.progress(0.0)
        for i, (name, raw) in enumerate(files):
            def step(done: float, text: str, i: int = i) -> None:
                bar.progress((i + done) / len(files), text=text)

            try:
                out += data.read(preview, [(name, raw)], progress=step)
            except PccDashError as exc:
                st.error(f'"{ui.name_shown(name)}" cannot be checked: {exc}')
        bar.progress(1.0, text="Checked")
        status.update(label=f"Checked {counted(len(out), 'file')}", state="complete",
                      expanded=False)
    return out


fingerprint = tuple((name, len(raw), hash(raw)) for name, raw in files)
held = st.session_state.get(CHECKED)
if held is None or held[0] != fingerprint or held[1] != data.version():
    previews = check(files)
    st.session_state[CHECKED] = (fingerprint, data.version(), previews)
else:
    previews = held[2]
if not previews:
    st.stop()


def styled(grid: pd.DataFrame, marks: set[tuple[int, int | None]]):
    """The file's rows with each failing cell marked (a whole row when only the row is known)."""
    shown_grid = grid.copy()
    css = pd.DataFrame("", index=grid.index, columns=grid.columns)
    for row, col in marks:
        if row not in grid.index:
            continue
        cols = [grid.columns[col]] if col is not None and col < len(grid.columns) else list(grid.columns)
        for c in cols:
            css.loc[row, c] = HIGHLIGHT
            shown_grid.loc[row, c] = MARK + str(shown_grid.loc[row, c])
    return shown_grid.style.apply(lambda _: css, axis=None)


BOX = {"passes": st.success, "passes_with_warnings": st.warning, "already_loaded": st.info}
for i, p in enumerate(previews):
    st.header(ui.name_shown(p.name))
    st.caption(f"{size(p.size)}" + (f", {p.layout} layout, {p.read()} read" if p.layout else "")
               + f"; SHA-256 {p.sha256}")
    BOX.get(p.verdict, st.error)(ui.md_escape(p.sentence()))
    if p.errors:
        st.markdown("**Failing cells**")
        ui.table(p.failing_frame(), f"upload_errors_{i}", f"{ui.download_stem(p.name)}-problems.csv")
        with st.expander("Each problem in full"):  # the grid cuts a long problem short
            st.markdown("\n".join(f"- {ui.md_escape(line)}" for line in p.failing_lines()))
    if p.loadable:
        c1, c2, c3 = st.columns(3)
        c1.metric("New figures", f"{p.new:,}")
        c2.metric("Revised figures", f"{p.revised:,}")
        c3.metric("Unchanged figures", f"{p.unchanged:,}")
        if p.revisions:
            st.markdown("**Figures it would revise** (was, now)")
            ui.table(p.revisions_frame(), f"upload_revisions_{i}")
        if p.recheck.changes:
            st.markdown("**Caveats of figures loaded earlier that loading it would change** (their comparison "
                        "with this file's figures checked again, as loading does)")
            ui.table(p.caveats_frame(), f"upload_caveats_{i}")
        with st.expander("New, revised and unchanged figures by measure and district"):
            ui.table(p.counts_frame(), f"upload_counts_{i}")
    if p.warnings:
        with st.expander(f"Warnings ({len(p.warnings):,})" + (": they become caveats on the figures" if p.loadable
                                                               else "")):
            ui.table(p.failing_frame("warning"), f"upload_warnings_{i}")
    for sheet in p.grids:
        rows, marks = preview_rows(p, sheet)
        label = f"The file: sheet {ui.name_shown(sheet)}" if sheet else "The file"
        more = len(p.grids[sheet]) - len(rows)
        with st.expander(label + (", failing cells marked \u26a0" if marks else ""), expanded=bool(marks)):
            st.dataframe(styled(rows, marks), key=f"upload_grid_{i}_{sheet}", width="stretch")
            if more > 0:
                st.caption(f"The first rows are shown; {more:,} more are not.")

st.divider()
loadable = [p for p in previews if p.loadable]
refused = [p for p in previews if p.verdict in ("refused", "unreadable")]
if not user.may("load"):
    st.caption("Your role cannot load returns.")
elif loadable:
    st.write(f"Accepting loads {counted(len(loadable), 'file')} as \"pccdash ingest\" does, "
             "each whole or not at all"
             + (f", and records {counted(len(refused), 'refused file')} with "
                + ("its problems (nothing from it is loaded)" if len(refused) == 1 else
                   "their problems (nothing from them is loaded)") if refused else "")
             + ". Each file is kept in the file store with who uploaded it.")
elif refused:
    st.write("Recording the refusal keeps each refused file and its problems in Files loaded, where a corrected "
             "return sent later supersedes it; nothing from it is loaded. Or discard it and correct the file first.")


def accepted(out) -> str:
    st.session_state[DONE] = out.sentence()
    st.session_state[CHANGED] = out.changed
    st.session_state.pop(CHECKED, None)
    st.session_state.pop(GIVEN, None)
    st.session_state[ROUND] = round_ + 1
    return out.toast


c1, c2 = st.columns(2)
to_load = [p for p in previews if p.verdict in TAKEN]
button = "Accept and load" if loadable or not refused else "Record the refusal (nothing is loaded)"
if user.may("load") and c1.button(button, type="primary", key="upload_accept", disabled=not to_load,
                                  icon=":material/upload:"):
    ui.act(accept, user.claims, to_load, db_path=data.db(), done=accepted)
if c2.button("Discard", key="upload_discard", icon=":material/delete:"):
    discard(previews)
    st.session_state.pop(CHECKED, None)
    st.session_state.pop(GIVEN, None)
    st.session_state[ROUND] = round_ + 1
    st.session_state[DISCARDED] = True
    st.rerun()
