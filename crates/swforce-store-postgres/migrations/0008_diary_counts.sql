-- How many diaries each team kept each week, read on its own: a team's view holds back weeks
-- that would let someone be subtracted out of its organisation's figures. measure -1 is the
-- count of diaries. The amount is left out of the index on purpose: an indexed amount would
-- stop every update of the sums from being a heap-only (HOT) update, and saves would slow down
-- by an order of magnitude.
CREATE INDEX diary_rollup_diaries ON diary_rollup (org_id, week, team_id) WHERE measure = -1;
