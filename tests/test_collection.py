"""Which files become cases, the node ids of their items, and pytest's own selection options.

Collection needs no browser, so most checks use ``--collect-only``; ``--lf`` and ``-x`` run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.project import WebagentProject
from tests.support.site import StaticSite

LOGIN = """\
cases:
  - name: Sign in works
    tags: [smoke, auth]
    parametrize:
      - id: alice
        user: alice@example.com
      - id: bob
        user: bob@example.com
    steps:
      - Fill "Email" with "{{ user }}"

  - name: Sign out
    tags: [auth, slow]
    steps:
      - Click "Sign out"
"""

SEARCH = """\
name: Search finds socks
parametrize:
  term: [socks, red shoes, socks]
  size: [M, L, M]
steps:
  - Fill "Search" with "{{ term }}"
"""

LOGIN_IDS = [
    "cases/login.yaml::Sign in works[alice]",
    "cases/login.yaml::Sign in works[bob]",
    "cases/login.yaml::Sign out",
]
SEARCH_IDS = [
    # readable ids from the values; identical ids are numbered, as pytest does
    "cases/shop/search.yml::Search finds socks[socks-M0]",
    "cases/shop/search.yml::Search finds socks[red_shoes-L]",
    "cases/shop/search.yml::Search finds socks[socks-M1]",
]


@pytest.fixture
def cases(project: WebagentProject) -> WebagentProject:
    project.case("cases/login.yaml", LOGIN)
    project.case("cases/shop/search.yml", SEARCH)
    # Never case files: a trajectory folder, and whatever webagent_ignore names.
    project.case("cases/__trajectories__/stray.yaml", "not: a case\n")
    project.case("cases/fixtures/data.yaml", "users: [alice]\n")
    project.case("deploy/compose.yml", "services: {}\n")
    project.write_ini("webagent_ignore =", "    cases/fixtures/*", "    deploy/*.yml")
    return project


def collected(result: pytest.RunResult) -> list[str]:
    return [line for line in result.stdout.lines if "::" in line and " " not in line.split("::")[0]]


def test_with_the_flag_every_yaml_file_is_collected_with_readable_node_ids(
    cases: WebagentProject,
) -> None:
    result = cases.run("--collect-only", "-q")

    assert result.ret == 0
    assert sorted(collected(result)) == sorted(LOGIN_IDS + SEARCH_IDS)


def test_the_ini_switch_collects_without_the_flag(cases: WebagentProject) -> None:
    cases.write_ini("webagent = true")

    result = cases.pytester.runpytest_inprocess("--collect-only", "-q", "-p", "no:cacheprovider")

    assert result.ret == 0
    assert sorted(collected(result)) == sorted(LOGIN_IDS + SEARCH_IDS)


def test_without_the_flag_yaml_files_are_left_alone(cases: WebagentProject) -> None:
    cases.case("cases/broken.yaml", "this: is: not: yaml\n")

    result = cases.pytester.runpytest_inprocess("--collect-only", "-q", "-p", "no:cacheprovider")

    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    assert "error" not in result.stdout.str().lower()


def test_without_the_flag_a_run_that_collects_nothing_names_the_flag(
    cases: WebagentProject,
) -> None:
    result = cases.pytester.runpytest_inprocess("--collect-only", "-q", "-p", "no:cacheprovider")

    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    result.stdout.fnmatch_lines(
        ["webagent: YAML case files are here (cases/login.yaml, cases/shop/search.yml) but were "
         "not collected: run with --webagent, or set `webagent = true` in the [pytest] section "
         "of the ini file"]
    )  # fmt: skip


def test_a_yaml_file_named_without_the_flag_is_a_usage_error_naming_it(
    cases: WebagentProject,
) -> None:
    result = cases.pytester.runpytest_inprocess("-p", "no:cacheprovider", LOGIN_IDS[1])

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert (
        f"ERROR: {LOGIN_IDS[1]}: YAML case files are collected only with --webagent (or "
        "`webagent = true` in the [pytest] section of the ini file)"
    ) in result.stderr.lines


def test_yaml_files_that_are_not_cases_are_not_collected(project: WebagentProject) -> None:
    project.case("cases/login.yaml", LOGIN)
    project.case("docker-compose.yml", "services:\n  web:\n    image: nginx\n")
    project.case(".pre-commit-config.yaml", "repos:\n- repo: local\n  hooks: []\n")
    project.case("ci/workflow.yml", "on: push\njobs:\n  e2e:\n    steps:\n      - run: x\n")
    project.case("cases/flow.yaml", '{name: Flow, steps: ["Click \\"Go\\""]}\n')
    project.case("cases/typo.yaml", "name: Typo\nstep:\n  - Click it\n")  # reported, not skipped
    project.write_ini("webagent = true")

    result = project.pytester.runpytest_inprocess("--collect-only", "-q", "-p", "no:cacheprovider")

    assert sorted(collected(result)) == sorted([*LOGIN_IDS, "cases/flow.yaml::Flow"])
    result.stdout.fnmatch_lines(["*cases/typo.yaml*"])  # a collection error, with its message
    assert "compose" not in result.stdout.str() and "workflow" not in result.stdout.str()
    # Named on the command line, a file is read as a case whatever it holds.
    named = project.pytester.runpytest_inprocess("--collect-only", "-q", "docker-compose.yml")
    named.stdout.fnmatch_lines(["ERROR docker-compose.yml"])
    assert named.ret != pytest.ExitCode.OK


def test_keyword_and_tag_selection(cases: WebagentProject) -> None:
    by_keyword = cases.run("--collect-only", "-q", "-k", "alice or socks")
    assert sorted(collected(by_keyword)) == sorted([LOGIN_IDS[0], *SEARCH_IDS])

    by_parameter_id = cases.run("--collect-only", "-q", "-k", "red_shoes")
    assert collected(by_parameter_id) == [SEARCH_IDS[1]]

    # Tags are markers: -m selects by them, and --strict-markers accepts them undeclared.
    by_tag = cases.run("--collect-only", "-q", "--strict-markers", "-m", "auth and not slow")
    assert by_tag.ret == 0
    assert collected(by_tag) == LOGIN_IDS[:2]


def test_a_node_id_on_the_command_line_selects_one_case(cases: WebagentProject) -> None:
    result = cases.run("--collect-only", "-q", LOGIN_IDS[1])

    assert collected(result) == [LOGIN_IDS[1]]


FLAKY = """\
cases:
  - name: passes
    url: /p.html
    steps:
      - Click "Go"
  - name: first failure
    url: /p.html
    steps:
      - Do something no quoted words describe
  - name: second failure
    url: /p.html
    steps:
      - Do something else entirely
