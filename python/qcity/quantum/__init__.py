"""Quantum link layer: channel and attack model, decoy-state BB84 blocks, Cascade,
privacy amplification, key-rate theory and the QESIF key equations."""
