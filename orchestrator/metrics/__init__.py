"""Metrics: what the machine and the server are doing, for the API, the CLI, charts and Prometheus.

`system` samples the machine and this process, `counts` counts definitions and runs in the store,
and `prometheus` renders both in the Prometheus text format. All three are plain functions; the
Sampler actor and the Storage actor call them on their own threads.
"""
