-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Full-text search over cases. One FTS5 document per case (rowid = the
-- case's id), so that every word of a query may match in a different part
-- of the case (the title, a note, a reporter message) and ranking is per
-- case. Columns:
--   scope        'p' || project_id: lets MATCH restrict to the searcher's
--                projects inside the index instead of after it
--   title        the case key and title
--   description  description, component, and the report's product,
--                versions, steps and impact
--   notes        every internal note
--   thread       every message of the reporter thread
--
-- The table is contentless with contentless_delete=1: the text already
-- lives in cases, case_notes, reports and report_messages, so storing it
-- again (external content would need it readable from one table or view
-- with exactly the old values at every delete) buys nothing; a contentless
-- table only holds the index, and contentless_delete lets a trigger drop a
-- document by rowid without supplying its old text. The price is no
-- snippet(); which part matched is answered with column filters instead.
--
-- Diacritics are kept (café is not cafe), as PostgreSQL's 'simple'
-- configuration keeps them without the unaccent extension, so that both
-- engines find the same cases.
--
-- Triggers keep the index in step with every write path, cascades
-- included: any change to a case's text deletes its document and inserts
-- it again from case_search_source, in the same transaction as the change.
-- The index is derived data: backups leave it out and the triggers rebuild
-- it as a restore inserts the rows.

CREATE VIRTUAL TABLE case_search USING fts5(
    scope, title, description, notes, thread,
    content='', contentless_delete=1,
    tokenize='unicode61 remove_diacritics 0'
);

-- Rank: bm25 with a title match worth most, the scope column nothing.
INSERT INTO case_search (case_search, rank) VALUES ('rank', 'bm25(0.0, 10.0, 4.0, 2.0, 1.0)');

CREATE VIEW case_search_source AS
SELECT c.id AS id,
       'p' || c.project_id AS scope,
       c.case_key || ' ' || c.title AS title,
       c.description || ' ' || c.component || COALESCE((SELECT ' ' || r.product || ' ' || r.versions || ' ' || r.steps
           || ' ' || r.impact FROM reports r WHERE r.case_id = c.id), '') AS description,
       COALESCE((SELECT group_concat(n.body, ' ') FROM case_notes n WHERE n.case_id = c.id), '') AS notes,
       COALESCE((SELECT group_concat(m.body, ' ') FROM report_messages m WHERE m.case_id = c.id), '') AS thread
FROM cases c;

CREATE TRIGGER case_search_case_insert AFTER INSERT ON cases BEGIN
    INSERT INTO case_search (rowid, scope, title, description, notes, thread)
        SELECT id, scope, title, description, notes, thread FROM case_search_source WHERE id = NEW.id;
END;

-- Only a change to indexed text reindexes: UpdateCase writes every column
-- on each transition, and a state change must not rewrite the document.
CREATE TRIGGER case_search_case_update AFTER UPDATE OF project_id, case_key, title, description, component ON cases
WHEN OLD.project_id IS NOT NEW.project_id OR OLD.case_key IS NOT NEW.case_key OR OLD.title IS NOT NEW.title
    OR OLD.description IS NOT NEW.description OR OLD.component IS NOT NEW.component
BEGIN
    DELETE FROM case_search WHERE rowid = OLD.id;
    INSERT INTO case_search (rowid, scope, title, description, notes, thread)
        SELECT id, scope, title, description, notes, thread FROM case_search_source WHERE id = NEW.id;
END;

CREATE TRIGGER case_search_case_delete AFTER DELETE ON cases BEGIN
    DELETE FROM case_search WHERE rowid = OLD.id;
END;

-- Notes, thread messages and reports reindex their case. After a cascade
-- from a deleted case the source view has no row, so nothing comes back.
CREATE TRIGGER case_search_note_insert AFTER INSERT ON case_notes BEGIN
    DELETE FROM case_search WHERE rowid = NEW.case_id;
    INSERT INTO case_search (rowid, scope, title, description, notes, thread)
        SELECT id, scope, title, description, notes, thread FROM case_search_source WHERE id = NEW.case_id;
END;

CREATE TRIGGER case_search_note_update AFTER UPDATE OF case_id, body ON case_notes BEGIN
    DELETE FROM case_search WHERE rowid IN (OLD.case_id, NEW.case_id);
    INSERT INTO case_search (rowid, scope, title, description, notes, thread)
        SELECT id, scope, title, description, notes, thread FROM case_search_source WHERE id IN (OLD.case_id, NEW.case_id);
END;

CREATE TRIGGER case_search_note_delete AFTER DELETE ON case_notes BEGIN
    DELETE FROM case_search WHERE rowid = OLD.case_id;
    INSERT INTO case_search (rowid, scope, title, description, notes, thread)
        SELECT id, scope, title, description, notes, thread FROM case_search_source WHERE id = OLD.case_id;
END;

CREATE TRIGGER case_search_message_insert AFTER INSERT ON report_messages BEGIN
    DELETE FROM case_search WHERE rowid = NEW.case_id;
    INSERT INTO case_search (rowid, scope, title, description, notes, thread)
        SELECT id, scope, title, description, notes, thread FROM case_search_source WHERE id = NEW.case_id;
END;

CREATE TRIGGER case_search_message_update AFTER UPDATE OF case_id, body ON report_messages BEGIN
    DELETE FROM case_search WHERE rowid IN (OLD.case_id, NEW.case_id);
    INSERT INTO case_search (rowid, scope, title, description, notes, thread)
        SELECT id, scope, title, description, notes, thread FROM case_search_source WHERE id IN (OLD.case_id, NEW.case_id);
END;

CREATE TRIGGER case_search_message_delete AFTER DELETE ON report_messages BEGIN
    DELETE FROM case_search WHERE rowid = OLD.case_id;
    INSERT INTO case_search (rowid, scope, title, description, notes, thread)
        SELECT id, scope, title, description, notes, thread FROM case_search_source WHERE id = OLD.case_id;
END;

CREATE TRIGGER case_search_report_insert AFTER INSERT ON reports BEGIN
    DELETE FROM case_search WHERE rowid = NEW.case_id;
    INSERT INTO case_search (rowid, scope, title, description, notes, thread)
        SELECT id, scope, title, description, notes, thread FROM case_search_source WHERE id = NEW.case_id;
END;

CREATE TRIGGER case_search_report_update AFTER UPDATE OF case_id, product, versions, steps, impact ON reports BEGIN
    DELETE FROM case_search WHERE rowid IN (OLD.case_id, NEW.case_id);
    INSERT INTO case_search (rowid, scope, title, description, notes, thread)
        SELECT id, scope, title, description, notes, thread FROM case_search_source WHERE id IN (OLD.case_id, NEW.case_id);
END;

CREATE TRIGGER case_search_report_delete AFTER DELETE ON reports BEGIN
    DELETE FROM case_search WHERE rowid = OLD.case_id;
    INSERT INTO case_search (rowid, scope, title, description, notes, thread)
        SELECT id, scope, title, description, notes, thread FROM case_search_source WHERE id = OLD.case_id;
END;

-- Backfill the cases that exist already.
INSERT INTO case_search (rowid, scope, title, description, notes, thread)
    SELECT id, scope, title, description, notes, thread FROM case_search_source;
