"""The step index belongs to its session: two sessions in one process share no definition, no
answer, and leave the process's garbage collector as they found it."""

from __future__ import annotations

import sys

import pytest

from tests.conftest import ROOT

PROJECT = """
[tool.pytest.ini_options]
pythonpath = ["{root}", "."]
addopts = ["-p", "no:cacheprovider", "-p", "no:randomly"]

[tool.api-bdd]
default = "{profile}"
[tool.api-bdd.profiles.{profile}]
base_url = "http://127.0.0.1:9"
features = ["features"]
"""

ALPHA_STEPS = """
from steps import given


@given("a step only alpha defines")
def only_alpha():
    pass
"""

FEATURE = """
Feature: Alpha's step
  Scenario: Uses it
    Given a step only alpha defines
"""


def make_project(pytester: pytest.Pytester, profile: str, own_steps: bool) -> None:
    """A project of the composition root's plugins, the profile ``profile`` and, with
    ``own_steps``, the suite module ``alpha_steps`` (which defines the feature's one step)."""
    conftest = (ROOT / "conftest.py").read_text()
    if own_steps:
        plugin = '"reporting.plugin",\n    "alpha_steps",'
        conftest = conftest.replace('"reporting.plugin",', plugin)
        (pytester.path / "alpha_steps.py").write_text(ALPHA_STEPS)
    (pytester.path / "conftest.py").write_text(conftest)
    (pytester.path / "pyproject.toml").write_text(PROJECT.format(root=ROOT, profile=profile))
    (pytester.path / "features").mkdir(exist_ok=True)
    (pytester.path / "features" / "alpha.feature").write_text(FEATURE)


def test_a_step_of_one_session_s_suite_is_not_defined_in_a_later_session_without_it(
    pytester: pytest.Pytester,
) -> None:
    make_project(pytester, "alpha", own_steps=True)
    pytester.runpytest_inprocess().assert_outcomes(passed=1)
    make_project(pytester, "beta", own_steps=False)  # the same process, another profile
    result = pytester.runpytest_inprocess()
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*undefined step: 'Given a step only alpha defines'*"])


def test_the_same_suite_loads_again_in_a_second_session_of_the_same_process(
    pytester: pytest.Pytester,
) -> None:
    make_project(pytester, "alpha", own_steps=True)
    pytester.runpytest_inprocess().assert_outcomes(passed=1)
    pytester.runpytest_inprocess().assert_outcomes(passed=1)


EMBEDDING = """
import gc
import sys

import pytest

sys.path.insert(0, ROOT)
assert gc.get_freeze_count() == 0
assert pytest.main(["-q", "-p", "no:cacheprovider"]) == 0
print("frozen after a run:", gc.get_freeze_count())
keep = [[] for _ in range(1000)]
gc.freeze()  # the embedding program's own long-lived objects
before = gc.get_freeze_count()
assert pytest.main(["-q", "-p", "no:cacheprovider"]) == 0
print("frozen before", before, "after", gc.get_freeze_count())
# gc.get_objects() leaves frozen objects out
print("the program's objects frozen:", not any(o is keep for o in gc.get_objects()))
gc.unfreeze()
gc.collect()
from steps.registry import StepRegistry

indexes = [o for o in gc.get_objects() if isinstance(o, StepRegistry)]
print("step indexes alive:", len(indexes))
print("answers kept:", sum(len(o._cache) for o in indexes))
"""


def run_embedded(pytester: pytest.Pytester) -> pytest.RunResult:
    """A program that runs pytest twice in its own process (``pytest.main``), then looks at what
    the sessions left behind."""
    make_project(pytester, "alpha", own_steps=True)
    (pytester.path / "embed.py").write_text(EMBEDDING.replace("ROOT", repr(str(ROOT)), 1))
    result = pytester.run(sys.executable, "embed.py", timeout=300)
    assert result.ret == 0, result.stderr.str() + result.stdout.str()
    return result


def test_the_step_index_and_its_answers_end_with_the_session(pytester: pytest.Pytester) -> None:
    result = run_embedded(pytester)
    result.stdout.fnmatch_lines(["step indexes alive: 0", "answers kept: 0"])


def test_a_program_running_pytest_gets_its_garbage_collector_back_as_it_was(
    pytester: pytest.Pytester,
) -> None:
    result = run_embedded(pytester)
    result.stdout.fnmatch_lines(["frozen after a run: 0"])
    result.stdout.fnmatch_lines(["the program's objects frozen: True"])
    frozen = next(line for line in result.outlines if line.startswith("frozen before"))
    _, _, before, _, after = frozen.split()
    assert 0 < int(after) <= int(before)  # nothing more (a frozen object may have died since)


GC_PROBE = """
import atexit
import gc

import pytest

passes = []


def watch(phase, info):
    if phase == "start" and info["generation"] == 2:
        passes.append(gc.get_freeze_count())


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    gc.callbacks.append(watch)


atexit.register(lambda: open("passes.log", "w").write(" ".join(map(str, passes))))
"""


def test_pytests_last_garbage_pass_leaves_out_what_the_session_froze(
    pytester: pytest.Pytester,
) -> None:
    """pytest collects garbage once more in its clean-up; unfrozen before it, that pass walked
    every object the session held (23 ms of CPU in every process at 120 scenarios, in every
    xdist worker as the run ends): the session unfreezes as its very last clean-up (issue 19)."""
    make_project(pytester, "alpha", own_steps=True)
    (pytester.path / "gc_probe.py").write_text(GC_PROBE)
    pytester.runpytest_subprocess("-p", "gc_probe").assert_outcomes(passed=1)
    passes = [int(n) for n in (pytester.path / "passes.log").read_text().split()]
    assert passes  # pytest's own pass, after unconfigure
    assert all(frozen > 0 for frozen in passes), passes


def test_a_step_two_plugins_define_is_one_line_naming_both(pytester: pytest.Pytester) -> None:
    make_project(pytester, "alpha", own_steps=True)
    (pytester.path / "beta_steps.py").write_text(
        'from steps import when\n\n\n@when("a step only alpha defines")\ndef again():\n    pass\n'
    )
    conftest = (pytester.path / "conftest.py").read_text()
    plugins = '"alpha_steps",\n    "beta_steps",'
    (pytester.path / "conftest.py").write_text(conftest.replace('"alpha_steps",', plugins))
    result = pytester.runpytest_subprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: api-bdd: step 'a step only alpha defines' is defined twice:"
            " alpha_steps.only_alpha, beta_steps.again"
        ]
    )
    assert "Traceback" not in result.stderr.str() + result.stdout.str()
