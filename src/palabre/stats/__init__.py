"""The operator's statistics, as counts only (no name, no address, no room name):

- sample.py: one process's figures (`Sample`) read from its hub and SFU;
- totals.py: the figures of several worker processes summed, a restarted worker included;
- exposition.py: `/metrics` in Prometheus's text format (prometheus-client);
- usage.py: meetings, participants and minutes per day, in the database (`usage_days`).

docs/operations.md lists every metric.
"""
