"""The OpenAPI document names each schema once: two areas declaring a schema
with the same class name would overwrite each other there (an exemption's
decision shown with a removal's fields), and clients would send wrong bodies."""

import importlib
import inspect
import pkgutil

from ninja import Schema

import dangvien.api


def test_no_two_api_schemas_share_a_name():
    seen: dict[str, str] = {}
    clashes = []
    for info in pkgutil.iter_modules(dangvien.api.__path__):
        if info.name.startswith("test"):
            continue
        module = importlib.import_module(f"dangvien.api.{info.name}")
        for name, obj in vars(module).items():
            if not (inspect.isclass(obj) and issubclass(obj, Schema) and obj is not Schema):
                continue
            if obj.__module__ != module.__name__:
                continue  # imported from a shared module
            if name in seen and seen[name] != module.__name__:
                clashes.append(f"{name}: {seen[name]} and {module.__name__}")
            seen.setdefault(name, module.__name__)
    assert clashes == []


def test_each_request_body_lists_the_fields_of_its_payload():
    from dangvien.api.api import api

    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    exemption_decide = schema["paths"]["/api/v1/exemptions/{pk}/decide"]["post"]
    ref = exemption_decide["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    fields = set(components[ref.rsplit("/", 1)[1]]["properties"])
    assert "resolution_number" in fields and "approved" not in fields
