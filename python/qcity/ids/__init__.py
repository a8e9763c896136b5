"""Intrusion detection, in four parts:

- :mod:`qcity.ids.data`: the public datasets' loaders (TON_IoT, Bot-IoT, Edge-IIoTset) and
  synthetic records drawn like them;
- :mod:`qcity.ids.qids`: seed 001's quantum-aware Q-IDS on the QKD links (QidsMonitor's hook);
- :mod:`qcity.ids.flow`: flow records of the simulated network, the flow detectors (FlowTap's
  hooks) and their training;
- :mod:`qcity.ids.federated`: federated training of the flow detector (FedClient's and
  FedServer's hooks), with secure aggregation and differential privacy.

:mod:`qcity.ids.evaluate` holds the detection metrics they share.
"""
