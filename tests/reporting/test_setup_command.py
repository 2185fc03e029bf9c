"""`make test` sets up what the browser check of the living documentation needs: Debian's
chromium, installed with apt-get as root when it is missing, otherwise one line saying what to
install. Run against fake ``id``/``apt-get`` commands on a PATH without chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

MAKE = shutil.which("make") or "/usr/bin/make"
FAKE_APT_GET = """#!/bin/sh
echo "$@" >> "{log}"
if [ "$1" = install ]; then
    printf '#!/bin/sh\\necho Chromium 1.0\\n' > "{bin}/chromium"
    /bin/chmod +x "{bin}/chromium"
fi
"""


def fake_bin(tmp_path: Path, uid: int, *, chromium: bool = False) -> Path:
    """A PATH of its own: ``id`` says ``uid``, ``apt-get`` logs its arguments and installs a
    fake chromium; a chromium there from the start when ``chromium``."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    scripts = {
        "id": f"#!/bin/sh\necho {uid}\n",
        "apt-get": FAKE_APT_GET.format(log=tmp_path / "apt-get.log", bin=bin_dir),
    }
    if chromium:
        scripts["chromium"] = "#!/bin/sh\necho Chromium 1.0\n"
    for name, text in scripts.items():
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    return bin_dir


def make(bin_dir: Path, target: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [MAKE, "-s", "-C", str(ROOT), target, f"PYTHON={sys.executable}"],
        env={"PATH": str(bin_dir)},
        capture_output=True,
        text=True,
        check=False,
    )


def test_make_test_installs_debians_chromium_as_root_when_missing(tmp_path: Path) -> None:
    bin_dir = fake_bin(tmp_path, uid=0)
    result = make(bin_dir, "chromium")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "apt-get.log").read_text().splitlines() == [
        "update -qq",
        "install -y -qq --no-install-recommends chromium",
    ]
    assert "installing Debian's chromium" in result.stdout
    assert (bin_dir / "chromium").exists()


def test_make_test_says_in_one_line_what_to_install_when_it_cannot(tmp_path: Path) -> None:
    bin_dir = fake_bin(tmp_path, uid=1000)
    result = make(bin_dir, "chromium")
    assert result.returncode != 0
    ours = [line for line in result.stderr.splitlines() if not line.startswith(("make: ", "make["))]
    assert ours == [
        "make test needs Chromium for the browser check of the living documentation: install"
        " Debian's chromium package (sudo apt-get install chromium) or put a chromium"
        " executable on PATH"
    ]
    assert not (tmp_path / "apt-get.log").exists()


def test_make_test_leaves_an_installed_chromium_alone(tmp_path: Path) -> None:
    bin_dir = fake_bin(tmp_path, uid=0, chromium=True)
    result = make(bin_dir, "chromium")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert not (tmp_path / "apt-get.log").exists()


def test_the_readme_test_command_sets_chromium_up_first() -> None:
    makefile = (ROOT / "Makefile").read_text()
    found = re.search(r"^test:(.*)$", makefile, re.M)
    assert found is not None
    assert found.group(1).split()[0] == "chromium"
    quick_start = (ROOT / "README.md").read_text().split("## Quick start")[1].split("\n## ")[0]
    assert "make test" in quick_start
    assert "installs Debian's `chromium`" in quick_start
    assert (ROOT / ".ci" / "run").read_text().rstrip().endswith("make test")
