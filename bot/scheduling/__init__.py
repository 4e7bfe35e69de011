"""The clock tick: APScheduler calls the reminder service; the database holds the schedule."""
