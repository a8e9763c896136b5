"""The Python side of the NED area ``backbone``: routing hooks of the gateways' TrustRouter
(seed 000's trust-aware routing), in :mod:`qcity.backbone.hooks`."""
