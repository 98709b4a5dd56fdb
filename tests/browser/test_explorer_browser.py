"""The closure explorer in headless Chromium, driven by Selenium.

Opens the demo explorer, closes the SEH ``kust`` by a click and checks the population
beyond the norm against ``acutesim reach regions/demo --closed kust --json``; checks that
the page made no network request; and prints the time the national page takes to
recompute a closure. Skipped where Chromium, chromedriver or Selenium is absent
(``.ci/run`` installs Debian's ``chromium`` and ``chromium-driver``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
DEMO = PROJECT / "regions" / "demo"
NL = PROJECT / "regions" / "nl"
ACUTESIM = [sys.executable, "-m", "acutesim.cli"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed"),
    pytest.mark.skipif(
        shutil.which("chromedriver") is None,
        reason="chromedriver (chromium-driver) is not installed",
    ),
]
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for arg in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--window-size=1400,1000",
        f"--user-data-dir={tmp_path_factory.mktemp('profile')}",
    ):  # fmt: skip
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    yield driver
    driver.quit()


def _explorer(region: Path, out: Path) -> Path:
    done = subprocess.run(
        [*ACUTESIM, "explore", str(region), "--out", str(out)],
        capture_output=True, text=True, check=False, cwd=PROJECT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out


def _requests(driver) -> list[str]:
    """URLs of every request the page started, from Chrome's performance log."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def _beyond(driver) -> int:
    return int(driver.find_element("id", "beyond").get_attribute("data-value"))


@pytest.mark.skipif(not (DEMO / "region.toml").exists(), reason="regions/demo is not present")
def test_demo_explorer_close_kust_matches_acutesim_reach(browser, tmp_path):
    page = _explorer(DEMO, tmp_path / "demo.html")
    reach = subprocess.run(
        [*ACUTESIM, "reach", str(DEMO), "--closed", "kust", "--json"],
        capture_output=True, text=True, check=True, cwd=PROJECT,
    )  # fmt: skip
    expected = json.loads(reach.stdout)["population_beyond_norm"]
    everything_open = subprocess.run(
        [*ACUTESIM, "reach", str(DEMO), "--json", "--sensitivity"],
        capture_output=True, text=True, check=True, cwd=PROJECT,
    )  # fmt: skip
    base = json.loads(everything_open.stdout)

    browser.get_log("performance")  # drop entries of earlier pages
    browser.get(page.resolve().as_uri())
    assert _beyond(browser) == base["population_beyond_norm"]
    sensitive = {s["site_id"]: s["extra_population_beyond_norm"] for s in base["sensitive_sites"]}
    rows = browser.find_elements("css selector", "#sensitivity tr")
    shown = {r.get_attribute("data-site"): int(r.text.split()[-1].replace(",", "")) for r in rows}
    assert {k: v for k, v in shown.items() if v > 0} == sensitive

    browser.find_element("css selector", '[data-site="kust"]').click()
    assert _beyond(browser) == expected
    assert "closed=kust" in browser.current_url
    assert "kust" in browser.find_element("id", "closed-list").text

    # the URL hash restores the selection on a fresh load
    browser.get("about:blank")
    browser.get(page.resolve().as_uri() + "#closed=kust&dispatch=3&onscene=20&norm=45")
    assert _beyond(browser) == expected
    # the norm slider recomputes (a looser norm never puts more people beyond it)
    browser.execute_script(
        "const s = document.getElementById('norm'); s.value = 60;"
        "s.dispatchEvent(new Event('input'));"
    )
    assert _beyond(browser) <= expected
    assert "norm=60" in browser.current_url

    requests = _requests(browser)
    assert requests  # the log works: the page itself was loaded
    remote = [u for u in requests if not u.startswith(("file:", "data:", "about:"))]
    assert remote == []


@pytest.mark.skipif(not (NL / "region.toml").exists(), reason="regions/nl is not present")
def test_national_explorer_size_and_recompute_time(browser, tmp_path):
    page = _explorer(NL, tmp_path / "nl.html")
    size_mb = page.stat().st_size / 1e6
    assert size_mb < 10.0
    browser.get(page.resolve().as_uri())
    site = browser.execute_script("return document.querySelector('.site.counted').dataset.site;")
    timings = []
    for _ in range(5):
        browser.find_element("css selector", f'[data-site="{site}"]').click()
        timings.append(
            float(browser.find_element("id", "recompute-ms").get_attribute("data-value"))
        )
    timings.sort()
    print(
        f"\nnational explorer: {size_mb:.2f} MB; recompute of a closure: median "
        f"{timings[2]:.1f} ms, max {timings[-1]:.1f} ms (5 clicks)"
    )
