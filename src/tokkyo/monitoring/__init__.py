"""Operating tokkyo: readiness probes, Prometheus metrics, the JSON request log, the
maintenance gate and the server's graceful shutdown (README, "Operating tokkyo")."""
