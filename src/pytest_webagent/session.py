"""State of one pytest session for the plugin, and the services cases run with.

Lazily built: the working store opens on first use, the model client only when a step needs a
model, trajectory files are read once per process.
"""

from __future__ import annotations

import signal
import sys
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import Page

from pytest_webagent.browser.saved_state import save_state
from pytest_webagent.browser.traces import kept_traces, scrub_trace
from pytest_webagent.cases.model import Case
from pytest_webagent.cases.pycase import case_id_of, spec_of
from pytest_webagent.errors import UnresolvableStep
from pytest_webagent.replay.store import StoreUnavailable, WorkingStore, new_run_id
from pytest_webagent.replay.trajectory import TrajectoryFile, step_key, trajectory_path
from pytest_webagent.report.summary import Summary, item_statistics
from pytest_webagent.secret_values import Secrets
from pytest_webagent.settings import Settings, collecting_cases, origin_note, other_set_values

if TYPE_CHECKING:
    from pytest_webagent.resolve.planning.planner import Planner
    from pytest_webagent.run.runner import CaseRunner

# The session exists from pytest_configure on, also for runs that only list or collect cases: what
# only running a case needs (runner, model client, Allure, merging) is imported where it is used.


@dataclass(frozen=True)
class CaseRun:
    """The case a test item runs: its runner, and the file whose trajectory holds it."""

    runner: CaseRunner
    source: Path  # a case file, or the module of a Python test
    python: bool  # a Python test: its steps are known only by running it


RUN_KEY = pytest.StashKey[CaseRun]()
# The secrets a test found without a value: shipped on its report to the summary, said once there.
MISSING_SECRETS_KEY = pytest.StashKey[list[list[str]]]()


def attach_missing_secrets(item: pytest.Item, report: pytest.TestReport) -> None:
    """Put on ``report`` the secrets ``item`` found without a value (once: the failing phase)."""
    missing = item.stash.get(MISSING_SECRETS_KEY, None)
    if missing is not None:
        del item.stash[MISSING_SECRETS_KEY]
        report.webagent_missing_secrets = missing  # type: ignore[attr-defined]


