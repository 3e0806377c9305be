"""Cron arithmetic and misfire decisions: pure functions of the time they are given."""
