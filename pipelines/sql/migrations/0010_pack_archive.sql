-- Every briefing pack file produced, kept so that what went to a Board can be handed out again unchanged.
-- One production writes a row per format under one pack_id; the bytes live in the file store beside the
-- warehouse (pipelines/filestore.py), found by their sha256. Rows are only ever added.
CREATE SEQUENCE pack_id_seq START 1;
CREATE TABLE pack_file (
    pack_id      INTEGER NOT NULL,     -- one production: the formats made together from the same figures
    meeting      DATE NOT NULL,        -- the Public Accountability Board meeting the pack was made for
    format       VARCHAR NOT NULL,     -- pdf | html | docx
    file_name    VARCHAR NOT NULL,     -- the name it is downloaded under, e.g. pab-briefing-2015-08-20.pdf
    sha256       VARCHAR NOT NULL,     -- the content's hash: its name in the file store
    size_bytes   BIGINT NOT NULL,
    produced_by  VARCHAR NOT NULL,     -- the identity that produced it
    produced_at  TIMESTAMP NOT NULL,   -- UTC
    data_version VARCHAR NOT NULL,     -- the load of the warehouse the figures came from, in words
    PRIMARY KEY (pack_id, format)
);
