"""Saved searches (with their e-mail digests) and favourite units of starters."""
