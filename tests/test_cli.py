"""The qcity command and sweeps."""

from __future__ import annotations

from conftest import RING_INI

from qcity import results
from qcity.cli import main
from qcity.sim.sweep import sweep


def test_query_numruns_and_runs(capsys):
    assert main(["run", str(RING_INI), "-c", "RingSweep", "-q", "numruns"]) == 0
    assert capsys.readouterr().out.splitlines() == ["Config: RingSweep", "Number of runs: 27"]  # as opp_run prints it
    assert main(["run", str(RING_INI), "-c", "RingSweep", "-q", "runs", "-r", "0..1"]) == 0
    out = capsys.readouterr().out
    assert "Number of runs: 27\nNumber of runs selected: 2\n" in out
    assert "Run 0: $nodes=5, $tokens=1, $repetition=0" in out
    assert "Run 1: $nodes=5, $tokens=1, $repetition=1" in out


def test_run_writes_results(tmp_path, capsys):
    assert main(["run", str(RING_INI), "-c", "Ring", "--result-dir", str(tmp_path), "--sim-time-limit", "5s"]) == 0
    out = capsys.readouterr().out
    assert "sim-time-limit at t=5s" in out
    assert (tmp_path / "Ring-#0.sca").exists() and (tmp_path / "Ring-#0.vec").exists()


NAMES_INI = """
[General]
network = scenarios.ring.Ring
sim-time-limit = 1s
Ring.numNodes = ${nodes=3}
**.holdTime = ${hold=1ms}
measurement-label = ${label="a b_c#d"}
"""


def test_result_files_are_named_as_opp_run_names_them(tmp_path):
    # OMNeT++ 6: ${configname}-${iterationvarsf}#${repetition}, the variables joined by commas,
    # each value unquoted and filename-encoded (space to _, _ to #_, # to ##)
    ini = tmp_path / "omnetpp.ini"
    ini.write_text(NAMES_INI)
    models = RING_INI.parent.parent.parent
    assert main(["run", str(ini), "-c", "General", "--result-dir", str(tmp_path / "r"), "-n", str(models)]) == 0
    assert [p.name for p in (tmp_path / "r").glob("*.sca")] == ["General-nodes=3,hold=1ms,label=a_b#_c##d-#0.sca"]


def test_cli_reports_user_errors_without_traceback(tmp_path, capsys):
    assert main(["run", str(RING_INI), "-c", "NoSuchConfig"]) == 1
    assert "qcity: error:" in capsys.readouterr().err
    assert main(["run", str(RING_INI), "-c", "Ring", "-r", "5"]) == 1
    assert "out of range" in capsys.readouterr().err


def _scalars(folder):
    df = results.get_scalars(results.read_result_files(str(folder)), include_runattrs=True)
    return df[["runnumber", "module", "name", "value"]].sort_values(["runnumber", "module", "name"]).reset_index(drop=True)


def test_sweep_is_deterministic_across_worker_counts_and_skips_done_runs(tmp_path):
    one = sweep(RING_INI, "RingSweep", runs=[0, 1, 4], result_dir=str(tmp_path / "j1"), sim_time_limit="2s", jobs=1)
    two = sweep(RING_INI, "RingSweep", runs=[0, 1, 4], result_dir=str(tmp_path / "j2"), sim_time_limit="2s", jobs=2)
    assert [r.events for r in one] == [r.events for r in two]
    assert _scalars(tmp_path / "j1").equals(_scalars(tmp_path / "j2"))
    again = sweep(RING_INI, "RingSweep", runs=[0, 1, 4], result_dir=str(tmp_path / "j1"), sim_time_limit="2s", jobs=2)
    assert all(r.skipped for r in again)


def test_typo_in_parameter_key_is_warned_but_shadowed_keys_are_not(tmp_path, capsys):
    ini = tmp_path / "omnetpp.ini"
    ini.write_text(RING_INI.read_text() + "\n[Config Typo]\nextends = Ring\nRing.node[*].holdTim = 1ms\n")
    (tmp_path / "Ring.ned").write_text((RING_INI.parent / "Ring.ned").read_text())
    assert main(["run", str(ini), "-c", "Typo", "--result-dir", str(tmp_path / "r"), "--sim-time-limit", "1s"]) == 0
    err = capsys.readouterr().err
    assert "'Ring.node[*].holdTim' matched no parameter" in err
    assert "holdTime" not in err


def test_sweep_on_a_dask_cluster_matches_local(tmp_path):
    import pytest

    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed (pip install '.[dask]')")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        remote = sweep(RING_INI, "RingSweep", runs=[2, 3], result_dir=str(tmp_path / "dask"), sim_time_limit="2s",
                       dask_address=cluster.scheduler_address)
    local = sweep(RING_INI, "RingSweep", runs=[2, 3], result_dir=str(tmp_path / "local"), sim_time_limit="2s", jobs=1)
    assert [r.fingerprint for r in remote] == [r.fingerprint for r in local]
    assert _scalars(tmp_path / "dask").equals(_scalars(tmp_path / "local"))


def test_command_line_settings_win_over_the_ini_file(tmp_path, capsys):
    base = ["run", str(RING_INI), "-c", "RingSweep", "--sim-time-limit", "5s"]
    assert main(base + ["-q", "numruns", "--Ring.numNodes=7", "--repeat=2"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "Number of runs: 18"  # 3 x 3 iterations, repeat 2 instead of the ini's 3
    assert main(base + ["--result-dir", str(tmp_path), "--Ring.numNodes=7"]) == 0
    capsys.readouterr()
    nodes = results.get_scalars(results.read_result_files(str(tmp_path)))
    assert nodes.module.str.extract(r"node\[(\d+)\]")[0].dropna().astype(int).max() == 6


def test_malformed_or_unknown_command_line_settings_are_errors(capsys):
    assert main(["run", str(RING_INI), "-c", "Ring", "--no-such-option=3"]) == 1
    err = capsys.readouterr().err
    assert "<command line>:1" in err and "unknown configuration option 'no-such-option'" in err
    try:
        main(["run", str(RING_INI), "-c", "Ring", "--Ring.numNodes"])
    except SystemExit as e:
        assert e.code == 2
    assert "unrecognized arguments: --Ring.numNodes" in capsys.readouterr().err


def test_analysis_scripts_stop_quietly_when_their_output_pipe_closes():
    import subprocess
    import sys

    code = ("import sys\nfrom qcity.cli import run_script\n"
            "def main():\n    for _ in range(200000):\n        print('x' * 80)\n    return 0\n"
            "sys.exit(run_script(main))\n")
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.read(100)
    p.stdout.close()  # as `| head` does
    with p.stderr:
        err = p.stderr.read()
    assert p.wait() == 1 and b"Traceback" not in err
