"""Composition root and what every domain shares."""
