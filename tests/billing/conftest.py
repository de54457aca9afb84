"""Fixtures of the billing tests: the seeded catalog, people of every role (requests' people plus finance)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.auth.enums import Role
from tests.billing.helpers import Billing
from tests.requests.helpers import make_people
from tests.support import Api, env_settings, shared_state


@pytest.fixture
async def billing(client: Api, catalog: dict[str, int]) -> Billing:
    async def build() -> Billing:
        people = await make_people(client)
        return Billing(people, await client.staff("ke.toan@ttcntt.vn", Role.FINANCE))

    return await shared_state("billing_people", build)


@pytest.fixture(scope="session")
def localstripe() -> Iterator[str]:
    """A fake, stateful Stripe server (PyPI's localstripe) on a free port, for the real stripe SDK."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    binary = Path(sys.executable).parent / "localstripe"
    process = subprocess.Popen([str(binary), "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    # It starts in about a second on a quiet machine, but took over 10 s on a loaded one (two suites at
    # once): its first users then failed with connection errors. Wait long, and fail loudly, not later.
    deadline = time.monotonic() + 90
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"localstripe did not start on port {port}") from None
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def export_pages_of_two(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Exports read pages of two invoices, so a few invoices take several pages (keyset paging is exercised)."""
    with env_settings(monkeypatch, EXPORT_BATCH_SIZE="2"):
        yield


WEBHOOK_SECRET = "whsec_test_secret"


@pytest.fixture
def stripe_settings(localstripe: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Cards on (pointed at localstripe), a webhook secret, and the center's bank for VietQR."""
    with env_settings(
        monkeypatch,
        STRIPE_SECRET_KEY="sk_test_local", STRIPE_PUBLISHABLE_KEY="pk_test_local", STRIPE_API_BASE=localstripe,
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET, VIETQR_BANK_BIN="970418", SELLER_BANK_ACCOUNT="12010000123456",
    ):  # fmt: skip
        yield localstripe
