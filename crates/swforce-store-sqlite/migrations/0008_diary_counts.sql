-- How many diaries each team kept each week, read on its own: a team's view holds back weeks
-- that would let someone be subtracted out of its organisation's figures. measure -1 is the
-- count of diaries.
CREATE INDEX diary_rollup_diaries ON diary_rollup (org_id, week, team_id, amount) WHERE measure = -1;
