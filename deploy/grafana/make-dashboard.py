#!/usr/bin/env python3
"""Writes lobby-dashboard.json (Grafana): the metrics lobby exports, one
panel each. Run it after changing the panels; CI checks the JSON is what
this script makes and that every metric it names is one lobby exports."""
import json, pathlib

DS = {"type": "prometheus", "uid": "${datasource}"}
panels = []

def panel(title, exprs, unit="short", kind="timeseries", w=12, h=8, legend=None):
    i = len(panels)
    targets = [{"datasource": DS, "expr": e, "legendFormat": l, "refId": chr(65 + n)}
               for n, (e, l) in enumerate(exprs)]
    panels.append({
        "id": i + 1, "type": kind, "title": title, "datasource": DS,
        "gridPos": {"x": (i % 2) * 12 if w == 12 else 0, "y": (i // 2) * h, "w": w, "h": h},
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "options": {"legend": {"displayMode": "list", "placement": "bottom", "showLegend": True}},
        "targets": targets,
    })

panel("Requests per second by status", [
    ('sum by (status) (rate(lobby_http_requests_total[5m]))', "{{status}}")], "reqps")
panel("Share of 5xx answers", [
    ('sum(rate(lobby_http_requests_total{status=~"5.."}[5m])) / sum(rate(lobby_http_requests_total[5m]))', "5xx")],
    "percentunit")
panel("Latency p50 / p99 (sign-in excluded)", [
    ('histogram_quantile(0.5, sum by (le) (rate(lobby_http_request_duration_seconds_bucket{route!~"/login|/api/v1/auth/login"}[5m])))', "p50"),
    ('histogram_quantile(0.99, sum by (le) (rate(lobby_http_request_duration_seconds_bucket{route!~"/login|/api/v1/auth/login"}[5m])))', "p99")], "s")
panel("Slowest routes (p99)", [
    ('topk(8, histogram_quantile(0.99, sum by (le, route) (rate(lobby_http_request_duration_seconds_bucket[5m]))))', "{{route}}")], "s")
panel("Background jobs: rounds by outcome", [
    ('sum by (job, outcome) (rate(lobby_job_runs_total[5m]))', "{{job}} {{outcome}}")], "ops")
panel("Background jobs: items handled", [
    ('sum by (job) (increase(lobby_job_items_total[15m]))', "{{job}}")])
panel("Seconds since the SLA sweep last succeeded", [
    ('time() - max(lobby_job_last_success_timestamp_seconds{job="sla_sweep"})', "sla_sweep")], "s")
panel("Job leader per node (advisory lock)", [
    ('lobby_jobs_leader', "{{instance}}")])
panel("Deliveries by channel and outcome", [
    ('sum by (channel, outcome) (rate(lobby_deliveries_total[15m]))', "{{channel}} {{outcome}}")], "ops")
panel("Database reachable per node", [
    ('lobby_database_up', "{{instance}}")])
panel("Data dir: space left", [
    ('lobby_data_dir_available_bytes / lobby_data_dir_size_bytes', "{{instance}}")], "percentunit")
panel("Builds running (version, commit)", [
    ('lobby_build_info', "{{instance}} {{version}} {{commit}}")], kind="table")

dashboard = {
    "title": "lobby",
    "uid": "lobby-overview",
    "schemaVersion": 39,
    "version": 1,
    "editable": True,
    "time": {"from": "now-6h", "to": "now"},
    "refresh": "30s",
    "tags": ["lobby"],
    "templating": {"list": [{
        "name": "datasource", "type": "datasource", "query": "prometheus",
        "label": "Prometheus", "current": {}, "hide": 0}]},
    "annotations": {"list": []},
    "panels": panels,
}
out = pathlib.Path(__file__).with_name("lobby-dashboard.json")
out.write_text(json.dumps(dashboard, indent=2, ensure_ascii=False) + "\n")
