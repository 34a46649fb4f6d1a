"""Pages and JSON API routes of the desk."""

from __future__ import annotations

from fastapi import APIRouter


def all_routers() -> list[APIRouter]:
    """Every router of the desk, in the order they are mounted."""
    # comms and monitoring pages (issue 6)
    from desk.routes import (
        account_pages,
        admin_pages,
        api_admin,
        api_items,
        auth_pages,
        comms_files,
        comms_pages,
        dashboard_pages,
        item_pages,
        queue_pages,
        report_admin_pages,
        report_pages,
        template_pages,
    )

    pages = (auth_pages, queue_pages, item_pages, admin_pages, api_items, api_admin)
    reports = (report_pages, report_admin_pages)  # citizen reports (issue 14)
    return [
        m.router
        for m in (*pages, comms_pages, comms_files, template_pages, dashboard_pages, *reports, account_pages)
    ]
