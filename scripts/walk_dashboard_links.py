"""Walk the dashboard as each demo login would, in Chromium: every figure of the first town's row
is clicked and its list's "共 N" total compared with the figure.

    make run                                     # another shell: the demo on http://127.0.0.1:8000/
    .venv/bin/python scripts/walk_dashboard_links.py [http://127.0.0.1:8000]

Prints one line per login and the number of mismatches (0 expected); a city department gets 403.
"""

import re
import sys

from playwright.sync_api import sync_playwright
BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
roles = ["anban", "shichang", "yingji", "qingyang", "zhujian"]
bad = 0
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
    for user in roles:
        page = browser.new_page()
        page.goto(BASE + "/accounts/login/")
        page.fill("input[name=username]", user); page.fill("input[name=password]", "jinjiang2019")
        page.click("button[type=submit], input[type=submit]")
        page.wait_for_load_state()
        r = page.goto(BASE + "/reports/")
        if r.status != 200:
            print(user, "dashboard", r.status); page.close(); continue
        charts = page.locator("canvas").count()
        cells = page.locator("table tbody tr").first.locator("td[data-figure] a")
        links = [(cells.nth(i).get_attribute("href"), cells.nth(i).inner_text(),
                  cells.nth(i).locator("xpath=..").get_attribute("data-figure")) for i in range(cells.count())]
        checked = []
        for href, text, key in links:
            if key == "certified_share":
                continue
            page.goto(BASE + href)
            m = re.search(r"共\s*([\d,]+)", page.inner_text("main") if page.locator("main").count() else page.inner_text("body"))
            n = m.group(1).replace(",", "") if m else None
            ok = n == text.replace(",", "")
            bad += not ok
            checked.append(f"{key}={text}{'' if ok else '≠' + str(n)}")
        print(user, "charts:", charts, "|", " ".join(checked))
        page.close()
    browser.close()
print("mismatches:", bad)
sys.exit(1 if bad else 0)
