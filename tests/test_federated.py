"""Federated detection: secure aggregation, DP accounting, FedAvg, the hooks' protocol, and FedClient/FedServer in the simulation."""

from __future__ import annotations

import base64
import math
import shutil

import analysis_scripts
import numpy as np
import pandas as pd
import pytest
from test_flow_ids import ATTACKED_CITY, SCEN

from qcity import results
from qcity.crypto.session import TamperedMessage
from qcity.ids.federated import aggregation as fl
from qcity.ids.federated.hooks import Client, Server
from qcity.ids.flow.hooks import DEFAULT_MODEL, FederatedDetector, federated_start
from qcity.ids.flow.logistic import LogisticDetector, _balanced_weights
from qcity.ids.flow.records import FEATURE_NAMES, RECORD_COLUMNS, features, records_frame
from qcity.reports.detection import federation_costs
from qcity.sim.runner import execute_run


def _maskers(n: int) -> list[fl.PairwiseMasker]:
    maskers = [fl.PairwiseMasker(i) for i in range(n)]
    keys = {m.index: m.public_key for m in maskers}
    for m in maskers:
        m.set_peers(keys)
    return maskers


def test_pairwise_masks_cancel_in_the_sum_and_only_there():
    rng = np.random.default_rng(3)
    updates = [rng.normal(0, 2, 25) for _ in range(5)]
    maskers = _maskers(5)
    sent = [fl.masked_update(u, m, round_number=7) for u, m in zip(updates, maskers)]
    assert np.allclose(fl.unmask_sum(sent), np.sum(updates, axis=0), atol=5 * 2**-fl.FRACTION_BITS)
    # one update alone says nothing: its words are spread over the whole 32-bit range
    assert not np.allclose(fl.decode(sent[0]), updates[0], atol=1)
    assert np.ptp(sent[0].astype(float)) > 2**30
    # a missing client leaves its partners' masks in the sum
    assert not np.allclose(fl.unmask_sum(sent[:4]), np.sum(updates[:4], axis=0), atol=1)
    # masks differ per round, so a replayed round does not cancel against another
    assert not np.array_equal(maskers[0].mask(1, 25), maskers[0].mask(2, 25))


def test_fixed_point_encoding():
    v = np.array([-3.25, 0.0, 1e-5, 2.5])
    assert np.allclose(fl.decode(fl.encode(v)), v, atol=2**-fl.FRACTION_BITS)
    with pytest.raises(OverflowError, match="fixed-point range"):
        fl.encode(np.array([40000.0]))


def test_clipping_bounds_the_norm():
    long, short = np.array([3.0, 4.0]), np.array([0.3, 0.4])
    assert np.linalg.norm(fl.clip(long, 1.0)) == pytest.approx(1.0)
    assert np.array_equal(fl.clip(short, 1.0), short)
    assert np.array_equal(fl.clip(long, 0), long)  # 0: no clipping


def test_gaussian_accountant_matches_the_closed_form():
    # RDP of T Gaussian rounds is T a / (2 z^2); minimised over continuous a the bound is c + 2 sqrt(c L)
    # with c = T / (2 z^2), L = log(1/delta), at a = 1 + sqrt(L / c). The grid must land within 1 %.
    for z, rounds in [(1.0, 9), (2.0, 50), (0.8, 3)]:
        c, L = rounds / (2 * z**2), math.log(1e5)
        closed = c + 2 * math.sqrt(c * L)
        eps = fl.GaussianAccountant(z, 1e-5).epsilon(rounds)
        assert closed <= eps <= 1.01 * closed
    acc = fl.GaussianAccountant(1.0, 1e-5)
    assert acc.epsilon(0) == 0 and acc.epsilon(1) < acc.epsilon(10) < acc.epsilon(100)
    assert fl.GaussianAccountant(0.0, 1e-5).epsilon(1) == math.inf
    with pytest.raises(ValueError, match="delta"):
        fl.GaussianAccountant(1.0, 1.5)


def test_noise_shares_add_up_to_the_mechanism():
    rng = np.random.default_rng(0)
    total = sum(fl.noise_share(20000, clip_norm=2.0, noise_multiplier=1.5, clients=8, rng=rng) for _ in range(8))
    assert total.std() == pytest.approx(3.0, rel=0.03)
    assert not fl.noise_share(5, 2.0, 0.0, 8, rng).any()


