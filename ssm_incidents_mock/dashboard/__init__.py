"""A read-only HTML dashboard of the server's state, under ``DASHBOARD_PATH``.

Pages: the accounts (ssm-incidents per account and partition, ssm-contacts per account and
region); one account's overview (replication set, incidents newest first, filtered and paged by a
sequence cursor, response plans); one incident (record, timeline, related items, findings,
automation executions, engagements); one region's contacts, rotations (who is on call now) and
engagements; one contact (channels, plan stages); one engagement (its pages and their receipts).

Layout: ``urls.py`` (the path and werkzeug rules), ``views.py`` (one function per page),
``incidents.py`` and ``contacts.py`` (the data a page shows, copied from the backends under
their locks), ``render.py`` (Jinja2 templates in ``templates/``, autoescaped; ETags; the files of
``static/``), ``app.py`` (``handle``: Host check, methods, errors, security headers).

Each page keeps what changes in ``<div id="live">``; ``static/dashboard.js`` asks for that part
again every 2 s (``?fragment=1`` with the last ETag, so an unchanged page costs a 304 computed
from the copied data without rendering). Nothing is loaded from elsewhere; the
Content-Security-Policy allows no inline script.
"""

from .app import SECURITY_HEADERS, handle
from .urls import DASHBOARD_PATH

__all__ = ["DASHBOARD_PATH", "SECURITY_HEADERS", "handle"]
