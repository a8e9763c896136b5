"""The build keeps the models inside their boundary: compiled with cpp/include as their only include
folder, they see the OMNeT++ API (qcity/sim.h) and the hook API, and a model that includes pybind11,
Python, a kernel header or a binding header does not build."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("cmake") is None, reason="cmake is not on PATH")


@pytest.fixture(scope="module")
def compile_commands(tmp_path_factory) -> list[dict]:
    pybind11 = pytest.importorskip("pybind11", reason="configuring the extension needs pybind11 (test extra)")
    build = tmp_path_factory.mktemp("configure")
    r = subprocess.run(["cmake", "-S", str(REPO), "-B", str(build), "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON",
                        f"-DPython_EXECUTABLE={sys.executable}", f"-Dpybind11_DIR={pybind11.get_cmake_dir()}"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return json.loads((build / "compile_commands.json").read_text())


def _include_dirs(command: list[str]) -> set[str]:
    dirs = set()
    for i, arg in enumerate(command):
        for flag in ("-I", "-isystem"):
            if arg == flag:
                dirs.add(command[i + 1])
            elif arg.startswith(flag) and arg != flag:
                dirs.add(arg[len(flag):])
    return {str(Path(d).resolve()) for d in dirs}


def _model_entries(commands: list[dict]) -> list[dict]:
    models = REPO / "omnetpp_models" / "qcity"
    return [c for c in commands if Path(c["file"]).resolve().is_relative_to(models)]


def test_models_and_the_hook_api_are_compiled_with_cpp_include_only(compile_commands):
    models = _model_entries(compile_commands)
    hooks = [c for c in compile_commands if Path(c["file"]).resolve().parent == REPO / "cpp" / "hooks"]
    assert len(models) > 20 and len(hooks) == 2
    for entry in models + hooks:
        assert _include_dirs(shlex.split(entry["command"])) == {str(REPO / "cpp" / "include")}, entry["file"]


def _compile_probe(entry: dict, tmp_path: Path, text: str) -> subprocess.CompletedProcess:
    """Compiles `text` the way the build compiles the model of `entry`."""
    probe = tmp_path / "Probe.cc"
    probe.write_text(text)
    command = shlex.split(entry["command"])
    command[command.index("-c") + 1] = str(probe)
    command[command.index("-o") + 1] = str(tmp_path / "Probe.o")
    return subprocess.run(command, cwd=entry["directory"], capture_output=True, text=True)


def test_a_model_builds_on_the_omnetpp_and_hook_apis(compile_commands, tmp_path):
    entry = _model_entries(compile_commands)[0]
    r = _compile_probe(entry, tmp_path, '#include "qcity/sim.h"\n'
                       "class Probe : public omnetpp::cSimpleModule\n{\n    qcity::Hook hook;\n};\n")
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("header", ["<pybind11/pybind11.h>", "<Python.h>", '"cmodule.h"', '"omnetpp_api.h"',
                                    '"hook_bridge.h"'])
def test_a_model_including_python_or_engine_internals_does_not_build(compile_commands, tmp_path, header):
    entry = _model_entries(compile_commands)[0]
    r = _compile_probe(entry, tmp_path, f'#include "qcity/sim.h"\n#include {header}\n')
    assert r.returncode != 0 and "No such file or directory" in r.stderr, r.stderr
