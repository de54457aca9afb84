"""Accounts, roles, bearer sessions and partner API keys."""
