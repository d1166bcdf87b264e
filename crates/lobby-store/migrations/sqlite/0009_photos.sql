-- One table for every photo, whoever it belongs to (owner, owner_id): a
-- work order ('ticket'), a patrol checkpoint's result ('patrol_result'), a
-- cleaning inspection ('inspection') or a rectification notice ('notice').
-- The bytes are in the blob store, named by their sha256. Replaces
-- ticket_photos, patrol_photos and cleaning_photos. Work-order photos keep
-- their ids (their address is /tickets/{id}/photos/{photo_id}); the others
-- are numbered after them. For rows moved here, uploaded_at is the owner's
-- own time where the old table kept none (the checkpoint's recording, the
-- inspection, the notice's issue), and a cleaning photo's size and pixels,
-- which were not kept then, are 0.
-- Keep in step with ../postgres/0009_photos.sql.
CREATE TABLE photos (
    id INTEGER PRIMARY KEY,
    owner TEXT NOT NULL CHECK (owner IN ('ticket', 'patrol_result', 'inspection', 'notice')),
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
CREATE INDEX photos_owner ON photos (owner, owner_id, id);

INSERT INTO photos (id, owner, owner_id, blob, thumb_blob, content_type, size_bytes, width,
                    height, uploaded_by, uploaded_at, stage, event_id)
SELECT id, 'ticket', ticket_id, blob, thumb_blob, content_type, size_bytes, width, height,
       uploaded_by, uploaded_at, stage, event_id
FROM ticket_photos ORDER BY id;

INSERT INTO photos (owner, owner_id, blob, thumb_blob, content_type, size_bytes, width, height,
                    uploaded_at)
SELECT 'patrol_result', p.result_id, p.blob, p.thumb_blob, p.content_type, p.size_bytes,
       p.width, p.height, r.recorded_at
FROM patrol_photos p JOIN patrol_results r ON r.id = p.result_id ORDER BY p.id;

INSERT INTO photos (owner, owner_id, blob, thumb_blob, content_type, size_bytes, width, height,
                    uploaded_at)
SELECT p.owner, p.owner_id, p.blob, p.thumb_blob, p.content_type, 0, 0, 0,
       COALESCE(i.at, n.issued_at, 0)
FROM cleaning_photos p
LEFT JOIN inspections i ON p.owner = 'inspection' AND i.id = p.owner_id
LEFT JOIN rectification_notices n ON p.owner = 'notice' AND n.id = p.owner_id
ORDER BY p.id;

DROP TABLE ticket_photos;
DROP TABLE patrol_photos;
DROP TABLE cleaning_photos;
