"""Task scheduling onto edge/gateway servers: ETC instances, objectives, heuristics,
metaheuristics (GA, PSO, MBO, MF-MBO) and exact bounds (OR-Tools)."""
