"""moto's SSM: documents, and the automation executions moto lacks."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

from moto.moto_api._internal.managed_state_model import ManagedState as ManagedState

from .imports import when_imported

# (account, region, document name, version asked for, parameters) -> the execution's SSM description,
# or None when no such Automation document exists
AutomationStarter = Callable[[str, str, str, str | None, dict[str, list[str]]], "dict[str, Any] | None"]
_SSM_RESPONSES = "moto.ssm.responses"
_EXECUTIONS = "_ssm_incidents_mock_executions"


def has_document(account: str, region: str, name: str) -> bool:
    """Whether moto's SSM of ``account``/``region`` holds a document named ``name`` (of any type)."""
    from moto.ssm.models import ssm_backends

    return name in ssm_backends[account][region]._documents


def automation_document(account: str, region: str, name: str, version: str | None) -> str | None:
    """The version of the Automation document ``name`` that ``version`` means in moto's SSM, or None."""
    from moto.ssm.models import ssm_backends

    backend = ssm_backends[account][region]
    documents = backend._documents.get(name)
    if documents is None:
        return None
    if version in (None, "", "$DEFAULT"):
        document = documents.get_default_version()
    else:
        document = documents.find(version, strict=False)
    if document is None or document.document_type != "Automation":
        return None
    return str(document.document_version)


def automation_executions(account: str, region: str) -> dict[str, dict[str, Any]]:
    """The automation executions of moto's SSM in ``account``/``region`` (id -> description); moto's
    reset drops them with the SSM backend."""
    from moto.ssm.models import ssm_backends

    backend = ssm_backends[account][region]
    store: dict[str, dict[str, Any]] | None = getattr(backend, _EXECUTIONS, None)
    if store is None:
        store = {}
        setattr(backend, _EXECUTIONS, store)
    return store


_start_automation: AutomationStarter | None = None


def serve_automation(start_automation: AutomationStarter) -> None:
    """moto's SSM starts automation executions through ``start_automation`` and serves their reads."""
    global _start_automation
    _start_automation = start_automation
    # moto's SSM takes seconds to import: add the API when moto imports it, not now.
    when_imported(_SSM_RESPONSES, _add_automation_api)


def _add_automation_api(module: ModuleType) -> None:
    """GetAutomationExecution and StartAutomationExecution in moto's SSM (moto 5.2 has neither)."""
    from moto.core.exceptions import JsonRESTError
    from moto.core.responses import ActionResult
    from moto.ssm.exceptions import InvalidDocument

    class AutomationExecutionNotFoundException(JsonRESTError):
        def __init__(self, execution_id: str) -> None:
            super().__init__("AutomationExecutionNotFoundException", f"Automation execution {execution_id} not found")

    def get_automation_execution(self: Any) -> Any:
        execution_id = self._get_param("AutomationExecutionId")
        execution = automation_executions(self.current_account, self.region).get(execution_id)
        if execution is None:
            raise AutomationExecutionNotFoundException(execution_id)
        return ActionResult({"AutomationExecution": execution})

    def start_automation_execution(self: Any) -> Any:
        execution = None
        if _start_automation is not None:
            execution = _start_automation(
                self.current_account,
                self.region,
                self._get_param("DocumentName"),
                self._get_param("DocumentVersion"),
                self._get_param("Parameters") or {},
            )
        if execution is None:
            raise InvalidDocument("The specified document does not exist.")
        return ActionResult({"AutomationExecutionId": execution["AutomationExecutionId"]})

    responses = module.SimpleSystemManagerResponse
    for name, handler in (
        ("get_automation_execution", get_automation_execution),
        ("start_automation_execution", start_automation_execution),
    ):
        if not hasattr(responses, name):
            setattr(responses, name, handler)