"""


def test_exitfirst_then_last_failed(project: WebagentProject, site: StaticSite) -> None:
    site.page("p.html", "<button>Go</button>")
    project.case("cases/flaky.yaml", FLAKY)
    args = ("--webagent", "--webagent-step-timeout=3")

    first = project.pytester.runpytest_inprocess(*args, "-x")
    first.assert_outcomes(passed=1, failed=1)
    assert "stopping after 1 failures" in first.stdout.str()

    again = project.pytester.runpytest_inprocess(*args, "--lf", "-v")
    again.assert_outcomes(failed=1)
    assert "run-last-failure: rerun previous 1 failure" in again.stdout.str()
    again.stdout.fnmatch_lines(["cases/flaky.yaml::first failure FAILED*"])


def test_cases_with_judge_steps_get_a_marker_to_deselect_them_in_replay_only_runs(
    project: WebagentProject,
) -> None:
    project.case(
        "cases/j.yaml",
        "cases:\n  - name: judged\n    steps:\n      - judge: the page looks tidy\n"
        '  - name: plain\n    steps:\n      - Click "Go"\n',
    )
    project.case(
        "test_j.py",
        "from pytest_webagent import webagent\n\n"
        "@webagent.case('declared judge', steps=[{'judge': 'the page looks tidy'}])\n"
        "def test_declared():\n    pass\n",
    )

    without = project.run("--collect-only", "-q", "--strict-markers", "-m", "not webagent_judge")
    only = project.run("--collect-only", "-q", "-m", "webagent_judge")

    assert without.ret == 0
    assert collected(without) == ["cases/j.yaml::plain"]
    assert sorted(collected(only)) == ["cases/j.yaml::judged", "test_j.py::test_declared[chromium]"]
    markers = project.pytester.runpytest_inprocess("--markers").stdout.str()
    assert "@pytest.mark.webagent_judge: the case has judge: steps" in markers


RELATIVE_URLS = """\
cases:
  - name: starts relative
    url: /login.html
    steps:
      - Click "Sign in"
  - name: goes relative
    steps:
      - Go to "https://example.com/"
      - Go to "/account.html"
  - name: absolute only
    url: https://example.com/
    steps:
      - Click "More"
