"""Simulation engine driver: NED and ini readers, network builder, runs and sweeps."""
