"""The records the backend (``models/``) stores, a module for each kind, and the incident index.

Records hold data and derive what AWS derives from it (ids, rendered event data). Of moto they
use its state manager alone, through the seam, which moves the replication set's statuses on
(``replication.py``); an id that must be unique elsewhere (a runbook execution's, in moto's SSM)
is chosen by the code that makes the record (``effects.start_execution``). Nested members are kept
as the model's plain dicts (camelCase keys); everything the output renderers read is an attribute
named by ``botocore.xform_name`` of the model member. The names below are the ones other parts of
the package and its tests take from here.
"""

from .effects import AutomationExecution, Engagement, Notification
from .incidents import INCIDENT_FILTER_KEYS, IncidentRecord
from .plans import ResourcePolicy
from .timeline import RECORD_UPDATE, RelatedItem

__all__ = [
    "INCIDENT_FILTER_KEYS",
    "RECORD_UPDATE",
    "AutomationExecution",
    "Engagement",
    "IncidentRecord",
    "Notification",
    "RelatedItem",
    "ResourcePolicy",
]
