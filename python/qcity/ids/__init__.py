"""Intrusion detection: dataset loaders (TON_IoT, Edge-IIoTset, Bot-IoT) and the quantum-aware Q-IDS."""
