"""Shared fixtures: the real data folder beside the checkout, and small scenarios written to tmp_path."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"
RING_INI = REPO / "omnetpp_models" / "scenarios" / "ring" / "omnetpp.ini"


@pytest.fixture
def shared_data() -> Path:
    """../shared/data (real OMNeT++ result files and dataset samples); skips when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data folder not found at {SHARED_DATA} (it sits beside the checkout in the project workspace)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def model_library(tmp_path_factory) -> Path:
    """libqcity built against the installed OMNeT++ (or QCITY_OMNETPP_LIB); skips without OMNeT++."""
    from oppbuild import OPP_BIN, build_model_library

    if OPP_BIN is None:
        pytest.skip("OMNeT++ is not installed")
    return build_model_library(tmp_path_factory.mktemp("omnetpp-build"))


@pytest.fixture
def scenario(tmp_path, monkeypatch):
    """Writes NED and ini text into tmp_path and returns the ini path; cwd is tmp_path, so results land there."""
    monkeypatch.chdir(tmp_path)

    def make(ned: str, ini: str, ned_name: str = "Net.ned") -> Path:
        (tmp_path / ned_name).write_text(textwrap.dedent(ned))
        ini_path = tmp_path / "omnetpp.ini"
        ini_path.write_text(textwrap.dedent(ini))
        return ini_path

    return make
