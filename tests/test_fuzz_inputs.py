"""Seeded fuzzing of the files users hand qcity: ini, NED and result files.

Each case mutates one file of the ring scenario (or a result file it wrote): a line deleted,
duplicated, garbled or swapped with another, random bytes, huge or negative numbers, a wrong
unit. A run either works or stops with one line naming the file and line (for a file qcity
reads) or the module (for an error at run time, as opp_run reports it): no Python traceback,
no crash, and the complete result files already in the result folder are left as they were.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qcity.errors import QcityError

RING = Path(__file__).parents[1] / "omnetpp_models" / "scenarios" / "ring"
CASES = 30
RUN = "import sys; from qcity.cli import main; sys.exit(main(sys.argv[1:]))"
NAMED = re.compile(r"^qcity: error: .*\.(ini|ned):\d+(:\d+)?: ")  # a file qcity reads, with its line
AT_RUN_TIME = re.compile(r"^qcity: simulation error: .* -- in (module|channel) \(")  # opp_run's form


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One seeded mutation of a text file."""
    lines = data.decode("utf-8").split("\n")
    i = rng.randrange(len(lines))
    kind = rng.choice(["delete", "duplicate", "garble", "bytes", "huge", "negative", "unit", "swap"])
    if kind == "delete":
        del lines[i]
    elif kind == "duplicate":
        lines.insert(i, lines[i])
    elif kind == "garble":
        chars = list(lines[i]) or [" "]
        for _ in range(3):
            chars[rng.randrange(len(chars))] = rng.choice("{}[]()\"'$=,.;:#*@x0 ")
        lines[i] = "".join(chars)
    elif kind == "bytes":
        head = "\n".join(lines[:i]).encode()
        return head + bytes(rng.randrange(256) for _ in range(8)) + "\n".join(lines[i:]).encode()
    elif kind == "huge":
        lines[i] = re.sub(r"\d+", "99999999999999999999", lines[i], count=1)
    elif kind == "negative":
        lines[i] = re.sub(r"(\d+)", r"-\1", lines[i], count=1)
    elif kind == "unit":
        lines[i] = re.sub(r"(\d+)(ms|s)\b", r"\1kg", lines[i], count=1)
    else:
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines).encode()


def _run(folder: Path, results: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", RUN, "run", str(folder / "omnetpp.ini"), "-c", "Ring", "-r", "0",
                           "--sim-time-limit=1s", "--result-dir", str(results)], capture_output=True, text=True,
                          timeout=300)


def test_mutated_ini_and_ned_files_fail_cleanly_and_keep_complete_results(tmp_path):
    results = tmp_path / "results"
    good = _run(RING, results)
    assert good.returncode == 0, good.stderr
    before = {p.name: p.read_bytes() for p in results.iterdir()}
    assert any(name.endswith(".sca") for name in before)
    rng = random.Random(2026)
    failures = 0
    for case in range(CASES):
        folder = tmp_path / f"case{case}"
        shutil.copytree(RING, folder)
        target = folder / rng.choice(["omnetpp.ini", "Ring.ned"])
        target.write_bytes(mutate(target.read_bytes(), rng))
        r = _run(folder, results)
        assert r.returncode >= 0, f"case {case}: crashed with signal {-r.returncode}"
        if r.returncode == 0:
            before = {p.name: p.read_bytes() for p in results.iterdir()}  # a run that works may rewrite them
            continue
        failures += 1
        message = r.stderr.strip().splitlines()
        assert "Traceback" not in r.stderr, f"case {case} ({target.name}):\n{r.stderr[-2000:]}"
        assert message and (NAMED.match(message[-1]) or AT_RUN_TIME.match(message[-1])), \
            f"case {case} ({target.name}): {message[-1:]}"
        assert {p.name: p.read_bytes() for p in results.iterdir()} == before, f"case {case} changed the results"
    assert failures >= CASES // 3  # the mutations do break files


