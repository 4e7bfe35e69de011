-- Reason: drafts in a tone the student picks, and US or UK English (SQLite's 0008).
ALTER TABLE drafts ADD COLUMN tone text COLLATE "C" NOT NULL DEFAULT 'warm'
    CHECK (tone IN ('warm', 'formal', 'brief'));
ALTER TABLE profiles ADD COLUMN english text COLLATE "C" NOT NULL DEFAULT 'us'
    CHECK (english IN ('us', 'uk'));