def _blobs(rng, n, attack_share):
    """Two classes apart in the first two features (the rest noise)."""
    y = (rng.random(n) < attack_share).astype(float)
    x = rng.normal(0, 1, (n, 6))
    x[:, :2] += 3 * y[:, None]
    return x, y


def test_federated_training_learns_across_non_iid_clients():
    rng = np.random.default_rng(1)
    # one client holds nearly all the attacks, two hold none (label skew)
    splits = [_blobs(rng, 300, 0.5), _blobs(rng, 300, 0.0), _blobs(rng, 300, 0.0), _blobs(rng, 300, 0.05)]
    x, y = _blobs(rng, 2000, 0.3)
    model, eps = fl.federated_training(splits, rounds=10, noise_multiplier=0.0)
    scores = model.scores(x)
    assert np.mean(scores[y > 0] > np.median(scores[y == 0])) > 0.95  # ranks attacks above normal traffic
    assert all(math.isinf(e) for e in eps)
    _, eps_dp = fl.federated_training(splits, rounds=10, noise_multiplier=1.0)
    assert eps_dp == sorted(eps_dp) and 0 < eps_dp[0] < eps_dp[-1] < math.inf


def _records(rng, n_normal, n_attack) -> tuple[dict, list[bool]]:
    """FlowTap-style records: normal MQTT flows, and attack flows scanning closed ports at a high rate."""
    n = n_normal + n_attack
    attack = np.array([False] * n_normal + [True] * n_attack)
    cols = {c: np.zeros(n) for c in RECORD_COLUMNS}
    cols["proto"] = np.array(["mqtt"] * n, dtype=object)
    cols["saddr"] = np.arange(n)
    cols["device"] = np.arange(n)
    cols["dport"] = np.where(attack, 7000 + np.arange(n), 1883)
    cols["pkts"] = np.where(attack, rng.integers(20, 40, n), rng.integers(1, 3, n))
    cols["bytes"] = cols["pkts"] * 60
    cols["srate"] = cols["pkts"] / 2.0
    cols["dports_per_src"] = np.where(attack, 8, 1)
    cols["N_IN_Conn_P_SrcIP"] = np.ones(n)
    cols["N_IN_Conn_P_DstIP"] = np.full(n, n)
    cols["macs_per_device"] = np.ones(n)
    return {c: v.tolist() for c, v in cols.items()}, attack.tolist()


def _federation(n_clients, settings=""):
    server, clients = Server(), [Client() for _ in range(n_clients)]
    server({"event": "setup", "settings": settings, "clients": n_clients})
    for g, c in enumerate(clients):
        keys = c({"event": "setup", "settings": settings, "gateway": g, "seed": 10 + g})
        assert keys["bytes"] == 32 + 1184
        server({"event": "register", "gateway": g, "payload": keys["payload"]})
    key_list = server({"event": "keys"})
    for c in clients:
        c({"event": "keys", "payload": key_list["payload"]})
    return server, clients


def _round(server, clients, r, modes):
    out = server({"event": "broadcast", "round": r, "gateways": list(range(len(clients))), "modes": modes})
    models = []
    for g, c in enumerate(clients):
        models.append(c({"event": "model", "round": r, "mode": modes[g], "payload": out["payloads"][g]})["model"])
        up = c({"event": "train", "round": r, "mode": modes[g]})
        server({"event": "update", "round": r, "gateway": g, "mode": modes[g], "payload": up["payload"]})
    return models, out, server({"event": "aggregate"})


