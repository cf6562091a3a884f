"""Text a command is given to keep (a reason, a note, who takes a flag) that holds nothing is refused in the command
line's words, naming the option to give it with: the record's own check says to write it and save, as the app's form
does, which tells a person at a terminal nothing they can do."""

from __future__ import annotations

import pytest

COMMANDS = [
    (("flags", "assign", "1", "--to", "  "), "Give the name or e-mail address of whoever takes the flag (--to WHO)."),
    (("meetings", "move", "1", "--to", "2026-06-25", "--reason", ""),
     "Give the reason for moving the meeting (--reason TEXT)."),
    (("meetings", "cancel", "1", "--reason", " "), "Give the reason for cancelling the meeting (--reason TEXT)."),
    (("actions", "close", "1", "--note", "\t"), "Give the closing note (--note TEXT)."),
    (("actions", "reopen", "1", "--reason", ""), "Give the reason for reopening the action (--reason TEXT)."),
    (("actions", "move", "1", "--to", "2026-12-31", "--reason", " "),
     "Give the reason for moving the due date (--reason TEXT)."),
    (("inbox", "forget", "3f2a9c1d", "--reason", ""),
     "Give the reason for erasing the name and contact (--reason TEXT)."),
    (("unrelease", "1", "--reason", ""), "Give the reason for withdrawing the approval (--reason TEXT)."),
]


@pytest.mark.parametrize(("args", "said"), COMMANDS, ids=[" ".join(a[:2]) for a, _ in COMMANDS])
def test_empty_text_on_the_command_line_is_asked_for_by_its_option(db, run_cli, tmp_path, args, said):
    assert run_cli("init", "--db", db).exit_code == 0
    result = run_cli(*args, "--db", db, "--as", "pcc@example.org", env={"PCCDASH_INBOX_DIR": str(tmp_path / "in")})
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {said}"
    assert "then save" not in result.stderr
