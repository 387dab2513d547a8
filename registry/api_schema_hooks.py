"""Post-processing of the generated OpenAPI document, so that client generators
(openapi-python-client, openapi-typescript) produce working clients without hand edits.

Each rule here is generic (no view is named): public reads declare no authentication, every
enum has a type, integer ids and page sizes have limits, deprecated parameters are marked,
every operation documents 429 (and 401 when it needs a token), and the description links the
changelog and states the policies a client must know.
"""

from __future__ import annotations

from typing import Any

from registry.api_deprecation import CHANGELOG_URL_PATH, DEPRECATED_PARAMETERS
from registry.ids import MAX_ID

MAX_LIST_PAGE_SIZE = 200
ERROR_REF = {"$ref": "#/components/schemas/Error"}
# Integer parameters that are not ids; every other integer parameter is an id (1 to MAX_ID).
NOT_IDS = frozenset({"page", "page_size"})

POLICIES = f"""

**Policies.** Changes and deprecations: [{CHANGELOG_URL_PATH}]({CHANGELOG_URL_PATH}). A
deprecated query parameter still works until its sunset; responses to requests using one carry
`Deprecation` (RFC 9745), `Sunset` (RFC 8594) and `Link: <{CHANGELOG_URL_PATH}>;
rel="deprecation"`. Every response carries `RateLimit-Limit`, `RateLimit-Remaining` and
`RateLimit-Reset` (seconds); every 429 and 500 has the error body. Page sizes above a list's
maximum are capped, never refused (200 on the catalog lists, 100 on search). CSV cells that
start with `=`, `+`, `-`, `@`, tab or carriage return are prefixed with `'`; `raw=true` gives
the values as stored (for joins, e.g. the entity `@ghostwriter`); multi-valued cells are JSON
arrays. Report search pages by relevance may reach fewer hits than `total`
(`paging_capped`): sort by date or use the export to get every match. Sync: lists take
`modified_since`; `/api/v1/merged/incidents/` and `/api/v1/merged/entities/` list the ids
merged away; `/api/v1/reports/?fields=text` and `/api/v1/datasets/` give texts in bulk."""


def _typed_enums(node: Any) -> None:
    """Give every `enum` without a `type` the type of its values (generators need it)."""
    if isinstance(node, dict):
        values = node.get("enum")
        if isinstance(values, list) and "type" not in node and "$ref" not in node:
            kinds = {type(v) for v in values if v is not None}
            if kinds <= {str}:
                node["type"] = "string"
            elif kinds <= {int}:
                node["type"] = "integer"
            elif kinds <= {int, float}:
                node["type"] = "number"
            elif kinds <= {bool}:
                node["type"] = "boolean"
            if None in values:
                node["nullable"] = True
        for value in node.values():
            _typed_enums(value)
    elif isinstance(node, list):
        for value in node:
            _typed_enums(value)


def _bounded_integers(parameter: dict[str, Any]) -> None:
    schema = parameter.get("schema", {})
    target = schema.get("items", {}) if schema.get("type") == "array" else schema
    if target.get("type") != "integer":
        return
    if parameter["name"] == "page_size":
        target.setdefault("minimum", 1)
        target.setdefault("maximum", MAX_LIST_PAGE_SIZE)
        return
    if parameter["name"] not in NOT_IDS:
        target.setdefault("minimum", 1)
        target.setdefault("maximum", MAX_ID)


def _parameters(operation: dict[str, Any]) -> None:
    for parameter in operation.get("parameters", []):
        _bounded_integers(parameter)
        deprecation = DEPRECATED_PARAMETERS.get(parameter["name"])
        if deprecation is not None and parameter["in"] == "query":
            parameter["deprecated"] = True
            parameter["description"] = (
                f"Deprecated alias of `{deprecation.replacement}` (sunset "
                f"{deprecation.sunset_on.isoformat()})."
            )


def _security_and_errors(method: str, operation: dict[str, Any]) -> None:
    security = operation.get("security")
    public = security is None or {} in security
    if public:
        # Anyone may call it (a token only widens what some lists show, e.g. one's own
        # drafts): generators then type the call as needing no authenticated client.
        operation["security"] = []
    responses = operation.setdefault("responses", {})
    json_error = {"content": {"application/json": {"schema": ERROR_REF}}}
    responses.setdefault(
        "429",
        {"description": "Too many requests: wait `Retry-After` seconds.", **json_error},
    )
    if not public:
        responses.setdefault(
            "401",
            {"description": "No or invalid token (`Authorization: Token <key>`).", **json_error},
        )


def _json_request_bodies(operation: dict[str, Any]) -> None:
    """Document a body the API reads as JSON as JSON only. Form and multipart encodings are
    accepted too, but three encodings of one optional body make generators emit code that
    does not type-check."""
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content and len(content) > 1:
        operation["requestBody"]["content"] = {"application/json": content["application/json"]}


def _binary_responses_as_bytes(operation: dict[str, Any]) -> None:
    """A file download (binary schema) is listed as `application/octet-stream` first, so that
    generators read it as bytes whatever its actual type (text/csv, application/pdf, ...)."""
    for response in operation.get("responses", {}).values():
        content = response.get("content", {})
        binary = [v for v in content.values() if v.get("schema", {}).get("format") == "binary"]
        if binary and "application/octet-stream" not in content:
            response["content"] = {"application/octet-stream": binary[0], **content}


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def _components_unlike_their_fields(result: dict[str, Any]) -> None:
    """A component named like one of its own properties (`Decision.decision`) makes
    generated Python shadow the class with the field; such a component gets `Body` added."""
    schemas = result.get("components", {}).get("schemas", {})
    renames = {
        name: f"{name}Body"
        for name, schema in schemas.items()
        if _snake(name) in schema.get("properties", {}) and f"{name}Body" not in schemas
    }
    if not renames:
        return
    for old, new in renames.items():
        schemas[new] = schemas.pop(old)
    refs = {
        f"#/components/schemas/{old}": f"#/components/schemas/{new}" for old, new in renames.items()
    }

    def rewrite(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("$ref") in refs:
                node["$ref"] = refs[node["$ref"]]
            for value in node.values():
                rewrite(value)
        elif isinstance(node, list):
            for value in node:
                rewrite(value)

    rewrite(result)


def _no_placeholder_examples(node: Any) -> None:
    """DRF's pagination schemas carry `http://api.example.org/accounts/...` as examples."""
    if isinstance(node, dict):
        example = node.get("example")
        if isinstance(example, str) and "api.example.org" in example:
            del node["example"]
        for value in node.values():
            _no_placeholder_examples(value)
    elif isinstance(node, list):
        for value in node:
            _no_placeholder_examples(value)


def registry_schema_postprocessing(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or method == "parameters":
                continue
            _parameters(operation)
            _security_and_errors(method, operation)
            _json_request_bodies(operation)
            _binary_responses_as_bytes(operation)
    _typed_enums(result)
    _components_unlike_their_fields(result)
    _no_placeholder_examples(result)
    info = result.setdefault("info", {})
    if POLICIES.strip() not in info.get("description", ""):
        info["description"] = info.get("description", "") + POLICIES
    return result
