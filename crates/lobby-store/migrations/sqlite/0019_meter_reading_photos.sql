-- A meter reading may carry a photo of the dial (抄表照片): the photos
-- table takes a fifth owner, 'meter_reading'. SQLite cannot change a CHECK,
-- so the table is rebuilt with the same rows and ids.
-- Keep in step with ../postgres/0019_meter_reading_photos.sql.
CREATE TABLE photos_new (
    id INTEGER PRIMARY KEY,
    owner TEXT NOT NULL CHECK (owner IN ('ticket', 'patrol_result', 'inspection', 'notice', 'meter_reading')),
    owner_id BIGINT NOT NULL,
    blob TEXT NOT NULL,
    thumb_blob TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    uploaded_by BIGINT,
    uploaded_at BIGINT NOT NULL,
    -- Work orders only: the moment of the work it shows, and the history
    -- entry it was recorded with.
    stage TEXT CHECK (stage IN ('before', 'during', 'after')),
    event_id BIGINT REFERENCES ticket_events(id),
    CHECK ((owner = 'ticket') = (stage IS NOT NULL))
);
INSERT INTO photos_new (id, owner, owner_id, blob, thumb_blob, content_type, size_bytes, width,
                        height, uploaded_by, uploaded_at, stage, event_id)
SELECT id, owner, owner_id, blob, thumb_blob, content_type, size_bytes, width, height,
       uploaded_by, uploaded_at, stage, event_id
FROM photos ORDER BY id;
DROP TABLE photos;
ALTER TABLE photos_new RENAME TO photos;
CREATE INDEX photos_owner ON photos (owner, owner_id, id);
