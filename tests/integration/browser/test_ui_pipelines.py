"""A pipeline's graph (DAG) in the UI shows the state of each step of its latest run."""

from __future__ import annotations

import re

from tests.integration.browser.catalog import view
from tests.integration.browser.pages import open_view
from tests.integration.browser.playwright_api import Locator, Page, expect
from tests.support import ServerProcess

# The seeded run of "etl": extract succeeds, transform exits 3, so load (after it) never runs,
# and audit, which depends on extract only, still succeeds.
EXPECTED = {"extract": "succeeded", "transform": "failed", "load": "skipped", "audit": "succeeded"}
# A drawn step is a link (to its run or job) or an image, named after its step, job and state.
NODE = re.compile(r"""^\s*- '?(?:link|img) "((?:[^"\\]|\\.)*)\"""", re.MULTILINE)


def node_names(graph: Locator) -> list[str]:
    """The accessible names of the graph's steps, as a screen reader meets them."""
    return NODE.findall(graph.aria_snapshot())


def states_in(graph: Locator) -> dict[str, str]:
    """Each expected step's state word found in the name of its node."""
    found = {}
    for name in node_names(graph):
        step = re.match(r"(?:Step )?([\w-]+)", name)
        state = re.search(r"\b(succeeded|failed|skipped|not run|running|queued)\b", name)
        if step and state and step[1] in EXPECTED:
            found[step[1]] = state[1]
    return found


def graph_of(page: Page, name: str) -> Locator:
    return page.get_by_role("group", name=re.compile(f"^Steps of {name}"))


class TestPipelineGraph:
    def test_the_graph_shows_each_steps_state(
        self, page: Page, server: ServerProcess, seeded: dict
    ) -> None:
        """Every step of etl is drawn with the state it reached in the latest run."""
        open_view(page, server.url, view("pipeline"), seeded)
        graph = graph_of(page, "etl")
        expect(graph).to_be_visible()
        for step, state in EXPECTED.items():
            expect(graph).to_contain_text(step)
            expect(graph).to_contain_text(state)
        assert len(node_names(graph)) == len(EXPECTED)
        assert states_in(graph) == EXPECTED

    def test_a_step_opens_its_run(self, page: Page, server: ServerProcess, seeded: dict) -> None:
        """Selecting the failed step in the graph opens that step's run, failed with exit 3."""
        open_view(page, server.url, view("pipeline"), seeded)
        node = graph_of(page, "etl").get_by_role("link", name=re.compile(r"^(Step )?transform\b"))
        node.click()
        expect(page).to_have_url(re.compile(r"/ui/runs/R\w+$"))
        expect(page.get_by_role("heading", level=1)).to_contain_text("failed")
        run = server.request("GET", "/runs/" + page.url.rsplit("/", 1)[1])[1]
        assert run["owner_name"] == "transform" and run["exit_code"] == 3

    def test_the_pipeline_runs_page_draws_the_same_states(
        self, page: Page, server: ServerProcess, seeded: dict
    ) -> None:
        """The page of the pipeline's run draws its steps in the states of that run."""
        open_view(page, server.url, view("pipeline-run"), seeded)
        graph = graph_of(page, f"run {seeded['etl_run']}")
        expect(graph).to_contain_text("skipped")
        assert states_in(graph) == EXPECTED
