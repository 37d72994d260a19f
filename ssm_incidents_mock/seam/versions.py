"""moto versions: the series this package is tested with, and the error when an internal moved."""

from __future__ import annotations

import logging
import re
import warnings

from moto.moto_api._internal.managed_state_model import ManagedState as ManagedState

from ..core.exceptions import InternalServerException

log = logging.getLogger(__name__)


# --- moto versions ---------------------------------------------------------------------------------
# Tested (tox envs moto52-oldest, moto52-newest): the oldest and newest release of the 5.2 series.
# Older series pass the core, but their CloudWatch, SSM and IAM internals (and their CloudWatch
# against current botocore) differ from what the effects on moto's other services use.
MOTO_FLOOR = (5, 2, 0)
MOTO_CEILING = (5, 3)  # first series not yet tested
SUPPORTED_MOTO = ">=5.2.0,<5.3"


class UntestedMotoVersionWarning(UserWarning):
    """moto is newer than the series this release of ssm-incidents-mock was tested with."""


def moto_internal_moved(name: str, error: BaseException) -> InternalServerException:
    """The error for a moto internal this package uses that is missing or changed in the installed moto."""
    import moto

    message = (
        f"ssm-incidents-mock cannot use {name} of moto {moto.__version__} ({type(error).__name__}: {error}); "
        f"it supports moto {SUPPORTED_MOTO}."
    )
    log.error(message)
    return InternalServerException(message)


def _version_tuple(version: str) -> tuple[int, ...]:
    parts = []
    for part in version.split(".")[:3]:
        digits = re.match(r"\d+", part)
        parts.append(int(digits.group(0)) if digits else 0)
    return tuple(parts)


def check_moto_version(version: str) -> None:
    """Refuse a moto older than the supported range; warn for one newer than the tested series."""
    found = _version_tuple(version)
    if found < MOTO_FLOOR:
        raise ImportError(
            f"ssm-incidents-mock needs moto {SUPPORTED_MOTO}, but moto {version} is installed: "
            f"pip install 'moto{SUPPORTED_MOTO}'"
        )
    if found[:2] >= MOTO_CEILING:
        warnings.warn(
            f"ssm-incidents-mock is tested with moto {SUPPORTED_MOTO}; moto {version} is installed. It uses moto "
            "internals that may have moved: if something fails, install a supported moto.",
            UntestedMotoVersionWarning,
            stacklevel=4,
        )
