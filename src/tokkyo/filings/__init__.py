"""Filings: applications received as converted e-filing packages, for the office's
operators until the gazette publishes them (issue 20, item 3)."""
