-- The search entries of examples hold each word's stem (Snowball English, made by the program,
-- as SQLite's are), so that "headsets" finds "headset" on both backends. The program writes
-- every entry again as this migration is applied.
SELECT 1;