"""


def test_a_missing_base_url_is_a_usage_error_at_start_naming_the_url_lines(
    pytester: pytest.Pytester, site: StaticSite
) -> None:
    """Issue 16: not the same failure in every case, each after its browser started."""
    pytester.makeini("[pytest]\nwebagent = true\n")
    pytester.makefile(".yaml", cases=RELATIVE_URLS)

    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(relative_urls_error(pytester.path / "cases.yaml"))
    assert "passed" not in result.stdout.str() and "failed" not in result.stdout.str()
    # Listing the cases needs no base URL; nor do the cases that use none.
    listed = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--collect-only", "-q")
    assert listed.ret == pytest.ExitCode.OK
    # --setup-plan goes past collection (where the check runs) without running a test.
    only_absolute = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "-k", "absolute", "--setup-plan"
    )
    assert only_absolute.ret == pytest.ExitCode.OK, only_absolute.stderr.str()
    assert "no base URL" not in only_absolute.stderr.str()
    # A project's own base_url fixture gives one when it runs: nothing to say at the start.
    pytester.makeconftest(
        "import pytest\n\n\n"
        "@pytest.fixture(scope='session')\n"
        f"def base_url():\n    return {site.url!r}\n"
    )
    site.page("login.html", "<button onclick=\"this.textContent = 'Signed in'\">Sign in</button>")
    own = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "-k", "starts", "--webagent-step-timeout=3"
    )
    own.assert_outcomes(passed=1)


def relative_urls_error(cases: Path) -> list[str]:
    """The usage error RELATIVE_URLS gives with no base URL: its two relative lines named."""
    return [
        "ERROR: no base URL is set, and 2 relative URLs would open nowhere: pass --base-url "
        "http://host:port or set base_url in the ini file (or write absolute URLs):",
        f"  {cases}:3: url: /login.html",
        f'  {cases}:9: Go to "/account.html"',
    ]


def test_a_missing_base_url_stops_an_xdist_run_once_with_the_same_usage_error(
    pytester: pytest.Pytester,
) -> None:
    """Issue 16 under ``-n``: a worker cannot raise at collection (the controller would report a
    crash), so before the fix each case failed on its own, each after its browser started."""
    pytester.makeini("[pytest]\nwebagent = true\n")
    deselected = (
        '  - name: deselected elsewhere\n    url: /elsewhere.html\n    steps:\n      - Click "A"\n'
    )
    pytester.makefile(".yaml", cases=RELATIVE_URLS + deselected)

    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-n", "2", "-k", "not elsewhere"
    )

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(relative_urls_error(pytester.path / "cases.yaml"))
    output = result.stdout.str() + result.stderr.str()
    assert output.count("no base URL is set") == 1  # from the controller, not once per worker
    assert "elsewhere" not in output  # -k deselected that case in every worker
    result.stdout.fnmatch_lines(["*no tests ran in*"])  # no case started, so no browser either
    for noise in ("INTERNALERROR", "crashed", "node down", "Traceback"):
        assert noise not in output


def test_a_url_a_secret_fills_in_needs_no_base_url(
    pytester: pytest.Pytester, site: StaticSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the run can tell where ``{{ secrets.APP }}`` goes (an origin allowed in the settings):
    not a relative URL at the start."""
    monkeypatch.setenv("WEBAGENT_SECRET_APP", site.url)
    site.page("login.html", "<button onclick=\"this.textContent = 'Signed in'\">Sign in</button>")
    pytester.makeini("[pytest]\nwebagent = true\n")
    pytester.makefile(
        ".yaml",
        cases="name: secret url\nsteps:\n"
        '  - Go to "{{ secrets.APP }}/login.html"\n  - Click "Sign in"\n',
    )

    flags = ("--webagent-step-timeout=3", f"--webagent-allowed-origins={site.url}")
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", *flags)

    result.assert_outcomes(passed=1)
