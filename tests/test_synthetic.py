"""Schema-faithful synthetic records: what the fitted model keeps, files the loaders accept, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from qcity.cli import main
from qcity.errors import QcityError
from qcity.ids.data import synthetic
from qcity.ids.data.datasets import load_bot_iot, load_ton_iot_telemetry
from qcity.ids.flow.records import RECORD_COLUMNS, TRUTH_COLUMNS, to_bot_iot


def _records(n: int = 3000, seed: int = 0) -> pd.DataFrame:
    """Two classes; correlated numeric columns, one integer, one on a 0.05 lattice; categorical pairs that go together."""
    rng = np.random.default_rng(seed)
    kind = np.where(rng.random(n) < 0.8, "normal", "attack")
    z = rng.standard_normal((n, 2)) @ np.array([[1, 0], [0.8, 0.6]]).T
    rate = np.exp(z[:, 0]) * np.where(kind == "attack", 20, 1)
    size = np.round(60 + 10 * z[:, 1])
    temp = np.round(np.clip(5 + 2 * rng.standard_normal(n), 0, 12) * 20) / 20
    proto = np.where(rng.random(n) < 0.5, "udp", "tcp")
    sub = np.where(proto == "udp", "UDP", "TCP")
    return pd.DataFrame({"kind": kind, "rate": rate, "size": size, "temp": temp, "proto": proto, "sub": sub})


def test_model_keeps_shares_margins_lattices_correlation_and_combinations():
    src = _records()
    model = synthetic.TableModel.fit(src, "kind", ["rate", "size", "temp"], ["proto", "sub"])
    out = model.sample(20000, seed=1)
    assert list(out.columns) == ["kind", "rate", "size", "temp", "proto", "sub"]
    assert out.kind.value_counts(normalize=True)["attack"] == pytest.approx((src.kind == "attack").mean(), abs=0.01)
    for kind in ("normal", "attack"):
        a, b = src[src.kind == kind], out[out.kind == kind]
        for col in ("rate", "size", "temp"):
            assert a[col].min() <= b[col].min() and b[col].max() <= a[col].max()  # never outside what was seen
            assert stats.ks_2samp(a[col], b[col]).statistic < 0.05
        rho_src = stats.spearmanr(a.rate, a["size"]).statistic
        assert stats.spearmanr(b.rate, b["size"]).statistic == pytest.approx(rho_src, abs=0.05)
    assert out["size"].dtype.kind == "i"
    assert np.allclose(out.temp * 20, np.round(out.temp * 20))  # the 0.05 steps of the source
    pairs = set(zip(out.proto, out["sub"]))
    assert pairs == {("udp", "UDP"), ("tcp", "TCP")}  # drawn together, never mixed


def test_sampling_is_deterministic_and_shares_can_be_set():
    model = synthetic.TableModel.fit(_records(), "kind", ["rate", "size"], ["proto"])
    a, b = model.sample(500, seed=7), model.sample(500, seed=7)
    pd.testing.assert_frame_equal(a, b)
    assert not model.sample(500, seed=8).equals(a)
    only = model.sample(400, seed=0, shares={"attack": 1})
    assert set(only.kind) == {"attack"} and len(only) == 400
    half = model.sample(10000, seed=0, shares={"attack": 2, "normal": 2}).kind.value_counts(normalize=True)
    assert half["attack"] == pytest.approx(0.5, abs=0.02)


def test_ordered_groups_and_independent_columns():
    rng = np.random.default_rng(2)
    lo = rng.random(2000)
    src = pd.DataFrame({"c": "x", "min": lo, "mean": lo + rng.random(2000), "max": lo + 2 * rng.random(2000) + 1,
                        "host": rng.choice(["a", "b"], 2000), "port": rng.integers(1000, 60000, 2000).astype(str)})
    model = synthetic.TableModel.fit(src, "c", ["min", "mean", "max"], ["host", "port"], independent=("port",),
                                     ordered=(("min", "mean", "max"),))
    out = model.sample(5000, seed=3)
    assert ((out["min"] <= out["mean"]) & (out["mean"] <= out["max"])).all()
    # an independent column is drawn from its own frequencies: unseen host/port pairs appear
    assert len(set(zip(out.host, out.port)) - set(zip(src.host, src.port))) > 0
    assert set(out.port) <= set(src.port)


def _flow_records(n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(5)
    f = pd.DataFrame({c: rng.integers(0, 5, n) for c in RECORD_COLUMNS})
    attack = rng.random(n) < 0.2
    f["proto"] = np.where(attack, "coap", "mqtt")
    f["dport"] = np.where(attack, 80, 1883)
    f["srate"] = np.where(attack, 50.0, 1.0) * rng.random(n)
    f["mean"], f["stddev"], f["min"], f["max"] = rng.random(n), rng.random(n), rng.random(n) / 2, 1 + rng.random(n)
    f["time"] = np.repeat(np.arange(n // 4) * 2.0 + 2, 4)
    f["attack"] = np.where(attack, "scan", "normal")
    f["label"] = attack.astype(int)
    return f[RECORD_COLUMNS + TRUTH_COLUMNS]


def test_bot_iot_files_from_simulated_flows_load_cleanly(tmp_path):
    model = synthetic.bot_iot_model(to_bot_iot(_flow_records()))
    frame = synthetic.bot_iot_frame(model, 3000, seed=0, shares={"normal": 0.9, "scan": 0.1})
    path = synthetic.write_bot_iot(frame, tmp_path / "bot.tsv")
    assert path.read_text().splitlines()[0].split("\t") == synthetic.BOT_IOT_COLUMNS
    data = load_bot_iot(path)
    assert data.issues.empty and data.frame.schema_ok.all() and len(data.frame) == 3000
    f = data.frame
    assert f.groupby("category").attack.agg(set).to_dict() == {"normal": {0}, "scan": {1}}
    assert set(zip(f.category, f.proto)) == {("normal", "mqtt"), ("scan", "coap")}
    assert (f.pkSeqID == np.arange(1, 3001)).all() and ((f["min"] <= f["mean"]) & (f["mean"] <= f["max"])).all()
    assert not list(tmp_path.glob("*.tmp"))


def test_writing_into_a_missing_folder_is_an_error_and_leaves_nothing(tmp_path):
    frame = synthetic.bot_iot_frame(synthetic.bot_iot_model(to_bot_iot(_flow_records())), 10)
    with pytest.raises(OSError):
        synthetic.write_bot_iot(frame, tmp_path / "no" / "such" / "bot.tsv")
    assert not any(tmp_path.rglob("*"))


def test_real_samples_round_trip(shared_data, tmp_path):
    ton = load_ton_iot_telemetry(shared_data / "ton_iot_fridge_sample.csv")
    model = synthetic.ton_iot_telemetry_model(ton)
    path = synthetic.write_ton_iot_telemetry(synthetic.ton_iot_telemetry_frame(model, 2000, seed=1), tmp_path / "t.csv")
    again = load_ton_iot_telemetry(path)
    assert again.issues.empty and again.frame.schema_ok.all()
    assert list(again.frame.columns[1:-2]) == [c for c in ton.frame.columns[1:-2]]  # same columns, same order
    f = again.frame
    assert set(f.type) <= set(ton.frame.type) and ((f.type == "normal") == (f.label == 0)).all()
    assert np.allclose(f.fridge_temperature * 20, np.round(f.fridge_temperature * 20))
    assert f.timestamp.is_monotonic_increasing
    bot = load_bot_iot(shared_data / "bot_iot_sample.tsv")
    drawn = load_bot_iot(synthetic.write_bot_iot(synthetic.bot_iot_frame(synthetic.bot_iot_model(bot), 5000), tmp_path / "b.tsv"))
    assert drawn.issues.empty
    seen = set(zip(bot.frame.category, bot.frame.proto, bot.frame.subcategory))
    assert set(zip(drawn.frame.category, drawn.frame.proto, drawn.frame.subcategory)) <= seen


@pytest.mark.parametrize("call, message", [
    (lambda: synthetic.TableModel.fit(pd.DataFrame(), "kind", [], []), "no records"),
    (lambda: synthetic.TableModel.fit(_records(), "kind", ["speed"], []), "lack column"),
    (lambda: synthetic.TableModel.fit(_records(), "kind", ["rate"], ["proto"], ordered=(("rate", "proto"),)), "must be numeric"),
    (lambda: synthetic.TableModel.fit(_records(), "kind", ["rate"], []).sample(0), "must be positive"),
    (lambda: synthetic.TableModel.fit(_records(), "kind", ["rate"], []).sample(5, shares={"dos": 1}), "unknown class"),
    (lambda: synthetic.TableModel.fit(_records(), "kind", ["rate"], []).sample(5, shares={"attack": -1}), "non-negative"),
])
def test_bad_input(call, message):
    with pytest.raises(QcityError, match=message):
        call()


def test_synth_command(tmp_path, capsys):
    logs = tmp_path / "logs"
    logs.mkdir()
    _flow_records().to_csv(logs / "seed0-gateway[0].csv", index=False)
    out = tmp_path / "bot.tsv"
    assert main(["synth", "flows-bot-iot", str(logs), "-n", "200", "-o", str(out), "--share", "scan=1"]) == 0
    assert set(load_bot_iot(out).frame.category) == {"scan"}
    assert main(["synth", "flows-bot-iot", str(logs), "-n", "5", "-o", str(out), "--share", "scan"]) == 1
    assert main(["synth", "bot-iot", str(logs / "seed0-gateway[0].csv"), "-n", "5", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "--share takes CLASS=SHARE" in err and "not a Bot-IoT file: missing column(s) category" in err
