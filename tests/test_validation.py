"""Invalid case files: each is one collection error naming the file, the exact line and the key
path, and every other file still runs. One pytester run holds the whole corpus (errors cost no
browser); the loader's limits are unit-tested directly."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from pytest_webagent.cases.casefile import load_cases
from pytest_webagent.cases.pycase import draft
from pytest_webagent.cases.yamlsource import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES, load_yaml
from pytest_webagent.errors import CaseDefinitionError, CaseFileError, Location
from tests.support.project import WebagentProject
from tests.support.site import StaticSite

# file name -> (content, line of the error, key path ("" when none), words the message must hold)
CORPUS: dict[str, tuple[str, int, str, str]] = {
    "unparseable.yaml": (
        'name: a\nsteps:\n  - Click "x"\n   bad: [\n',
        4,
        "",
        "YAML syntax error: mapping values are not allowed here",
    ),
    "unquoted_colon.yaml": (
        "name: a\nsteps:\n  - Check the note: saved\n",
        3,
        "steps[0]",
        "this step has ': ' in it, so YAML read it as the key 'Check the note' with the value "
        "'saved'; put the whole step in quotes: - 'Check the note: saved'",
    ),
    "tab.yaml": (
        'name: a\nsteps:\n\t- Click "x"\n',
        3,
        "",
        "line 3 has a tab character: YAML indents with spaces only, replace the tab with spaces",
    ),
    "step_typo.yaml": (
        'name: a\nstep:\n  - Click "x"\n',
        1,
        "(top level)",
        "a case needs `steps:` (or a list under `cases:`); did you mean `steps:` instead of "
        "`step:`?",
    ),
    "unknown_key.yaml": (
        'name: a\nurl: /x\nstepz:\n  - Click "x"\nsteps:\n  - Click "x"\n',
        3,
        "stepz",
        "'stepz' was unexpected); allowed keys: description, epic, feature, links, marks, name",
    ),
    "unknown_step_key.yaml": (
        'name: a\nsteps:\n  - Click "x"\n  - do: Click "y"\n    timout: 3\n',
        5,
        "steps[1].timout",
        "'timout' was unexpected); allowed keys: do, optional, timeout",
    ),
    "unknown_key_in_cases.yaml": (
        'cases:\n  - name: a\n    steps: [Click "x"]\n  - name: b\n    bogus: 1\n'
        '    steps: [Click "x"]\n',
        5,
        "cases[1].bogus",
        "'bogus' was unexpected",
    ),
    "steps_not_a_list.yaml": (
        "name: a\nsteps: Click\n",
        2,
        "steps",
        "'Click' is not of type 'array'",
    ),
    "timeout_not_a_number.yaml": (
        'name: a\nsteps:\n  - do: Click "x"\n    timeout: soon\n',
        4,
        "steps[0].timeout",
        "'soon' is not of type 'number'",
    ),
    "name_not_a_string.yaml": (
        'name: 5\nsteps: [Click "x"]\n',
        1,
        "name",
        "5 is not of type 'string'",
    ),
    "step_not_a_string.yaml": (
        "name: a\nsteps:\n  - 42\n",
        3,
        "steps[0]",
        "42 is not valid here: expected a step: a string, or a mapping",
    ),
    "empty_steps.yaml": ("name: a\nurl: /\nsteps: []\n", 3, "steps", "[] should be non-empty"),
    "missing_name.yaml": (
        'url: /x\nsteps:\n  - Click "x"\n',
        1,
        "(top level)",
        "'name' is a required property",
    ),
    "missing_name_in_cases.yaml": (
        'cases:\n  - name: a\n    steps: [Click "x"]\n  - url: /b\n    steps: [Click "x"]\n',
        4,
        "cases[1]",
        "'name' is a required property",
    ),
    "blank_name.yaml": ("name: '  '\nsteps: [Click \"x\"]\n", 1, "name", "names may not be blank"),
    "bracket_name.yaml": (
        'name: a[1]\nsteps: [Click "x"]\n',
        1,
        "name",
        "names may not be blank or contain brackets",
    ),
    "duplicate_names.yaml": (
        'cases:\n  - name: a\n    steps: [Click "x"]\n  - name: a\n    steps: [Click "x"]\n',
        4,
        "cases[1].name",
        "duplicate case name 'a' (first used on line 2)",
    ),
    "duplicate_keys.yaml": (
        'name: a\nsteps:\n  - Click "x"\nname: b\n',
        4,
        "",
        "duplicate key 'name' (first defined on line 1)",
    ),
    "duplicate_nested_keys.yaml": (
        'name: a\nsteps:\n  - do: Click "x"\n    timeout: 1\n    timeout: 2\n',
        5,
        "steps[0]",
        "duplicate key 'timeout' (first defined on line 4)",
    ),
    "template_syntax.yaml": (
        'name: a\nsteps:\n  - Click "x"\n  - Fill "A" with "{{ x"\n',
        4,
        "steps[1]",
        "malformed placeholder",
    ),
    "template_in_do.yaml": (
        'name: a\nsteps:\n  - do: Fill "A" with "{{ 1x }}"\n',
        3,
        "steps[0].do",
        "malformed placeholder",
    ),
    "unknown_placeholder.yaml": (
        'name: a\nvars:\n  user: bob\nsteps:\n  - Click "x"\n  - Fill "A" with "{{ usr }}"\n',
        6,
        "steps[1]",
        "unknown placeholder {{ usr }} (known: user)",
    ),
    "unknown_placeholder_in_url.yaml": (
        'name: a\nurl: /{{ page }}\nsteps: [Click "x"]\n',
        2,
        "url",
        "unknown placeholder {{ page }}",
    ),
    "step_without_do.yaml": (
        'name: a\nsteps:\n  - Click "x"\n  - timeout: 3\n',
        4,
        "steps[1]",
        "needs exactly one of the keys do, expect, judge (got: timeout)",
    ),
    "step_with_do_and_expect.yaml": (
        'name: a\nsteps:\n  - do: Click "x"\n    expect: "y"\n',
        3,
        "steps[0]",
        "needs exactly one of the keys do, expect, judge (got: do, expect)",
    ),
    "yaml_trap.yaml": (
        'name: a\nsteps:\n  - Click "x"\n  - expect: "Email" has value "a@b.c"\n',
        4,
        "",
        "wrap the whole step in single quotes",
    ),
    "yaml_trap_in_list.yaml": (
        'name: a\nsteps:\n  - "Sign in" is clicked\n',
        3,
        "",
        "wrap the whole step in single quotes",
    ),
    "empty.yaml": ("", 1, "", "a case file holds a mapping"),
    "only_comments.yml": ("# nothing yet\n", 1, "", "this one is empty"),
    "top_level_list.yaml": ('- name: a\n  steps: [Click "x"]\n', 1, "", "this one is list"),
    "uneven_parametrize.yaml": (
        'name: a\nparametrize:\n  x: [1, 2]\n  y: [1]\nsteps:\n  - Click "{{ x }}"\n',
        2,
        "parametrize",
        "parametrize lists must have the same length",
    ),
    "bad_row_id.yaml": (
        "name: a\nparametrize:\n  - id: 'a::b'\n    x: 1\nsteps:\n  - Click \"x\"\n",
        3,
        "parametrize[0].id",
        "parametrize ids may not be blank",
    ),
    "row_without_values.yaml": (
        'name: a\nparametrize:\n  - x: 1\n  - id: two\nsteps:\n  - Click "x"\n',
        4,
        "parametrize[1]",
        "needs at least one value besides `id`",
    ),
    "bad_var_name.yaml": (
        'name: a\nvars:\n  ok: 1\n  my-var: 1\nsteps: [Click "x"]\n',
        4,
        "vars.my-var",
        "is not an identifier",
    ),
    "builtin_mark_as_tag.yaml": (
        'name: a\ntags:\n  - smoke\n  - skip\nsteps: [Click "x"]\n',
        4,
        "tags[1]",
        "put it under `marks:`",
    ),
    "bad_mark_value.yaml": (
        'name: a\nmarks:\n  - skip: 3\nsteps: [Click "x"]\n',
        3,
        "marks[0].skip",
        "expected a reason (text), keyword arguments (a mapping), or nothing",
    ),
    "tabs.yaml": ('name: a\nsteps:\n\t- Click "x"\n', 3, "", "found character '\\t'"),
    # Comparisons with NaN are all false, so the schema's range check let it through.
    "nan_timeout.yaml": (
        'name: a\nsteps:\n  - do: Click "x"\n    timeout: .nan\n',
        4,
        "steps[0].timeout",
        "`.nan` is not a number a case can use",
    ),
    # Out of range: the bounds and why, not the schema's "less than or equal to the minimum of 0".
    "zero_timeout.yaml": (
        'name: a\nsteps:\n  - do: Click "x"\n    timeout: 0\n',
        4,
        "steps[0].timeout",
        "0 is out of range: a step's timeout is a number of seconds more than 0 and at most 600; "
        "0 is not a limit (Playwright reads a timeout of 0 as 'wait forever')",
    ),
    "long_timeout.yaml": (
        'name: a\nsteps:\n  - expect: "x"\n    timeout: 601\n',
        4,
        "steps[0].timeout",
        "601 is out of range: a step's timeout is a number of seconds more than 0 and at most 600",
    ),
    # pytest would only fail the case at setup, pointing into the plugin's generated function.
    "unknown_fixture.yaml": (
        "cases:\n  - name: a\n    usefixtures:\n      - tmp_path\n      - no_such_fixture\n"
        '    steps: [Click "x"]\n',
        5,
        "usefixtures",
        "fixture 'no_such_fixture' not found (`pytest --fixtures unknown_fixture.yaml` lists",
    ),
    # pytest would eval() these strings when the case is set up: a case file never runs Python.
    "skipif_expression.yaml": (
        "name: a\nmarks:\n  - skipif: \"open('pwned', 'w')\"\nsteps: [Click \"x\"]\n",
        3,
        "marks[0].skipif",
        "the condition of `skipif` must be true or false",
    ),
    "xfail_condition_expression.yaml": (
        'name: a\nmarks:\n  - xfail:\n      reason: r\n      condition: "1 == 1"\n'
        'steps: [Click "x"]\n',
        5,
        "marks[0].xfail.condition",
        "the condition of `xfail` must be true or false",
    ),
}

GOOD_CASE = """\
name: still runs
url: {path}
steps:
  - expect: "Hello"