def test_hook_protocol_is_fedavg_of_the_clients_updates():
    rng = np.random.default_rng(5)
    server, clients = _federation(3)
    data = [_records(rng, 40, 10), _records(rng, 50, 0), _records(rng, 30, 0)]
    for c, (recs, labels) in zip(clients, data):
        c({"event": "observe", "window": 2.0, "flows": recs, "labels": labels})
    models, out, agg = _round(server, clients, 0, ["qkd", "pqc", "qkd"])
    assert models == [None] * 3  # the untrained model of round 0 is never used to detect
    assert out["bytes"][1] == out["bytes"][0] + 1088  # ML-KEM sealing carries its ciphertext
    # what the server did equals FedAvg of the clipped local updates computed here in the clear
    start = federated_start()  # no weights, the shipped model's standardisation
    assert np.array_equal(clients[0].model.mean, LogisticDetector.load(DEFAULT_MODEL).mean)
    expected = np.mean([fl.clip(fl.local_update(start, features(records_frame(r), 2.0), np.asarray(y, float), 50, 0.5), 1.0)
                        for r, y in data], axis=0)
    assert np.allclose(server.model.parameters(), expected, atol=1e-4)
    assert agg["epsilon"] == math.inf  # no noise: no privacy guarantee, reported as such
    for r in range(1, 8):
        models, _, _ = _round(server, clients, r, ["qkd"] * 3)
    assert all(np.allclose(m, models[0]) for m in models) and models[0] is not None
    # after some rounds the global model detects the attack records it learned from
    recs, labels = data[0]
    alerts = FederatedDetector()({"flows": recs, "window": 2.0, "model": models[0], "settings": ""})["alerts"]
    assert np.mean(np.array(alerts)[labels]) > 0.9 and not any(np.array(alerts)[~np.array(labels)])
    assert FederatedDetector()({"flows": recs, "window": 2.0, "settings": ""})["alerts"] == [False] * len(labels)


def test_hook_protocol_rejects_tampering_and_bad_input():
    server, clients = _federation(2, "noise=1 clip=0.5")
    out = server({"event": "broadcast", "round": 0, "gateways": [0, 1], "modes": ["qkd", "qkd"]})
    forged = bytearray(base64.b64decode(out["payloads"][0]))
    forged[-1] ^= 1
    with pytest.raises(TamperedMessage):
        clients[0]({"event": "model", "round": 0, "mode": "qkd", "payload": base64.b64encode(bytes(forged)).decode()})
    with pytest.raises(TamperedMessage):  # sealed for gateway 0: gateway 1's key does not open it
        clients[1]({"event": "model", "round": 0, "mode": "qkd", "payload": out["payloads"][0]})
    with pytest.raises(ValueError, match="unknown event .aggreggate."):
        server({"event": "aggreggate"})
    with pytest.raises(RuntimeError, match="0 of 2 updates"):
        server({"event": "aggregate"})
    with pytest.raises(ValueError, match="unknown detector setting 'noize=1'"):
        Client()({"event": "setup", "settings": "noize=1", "gateway": 0, "seed": 1})
    with pytest.raises(ValueError, match="labels must be one of"):
        Client()({"event": "setup", "settings": "labels=oracle", "gateway": 0, "seed": 1})
    with pytest.raises(ValueError, match="at least 2 clients"):
        Server()({"event": "setup", "settings": "", "clients": 1})
    with pytest.raises(ValueError, match="weighting must be one of"):
        Client()({"event": "setup", "settings": "weighting=size", "gateway": 0, "seed": 1})
    with pytest.raises(ValueError, match="use it with noise=0"):
        Server()({"event": "setup", "settings": "weighting=attacks noise=1", "clients": 2})


def test_attack_weighted_averaging_is_the_weighted_mean_of_the_clients_updates():
    rng = np.random.default_rng(6)
    server, clients = _federation(3, "weighting=attacks buffer=99")
    data = [_records(rng, 40, 19), _records(rng, 50, 0), _records(rng, 30, 4)]
    for c, (recs, labels) in zip(clients, data):
        c({"event": "observe", "window": 2.0, "flows": recs, "labels": labels})
    _round(server, clients, 0, ["qkd"] * 3)
    start = federated_start()
    updates = [fl.clip(fl.local_update(start, features(records_frame(r), 2.0), np.asarray(y, float), 50, 0.5), 1.0)
               for r, y in data]
    weights = np.array([20, 1, 5]) / 100  # (attack records + 1) / (buffer + 1)
    expected = np.sum([w * u for w, u in zip(weights, updates)], axis=0) / weights.sum()
    assert np.allclose(server.model.parameters(), expected, atol=1e-4)
    assert not np.allclose(expected, np.mean(updates, axis=0), atol=1e-3)  # not what equal weights give
    with pytest.raises(ValueError, match="weights add up to 0"):
        fl.weighted_mean(np.zeros(4))


