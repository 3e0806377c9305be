"""A pipeline's graph (DAG) in the UI shows the state of each step of its latest run."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from tests.browser.catalog import view
from tests.browser.pages import open_view
from tests.support import ServerProcess

# The seeded run of "etl": extract succeeds, transform exits 3, so load (after it) never runs,
# and audit, which depends on extract only, still succeeds.
EXPECTED = {"extract": "succeeded", "transform": "failed", "load": "skipped", "audit": "succeeded"}


def steps_of(graph: Locator) -> dict[str, str]:
    """Each drawn step's state, read from the node's accessible name ("Step x, job y: state.")."""
    names = graph.locator("[aria-label^='Step ']").evaluate_all(
        "nodes => nodes.map(node => node.getAttribute('aria-label'))"
    )
    found = {}
    for name in names:
        match = re.match(r"Step (\S+), job [^:]+: ([\w ]+)\.", name)
        if match:
            found[match[1]] = match[2]
    return found


class TestPipelineGraph:
    def test_the_graph_shows_each_steps_state(
        self, page: Page, server: ServerProcess, seeded: dict
    ) -> None:
        """Every step of etl is drawn with the state it reached in the latest run."""
        open_view(page, server.url, view("pipeline"), seeded)
        graph = page.get_by_role("group", name=re.compile("^Steps of etl"))
        expect(graph).to_be_visible()
        expect(graph.locator("[aria-label^='Step ']")).to_have_count(len(EXPECTED))
        assert steps_of(graph) == EXPECTED
        for step, state in EXPECTED.items():
            expect(graph).to_contain_text(f"{step}")
            expect(graph.locator(f"[aria-label^='Step {step},']")).to_contain_text(state)

    def test_a_step_opens_its_run(self, page: Page, server: ServerProcess, seeded: dict) -> None:
        """Selecting the failed step in the graph opens that step's run, failed with exit 3."""
        open_view(page, server.url, view("pipeline"), seeded)
        graph = page.get_by_role("group", name=re.compile("^Steps of etl"))
        graph.locator("[aria-label^='Step transform,']").click()
        expect(page).to_have_url(re.compile(r"/ui/runs/R\w+$"))
        expect(page.get_by_role("heading", level=1)).to_contain_text("failed")
        run = server.request("GET", "/runs/" + page.url.rsplit("/", 1)[1])[1]
        assert run["owner_name"] == "transform" and run["exit_code"] == 3

    def test_the_pipeline_runs_page_draws_the_same_states(
        self, page: Page, server: ServerProcess, seeded: dict
    ) -> None:
        """The page of the pipeline's run draws its steps in the states of that run."""
        open_view(page, server.url, view("pipeline-run"), seeded)
        graph = page.get_by_role("group", name=f"Steps of run {seeded['etl_run']}")
        expect(graph.locator("[aria-label^='Step ']")).to_have_count(len(EXPECTED))
        assert steps_of(graph) == EXPECTED
