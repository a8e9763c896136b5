"""Reports: result files (and offline computations) in, tables and figures out, the papers' numbers beside ours.

- :mod:`.papers`: the registry of every number the seed papers report, and how qcity measures each;
- :mod:`.summary` and :mod:`.figures`: per-run sums and means, intervals over runs, figures drawn to files;
- :mod:`.security`, :mod:`.detection`, :mod:`.keyrate`, :mod:`.routing`, :mod:`.trust`, :mod:`.scheduling`:
  one area's result files turned into per-run rows and tables;
- :mod:`.reproduce`: ``qcity reproduce``, every paper artefact from its runs to one report.

Only this package (and ``analysis/``) reads result files; the domain packages never do.
"""
