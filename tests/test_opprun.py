"""qcity.sim.opprun: the opp_run command lines for a cmake build, checked on a build folder's files
(no OMNeT++ needed: the paths are what is composed, nothing is run)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qcity.sim import opprun


@pytest.fixture
def build(tmp_path, monkeypatch) -> Path:
    """A build folder as cmake leaves it, and an opp_run in OMNETPP_ROOT."""
    source, build = tmp_path / "src", tmp_path / "build"
    build.mkdir()
    (build / "CMakeCache.txt").write_text(f"FOO:BOOL=ON\nCMAKE_HOME_DIRECTORY:INTERNAL={source}\n")
    (build / "libqcity.so").write_text("")
    bin_dir = tmp_path / "omnetpp" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "opp_run").write_text("")
    monkeypatch.setenv("OMNETPP_ROOT", str(tmp_path / "omnetpp"))
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    return build


def test_the_command_loads_qcitys_library_and_ned_folder(build):
    setup = opprun.setup(build)
    cmd = setup.command(Path("/x/omnetpp.ini"), "SmartCity", "--sim-time-limit=5s", result_dir="/r")
    src = build.parent / "src"
    assert cmd[:5] == [str(build.parent / "omnetpp" / "bin" / "opp_run"), "-l", str(build / "qcity"), "-n",
                       str(src / "omnetpp_models")]
    assert cmd[-4:] == ["SmartCity", "--result-dir=/r", "--sim-time-limit=5s", "omnetpp.ini"]
    assert "-x" not in cmd


def test_with_inet_it_adds_inets_library_ned_folders_and_exclusions(build):
    (build / "libqcity_inet.so").write_text("")
    (build / "inet_paths.txt").write_text("ned=/inet/src\nexclusions=inet.a;inet.b\nlibrary=/inet/src/INET\n")
    cmd = opprun.setup(build, inet=True).command("omnetpp.ini", "Validation")
    src = build.parent / "src"
    libs = [cmd[i + 1] for i, a in enumerate(cmd) if a == "-l"]
    assert libs == ["/inet/src/INET", str(build / "qcity"), str(build / "qcity_inet")]
    assert cmd[cmd.index("-n") + 1].split(":") == ["/inet/src", str(src / "omnetpp_models"), str(src / "omnetpp_models_inet")]
    assert cmd[cmd.index("-x") + 1] == "inet.a;inet.b"


@pytest.mark.parametrize("remove,message", [
    ("CMakeCache.txt", "is not a cmake build folder"),
    ("libqcity.so", "-DQCITY_WITH_OMNETPP=ON"),
])
def test_a_build_folder_that_is_not_one_says_so(build, remove, message):
    (build / remove).unlink()
    with pytest.raises(opprun.OppRunError, match=message):
        opprun.setup(build)


def test_inet_without_an_inet_build_says_how_to_make_one(build):
    with pytest.raises(opprun.OppRunError, match="-DQCITY_WITH_INET=ON"):
        opprun.setup(build, inet=True)


def test_no_opp_run_says_where_it_was_looked_for(build, monkeypatch):
    monkeypatch.delenv("OMNETPP_ROOT")
    with pytest.raises(opprun.OppRunError, match="opp_run not found: source OMNeT"):
        opprun.setup(build)
