"""Trusted-node key relay (KeyRelay): sessions whose SAEs share no QKD link take their keys over a chain
of links, by ETSI 014 key IDs on every link."""

from __future__ import annotations

from pathlib import Path

import pytest

from qcity import results
from qcity.sim.runner import execute_run

INI = Path(__file__).resolve().parent.parent / "omnetpp_models" / "scenarios" / "qkd_link" / "omnetpp.ini"
LINKS = ("keys1", "keys2", "keys3")


def _run(out: Path, *overrides: str) -> dict[tuple[str, str], float]:
    execute_run(INI, "TrustedRelay", 0, result_dir=str(out), sim_time_limit="3s", overrides=list(overrides))
    sc = results.get_scalars(results.read_result_files(str(out)))
    return {(m.split(".", 1)[1], n): v for m, n, v in zip(sc.module, sc.name, sc.value)}


@pytest.fixture(scope="module")
def relay(tmp_path_factory):
    return _run(tmp_path_factory.mktemp("relay"))


def test_every_relayed_key_takes_as_much_key_from_every_link(relay):
    s = relay
    relayed = s[("relay", "keyAgreementDelay:count")]  # keys that reached the slave's end
    assert relayed > 0 and s[("relay", "hops")] == 3
    assert s[("relay", "relayedBits:sum")] == 256 * relayed
    assert s[("relay", "keysServed:sum")] == 2 * relayed  # master and slave
    for link in LINKS:
        assert s[(link, "consumedBits:sum")] == 256 * relayed
        # each link's two nodes agreed one link key per relayed key, through its KMEs by key ID
        assert s[(link, "keyAgreementDelay:count")] == relayed
        assert s[(link, "keysServed:sum")] == 2 * relayed
    # sessions in a quantum mode took a relayed key (the session manager compares both ends' copies)
    fallbacks = s.get(("sessions", "poolFallbacks:count"), 0)
    assert relayed + fallbacks <= s[("sessions", "sessionMode:count")]


def test_the_longest_link_sets_the_relays_key_supply(relay):
    s = relay
    # the 40 km middle link delivers the least key, so it is the one left emptiest
    stored = {link: s[(link, "poolLevel:last")] + s[(link, "consumedBits:sum")] for link in LINKS}
    assert stored["keys2"] < min(stored["keys1"], stored["keys3"])


def test_a_link_without_key_starves_the_relay_and_the_others_lose_nothing(tmp_path):
    # beyond the decoy protocol's reach: no key on the middle link; sessions want QKD keys throughout
    s = _run(tmp_path, "**.link2.distance=150km", '**.sessions.mode="qkd"')
    assert s[("keys2", "poolLevel:max")] == 0
    assert s.get(("relay", "relayedBits:sum"), 0) == 0
    # the relay's pool is its emptiest link's: every session saw it short and fell back to PQC
    assert s[("sessions", "poolFallbacks:count")] == s[("sessions", "sessionMode:count")] > 0
    for link in ("keys1", "keys3"):  # a refused request takes nothing from the links that had key
        assert s[(link, "poolLevel:max")] > 0 and s[(link, "consumedBits:sum")] == 0


def test_the_chain_may_be_given_from_either_end(tmp_path):
    s = _run(tmp_path, '**.relay.saeId="controlCentre"', '**.relay.peerSaeId="gateway"',
             '**.relay.path="^.keys3 ^.keys2 ^.keys1"')
    assert s[("relay", "relayedBits:sum")] > 0


@pytest.mark.parametrize("path,message", [
    ("^.keys1 ^.keys3", r"path: \^\.keys3 links node2 and controlCentre, but the chain from gateway has reached node1"),
    ("^.keys1 ^.keys2", "path ends at node2, not at peerSaeId controlCentre"),
    ("^.keys1 ^.nowhere ^.keys3", r'"\^\.nowhere" is no module'),
    ("^.keys1 ^.link2 ^.keys3", r'"\^\.link2" is not a KeyManager'),
    ("", "path names no KeyManager"),
])
def test_a_broken_chain_is_refused_at_the_start_naming_the_link(tmp_path, path, message):
    with pytest.raises(RuntimeError, match=message):
        _run(tmp_path, f'**.relay.path="{path}"')


def test_relay_key_sizes_must_fit_every_link(tmp_path):
    with pytest.raises(RuntimeError, match=r"key sizes 64\.\.16384 b are not within .*keys1's 64\.\.8192 b"):
        _run(tmp_path, "**.relay.maxKeySize=16384b")
