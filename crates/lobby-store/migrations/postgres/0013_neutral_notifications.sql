-- Notifications and system log lines written before notifications were
-- rendered in the reader's language held bilingual or English words
-- ("新工单 / New work order WO-…: …", "normal · 1203", "取件码 pickup code …").
-- They are rewritten into the neutral form lobby writes now (the record's
-- number, title and place; the kind says what happened), so old and new
-- read the same in either language. Keep in step with ../sqlite/0013_neutral_notifications.sql
-- (which finds a text with instr instead of strpos).
UPDATE notifications SET title = SUBSTR(title, LENGTH('新工单 / New work order ') + 1)
    WHERE title LIKE '新工单 / New work order %';
UPDATE notifications SET title = SUBSTR(title, LENGTH('超时升级 / SLA breach ') + 1)
    WHERE title LIKE '超时升级 / SLA breach %';
UPDATE notifications SET title = SUBSTR(title, LENGTH('工单升级 / Escalated ') + 1)
    WHERE title LIKE '工单升级 / Escalated %';
UPDATE notifications SET title = SUBSTR(title, LENGTH('紧急事件 Emergency: ') + 1)
    WHERE title LIKE '紧急事件 Emergency: %';
UPDATE notifications SET title = SUBSTR(title, LENGTH('整改逾期 Notice overdue ') + 1)
    WHERE title LIKE '整改逾期 Notice overdue %';
UPDATE notifications SET title = SUBSTR(title, LENGTH('紧急联系人查看 / Emergency contact revealed: ') + 1)
    WHERE title LIKE '紧急联系人查看 / Emergency contact revealed: %';
-- "response deadline passed · 1203" → "1203"; "normal · 1203" → "1203".
UPDATE notifications SET body = SUBSTR(body, strpos(body, ' · ') + 3)
    WHERE kind = 'sla_breach' AND body LIKE '% deadline passed · %';
UPDATE notifications SET body = SUBSTR(body, strpos(body, ' · ') + 3)
    WHERE kind IN ('dispatch', 'escalation')
      AND (body LIKE 'urgent · %' OR body LIKE 'high · %' OR body LIKE 'normal · %' OR body LIKE 'low · %');
-- A parcel: the carrier and tracking number become the title, the code the body.
UPDATE notifications SET
    title = TRIM(SUBSTR(body, 1, strpos(body, ' · 取件码 pickup code ') - 1)),
    body = '🔑 ' || SUBSTR(body, strpos(body, ' · 取件码 pickup code ') + LENGTH(' · 取件码 pickup code '))
    WHERE kind IN ('parcel', 'registered_mail') AND body LIKE '% · 取件码 pickup code %';
UPDATE desk_log SET text = '漏巡：' || SUBSTR(text, LENGTH('漏巡 Missed patrol: ') + 1)
    WHERE text LIKE '漏巡 Missed patrol: %';
