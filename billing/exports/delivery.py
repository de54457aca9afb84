"""How an export leaves over HTTP. Refusals (401, 403, 400 with the fields at fault) are decided before
anything is read. CSV and XML are streamed: the first page's bytes leave before the next page is read,
and a failure later ends the body with the error marker. XLSX is built to a temporary file first (a zip
is only valid once finished) and served only when complete; a failure is then a plain error response."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncIterator, Mapping
from pathlib import Path

import anyio
from litestar.response import Stream

from app.auth.principal import Principal
from billing.exports import spec as specs
from billing.exports import stream
from billing.exports.spec import ExportFormat, ExportSpec
from billing.exports.totals import ExportTotals

FILE_CHUNK = 1024 * 1024


def _headers(spec: ExportSpec) -> dict[str, str]:
    return {
        "Content-Disposition": f'attachment; filename="{spec.filename}"',
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }


async def _file_then_remove(folder: Path, path: Path) -> AsyncIterator[bytes]:
    try:
        async with await anyio.open_file(path, "rb") as handle:
            while chunk := await handle.read(FILE_CHUNK):
                yield chunk
    finally:
        await anyio.to_thread.run_sync(shutil.rmtree, folder, True)


async def response(principal: Principal, export_format: str, params: Mapping[str, list[str]]) -> Stream:
    spec = specs.from_query(principal, export_format, params)
    media_type = stream.MEDIA_TYPES[spec.format]
    if spec.format is ExportFormat.XLSX:
        folder = Path(tempfile.mkdtemp(prefix="export-"))
        path = folder / spec.filename
        try:
            await stream.build_xlsx(spec, path, ExportTotals())
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        headers = {**_headers(spec), "Content-Length": str(path.stat().st_size)}
        return Stream(_file_then_remove(folder, path), media_type=media_type, headers=headers)
    return Stream(
        stream.guarded(spec, stream.chunks(spec, ExportTotals())), media_type=media_type, headers=_headers(spec)
    )
