"""The Python side of the NED area ``security``: the session-mode hook of SessionManager, in
:mod:`qcity.security.hooks`. The building blocks it uses (ML-KEM, adaptive switching, security
levels, key pools) are in :mod:`qcity.crypto`."""
