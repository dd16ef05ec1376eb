"""Accounts: users and their IDs, registration and approval, passwords, tokens, quotas,
the access log. Shared by the API and (later) the bulk site."""