class WebagentSession:
    def __init__(self, config: pytest.Config, settings: Settings) -> None:
        self.config = config
        self.settings = settings
        workerinput: dict[str, Any] | None = getattr(config, "workerinput", None)
        self.is_worker = workerinput is not None
        self.run_id = str((workerinput or {}).get("webagent_run_id") or new_run_id())
        self.store = WorkingStore(settings.cache_dir)
        self.summary = Summary()
        self.case_file_errors = 0  # collection errors of case files (they do not stop the run)
        self._trajectories: dict[Path, TrajectoryFile] = {}
        self._planner: Planner | None = None
        # Cases this process ran and whose teardown report has not come yet: their traces.
        self._case_secrets: dict[str, Secrets] = {}
        # Updates of passing cases the store could not take (full disk): merged from memory.
        self.unstored: list[dict[str, Any]] = []
        self._modules_described: set[Path] = set()
        self._previous_sigterm: Any = None
        if not self.is_worker and collecting_cases(config):
            # Open (and if need be repair) the store before any xdist worker starts: a damaged
            # store is then moved aside once, by the process that reports it in the summary.
            try:
                self.store.open()
            except StoreUnavailable as error:
                raise pytest.UsageError(str(error)) from None

    def trajectory_for(self, source: Path) -> TrajectoryFile:
        path = trajectory_path(source)
        if path not in self._trajectories:
            self._trajectories[path] = TrajectoryFile.load(path)
        return self._trajectories[path]

    def planner(self) -> Planner:
        if self._planner is None:
            if not self.settings.model:
                raise UnresolvableStep(
                    "this step is not explicit and no model is configured",
                    hints=[
                        'hint: quote targets and values (e.g. Click "Sign in", Fill "Email" '
                        'with "a@b.c"); see docs/writing-cases.md for the phrasing,',
                        "      or configure a model (webagent_model, WEBAGENT_MODEL) to plan it",
                    ],
                )
            from pytest_webagent.resolve.planning.llm import ModelClient
            from pytest_webagent.resolve.planning.planner import Planner

            self._planner = Planner(
                ModelClient(self.settings, self.store),
                answer_retries=self.settings.int_value("webagent_answer_retries"),
                max_actions=self.settings.int_value("webagent_max_actions"),
                snapshot_tokens=self.settings.int_value("webagent_snapshot_tokens"),
            )
        return self._planner

    def open_case(
        self,
        case: Case,
        page: Page,
        request: pytest.FixtureRequest,
        secrets: Secrets,
        *,
        case_id: str | None = None,
        source: Path | None = None,
    ) -> CaseRunner:
        """A runner for ``case`` in ``page``, left on the test's item for the hooks that follow.

        ``source`` is the file whose trajectory holds the case (default: the case file itself;
        a Python test's is its module), ``case_id`` its key there (default: the case's name).
        """
        from pytest_webagent.report.allure_report import CaseReport, allure_active
        from pytest_webagent.run.failures import rerun_command
        from pytest_webagent.run.results import RunContext
        from pytest_webagent.run.runner import CaseRunner

        source = source or case.location.path
        context = RunContext(
            case_id=case_id or case.item_name,
            nodeid=request.node.nodeid,
            base_url=_base_url(request),
            trajectory=self.trajectory_for(source),
            secrets=secrets,
            accept_downloads=_accepts_downloads(request),
            project_root=self.config.rootpath,
            rerun=rerun_command(
                self.config.invocation_params.args,
                self.config.rootpath,
                self.config.invocation_params.dir,
                request.node.nodeid,
            ),
        )
        self._case_secrets[request.node.nodeid] = secrets
        report = CaseReport(allure_active(self.config), self.settings.screenshots, secrets)
        report.describe(
            case,
            _allure_title(request.node, case),
            _browser_parameter(request),
            {"mode": self.settings.mode},
        )
        runner = CaseRunner(case, page, self.settings, self, context, report)
        request.node.stash[RUN_KEY] = CaseRun(runner, source, python=source.suffix == ".py")
        return runner

    def run_case(
        self, case: Case, page: Page, request: pytest.FixtureRequest, secrets: Secrets
    ) -> None:
        """The test function of a YAML case: the whole case, step after step."""
        self.open_case(case, page, request, secrets).run()

    def before_test(self, item: pytest.Item) -> None:
        """A test that does not use the plugin shares pytest-playwright's browser: it goes
        without the navigation guard's request interception (``rest_idle_pauses``)."""
        if "webagent_selector_engines" in getattr(item, "fixturenames", ()):
            return
        # Looked up, not imported: no guard exists unless a case loaded its module, and a run
        # without cases does not pay for importing it.
        guards = sys.modules.get("pytest_webagent.browser.navigation_guard")
        if guards is not None:
            guards.rest_idle_pauses()

    def after_passing_call(self, item: pytest.Item) -> None:
        """What a case reports once its test passed: the final page, and the model it used."""
        run = item.stash.get(RUN_KEY, None)
        if run is None:
            return
        runner = run.runner
        if runner.case.saves_state:
            save_state(runner.page, runner.case, self.settings.cache_dir)
        runner.report.final_page(runner.page, runner.executor.secret_fields)
        if any(result.usage.calls or result.usage.memo_hits for result in runner.results):
            runner.report.parameter("model", self.settings.model)

    def on_call_report(self, item: pytest.Item, report: pytest.TestReport) -> None:
        """Attach step statistics to the report; queue the trajectory of a passing case."""
        run = item.stash.get(RUN_KEY, None)
        if run is None:
            return
        runner, context = run.runner, run.runner.run_context
        statistics = item_statistics(
            runner.results,
            run.source,
            context.case_id,
            runner.failed_usage,
            runner.unhealed,
            total_steps=max(len(runner.case.steps), len(runner.steps)),
            failed=report.failed,
        )
        statistics["passed"] = report.passed
        # Step texts and what the page held may quote a secret a page echoed: report placeholders.
        for key in ("healed", "unhealed"):
            statistics[key] = runner.secrets.mask_data(statistics[key])
        if run.python:
            # A Python test's steps are known only by running it: only a test that ran to its
            # end says which entries it uses (see recording.review_stale).
            statistics["python"] = True
            if report.passed:
                statistics["steps"] = [list(step_key(step)) for step in runner.steps]
            if run.source not in self._modules_described:
                self._modules_described.add(run.source)
                defined = defined_test_ids(item)
                if defined is not None:
                    statistics["module_tests"] = sorted(defined)
        report.webagent = statistics  # type: ignore[attr-defined]
        if report.passed:
            entries = runner.entries()
            base = context.trajectory.cases.get(context.case_id, [])
            if entries and entries != base:
                path, case_id = context.trajectory.path, context.case_id
                try:
                    self.store.put_pending(self.run_id, path, case_id, entries, base)
                except StoreUnavailable as error:
                    # Nothing lost: the controller merges it from memory (a worker's rides on
                    # the report), and the summary says the store failed.
                    update = {"file": str(path), "case": case_id, "entries": entries}
                    statistics["unstored"] = {**update, "problem": str(error)}

    def add_statistics(self, nodeid: str, statistics: dict[str, Any]) -> None:
        """On the controller: one case's statistics (its own, or an xdist worker's)."""
        unstored = statistics.pop("unstored", None)
        if unstored is not None:
            problem = str(unstored.pop("problem"))
            if not self.unstored:
                self.summary.problems.append(f"{problem} (updates kept in memory and merged)")
            self.unstored.append(unstored)
        self.summary.add(nodeid, statistics)

    def finish(self, prune: bool) -> None:
        """Session end on the controller: merge pending updates, then judge stale entries.

        Nothing here may raise out of ``pytest_sessionfinish``: every file is merged on its own,
        and what fails is reported in the summary and kept for the next run.
        """
        if not self.summary.cases:
            # Nothing ran a case, so nothing is pending: a run of tests that never use the agent
            # does not even create the working store.
            return
        from pytest_webagent.replay import merge, recording

        merge.merge_pending(self.store, self.run_id, self.summary, self.unstored)
        recording.review_stale(prune, self.summary)

    def stop_on_sigterm(self) -> None:
        """A cancelled CI job gets SIGTERM: stop as on Ctrl-C, so the session still ends and
        merges what passed. Only when nobody else handles SIGTERM, and only once."""
        if self.is_worker or threading.current_thread() is not threading.main_thread():
            return
        if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
            return
        self._previous_sigterm = signal.signal(signal.SIGTERM, _interrupt_on_sigterm)

    def restore_sigterm(self) -> None:
        if self._previous_sigterm is not None:
            signal.signal(signal.SIGTERM, self._previous_sigterm)
            self._previous_sigterm = None

    def on_teardown_report(self, report: pytest.TestReport) -> None:
        """Scrub and attach the Playwright traces pytest-playwright kept for a case."""
        secrets = self._case_secrets.pop(report.nodeid, None)
        if secrets is None:  # not a case, or one an xdist worker ran and reports
            return
        from pytest_webagent.report.allure_report import allure_active, attach_trace

        for path in kept_traces(self.config, report):
            if secrets:
                scrub_trace(path, secrets)
            if allure_active(self.config):
                attach_trace(path)

    def header_lines(self) -> list[str]:
        s, sources = self.settings, self.settings.sources
        model = f"model {s.model} ({sources['webagent_model']})" if s.model else "no model"
        lines = [
            f"webagent: mode {s.mode} ({sources['webagent_mode']}), resolver {s.resolver}"
            f"{origin_note(sources['webagent_resolver'])}, {model}, step timeout "
            f"{s.step_timeout_ms / 1000:g}s{origin_note(sources['webagent_step_timeout'])}"
        ]
        others = other_set_values(s)
        if others:
            lines.append("webagent: also set: " + ", ".join(others))
        return lines


