"""Which load of the warehouse a briefing's figures come from, in words: kept with every pack produced and
printed in it, so a pack can be matched to the returns it was made from."""

from __future__ import annotations

import duckdb

from ..errors import shown
from ..uk_time import uk_words
from ..warehouse import one

NO_LOAD = "No return loaded yet."


def data_version(con: duckdb.DuckDBPyConnection) -> str:
    """A sentence naming the latest accepted load: its number, file name and when it was received (UK time, naming
    the clock: "received 2015-08-05 10:12 BST")."""
    row = one(con, "SELECT file_id, name, received_at FROM file_registry WHERE outcome = 'accepted' "
                   "ORDER BY file_id DESC LIMIT 1")
    if row is None:
        return NO_LOAD
    file_id, name, received_at = row
    return f'Figures as loaded up to load {file_id}, "{shown(name)}", received {uk_words(received_at, "words")}.'
