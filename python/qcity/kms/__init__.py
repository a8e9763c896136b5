"""Key delivery to applications the way QKD networks expose it.

- :mod:`.etsi014`: the ETSI GS QKD 014 v1.1.1 request and response documents, limits and errors;
- :mod:`.keyfile`: the key files a run exports (KeyManager's ``keyFile``), read and written;
- :mod:`.store`: a durable key store per pair of SAEs: every key is delivered once to the master
  and once to the slave, across restarts;
- :mod:`.certs`: a test CA and SAE certificates for mutual TLS;
- :mod:`.server`: the live KME (``qcity kme serve``), an HTTPS server for the ETSI 014 REST API.
"""
