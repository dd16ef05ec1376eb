"""Repositories: every query of the store lives here. They never commit; callers do."""
