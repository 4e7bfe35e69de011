"""The domain: models, services, errors and ports. Knows nothing of Discord or SQLite."""
