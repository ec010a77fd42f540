-- The Department for Education's five job types replace swforce's four:
--   case_holder         -> social_worker
--   senior_practitioner -> senior_social_worker (advanced practitioners were merged into it:
--                          councils re-mark those that are advanced_practitioner)
--   team_manager        -> team_manager
--   senior_manager      -> team_manager (not one of the Department's job types)
-- (iro_or_cp_chair and advanced_practitioner are new.) And the council's own part of the
-- quarterly return: its explanations of non-compliance and the agencies whose behaviour
-- affected compliance, by quarter.

UPDATE agency_engagements SET body = json_set(body, '$.job_type',
    CASE json_extract(body, '$.job_type')
        WHEN 'case_holder' THEN 'social_worker'
        WHEN 'senior_practitioner' THEN 'senior_social_worker'
        ELSE 'team_manager' END)
WHERE json_extract(body, '$.job_type') IN ('case_holder', 'senior_practitioner', 'senior_manager');

-- Caps and permanent costs: a senior manager's row gives way to a team manager's of the same
-- key, then the old names become the new.
DELETE FROM agency_price_caps WHERE job_type = 'senior_manager' AND EXISTS (
    SELECT 1 FROM agency_price_caps t
    WHERE t.region = agency_price_caps.region AND t.from_date = agency_price_caps.from_date
      AND t.job_type = 'team_manager');
UPDATE agency_price_caps SET job_type = 'team_manager' WHERE job_type = 'senior_manager';
UPDATE agency_price_caps SET job_type = 'social_worker' WHERE job_type = 'case_holder';
UPDATE agency_price_caps SET job_type = 'senior_social_worker' WHERE job_type = 'senior_practitioner';

DELETE FROM agency_permanent_costs WHERE job_type = 'senior_manager' AND EXISTS (
    SELECT 1 FROM agency_permanent_costs t
    WHERE t.org_id = agency_permanent_costs.org_id AND t.job_type = 'team_manager');
UPDATE agency_permanent_costs SET job_type = 'team_manager' WHERE job_type = 'senior_manager';
UPDATE agency_permanent_costs SET job_type = 'social_worker' WHERE job_type = 'case_holder';
UPDATE agency_permanent_costs SET job_type = 'senior_social_worker' WHERE job_type = 'senior_practitioner';

CREATE TABLE agency_return_notes (
    org_id  INTEGER NOT NULL REFERENCES organisations (id),
    quarter TEXT NOT NULL,             -- such as 2025Q1
    kind    TEXT NOT NULL CHECK (kind IN ('explanation', 'agency')),
    subject TEXT NOT NULL,             -- a rule id (explanation) or an agency's name
    note    TEXT NOT NULL,
    set_by  TEXT NOT NULL,
    set_at  TEXT NOT NULL,
    PRIMARY KEY (org_id, quarter, kind, subject)
);
