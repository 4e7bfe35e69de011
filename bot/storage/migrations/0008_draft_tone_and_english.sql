-- Reason: drafts are written in a tone the student picks (warm, formal or brief), and in US
-- English unless the student asks for UK spelling and dates.
ALTER TABLE drafts ADD COLUMN tone TEXT NOT NULL DEFAULT 'warm'
    CHECK (tone IN ('warm', 'formal', 'brief'));
ALTER TABLE profiles ADD COLUMN english TEXT NOT NULL DEFAULT 'us'
    CHECK (english IN ('us', 'uk'));
