"""Read OMNeT++ result files with the omnetpp.scave.results API.

>>> from qcity import results
>>> df = results.read_result_files("results/")
>>> results.get_scalars(df)           # columns: runID, module, name, value
"""

from .api import (
    ResultQueryError,
    add_inputs,
    get_config_entries,
    get_histograms,
    get_itervars,
    get_param_assignments,
    get_parameters,
    get_results,
    get_runattrs,
    get_runs,
    get_scalars,
    get_statistics,
    get_vectors,
    read_result_files,
    results_of,
    set_inputs,
)
from .filter import compile_filter

__all__ = [
    "ResultQueryError", "add_inputs", "compile_filter", "get_config_entries", "get_histograms", "get_itervars",
    "get_param_assignments", "get_parameters", "get_results", "get_runattrs", "get_runs", "get_scalars",
    "get_statistics", "get_vectors", "read_result_files", "results_of", "set_inputs",
]
