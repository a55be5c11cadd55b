#!/usr/bin/env python3
"""Drives gslbd's status page (GET / on the admin port) in headless Chromium.

Called by tests/integration/test_status_page.cpp with a running gslbd: opens the page, sees
the login form, tries a wrong token (an error, the form again), logs in with the right one,
then checks the DOM (a map marker per region with its name and health, every service with an
answer per vantage, the running drill, audit entries), that the page fetched nothing, takes a
screenshot (a real PNG of some size) and logs out.

Prints one "ok: ..." line per check; the first failure prints "FAIL: ..." and exits 1.
Exits 2 with "MISSING: ..." when Chromium, chromedriver or Selenium is not installed
(Debian: apt-get install chromium chromium-driver python3-selenium).
"""
import argparse
import os
import shutil
import struct
import sys
import tempfile

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MIN_SCREENSHOT_BYTES = 20_000  # a blank page is a few kB; the map alone is far more
WAIT_SECONDS = 20


def fail(message):
    print(f"FAIL: {message}", flush=True)
    sys.exit(1)


def ok(message):
    print(f"ok: {message}", flush=True)


def check(condition, message):
    if not condition:
        fail(message)
    ok(message)


def find_program(names):
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    return None


def browser_paths():
    chromium = find_program(["chromium", "chromium-browser", "google-chrome"])
    driver = find_program(["chromedriver"])
    if driver is None and os.path.exists("/usr/lib/chromium/chromedriver"):
        driver = "/usr/lib/chromium/chromedriver"
    missing = [name for name, path in [("chromium", chromium), ("chromedriver", driver)]
               if path is None]
    if missing:
        print("MISSING: " + " and ".join(missing) +
              " not found (apt-get install chromium chromium-driver python3-selenium)")
        sys.exit(2)
    return chromium, driver


def start_browser(profile_dir):
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        print("MISSING: python3-selenium (apt-get install python3-selenium)")
        sys.exit(2)
    chromium, driver = browser_paths()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    # Root in a container needs --no-sandbox; nothing here may reach the network either.
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1400,2000", "--no-first-run", "--disable-extensions",
                 "--disable-background-networking", "--disable-sync",
                 f"--user-data-dir={profile_dir}"]:
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(executable_path=driver), options=options)


def wait_for(driver, css):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait
    try:
        return WebDriverWait(driver, WAIT_SECONDS).until(
            expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css)))
    except Exception:  # a timeout: say what the page showed instead
        fail(f"no {css!r} within {WAIT_SECONDS}s; page was: {driver.page_source[:2000]}")


def all_of(driver, css):
    from selenium.webdriver.common.by import By
    return driver.find_elements(By.CSS_SELECTOR, css)


def submit_token(driver, token):
    field = wait_for(driver, "form[action='/login'] input[type=password][name=token]")
    field.clear()
    field.send_keys(token)
    all_of(driver, "form[action='/login'] button[type=submit]")[0].click()


def check_login(driver, url, token, wrong_token):
    driver.get(url + "/")
    wait_for(driver, "form[action='/login']")
    check(not all_of(driver, "svg.map"), "without credentials / shows the login form only")
    submit_token(driver, wrong_token)
    error = wait_for(driver, ".error")
    check("not valid" in error.text, f"a wrong token is refused with an error ({error.text!r})")
    check(bool(all_of(driver, "form[action='/login']")), "the form is shown again")
    submit_token(driver, token)
    wait_for(driver, "svg.map")
    ok("the right token opens the page")
    cookies = {c["name"]: c for c in driver.get_cookies()}
    session = cookies.get("gslb_session")
    check(session is not None, "a session cookie is set")
    check(session.get("httpOnly") is True, "the cookie is HttpOnly")
    check(session.get("sameSite") == "Strict", "the cookie is SameSite=Strict")
    check(token not in session.get("value", ""), "the cookie does not hold the token")


def check_regions(driver, expected, forced):
    markers = all_of(driver, "svg.map g.region")
    check(len(markers) == len(expected),
          f"one marker per region ({len(markers)} markers, {len(expected)} regions)")
    for name, health in expected.items():
        found = [m for m in markers if m.get_attribute("data-region") == name]
        check(len(found) == 1, f"region {name} has a marker")
        marker = found[0]
        check(marker.get_attribute("data-health") == health,
              f"region {name} is {health} (got {marker.get_attribute('data-health')})")
        circles = marker.find_elements("css selector", "circle:not(.forced)")
        check(len(circles) == 1, f"region {name} has a circle")
        rings = marker.find_elements("css selector", "circle.forced")
        check(len(rings) == (1 if name in forced else 0),
              f"region {name} {'has' if name in forced else 'has no'} forced-state ring")
        texts = marker.find_elements("css selector", "text")
        check(len(texts) == 1 and texts[0].text == name, f"region {name}'s name is visible")


