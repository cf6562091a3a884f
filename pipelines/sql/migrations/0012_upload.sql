-- Returns uploaded in the app: which registered file came that way, kept in the file store beside the warehouse
-- (pipelines/filestore.py) under its sha256, and who uploaded it. Rows are only ever added.
CREATE TABLE file_upload (
    file_id     INTEGER NOT NULL,     -- the file's row in file_registry (accepted or refused)
    sha256      VARCHAR NOT NULL,     -- the bytes as uploaded: their name in the file store
    uploaded_by VARCHAR NOT NULL,     -- the signed-in identity that accepted the upload
    uploaded_at TIMESTAMP NOT NULL    -- UTC
);
