"""QkdLink's parameters on the Python side: the one table from NED names to hook arguments and fields.

``omnetpp_models/qcity/quantum/QkdLink.ned`` is the truth for the module's parameters and their
defaults. QkdLink.cc hands them to its hook in snake_case, and the Python model classes call
some of them by the symbols of the papers they follow (``eta_bob`` of Ma et al. 2005 for the
NED ``detectorEfficiency``). :data:`PARAMETERS` is the only place the three names meet; the
dataclass defaults of :class:`~qcity.quantum.channel.Channel`,
:class:`~qcity.quantum.channel.Attack` and :class:`~qcity.quantum.bb84.DecoySettings` equal
the NED defaults (tests/test_quantum_link.py reads QkdLink.ned and checks every row), so code
that wants QkdLink's defaults constructs those classes with no arguments.
"""

from __future__ import annotations

from ..nedparams import Parameter, model_fields
from .bb84 import DecoySettings
from .channel import Attack, Channel

PARAMETERS: tuple[Parameter, ...] = (
    Parameter("distance", "distance_km", Channel, "distance_km"),
    Parameter("fibreLoss", "fibre_loss_db_per_km", Channel, "alpha_db_per_km"),
    Parameter("detectorEfficiency", "detector_efficiency", Channel, "eta_bob"),
    Parameter("darkCountProbability", "dark_count_probability", Channel, "y0"),
    Parameter("misalignment", "misalignment", Channel, "e_detector"),
    Parameter("noise", "noise", Channel, "noise"),
    Parameter("afterpulsing", "afterpulsing", Channel, "afterpulsing"),
    Parameter("interceptResend", "intercept_resend", Attack, "intercept_resend"),
    Parameter("pnsAttack", "pns_attack", Attack, "pns"),
    Parameter("mu", "mu", DecoySettings, "mu"),
    Parameter("nu", "nu", DecoySettings, "nu"),
    Parameter("pSignal", "p_signal", DecoySettings, "p_mu"),
    Parameter("pDecoy", "p_decoy", DecoySettings, "p_nu"),
    Parameter("pZ", "p_z", DecoySettings, "p_z"),
    Parameter("sampleFraction", "sample_fraction", DecoySettings, "sample_fraction"),
    Parameter("qberAbort", "qber_abort", DecoySettings, "qber_abort"),
    Parameter("cascade", "cascade", DecoySettings, "cascade"),
    Parameter("keyLength", "key_length", DecoySettings, "key_length"),
)


def from_hook_args(args: dict) -> tuple[Channel, DecoySettings]:
    """The channel (with its attack) and protocol settings a QkdLink block's hook arguments describe."""
    attack = Attack(**model_fields(args, PARAMETERS, Attack))
    return (Channel(**model_fields(args, PARAMETERS, Channel), attack=attack),
            DecoySettings(**model_fields(args, PARAMETERS, DecoySettings)))
