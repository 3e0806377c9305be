"""What the browser tests do to a page: sign in, open a view and wait for its data, scan it
with axe-core, and measure whether anything sticks out past the viewport.

Waiting is Playwright's auto-waiting on things a person would see (the view's heading and one
piece of its data), never a sleep, so a slow machine waits longer and a fast one not at all.
"""

from __future__ import annotations

from tests.integration.browser.catalog import View
from tests.integration.browser.chromium import AXE_SCRIPT
from tests.integration.browser.playwright_api import Page, expect

BLOCKING_IMPACTS = ("serious", "critical")

# Elements whose box passes the viewport's edges, unless an ancestor clips or scrolls them
# (a wide table inside its own scrolling box is fine). Checked beside scrollWidth because
# `overflow-x: hidden` on <body> would hide an overflow from scrollWidth alone.
OVERFLOW_SCRIPT = """() => {
  const width = window.innerWidth;
  const contained = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  const describe = (el) => {
    const id = el.id ? `#${el.id}` : "";
    const cls = typeof el.className === "string" ? el.className.trim().split(/\\s+/)[0] : "";
    const text = (el.textContent || "").trim().slice(0, 40);
    return `${el.tagName.toLowerCase()}${id}${cls ? "." + cls : ""} "${text}"`;
  };
  const offenders = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    if ((box.right > width + 1 || box.left < -1) && !contained(el)) offenders.push(describe(el));
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: width,
    offenders: offenders.slice(0, 8),
  };
}"""

AXE_RUN = """async (impacts) => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations
    .filter((v) => impacts.includes(v.impact))
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
    }));
}"""


def sign_in(
    page: Page, base_url: str, username: str, password: str, remember: bool = False
) -> None:
    """Sign in through the sign-in form and wait for the dashboard."""
    page.goto(f"{base_url}/ui/signin")
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    if remember:
        page.get_by_label("Keep me signed in").check()
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()


def open_view(page: Page, base_url: str, view: View, seeded: dict[str, str]) -> None:
    """Go to a view and wait until its heading and its data are on screen."""
    page.goto(base_url + view.url(seeded))
    heading = view.heading.format(**seeded)
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    main = page.locator("main")
    expect(main.get_by_text(view.ready.format(**seeded)).filter(visible=True).first).to_be_visible()


def overflow(page: Page) -> dict:
    """The page's scroll width, the viewport's width, and what sticks out (empty when fine)."""
    return page.evaluate(OVERFLOW_SCRIPT)


def axe_violations(page: Page) -> list[dict]:
    """The serious and critical axe-core violations of the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated rather than added as a <script>: the page's policy forbids inline scripts.
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8") + "\n;0")
    return page.evaluate(AXE_RUN, list(BLOCKING_IMPACTS))


def describe_violations(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['impact']} {v['id']}: {v['help']} at {', '.join(v['nodes'])}" for v in violations
    )
