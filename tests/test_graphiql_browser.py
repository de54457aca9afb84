"""GraphiQL at /graphql loads and runs a query in headless Chromium with the network cut off from
everything but the app: no CDN, no request anywhere else, no Content-Security-Policy violation.

Needs Debian's `chromium` and `chromium-driver` (`apt-get install -y chromium chromium-driver`) and the
`selenium` dev dependency; skipped without them, unless REQUIRE_BROWSER=1 (as in .ci/run) makes a
missing browser a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")

if not (CHROMIUM and DRIVER):
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail("REQUIRE_BROWSER=1 but chromium or chromedriver is missing", pytrace=False)
    pytest.skip("chromium and chromedriver are not installed", allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def server() -> Iterator[str]:
    """The app under uvicorn in its own process, on the test database (DATABASE_URL is inherited; the
    page and `{ __typename }` read no table)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory", "--host", "127.0.0.1",
         "--port", str(port), "--no-server-header", "--log-level", "warning"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("the app did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_graphiql_runs_a_query_offline(server: str) -> None:
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-gpu",
        "--disable-dev-shm-usage",
        # the network cut off: every host name but the app's address fails to resolve
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
        "--proxy-server=http://127.0.0.1:9",  # and anything reaching for an address goes nowhere
        "--proxy-bypass-list=127.0.0.1",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    try:
        driver.set_page_load_timeout(60)
        driver.get(f"{server}/graphql?q={quote('{ __typename }')}")
        wait = WebDriverWait(driver, 60)
        button = wait.until(expected_conditions.element_to_be_clickable((By.CSS_SELECTOR, ".graphiql-execute-button")))
        button.click()
        wait.until(
            expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, ".graphiql-response"), '"Query"')
        )
        response = driver.find_element(By.CSS_SELECTOR, ".graphiql-response").text
        assert '"__typename": "Query"' in response

        # every request the page made went to the app (or was inline data)
        urls = set()
        for entry in driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                urls.add(message["params"]["request"]["url"])
        assert urls and all(url.startswith((server, "data:")) for url in urls), sorted(urls)
        assert f"{server}/graphiql-assets/graphiql.min.js" in urls
        # and nothing was refused: no CSP violation, no failed load
        severe = [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
        assert severe == []
    finally:
        driver.quit()