"""


def _bomb() -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 7)]
    return "\n".join([*lines, "name: boom", 'steps: [Click "x"]', ""])


def _deep(levels: int) -> str:
    # k{i} is on line 4 + i: the collection at depth d (the top mapping is 1) opens on line d + 2.
    body = "".join("  " * (i + 1) + f"k{i}:\n" for i in range(levels))
    return 'name: deep\nsteps: [Click "x"]\nvars:\n' + body


def test_every_invalid_file_is_a_collection_error_and_the_rest_run(
    project: WebagentProject, site: StaticSite
) -> None:
    project.case("cases/good.yaml", GOOD_CASE.format(path=site.page("p.html", "<p>Hello</p>")))
    for name, (text, *_) in CORPUS.items():
        project.case(f"cases/bad/{name}", text)
    bad = project.path / "cases" / "bad"
    (bad / "latin1.yaml").write_bytes(b'name: a\nsteps:\n  - Click "caf\xe9"\n')
    (bad / "huge.yaml").write_text("# padding\n" * (MAX_FILE_BYTES // 10 + 1))  # 10 bytes a line
    (bad / "alias_bomb.yaml").write_text(_bomb())
    (bad / "deep.yaml").write_text(_deep(MAX_DEPTH + 5))
    extra = {
        "latin1.yaml": (3, "file is not valid UTF-8 (byte 0xe9 at offset 29); save it as UTF-8"),
        "huge.yaml": (1, f"file is {MAX_FILE_BYTES + 10} bytes; case files are limited to"),
        "alias_bomb.yaml": (1, f"document expands to more than {MAX_NODES} nodes (alias bomb?)"),
        "deep.yaml": (MAX_DEPTH + 3, f"nesting deeper than {MAX_DEPTH} levels"),
    }

    errors = len(CORPUS) + len(extra)
    # Every broken case file is a collection error, and the valid case file still runs.
    result = project.run()

    result.assert_outcomes(passed=1, errors=errors)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert "Interrupted" not in result.stdout.str()
    output = result.stdout.str()
    for name, (_, line, key_path, words) in CORPUS.items():
        where = f"cases/bad/{name}:{line}: " + (f"{key_path}: " if key_path else "")
        assert f"{where}" in output, f"{name}: expected an error at {where}"
        error_line = next(text for text in output.splitlines() if where in text)
        assert words in error_line, f"{name}: {error_line}"
    for name, (line, words) in extra.items():
        assert f"cases/bad/{name}:{line}: {words}" in output, name
    # A collection error is reported as such, not as a traceback through the plugin.
    assert "ERROR collecting cases/bad/unknown_key.yaml" in output
    assert "Traceback" not in output and "casefile.py" not in output
    assert not (project.path / "pwned").exists()


def test_repeated_parametrize_ids_never_collide(tmp_path: Path) -> None:
    path = tmp_path / "ids.yaml"
    path.write_text(
        "name: a\nparametrize:\n  - {id: x0, v: 1}\n  - {id: x, v: 2}\n  - {id: x, v: 3}\n"
        '  - {id: y, v: 4}\n  - {id: y, v: 5}\nsteps:\n  - Click "{{ v }}"\n'
    )
    ids = [case.param_id for case in load_cases(path)]
    assert ids == ["x0", "x1", "x2", "y0", "y1"]


def test_a_nan_timeout_in_python_is_refused_where_it_is_written() -> None:
    where = Location(Path("test_x.py"), 7)
    for raw in ({"do": 'Click "x"', "timeout": math.nan}, {"do": 'Click "x"', "timeout": -1}):
        with pytest.raises(CaseDefinitionError, match=r"test_x\.py:7: agent\.do: "):
            draft(raw, where, "agent.do")


def test_the_yaml_trap_names_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "trap.yaml"
    path.write_text('name: a\nsteps:\n  - expect: "Email" has value "a@b.c"\n')
    with pytest.raises(CaseFileError) as caught:
        load_cases(path)
    assert caught.value.location.line == 3
    assert """'"Email" has value "a@b.c"'""" in str(caught.value)


def test_the_fixed_yaml_trap_loads(tmp_path: Path) -> None:
    path = tmp_path / "fixed.yaml"
    path.write_text('name: a\nsteps:\n  - expect: \'"Email" has value "a@b.c"\'\n')
    (case,) = load_cases(path)
    assert case.steps[0].text == '"Email" has value "a@b.c"'


def test_deep_flow_nesting_is_refused_before_yaml_recurses(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("x: " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(CaseFileError) as caught:
        load_yaml(path)
    assert str(caught.value) == f"{path}:1: nesting deeper than {MAX_DEPTH} levels"


def test_a_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes('\ufeffname: a\nsteps:\n  - Click "x"\n'.encode())
    (case,) = load_cases(path)
    assert case.location.line == 1 and case.steps[0].line == 3


def test_unsafe_yaml_tags_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "unsafe.yaml"
    path.write_text('name: !!python/object/apply:os.system ["true"]\nsteps: [Click "x"]\n')
    with pytest.raises(CaseFileError) as caught:
        load_cases(path)
    assert caught.value.location.line == 1


def test_a_broken_python_module_still_interrupts_the_run(project: WebagentProject) -> None:
    """Only case files get the keep-going treatment; pytest's rule stands for Python modules."""
    project.case(
        "cases/ok.yaml",
        """
        name: fine
        steps: [Go to "/"]
        """,
    )
    project.case("test_broken.py", "import nothing_by_this_name\n")
    result = project.run()
    result.assert_outcomes(errors=1)
    assert "Interrupted: 1 error during collection" in result.stdout.str()
