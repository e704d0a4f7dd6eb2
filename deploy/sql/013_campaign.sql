-- The campaign's work around a case (issue #12, docs/campaign.md): what the ledger and the workload
-- listing read without asking a grain, and the organization profile's secretary kept in step with the
-- secretary actions 撤换育派.

-- The four ones' people, for the workload per county leader and per helping department; and a summary of
-- the case's work (pairs, support landed, trainings, secretary actions, accountability, activity plans)
-- for the ledger and its export.
ALTER TABLE cases
    ADD COLUMN leader                  text,
    ADD COLUMN helping_department      text,
    ADD COLUMN helping_department_type varchar(20),
    ADD COLUMN work                    jsonb;
CREATE INDEX ix_cases_leader ON cases (leader) WHERE leader IS NOT NULL;

-- A removal with nobody named leaves the post vacant from its day (the screening suggestions read it);
-- secretary_from_case is the case version whose secretary action the profile last took, so a replayed
-- projection never applies an older action over a newer one or twice.
ALTER TABLE units
    ADD COLUMN secretary_vacant_since date,
    ADD COLUMN secretary_from_case    integer NOT NULL DEFAULT 0;
