-- A meter reading may carry a photo of the dial (抄表照片): the photos
-- table takes a fifth owner, 'meter_reading'.
-- Keep in step with ../sqlite/0019_meter_reading_photos.sql.
ALTER TABLE photos DROP CONSTRAINT photos_owner_check;
ALTER TABLE photos ADD CONSTRAINT photos_owner_check
    CHECK (owner IN ('ticket', 'patrol_result', 'inspection', 'notice', 'meter_reading'));
