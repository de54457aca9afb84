"""Gapless numbers: the next number of a series, handed out inside the transaction that uses it.

`UPDATE number_sequence SET last = last + 1 … RETURNING last` takes the row's write lock (PostgreSQL) or
runs under the IMMEDIATE write lock (SQLite), so concurrent transactions queue for the row and never
share a number; a transaction that rolls back gives its number back with it, so the series has no gaps
(the invoice-number rule of Decree 123/2020). Call it as late as possible in the transaction: the row
stays locked until commit.
"""

from __future__ import annotations

from app.tables import NumberSequence


async def next_number(series: str) -> int:
    """Call inside a write transaction (app.db.transaction)."""
    await NumberSequence.raw(
        "INSERT INTO number_sequence (series, last) VALUES ({}, 0) ON CONFLICT (series) DO NOTHING", series
    )
    rows = await NumberSequence.raw(
        "UPDATE number_sequence SET last = last + 1 WHERE series = {} RETURNING last", series
    )
    return int(rows[0]["last"])


async def last_number(series: str) -> int:
    """The last number handed out (0 when none): for reports, never for issuing."""
    row = await NumberSequence.select(NumberSequence.last).where(NumberSequence.series == series).first()
    return int(row["last"]) if row else 0
