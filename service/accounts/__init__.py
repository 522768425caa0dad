"""Accounts: real-name users, passwords, sessions, API tokens, roles and scopes."""