def test_kind_balancing_gives_a_rare_attack_kind_its_share():
    y = np.array([0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1.0])
    kinds = np.array([0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3])  # nine scans, one spoofed reading
    w = _balanced_weights(y, kinds)
    assert w.sum() == pytest.approx(1) and w[:4].sum() == pytest.approx(0.5)
    assert w[13] == pytest.approx(0.25) and w[4:13].sum() == pytest.approx(0.25)  # each kind present: an equal share
    assert np.array_equal(_balanced_weights(y, None), np.where(y > 0, 0.5 / 10, 0.5 / 4))  # labels only: as before
    assert np.allclose(_balanced_weights(y[4:], kinds[4:]), [0.5 / 9] * 9 + [0.5])  # no normal records
    with pytest.raises(ValueError, match="one attack kind per record"):
        _balanced_weights(y, kinds[:3])
    with pytest.raises(ValueError, match="an attack record has kind 0"):
        _balanced_weights(y, np.where(np.arange(14) == 5, 0, kinds))


def test_the_personal_model_is_trained_locally_and_kept_near_the_global_one():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(200, 3))
    y = (x[:, 0] > 0.5).astype(float)
    start = LogisticDetector.untrained(3)
    anchor = np.array([0.0, 0.0, 0.0, -1.0])
    free = start.with_parameters(np.zeros(4)).fit(x, y, steps=200)
    held = [start.with_parameters(np.zeros(4)).fit(x, y, steps=200, anchor=anchor, prox=p) for p in (0.5, 3.0)]
    distance = [np.linalg.norm(m.parameters() - anchor) for m in [free, *held]]
    assert distance[0] > 5 * distance[1] > 5 * distance[2]  # the stronger the pull, the nearer the anchor
    # in the protocol: the detector gets the personal model, the server still gets the same global update
    rng = np.random.default_rng(5)
    server, clients = _federation(2, "noise=0 balance=kinds personal=0.1")
    data = [_records(rng, 40, 10), _records(rng, 50, 0)]
    for c, (recs, labels) in zip(clients, data):
        c({"event": "observe", "window": 2.0, "flows": recs, "labels": labels, "kinds": [3 * int(a) for a in labels]})
    _round(server, clients, 0, ["qkd", "qkd"])
    models, _, _ = _round(server, clients, 1, ["qkd", "qkd"])
    assert not np.allclose(models[0], models[1])  # each gateway its own
    assert np.allclose(models[0], clients[0].personal.parameters()) and not np.allclose(models[0], clients[0].model.parameters())
    with pytest.raises(ValueError, match="only labels=truth knows"):
        Client()({"event": "setup", "settings": "balance=kinds labels=rules", "gateway": 0, "seed": 1})
    with pytest.raises(ValueError, match="personal must be below 2 / learning_rate = 4"):
        Client()({"event": "setup", "settings": "personal=4", "gateway": 0, "seed": 1})
    with pytest.raises(ValueError, match="personal must not be negative"):
        Client()({"event": "setup", "settings": "personal=-1", "gateway": 0, "seed": 1})


FEDERATED_CITY = ATTACKED_CITY + """SmartCity.federation = "fedavg"
**.fed*.firstRound = 4s
**.fed*.roundInterval = 4s
**.tap.flowIdsHook = "qcity.ids.flow.hooks:FederatedDetector"
**.fed*.settings = "noise=1"
"""


def _run(tmp_path, text, name="r"):
    shutil.copy(SCEN / "SmartCity.ned", tmp_path)
    ini = tmp_path / f"{name}.ini"
    ini.write_text(text)
    return execute_run(ini, "General", 0, result_dir=str(tmp_path / name))


def _scalars(r) -> dict:
    df = results.get_scalars(results.read_result_files(str(r.sca_path)))
    return {(row.module, row.name): row.value for row in df.itertuples()}


