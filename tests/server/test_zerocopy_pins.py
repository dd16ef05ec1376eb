"""tokkyo.server.zerocopy patches private parts of uvicorn's h11 protocol. This test reads
the installed uvicorn's real classes and fails, naming what is missing, when one of the
methods or attributes zerocopy.py uses is gone (before raising uvicorn's pin)."""

from __future__ import annotations

import ast
import inspect
import textwrap
from importlib.metadata import version

import h11
import pytest
from uvicorn.protocols.http.flow_control import FlowControl
from uvicorn.protocols.http.h11_impl import H11Protocol, RequestResponseCycle

from tokkyo.server.zerocopy import UVICORN_NEEDS

CLASSES = {"H11Protocol": H11Protocol, "RequestResponseCycle": RequestResponseCycle,
           "FlowControl": FlowControl}


def members(cls: type) -> set[str]:
    """What `cls` defines: its class attributes and methods, and the attributes its
    methods set on `self` (read from the source of each class in its MRO)."""
    found = set(dir(cls))
    for klass in inspect.getmro(cls):
        if klass is object:
            continue
        try:
            source = textwrap.dedent(inspect.getsource(klass))
        except (OSError, TypeError):
            continue
        for node in ast.walk(ast.parse(source)):
            targets = (node.targets if isinstance(node, ast.Assign)
                       else [node.target] if isinstance(node, ast.AnnAssign) else [])
            for target in targets:
                if (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                        and target.value.id == "self"):
                    found.add(target.attr)
    return found


def test_the_needs_name_real_classes():
    assert set(UVICORN_NEEDS) == set(CLASSES)


@pytest.mark.parametrize("name", sorted(UVICORN_NEEDS))
def test_uvicorn_still_has_what_zerocopy_uses(name):
    cls = CLASSES[name]
    have = members(cls)
    missing = [attr for attr in UVICORN_NEEDS[name] if attr not in have]
    assert not missing, (
        f"uvicorn {version('uvicorn')}: {cls.__module__}.{cls.__qualname__} no longer has "
        f"{', '.join(missing)}, which tokkyo.server.zerocopy uses; adapt zerocopy.py "
        "before allowing this uvicorn in pyproject.toml")


def test_h11_still_passes_data_through():
    """The span placeholder travels through h11's framing untouched."""
    assert callable(getattr(h11.Connection, "send_with_data_passthrough", None)), (
        f"h11 {version('h11')}: h11.Connection.send_with_data_passthrough is gone, which "
        "tokkyo.server.zerocopy uses")


def test_the_members_reader_sees_a_missing_attribute():
    """The check is not vacuous: an attribute uvicorn never had is reported missing."""
    assert "zero_copy_never" not in members(RequestResponseCycle)
    assert {"disconnected", "response_complete", "send"} <= members(RequestResponseCycle)
