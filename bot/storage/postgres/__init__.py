"""The PostgreSQL store: asyncpg repositories beside the SQLite ones, one module per module."""