def test_mutated_result_files_are_read_or_refused_with_file_and_line(tmp_path):
    from qcity.results import read_result_files

    results = tmp_path / "results"
    assert _run(RING, results).returncode == 0
    originals = {p.suffix: p.read_bytes() for p in results.iterdir() if p.suffix in (".sca", ".vec")}
    rng = random.Random(7)
    refused = 0
    for case in range(4 * CASES):
        suffix = rng.choice(sorted(originals))
        path = tmp_path / f"case{case}{suffix}"
        path.write_bytes(mutate(originals[suffix], rng))
        try:
            read_result_files([str(path)])
        except QcityError as e:
            refused += 1
            assert e.file == str(path) and e.line is not None, f"case {case}: {e}"
            assert "\n" not in str(e)
    assert refused >= CASES // 2


@pytest.mark.parametrize("suffix, error", [(".ini", "IniError"), (".ned", "NedError"), (".sca", "ResultFileError")])
def test_undecodable_bytes_are_named_by_file_line_and_byte(tmp_path, suffix, error):
    import qcity.errors as errors

    path = tmp_path / f"bad{suffix}"
    path.write_bytes(b"first line\nsecond \xff line\n")
    with pytest.raises(getattr(errors, error), match=r"byte 18 \(0xff\) cannot be decoded") as e:
        errors.read_utf8(path, getattr(errors, error), "file")
    assert e.value.line == 2 and e.value.file == str(path)


def _ring_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "ring"
    shutil.copytree(RING, folder)
    return folder


def test_an_int_parameter_beyond_64_bits_is_named_by_its_line(tmp_path):
    folder = _ring_copy(tmp_path)
    ned = folder / "Ring.ned"
    ned.write_text(ned.read_text().replace("int numNodes = default(10);", "int numNodes = default(99999999999999999999);"))
    r = _run(folder, tmp_path / "results")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert re.search(r"Ring\.ned:\d+: Ring\.numNodes: integer 99999999999999999999 does not fit a 64-bit int", r.stderr)


def test_a_config_without_a_network_names_its_section(tmp_path):
    folder = _ring_copy(tmp_path)
    ini = folder / "omnetpp.ini"
    lines = ini.read_text().splitlines()
    ini.write_text("\n".join(line for line in lines if not line.startswith("network")) + "\n")
    header = next(i for i, line in enumerate(ini.read_text().splitlines(), 1) if line == "[Config Ring]")
    r = _run(folder, tmp_path / "results")
    assert r.returncode == 1
    assert f"omnetpp.ini:{header}: config Ring does not name a network" in r.stderr


def test_mutated_dataset_files_are_loaded_or_refused_with_file_and_line(tmp_path):
    """A TON_IoT fridge file of the project's own: every mutation loads (bad values flagged) or is refused."""
    from qcity.ids.data.datasets import DatasetError, load_ton_iot_telemetry

    rng = random.Random(11)
    rows = ["date,time,fridge_temperature,temp_condition,label,type"]
    for k in range(40):
        attack = k % 5 == 0
        rows.append(f"25-Apr-19, {k // 60:02d}:{k % 60:02d}:{(7 * k) % 60:02d} ,{rng.uniform(1, 14):.2f},"
                    f"{'high' if k % 3 else 'low'}  ,{int(attack)},{'ddos' if attack else 'normal'}")
    original = ("\n".join(rows) + "\n").encode()
    assert len(load_ton_iot_telemetry(_write(tmp_path / "good.csv", original)).valid()) == 40
    refused = 0
    for case in range(4 * CASES):
        path = _write(tmp_path / f"case{case}.csv", mutate(original, rng))
        try:
            data = load_ton_iot_telemetry(path)
        except DatasetError as e:
            refused += 1
            assert e.file == str(path) and "\n" not in str(e), f"case {case}: {e}"
            assert e.line is not None or "empty file" in e.message, f"case {case}: {e}"
            continue
        flagged = data.frame[~data.frame["schema_ok"]]
        assert set(flagged["line"]) <= set(data.issues["line"]), f"case {case}: a row is flagged without its line"
    assert refused >= CASES // 2


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
