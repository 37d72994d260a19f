"""ssm-incidents: response plans, incidents, timelines and the replication set, in moto's layout."""

from ..core.wire.model import ServiceSpec

SPEC = ServiceSpec("ssm-incidents")
