"""Publishing: approval of months, disclosure control, and the immutable snapshots the public reads."""