def check_services(driver, services, vantages, answers):
    headers = [th.text for th in all_of(driver, "#services th")]
    for vantage in vantages:
        check(any(h.startswith(f"from {vantage}") for h in headers),
              f"a column for vantage {vantage}")
    for service in services:
        rows = [r for r in all_of(driver, "#services tr.service")
                if r.get_attribute("data-service") == service]
        check(len(rows) == 1, f"service {service} is listed")
        cells = rows[0].find_elements("css selector", "td.answer")
        check(len(cells) == len(vantages) and all(c.text for c in cells),
              f"service {service} has an answer per vantage: {[c.text for c in cells]}")
    for spec in answers:
        service, vantage, address = spec.split("|")
        row = [r for r in all_of(driver, "#services tr.service")
               if r.get_attribute("data-service") == service][0]
        cells = row.find_elements("css selector", "td.answer")
        text = cells[vantages.index(vantage)].text
        check(address in text, f"{service} answers {address} from {vantage} ({text!r})")


def check_drill_and_audit(driver, drill_id, drill_target):
    drills = [d for d in all_of(driver, "#drills .drill")
              if d.get_attribute("data-drill") == drill_id]
    check(len(drills) == 1, f"drill {drill_id} is shown as active")
    check(drill_target in drills[0].text, f"the drill shows its target {drill_target}")
    check("verdict" in drills[0].text, "the drill shows its live report")
    entries = all_of(driver, "#audit tr.audit-entry")
    check(1 <= len(entries) <= 20, f"recent audit entries are listed ({len(entries)})")
    check(any("drill.start" in e.text for e in entries), "the drill's start is in the audit list")


def check_self_contained(driver):
    refresh = all_of(driver, "meta[http-equiv=refresh]")
    check(len(refresh) == 1, "the page refreshes itself")
    # WebDriver's script runs outside the page's CSP: it can read what the page loaded.
    loaded = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)")
    check(loaded == [], f"the page loaded nothing else ({loaded})")
    check(not all_of(driver, "script, link[rel=stylesheet], img, iframe"),
          "no scripts, stylesheets, images or frames")


def check_screenshot(driver, directory):
    path = os.path.join(directory, "status_page.png")
    check(driver.save_screenshot(path), f"a screenshot was written to {path}")
    with open(path, "rb") as f:
        data = f.read()
    check(data.startswith(PNG_SIGNATURE), "the screenshot is a PNG")
    width, height = struct.unpack(">II", data[16:24])
    check(width >= 800 and height >= 600, f"the screenshot is {width}x{height}")
    check(len(data) >= MIN_SCREENSHOT_BYTES, f"the screenshot is not blank ({len(data)} bytes)")


def check_logout(driver):
    button = wait_for(driver, "form[action='/logout'] button")
    button.click()
    wait_for(driver, "form[action='/login']")
    check(not all_of(driver, "svg.map"), "after logging out the form is back")


def on_fresh_page(driver, check_fn, *args):
    """Runs check_fn; when the page's own refresh replaced the DOM midway, runs it again."""
    from selenium.common.exceptions import StaleElementReferenceException
    for attempt in range(3):
        try:
            wait_for(driver, "svg.map")
            return check_fn(driver, *args)
        except StaleElementReferenceException:
            print(f"(the page refreshed during {check_fn.__name__}; again)", flush=True)
    fail(f"{check_fn.__name__}: the page kept refreshing under the checks")


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", required=True, help="the admin API, http://127.0.0.1:PORT")
    p.add_argument("--token", required=True)
    p.add_argument("--wrong-token", default="not-a-token-0123456789")
    p.add_argument("--region", action="append", default=[], help="NAME=HEALTH, repeatable")
    p.add_argument("--forced", action="append", default=[],
                   help="a region with something forced out of answers (a drill), repeatable")
    p.add_argument("--service", action="append", default=[], help="a service name, repeatable")
    p.add_argument("--vantage", action="append", default=[], help="a vantage name, in order")
    p.add_argument("--answer", action="append", default=[], help="SERVICE|VANTAGE|ADDRESS")
    p.add_argument("--drill-id", required=True)
    p.add_argument("--drill-target", required=True)
    p.add_argument("--screenshot-dir", default=None)
    return p.parse_args()


def main():
    args = parse_args()
    regions = dict(r.split("=", 1) for r in args.region)
    with tempfile.TemporaryDirectory(prefix="gslb-chromium-") as profile:
        driver = start_browser(profile)
        try:
            check_login(driver, args.url, args.token, args.wrong_token)
            on_fresh_page(driver, check_regions, regions, args.forced)
            on_fresh_page(driver, check_services, args.service, args.vantage, args.answer)
            on_fresh_page(driver, check_drill_and_audit, args.drill_id, args.drill_target)
            on_fresh_page(driver, check_self_contained)
            on_fresh_page(driver, check_screenshot, args.screenshot_dir or profile)
            on_fresh_page(driver, check_logout)
        finally:
            driver.quit()
    print("PASS", flush=True)


if __name__ == "__main__":
    main()
