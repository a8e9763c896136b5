"""Seed 001's quantum-aware IDS: QBER and key-loss anomaly scores on the QKD links (QidsMonitor)."""

from .detector import QuantumIds

__all__ = ["QuantumIds"]
