"""Every query of the exports: keyset pages of invoices (by issue date, then id), their lines and their
totals per VAT rate, and payments (by id), on a read-only connection of the export's own (the invoice CSV
adds a second one on the same snapshot: `snapshot` on PostgreSQL, `companion` on SQLite).

Why a connection of its own: a stream of a million rows lasts seconds to minutes; it must neither hold
the request's connection (SQLite) nor a pooled one, and it reads one snapshot (a read transaction on
SQLite in WAL mode, REPEATABLE READ on PostgreSQL) so the totals at the end describe exactly the rows
written, however many invoices are issued meanwhile. Rows are tuples, in the column order below."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import date, datetime
from typing import Any

import aiosqlite
import asyncpg
from piccolo.columns import Date, Integer, Serial, Text, Varchar
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine
from piccolo.table import Table

from app.db import engine
from billing.exports.spec import ExportSpec
from billing.tables import Invoice, InvoiceLine

Row = Sequence[Any]

KEY_COLUMNS = "i.id, i.issue_date"  # what a page needs for its keyset and its lines, and nothing more
INVOICE_COLUMNS = (
    "i.id, i.issue_date, i.kind, i.status, i.template, i.symbol, i.number, i.buyer_kind, i.buyer_name,"
    " i.buyer_tax_code, i.buyer_citizen_id, i.buyer_address, i.buyer_email, i.amount, i.vat_amount,"
    " i.total_amount, i.discount_amount, i.amount_paid, i.payment_reference, i.reason,"
    " o.template, o.symbol, o.number, o.issue_date"
)
LINE_COLUMNS = (
    "i.id, i.issue_date, i.symbol, i.number, l.position, l.name_vi, l.unit, l.quantity, l.unit_amount,"
    " l.discount_amount, l.vat_rate, l.amount, l.vat_amount, l.total_amount"
)
PAYMENT_COLUMNS = (
    "p.id, p.received_at, p.method, p.amount, p.overpaid_amount, p.reference, i.id, i.template, i.symbol,"
    " i.number, i.payment_reference, i.buyer_name,"
    " COALESCE((SELECT SUM(r.amount) FROM refund r WHERE r.payment = p.id AND r.status <> 'failed'), 0)"
)


class Reader:
    """`async with Reader() as reader:` one connection, one read-only snapshot, closed on exit.

    `page_columns` is what `invoice_pages` selects: every invoice column by default; KEY_COLUMNS for a
    caller that reads the rest of a page itself (the CSV by line)."""

    def __init__(self) -> None:
        self._sqlite: aiosqlite.Connection | None = None
        self._pg: asyncpg.Connection | None = None
        self._pg_tx: Any = None
        self._pg_config: dict[str, Any] = {}
        self._sqlite_path = ""
        self._companions: list[Reader] = []
        self._read = False  # SQLite: whether this connection's snapshot is taken (its first read made)
        self.page_columns = INVOICE_COLUMNS

    @property
    def copies_csv(self) -> bool:
        """PostgreSQL writes CSV itself (COPY … TO STDOUT): far cheaper than a row of Python objects."""
        return self._pg is not None

    async def __aenter__(self) -> Reader:
        db = engine()
        if isinstance(db, PostgresEngine):
            self._pg_config = db.config
            self._pg = await asyncpg.connect(**db.config)
            self._pg_tx = self._pg.transaction(isolation="repeatable_read", readonly=True)
            await self._pg_tx.start()
            # COPY writes dates as text: ISO, as Python writes a date, whatever the server's default.
            await self._pg.execute("SET LOCAL datestyle = 'ISO, YMD'")
            # An export is a long background read: it takes no parallel workers from interactive requests
            # (its whole-period totals would otherwise start two), and its CPU is its own backend's.
            await self._pg.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        elif isinstance(db, SQLiteEngine):
            self._sqlite_path = str(db.connection_kwargs["database"])
            self._sqlite = await _sqlite_reader(self._sqlite_path)
        else:  # pragma: no cover - app.db builds one of the two
            raise RuntimeError(f"unsupported engine {db!r}")
        return self

    async def __aexit__(self, *exc: object) -> None:
        companions, self._companions = self._companions, []
        for companion in companions:
            await companion.__aexit__()
        if self._pg is not None:
            try:
                await self._pg_tx.rollback()
            finally:
                await self._pg.close()
        if self._sqlite is not None:
            try:
                await self._sqlite.execute("ROLLBACK")
            finally:
                await self._sqlite.close()

    async def companion(self) -> Reader:
        """SQLite: a second reader (a connection and a read transaction of its own, closed with this one)
        on exactly this reader's snapshot, so work on it runs on another core (sqlite3 lets go of the GIL
        while SQLite steps) and still describes the same rows. Call it before this reader's first read.

        A WAL read transaction sees the last commit at its first read. Both first reads are made while a
        third connection holds the write lock (BEGIN IMMEDIATE, then ROLLBACK): no commit can land between
        them. (Python's sqlite3 has no sqlite3_snapshot_open.)"""
        assert self._sqlite is not None, "PostgreSQL shares a snapshot by id: see `snapshot`"
        if self._read:
            raise RuntimeError("a companion must be made before the reader's first read")
        path = self._sqlite_path
        other = Reader()
        other._sqlite_path, other._sqlite = path, await _sqlite_reader(path)
        self._companions.append(other)  # closed with this reader, whatever happens next
        lock = await aiosqlite.connect(path, isolation_level=None, timeout=30)
        try:
            await lock.execute("BEGIN IMMEDIATE")
            try:
                for reader in (self, other):
                    await reader._first_read()
            finally:
                await lock.execute("ROLLBACK")
        finally:
            await lock.close()
        return other

    async def _first_read(self) -> None:
        """SQLite: takes this connection's snapshot (its read transaction starts at its first read)."""
        assert self._sqlite is not None
        self._read = True
        await self._sqlite.execute_fetchall("SELECT 1 FROM sqlite_schema LIMIT 1")

    async def interrupt(self) -> None:
        """SQLite: stops the statement running on this reader now (a companion's whose result nobody will
        read), rather than when it ends."""
        if self._sqlite is not None:
            await self._sqlite.interrupt()

    async def fetch(self, sql: str, args: list[Any]) -> list[Row]:
        """`sql` uses `?` placeholders (turned into $1… for PostgreSQL); dates and datetimes are bound as
        the engine stores them (Piccolo's adapters on SQLite: ISO text, UTC)."""
        if self._pg is not None:
            return list(await self._pg.fetch(_numbered(sql), *args))
        assert self._sqlite is not None
        self._read = True
        return list(await self._sqlite.execute_fetchall(sql, args))

    async def copy_csv(self, sql: str, args: list[Any]) -> tuple[bytes, int]:
        """PostgreSQL only: the rows of `sql` as CSV (comma, `"` quoting where needed, LF after each row,
        NULL as an empty field) and how many rows there are."""
        assert self._pg is not None
        out: list[bytes] = []

        async def sink(data: bytes) -> None:
            out.append(data)

        status = await self._pg.copy_from_query(_numbered(sql), *args, output=sink, format="csv")
        return b"".join(out), int(status.rsplit(" ", 1)[1])

    # --- invoices -----------------------------------------------------------------------------------

    @property
    def _original_join(self) -> str:
        """The invoice a correction replaces or adjusts, as `o`. On PostgreSQL a lateral lookup by id for
        each row of the page: a plain join was planned as a hash of the whole invoice table, built again
        for every page (130 ms a page at 100,000 invoices, growing with the table)."""
        if self._pg is not None:
            return (
                "LEFT JOIN LATERAL (SELECT template, symbol, number, issue_date FROM invoice"
                " WHERE id = i.original LIMIT 1) o ON true"
            )
        return "LEFT JOIN invoice o ON o.id = i.original"

    def _where(self, spec: ExportSpec, since: Any = None) -> tuple[list[str], list[Any]]:
        """`since`: an issue date within the period to start from instead of its first day."""
        clauses = [f"i.status IN ({', '.join('?' for _ in spec.statuses)})", "i.issue_date >= ?", "i.issue_date <= ?"]
        args: list[Any] = [*spec.statuses, spec.start if since is None else since, spec.end]
        if spec.symbol is not None:
            clauses.append("i.symbol = ?")
            args.append(spec.symbol)
        if spec.customer_id is not None:
            clauses.append("i.customer = ?")
            args.append(spec.customer_id)
        if spec.vat_rate is not None:
            clauses.append("EXISTS (SELECT 1 FROM invoice_line x WHERE x.invoice = i.id AND x.vat_rate = ?)")
            args.append(spec.vat_rate.value)
        return clauses, args

    async def count_invoices(self, spec: ExportSpec) -> int:
        clauses, args = self._where(spec)
        rows = await self.fetch(f"SELECT COUNT(*) FROM invoice i WHERE {' AND '.join(clauses)}", args)
        return int(rows[0][0])

    async def invoice_pages(self, spec: ExportSpec, size: int) -> AsyncIterator[list[Row]]:
        """Pages in (issue date, id) order, each starting after the last key of the one before (never
        OFFSET): one range scan of the invoice_issue_date_id index per page. The last key's date is also
        the lower bound on the date: given the period's first day as well, SQLite started every page's scan
        there, reading all the pages before it again (quadratic: a CSV of 1,000,000 took 55 CPU s, now 21)."""
        after: list[Any] = []
        while True:
            clauses, args = self._where(spec, since=after[0] if after else None)
            keyset = ["(i.issue_date, i.id) > (?, ?)"] if after else []
            original = "" if self.page_columns == KEY_COLUMNS else f" {self._original_join}"
            sql = (
                f"SELECT {self.page_columns} FROM invoice i{original}"
                f" WHERE {' AND '.join(clauses + keyset)} ORDER BY i.issue_date, i.id LIMIT ?"
            )
            page = await self.fetch(sql, [*args, *after, size])
            if not page:
                return
            yield page
            if len(page) < size:
                return
            after = [page[-1][1], page[-1][0]]

    def _of_page(self, spec: ExportSpec, page: list[Row], rate_only: bool) -> tuple[str, list[Any]]:
        """The lines of the page's invoices (by the invoice_line.invoice index); with a VAT rate filter only
        that rate's, unless `rate_only` is false (an e-invoice is written whole)."""
        ids = [row[0] for row in page]
        args: list[Any]
        if self._pg is not None:
            clause, args = "l.invoice = ANY(?::integer[])", [ids]
        else:
            clause, args = f"l.invoice IN ({', '.join('?' for _ in ids)})", ids
        if spec.vat_rate is not None and rate_only:
            clause += " AND l.vat_rate = ?"
            args = [*args, spec.vat_rate.value]
        return clause, args

    def _lines_sql(self, spec: ExportSpec, page: list[Row], rate_only: bool, columns: str) -> tuple[str, list[Any]]:
        where, args = self._of_page(spec, page, rate_only)
        if self._pg is not None:
            # Named on both sides, or PostgreSQL hashes the whole invoice table for each page to join it.
            where, args = f"{where} AND i.id = ANY(?::integer[])", [*args, [row[0] for row in page]]
        sql = (
            f"SELECT {columns} FROM invoice_line l JOIN invoice i ON i.id = l.invoice"
            f" WHERE {where} ORDER BY i.issue_date, i.id, l.position"
        )
        return sql, args

    async def lines_of_page(self, spec: ExportSpec, page: list[Row], *, rate_only: bool = True) -> list[Row]:
        return await self.fetch(*self._lines_sql(spec, page, rate_only, LINE_COLUMNS))

    async def lines_csv(self, spec: ExportSpec, page: list[Row]) -> tuple[bytes, int]:
        """`lines_of_page` as PostgreSQL's CSV (see `copy_csv`)."""
        return await self.copy_csv(*self._lines_sql(spec, page, True, _LINE_FIELDS))

    def invoice_csv_page(self, spec: ExportSpec, after: tuple[int, Any] | None, size: int) -> tuple[str, list[Any]]:
        """The query of one page of the invoice CSV, the invoices after `after` (id, issue date) in (issue
        date, id) order: one range scan of the invoice_issue_date_id index, no separate page of keys.

        PostgreSQL: `copy_fields` of INVOICE_COLUMNS, for `copy_csv` (or `fetch`, the same tuples). Every
        value the code produced itself (dates, ids, statuses, a VAT rate) is written into the SQL: COPY takes
        no parameters, and asyncpg would spend two round trips per page substituting them. A symbol, the
        one text a caller types, stays a parameter.
        SQLite: one row (the page's CSV rows as UTF-8 bytes, each with its CRLF; how many; the last one's id
        and issue date), each CSV row written by SQLite's printf as csv.writer writes it,
        and the page's rows concatenated by SQLite too: Python's sqlite3 takes the GIL back after every row
        it steps, and builds objects for it. One row per page is 15-25 % less CPU than one per invoice, and
        the companion connection summing the totals in another thread then really runs alongside (with a
        row per invoice, two threads handing the GIL to each other a million times were slower than one).
        (group_concat concatenates in the order its input comes, here the ordered, limited page.)"""
        clauses, args = self._where(spec, since=None if after is None else after[1])
        if after is not None:
            clauses.append("(i.issue_date, i.id) > (?, ?)")
            args += [after[1], after[0]]
        where = " AND ".join(clauses)
        order = f"ORDER BY i.issue_date, i.id LIMIT {int(size)}"
        if self._pg is not None:
            where, args = _inline(where, args)
            return f"SELECT {_INVOICE_FIELDS} FROM invoice i {self._original_join} WHERE {where} {order}", args
        # The last row's id and date are the bare columns of the row where `max(k)` is (SQLite's documented
        # rule for one max()); k orders like (issue date, id) and allocates nothing (a printf of the key did,
        # per row): the day number times 10^10 plus the id, exact in a double below 2^53 (ids < 10^10).
        page = (
            f"SELECT {_INVOICE_LINE} AS line, i.id AS id, i.issue_date AS day,"
            " (julianday(i.issue_date) - 2400000.5) * 10000000000 + i.id AS k"
            f" FROM invoice i {self._original_join} WHERE {where} {order}"
        )
        return f"SELECT CAST(group_concat(line, '') AS BLOB), COUNT(*), max(k), id, day FROM ({page})", args

    async def snapshot(self) -> str | None:
        """PostgreSQL: this transaction's snapshot, for `totals` on a connection of its own (None on
        SQLite, which shares its snapshot through `companion`)."""
        return None if self._pg is None else str(await self._pg.fetchval("SELECT pg_export_snapshot()"))

    async def totals(self, spec: ExportSpec, snapshot: str | None = None) -> list[Row]:
        """(vat_rate, lines, amount, vat_amount) of every line the export covers, summed by the database in
        one query on the export's snapshot, so they describe exactly the rows written (a hash join on
        PostgreSQL: a tenth of the cost of summing each page by its ids).

        Given `snapshot`, on a second PostgreSQL connection that imports it, so another backend sums while
        this one writes the rows (2 of 8 CPU seconds of a million invoices); this reader's transaction,
        which keeps the snapshot alive, must stay open until it is done."""
        clauses, args = self._where(spec)
        if spec.vat_rate is not None:
            clauses.append("l.vat_rate = ?")
            args.append(spec.vat_rate.value)
        sql = (
            "SELECT l.vat_rate, COUNT(*), SUM(l.amount), SUM(l.vat_amount) FROM invoice i"
            f" JOIN invoice_line l ON l.invoice = i.id WHERE {' AND '.join(clauses)} GROUP BY l.vat_rate"
        )
        if snapshot is None:
            return await self.fetch(sql, args)
        if not snapshot.replace("-", "").isalnum():  # the server's own id, such as 00000003-0000001B-1
            raise ValueError(f"not a snapshot id: {snapshot!r}")
        conn = await asyncpg.connect(**self._pg_config)
        try:
            async with conn.transaction(isolation="repeatable_read", readonly=True):
                await conn.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
                await conn.execute("SET LOCAL max_parallel_workers_per_gather = 0")
                return list(await conn.fetch(_numbered(sql), *args))
        finally:
            await conn.close()

    async def totals_of_page(self, spec: ExportSpec, page: list[Row]) -> list[Row]:
        """(vat_rate, lines, amount, vat_amount) of the page's lines, summed by the database."""
        where, args = self._of_page(spec, page, True)
        sql = (
            "SELECT l.vat_rate, COUNT(*), SUM(l.amount), SUM(l.vat_amount) FROM invoice_line l"
            f" WHERE {where} GROUP BY l.vat_rate"
        )
        return await self.fetch(sql, args)

    # --- payments -----------------------------------------------------------------------------------

    def _payment_where(
        self, spec: ExportSpec, received_from: datetime, received_before: datetime
    ) -> tuple[list[str], list[Any]]:
        clauses = ["p.received_at >= ?", "p.received_at < ?"]
        args: list[Any] = [received_from, received_before]
        if spec.symbol is not None:
            clauses.append("i.symbol = ?")
            args.append(spec.symbol)
        if spec.customer_id is not None:
            clauses.append("i.customer = ?")
            args.append(spec.customer_id)
        return clauses, args

    async def count_payments(self, spec: ExportSpec, received_from: datetime, received_before: datetime) -> int:
        clauses, args = self._payment_where(spec, received_from, received_before)
        sql = f"SELECT COUNT(*) FROM payment p JOIN invoice i ON i.id = p.invoice WHERE {' AND '.join(clauses)}"
        return int((await self.fetch(sql, args))[0][0])

    async def payment_pages(
        self, spec: ExportSpec, received_from: datetime, received_before: datetime, size: int
    ) -> AsyncIterator[list[Row]]:
        clauses, args = self._payment_where(spec, received_from, received_before)
        after = 0
        while True:
            sql = (
                f"SELECT {PAYMENT_COLUMNS} FROM payment p JOIN invoice i ON i.id = p.invoice"
                f" WHERE {' AND '.join(clauses)} AND p.id > ? ORDER BY p.id LIMIT ?"
            )
            page = await self.fetch(sql, [*args, after, size])
            if not page:
                return
            yield page
            if len(page) < size:
                return
            after = int(page[-1][0])


_TABLES: dict[str, type[Table]] = {"i": Invoice, "o": Invoice, "l": InvoiceLine}


def copy_fields(columns: str) -> str:
    """The columns as COPY must write them to match csv.writer: text with an empty value as NULL (COPY
    quotes an empty string to tell it from NULL; csv.writer writes both as nothing); integers and dates
    as they are (the same digits; ISO dates, see `datestyle`). Any other type (a boolean would be `t`,
    not `True`) is refused rather than written differently."""
    fields = []
    for column in (c.strip() for c in columns.split(",")):
        alias, name = column.split(".")
        kind = _TABLES[alias]._meta.get_column_by_name(name)
        if isinstance(kind, Varchar | Text):
            fields.append(f"NULLIF({column}, '')")
        elif isinstance(kind, Integer | Serial | Date):  # BigInt is an Integer
            fields.append(column)
        else:
            raise TypeError(f"{column}: COPY would not write a {type(kind).__name__} as csv.writer does")
    return ", ".join(fields)


_INVOICE_FIELDS = copy_fields(INVOICE_COLUMNS)  # checked on import
_LINE_FIELDS = copy_fields(LINE_COLUMNS)


def printf_row(columns: str, apart: tuple[str, ...] = ()) -> str:
    """SQLite: one expression writing the columns as a CSV row (CRLF) exactly as csv.writer writes their
    values: text quoted only when it holds a comma, a quote, CR or LF (`%w` doubles the quotes), NULL as
    an empty field, integers and (ISO text) dates as they are.

    The test costs more than writing the row: four `instr` per text field were 2.5 of 4.5 CPU s per
    1,000,000 invoices (one GLOB per field costs more still). So the text fields, but those in `apart`,
    are tested together, once: their concatenation, its commas made backslashes, through `json_quote`,
    which writes a backslash for each quote, CR, LF (and backslash, tab or other control character: a
    row with one of those is merely tested again, field by field); no backslash, no field needs quotes.
    Only a row where one does (rare: they are codes, names, e-mails) tests each field. `apart` are the
    fields that often do (an address holds a comma), tested each on its own in every row and quoted by
    the row's own format (`"%w"`), not by a printf of their own: every string SQLite allocates costs, and
    more so with two connections at work (its allocator counts under one process-wide mutex)."""
    fields: list[tuple[str, bool]] = []  # (column, is text)
    for column in (c.strip() for c in columns.split(",")):
        alias, name = column.split(".")
        kind = _TABLES[alias]._meta.get_column_by_name(name)
        if not isinstance(kind, Varchar | Text | Integer | Serial | Date):
            raise TypeError(f"{column}: printf would not write a {type(kind).__name__} as csv.writer does")
        fields.append((column, isinstance(kind, Varchar | Text)))

    def special(column: str) -> str:
        # What makes csv.writer quote a field (QUOTE_MINIMAL, CRLF rows): a comma, a quote, CR or LF.
        return " OR ".join(f"instr({column}, {c})" for c in ("','", "'\"'", "char(10)", "char(13)"))

    def row(quoted: set[str], tested: bool) -> str:
        """printf of the row: `quoted` fields as `"%w"`; `tested`: every other text field tested itself."""
        template, values = [], []
        for column, text in fields:
            if column in quoted:
                template.append('"%w"')
                values.append(column)
            elif text and tested and column not in apart:
                template.append("%s")
                values.append(f"iif({special(column)}, printf('\"%w\"', {column}), {column})")
            else:
                template.append("%s")
                values.append(column)
        return f"printf('{','.join(template)}' || char(13, 10), {', '.join(values)})"

    def by_apart(rest: list[str], quoted: set[str], tested: bool) -> str:
        if not rest:
            return row(quoted, tested)
        first, others = rest[0], rest[1:]
        yes, no = by_apart(others, quoted | {first}, tested), by_apart(others, quoted, tested)
        return f"iif({special(first)}, {yes}, {no})"

    separate = [column for column, text in fields if text and column in apart]
    grouped = [column for column, text in fields if text and column not in apart]
    if not grouped:
        return by_apart(separate, set(), tested=False)
    together = f"printf('{'%s' * len(grouped)}', {', '.join(grouped)})"  # printf writes NULL as nothing
    return (
        f"iif(instr(replace(json_quote({together}), ',', '\\'), '\\'),"
        f" {by_apart(separate, set(), tested=True)}, {by_apart(separate, set(), tested=False)})"
    )


_INVOICE_LINE = printf_row(INVOICE_COLUMNS, apart=("i.buyer_address",))


async def _sqlite_reader(path: str) -> aiosqlite.Connection:
    """A read-only connection in a deferred transaction: its snapshot is taken at its first read. Raw
    values (no type detection): ISO text dates, integers; the writers need nothing else."""
    connection = await aiosqlite.connect(path, isolation_level=None, timeout=30)
    try:
        await connection.execute("PRAGMA query_only = 1")
        await connection.execute("BEGIN")
    except BaseException:
        await connection.close()
        raise
    return connection


def _inline(sql: str, args: list[Any]) -> tuple[str, list[Any]]:
    """PostgreSQL: `?` placeholders whose values the code produced itself (integers, dates, enum values:
    letters, digits and `_` only) written as literals; any other text stays a parameter."""
    parts = sql.split("?")
    out, kept = [parts[0]], []
    for value, part in zip(args, parts[1:], strict=True):
        if isinstance(value, int) and not isinstance(value, bool):
            out.append(str(int(value)))
        elif isinstance(value, date) and not isinstance(value, datetime):
            out.append(f"DATE '{value.isoformat()}'")
        elif isinstance(value, str) and value.isascii() and value.replace("_", "").isalnum():
            out.append(f"'{value}'")
        else:
            out.append("?")
            kept.append(value)
        out.append(part)
    return "".join(out), kept


def _numbered(sql: str) -> str:
    """`?` placeholders as PostgreSQL's $1, $2, …"""
    parts = sql.split("?")
    return parts[0] + "".join(f"${n}{part}" for n, part in enumerate(parts[1:], start=1))


def as_date(value: Any) -> date:
    """SQLite gives ISO text, PostgreSQL a date."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def as_datetime(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)
