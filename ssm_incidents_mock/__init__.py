"""ssm-incidents-mock: an in-process mock of AWS Systems Manager Incident Manager for moto users.

Importing the package registers the service with moto, so plain ``mock_aws`` serves it too.
"""

from .core.calls import Call, Calls
from .core.faults import FaultRule, Faults
from .mock import SSMIncidentsMock, mock_incident_manager, mock_ssm_incidents, register, speed_up_mock_aws

__all__ = [
    "Call",
    "Calls",
    "FaultRule",
    "Faults",
    "SSMIncidentsMock",
    "__version__",
    "mock_incident_manager",
    "mock_ssm_incidents",
    "register",
    "speed_up_mock_aws",
]
__version__ = "0.1.0"

register()
