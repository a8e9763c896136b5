"""qcity: simulation framework for quantum-secured IoT networks in smart cities.

OMNeT++-compatible C++ models run on qcity's embedded kernel (``qcity._core``) or
under a real OMNeT++ install; research logic plugs in as Python hooks; results
are OMNeT++ ``.sca``/``.vec`` files read back with :mod:`qcity.results`.
"""

__version__ = "0.1.0"
