-- The search entries of examples hold each word's stem (Snowball English, made by the program,
-- as PostgreSQL's are), so that "headsets" finds "headset" on both backends. The entries are
-- emptied here and written again by the program as this migration is applied.
DELETE FROM examples_fts;
