"""The explorer in a real browser (headless Chromium): click through the seed's handoff, check
the reference counts the page shows against the model's own run, go back, copy the path JSON,
jump to a step, follow a link, and open a counterexample of a seeded bug with its violated
property marked.

Deselected by default (marker ``browser``); ``.ci/run`` installs Chromium and its driver and runs
``pytest -m browser``.  Set ``WSPSHARE_SCREENSHOT=FILE`` to keep the screenshot the test takes
(the README's picture is one).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait
from wspshare.models.scenario.schedule import Event, seed_order_run
from wspshare.properties.configs import model_for

from wspshare.cli import main

pytestmark = pytest.mark.browser

# Without these, Chromium as root refuses to start, or waits on network services it cannot reach.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1500,1150",
)
WAIT_SECONDS = 60


def installed(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(f"{names[0]} is not installed: apt-get install -y chromium chromium-driver")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = installed("chromium", "chromium-browser")
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    service = Service(executable_path=installed("chromedriver"))
    driver = webdriver.Chrome(options=options, service=service)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def explorer() -> Iterator[str]:
    """``wspshare explore handoff --port 0`` as a real process; the address it printed."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "wspshare", "explore", "handoff", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    try:
        assert url.startswith("http://127.0.0.1:"), proc.stderr.read() if proc.stderr else url
        yield url
    finally:
        proc.kill()
        proc.communicate()


def wait(driver: WebDriver, what: str, script: str) -> None:
    """Wait until the page's ``script`` (a JavaScript expression) is true."""
    WebDriverWait(driver, WAIT_SECONDS).until(
        lambda d: d.execute_script(f"return Boolean({script});"), f"waiting for {what}"
    )


def wait_for_step(driver: WebDriver, step: int) -> None:
    wait(driver, f"step {step}", f"document.body.dataset.cursor === '{step}'")


def shown_sockets(driver: WebDriver) -> list[tuple[int, str]]:
    rows = driver.find_elements(By.CSS_SELECTOR, "#sockets tr[data-socket]")
    return [
        (
            int(row.find_element(By.CSS_SELECTOR, "td.refs").text),
            row.find_element(By.CSS_SELECTOR, "td.status").text,
        )
        for row in rows
    ]


def models_sockets(event: Event) -> list[tuple[int, str]]:
    return [(s.refs, s.status.name) for s in event.state.world.sockets]


def click_action(driver: WebDriver, label: str) -> None:
    buttons = driver.find_elements(By.CSS_SELECTOR, "#actions button.action")
    chosen = [b for b in buttons if b.get_attribute("data-label") == label]
    assert chosen, f"{label!r} is not offered; offered: {[b.text for b in buttons]}"
    chosen[0].click()


def address_fingerprints(driver: WebDriver) -> list[str]:
    return [p for p in driver.current_url.split("#/", 1)[1].split("/") if p]


def screenshot(driver: WebDriver, target: Path) -> None:
    wait(driver, "the diagram", "document.getElementById('diagram').complete "
         "&& document.getElementById('diagram').naturalWidth > 0")  # fmt: skip
    driver.save_screenshot(str(target))
    assert target.stat().st_size > 10_000
    keep = os.environ.get("WSPSHARE_SCREENSHOT")
    if keep:
        shutil.copyfile(target, keep)


def test_walk_the_seed_handoff_go_back_and_open_a_counterexample(
    browser: WebDriver, explorer: str, tmp_path: Path
) -> None:
    seed = seed_order_run(model_for("handoff"))
    assert {e.effect.seed_step for e in seed} == set(range(1, 11))  # all ten of the seed's steps

    browser.get(explorer)
    wait_for_step(browser, 0)
    assert shown_sockets(browser) == []
    for n, event in enumerate(seed, start=1):
        click_action(browser, str(event.action))
        wait_for_step(browser, n)
        assert shown_sockets(browser) == models_sockets(event), f"after step {n}: {event.action}"
    assert "final state" in browser.find_element(By.ID, "status").text

    for n in (len(seed) - 1, len(seed) - 2):
        browser.find_element(By.ID, "back").click()
        wait_for_step(browser, n)
    assert shown_sockets(browser) == models_sockets(seed[len(seed) - 3])
    assert len(address_fingerprints(browser)) == len(seed) - 1  # the link names this state
    assert len(browser.find_elements(By.CSS_SELECTOR, "#path li.future")) == 2

    browser.find_element(By.ID, "copy").click()
    wait(browser, "the path JSON", "document.getElementById('path-json').value.length > 0")
    copied = json.loads(browser.find_element(By.ID, "path-json").get_attribute("value") or "")
    assert [s["action"] for s in copied["steps"][1:]] == [str(e.action) for e in seed[:-2]]

    link = browser.current_url  # a fresh page rebuilds the same state from the link alone
    browser.get("about:blank")
    browser.get(link)
    wait_for_step(browser, len(seed) - 2)
    assert shown_sockets(browser) == models_sockets(seed[len(seed) - 3])

    browser.find_element(By.CSS_SELECTOR, "#path li[data-step='3']").click()
    wait_for_step(browser, 3)
    assert shown_sockets(browser) == models_sockets(seed[2])

    browser.get(explorer + "#/" + "0" * 16)
    wait(browser, "the error", "document.getElementById('message').className === 'error'")
    assert "0" * 16 in browser.find_element(By.ID, "message").text

    cx = tmp_path / "close-before-claim.json"
    code = main(["check", "witness", "--variant", "close-before-claim", "--counterexample",
                 str(cx)])  # fmt: skip
    assert code == 1
    browser.find_element(By.ID, "load").send_keys(str(cx))
    violated = "#properties tr[data-property='no-premature-close'].violated"
    wait(browser, "the violated property", f'document.querySelector("{violated}")')
    marked = browser.find_elements(By.CSS_SELECTOR, "#properties tr.violated[data-property]")
    assert [row.get_attribute("data-property") for row in marked] == ["no-premature-close"]
    assert browser.find_element(By.ID, "model").text == "witness --variant close-before-claim"
    screenshot(browser, tmp_path / "explorer.png")
