"""The backend's contract with the model-driven dispatcher: one method per operation, the model's members."""

from __future__ import annotations

import inspect

import botocore.session
import pytest
from botocore import xform_name

from ssm_incidents_mock.ssm_contacts import exceptions
from ssm_incidents_mock.ssm_contacts.models import SSMContactsBackend

MODEL = botocore.session.get_session().get_service_model("ssm-contacts")


@pytest.mark.parametrize("operation", MODEL.operation_names)
def test_each_operation_is_a_method_taking_its_input_members(operation: str) -> None:
    method = getattr(SSMContactsBackend, xform_name(operation))
    parameters = dict(inspect.signature(method).parameters)
    assert list(parameters)[:2] == ["self", "ctx"]
    shape = MODEL.operation_model(operation).input_shape
    members = {xform_name(name): name for name in shape.members if name != "IdempotencyToken"}  # the dispatcher's
    assert set(parameters) - {"self", "ctx"} == set(members)
    for argument, name in members.items():
        required = name in shape.required_members
        assert (parameters[argument].default is inspect.Parameter.empty) == required, argument


def test_there_are_39_operations() -> None:
    assert len(MODEL.operation_names) == 39


@pytest.mark.parametrize("code", [shape.name for shape in MODEL.error_shapes])
def test_each_modeled_error_has_a_class_with_its_members(code: str) -> None:
    error_class = getattr(exceptions, code)
    assert error_class.code == code
    shape = MODEL.shape_for(code)
    arguments = {
        "ValidationException": ("m", "OTHER", [{"Name": "n", "Message": "m"}]),
        "ResourceNotFoundException": ("m", "id", "CONTACT"),
        "ConflictException": ("m", "id", "CONTACT", [{"RelationType": "r", "DependentResourceIds": []}]),
        "ServiceQuotaExceededException": ("m", "quota", "id", "CONTACT"),
        "ThrottlingException": ("m", "quota", 3),
        "InternalServerException": ("m", 3),
    }.get(code, ("m",))
    error = error_class(*arguments)
    assert set(error.members) | {"Message"} == set(shape.members)
