-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Full-text search over cases. One tsvector document per case, so that
-- every word of a query may match in a different part of the case and
-- ranking is per case. The parts carry weights, which both rank them
-- (a title match counts most) and say which part matched (ts_filter):
--   A  the case key and title
--   B  description, component, and the report's product, versions,
--      steps and impact
--   C  every internal note
--   D  every message of the reporter thread
-- The 'simple' configuration (no stemming, no stop words) matches what
-- SQLite's unicode61 tokenizer does, so both engines find the same cases.
--
-- Triggers keep the document in step with every write path, cascades
-- included, in the same transaction as the change. case_search is derived
-- data: backups leave it out and the triggers rebuild it as a restore
-- inserts the rows.

CREATE TABLE case_search (
    case_id     BIGINT   PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
    project_id  BIGINT   NOT NULL,
    document    tsvector NOT NULL
);
CREATE INDEX case_search_document ON case_search USING GIN (document);
CREATE INDEX case_search_project ON case_search (project_id);

-- case_search_document_of builds a case's document. A tsvector holds at
-- most 1 MiB; a case whose text would exceed that (64 KiB descriptions and
-- unbounded threads) is indexed from the first 20,000 characters of each
-- part instead of failing the write that changed it.
CREATE FUNCTION case_search_document_of(k text, title text, descr text, notes text, thread text) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    BEGIN
        RETURN setweight(to_tsvector('simple', k || ' ' || title), 'A')
            || setweight(to_tsvector('simple', descr), 'B')
            || setweight(to_tsvector('simple', notes), 'C')
            || setweight(to_tsvector('simple', thread), 'D');
    EXCEPTION WHEN program_limit_exceeded THEN
        RETURN setweight(to_tsvector('simple', k || ' ' || left(title, 20000)), 'A')
            || setweight(to_tsvector('simple', left(descr, 20000)), 'B')
            || setweight(to_tsvector('simple', left(notes, 20000)), 'C')
            || setweight(to_tsvector('simple', left(thread, 20000)), 'D');
    END;
END $$;

CREATE VIEW case_search_source AS
SELECT c.id AS id, c.project_id AS project_id,
       case_search_document_of(c.case_key, c.title,
           c.description || ' ' || c.component || COALESCE((SELECT ' ' || r.product || ' ' || r.versions || ' ' || r.steps
               || ' ' || r.impact FROM reports r WHERE r.case_id = c.id), ''),
           COALESCE((SELECT string_agg(n.body, ' ' ORDER BY n.id) FROM case_notes n WHERE n.case_id = c.id), ''),
           COALESCE((SELECT string_agg(m.body, ' ' ORDER BY m.id) FROM report_messages m WHERE m.case_id = c.id), '')) AS document
FROM cases c;

-- case_search_refresh rebuilds one case's document; a case that no longer
-- exists (a cascade from its deletion) loses it.
CREATE FUNCTION case_search_refresh(cid BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO case_search (case_id, project_id, document)
        SELECT id, project_id, document FROM case_search_source WHERE id = cid
        ON CONFLICT (case_id) DO UPDATE SET project_id = EXCLUDED.project_id, document = EXCLUDED.document;
    IF NOT FOUND THEN
        DELETE FROM case_search WHERE case_id = cid;
    END IF;
END $$;

CREATE FUNCTION case_search_case_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM case_search_refresh(NEW.id);
    RETURN NULL;
END $$;

-- Only a change to indexed text reindexes: UpdateCase writes every column
-- on each transition, and a state change must not rewrite the document.
CREATE TRIGGER case_search_case_insert AFTER INSERT ON cases
    FOR EACH ROW EXECUTE FUNCTION case_search_case_changed();
CREATE TRIGGER case_search_case_update AFTER UPDATE OF project_id, case_key, title, description, component ON cases
    FOR EACH ROW WHEN (OLD.project_id IS DISTINCT FROM NEW.project_id OR OLD.case_key IS DISTINCT FROM NEW.case_key
        OR OLD.title IS DISTINCT FROM NEW.title OR OLD.description IS DISTINCT FROM NEW.description
        OR OLD.component IS DISTINCT FROM NEW.component)
    EXECUTE FUNCTION case_search_case_changed();

-- Notes, thread messages and reports reindex their case (both cases when
-- a row moves between cases).
CREATE FUNCTION case_search_part_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM case_search_refresh(OLD.case_id);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.case_id IS DISTINCT FROM OLD.case_id) THEN
        PERFORM case_search_refresh(NEW.case_id);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER case_search_note AFTER INSERT OR DELETE OR UPDATE OF case_id, body ON case_notes
    FOR EACH ROW EXECUTE FUNCTION case_search_part_changed();
CREATE TRIGGER case_search_message AFTER INSERT OR DELETE OR UPDATE OF case_id, body ON report_messages
    FOR EACH ROW EXECUTE FUNCTION case_search_part_changed();
CREATE TRIGGER case_search_report AFTER INSERT OR DELETE OR UPDATE OF case_id, product, versions, steps, impact ON reports
    FOR EACH ROW EXECUTE FUNCTION case_search_part_changed();

-- Backfill the cases that exist already.
INSERT INTO case_search (case_id, project_id, document)
    SELECT id, project_id, document FROM case_search_source;
