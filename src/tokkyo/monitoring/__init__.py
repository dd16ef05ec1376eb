"""Operating tokkyo: readiness probes, Prometheus metrics, the JSON request log, the
maintenance gate (README, "Operating tokkyo")."""
