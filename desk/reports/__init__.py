"""Citizen reports (issue 14): intake from /lapor, tracking, answers through an outbox, TRC alerts.

Plain functions over database sessions; the public pages (``desk.routes.report_pages``) and the Prefect
flows (``pipelines.flows.reports``) are thin shells over them.
"""
