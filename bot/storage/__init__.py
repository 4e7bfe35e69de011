"""SQLite storage: the repositories that implement the core's ports, and migrations."""