def test_federated_rounds_run_in_the_simulation_with_their_costs(tmp_path):
    r = _run(tmp_path, FEDERATED_CITY)
    s = _scalars(r)
    server = {n: v for (m, n), v in s.items() if m == "SmartCity.fedServer"}
    assert server["fedRoundTime:count"] == 4 and server["fedRoundsFailed:count"] == 0  # rounds at 4, 8, 12, 16 s
    # the round takes the clients' training time plus two trips over the backhaul
    assert 0.05 < server["fedRoundTime:mean"] < 0.1
    assert server["fedEpsilon:last"] == pytest.approx(fl.GaussianAccountant(1.0, 1e-5).epsilon(4))
    clients = [{n: v for (m, n), v in s.items() if m == f"SmartCity.gateway[{g}].fed"} for g in range(4)]
    for c in clients:
        assert c["fedSent:count"] == 1 + 4  # its keys, then an update per round
        # every sealed message took 256 bits of QKD key or was sealed with ML-KEM instead
        assert c["fedKeyBits:sum"] / 256 + c["fedPqcSealed:count"] == 4
        assert c["fedTrainingRecords:last"] > 0
    # the sealing keys went through the link's KMEs by ETSI 014 key IDs: the receiver fetched each one when
    # its message arrived, a trip over the backhaul after the sender took it (session keys are fetched at once)
    for g in range(4):
        assert 0 < s[(f"SmartCity.gateway[{g}].keys", "keyAgreementDelay:max")] < 0.1
    # gateway 3's link was tapped from 8 s: its Q-IDS discarded the key, so its later messages used ML-KEM
    assert clients[3]["fedPqcSealed:count"] > 0 and clients[0]["fedPqcSealed:count"] == 0
    # bytes on the wire: set-up keys (X25519 + ML-KEM), then per round the masked 32-bit words
    # (one per parameter) in AES-GCM (nonce and tag), plus the ML-KEM ciphertext when sealed that way
    header, update = 48, 4 * (len(FEATURE_NAMES) + 1) + 12 + 16
    for c in clients:
        assert c["fedSent:sum"] == header + 32 + 1184 + 4 * (header + update) + 1088 * c["fedPqcSealed:count"]
    costs = federation_costs(str(r.sca_path))
    assert costs.rounds.iloc[0] == 4
    assert costs.kbytes.iloc[0] * 1000 == server["fedSent:sum"] + sum(c["fedSent:sum"] for c in clients)
    # same seed, same results
    again = _scalars(_run(tmp_path, FEDERATED_CITY, "again"))
    np.testing.assert_equal(again, s)  # NaN (a statistic without values) equals NaN here


def test_local_training_sends_nothing(tmp_path):
    r = _run(tmp_path, FEDERATED_CITY.replace('federation = "fedavg"', 'federation = "local"'))
    s = _scalars(r)
    assert not any(m == "SmartCity.fedServer" for m, _ in s)
    for g in range(4):
        assert s[(f"SmartCity.gateway[{g}].fed", "fedSent:count")] == 0
        assert s[(f"SmartCity.gateway[{g}].fed", "fedTrainingRecords:last")] > 0


@pytest.mark.parametrize("old, new, message", [
    ("**.gateway[*].flowIds = true", "**.gateway[*].flowIds = false", "set flowIds = true"),
    ('federation = "fedavg"', 'federation = "gossip"', 'federation must be "fedavg" or "local"'),
    ('**.fed*.settings = "noise=1"', '**.fed*.settings = "noise=-1"', "noise must not be negative"),
    ("**.fed*.roundInterval = 4s", "**.fed*.roundInterval = 0s", "roundInterval must be positive"),
])
def test_bad_federation_settings_are_clear_errors(tmp_path, old, new, message):
    text = FEDERATED_CITY.replace("sim-time-limit = 20s", "sim-time-limit = 6s").replace(old, new)
    with pytest.raises(RuntimeError, match=message):
        _run(tmp_path, text)


def test_analysis_script_compares_variants_and_costs(tmp_path, capsys):
    pytest.importorskip("matplotlib", reason="plotting needs the analysis extra")
    text = FEDERATED_CITY.replace('SmartCity.federation = "fedavg"', 'SmartCity.federation = ${federation="fedavg","local" ! variant}')
    text += "measurement-label = ${variant=fedavg,local}\n**.tap.scoreFrom = 8s\n"
    shutil.copy(SCEN / "SmartCity.ned", tmp_path)
    ini = tmp_path / "omnetpp.ini"
    ini.write_text(text)
    for run in (0, 1):
        execute_run(ini, "General", run, result_dir=str(tmp_path / "results"))
    script = analysis_scripts.load("federated_detection")
    prefix = tmp_path / "fed"
    assert script.main([str(tmp_path / "results"), "-o", str(prefix)]) == 0
    out = capsys.readouterr().out
    assert "ADR per attack kind" in out and "What federation cost" in out
    costs = pd.read_csv(f"{prefix}_costs.csv", index_col=0)
    assert costs.loc["fedavg", "rounds"] == 4 and costs.loc["local", "messages"] == 0
    assert set(pd.read_csv(f"{prefix}_variants.csv").variant) == {"fedavg", "local"}
    assert (tmp_path / "fed_kinds.png").stat().st_size > 0