def _interrupt_on_sigterm(signum: int, frame: FrameType | None) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM ends the process at once
    raise KeyboardInterrupt("SIGTERM: stopping; merging the trajectories of the cases that passed")


def defined_test_ids(item: pytest.Item) -> set[str] | None:
    """Every test id the module of ``item`` defines now, whatever was selected to run.

    The module is imported, so collecting it again is cheap and shows tests that ``-k`` or a
    node id left out; a test id not among them was renamed or deleted. None when that cannot be
    told (the module does not collect cleanly).
    """
    module = item.getparent(pytest.Module)
    if module is None or not trajectory_path(module.path).exists():
        return None
    ids: set[str] = set()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # collection warnings were shown once already
            nodes: list[pytest.Item | pytest.Collector] = list(module.collect())
            while nodes:
                node = nodes.pop()
                if isinstance(node, pytest.Function):
                    ids.add(case_id_of(node))
                elif isinstance(node, pytest.Collector):
                    nodes.extend(node.collect())
    except Exception:  # any collection failure only means "not known"
        return None
    return ids


def _browser_name(request: pytest.FixtureRequest) -> str:
    try:
        return str(request.getfixturevalue("browser_name"))
    except pytest.FixtureLookupError:
        return "chromium"


def _browser_parameter(request: pytest.FixtureRequest) -> dict[str, str]:
    """``browser_name`` as an Allure parameter, named as pytest-playwright's parametrization
    names it; nothing when that parametrization already reports it (a Python test)."""
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None and "browser_name" in callspec.params:
        return {}
    return {"browser_name": _browser_name(request)}


def _allure_title(item: pytest.Item, case: Case) -> str | None:
    """pytest's name of the item, with a case's own name in place of a test function's
    (``Sign in[chromium]`` for ``test_sign_in[chromium]``); None keeps allure-pytest's title."""
    if item.path.suffix != ".py":
        return item.name  # a YAML case's item is named after the case already
    spec = spec_of(item)
    if spec is None or not (spec.name or spec.file_cases):
        return None
    original = getattr(item, "originalname", item.name)
    return case.name + item.name[len(original) :]


def _accepts_downloads(request: pytest.FixtureRequest) -> bool:
    """Whether the case opted in to downloads: ``accept_downloads`` set to true in
    pytest-playwright's ``browser_context_args`` (its fixture, or the mark of that name)."""
    mark = request.node.get_closest_marker("browser_context_args")
    if mark is not None and "accept_downloads" in mark.kwargs:
        return bool(mark.kwargs["accept_downloads"])
    try:
        context_args: Any = request.getfixturevalue("browser_context_args")
    except pytest.FixtureLookupError:
        return False
    return bool(context_args.get("accept_downloads", False))


def _base_url(request: pytest.FixtureRequest) -> str | None:
    try:
        value: Any = request.getfixturevalue("base_url")
    except pytest.FixtureLookupError:
        return None
    return str(value) if value else None


SESSION_KEY = pytest.StashKey[WebagentSession]()
