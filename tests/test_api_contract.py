"""The API contract, proven: Schemathesis generates requests for every operation in /openapi.json (upload
included), valid and invalid, and checks each response against the documented status codes, content types and
schemas — no 5xx anywhere. The app runs in-process (ASGI) with a staff key on a small library in tmp_path."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.config import SchemathesisConfig
from schemathesis.generation.modes import GenerationMode

from policyqa.api import create_app
from test_live_library import small_library

STAFF = {"Authorization": "Bearer staff-key"}
EXAMPLES = 25  # per operation and mode: fixed and derandomized, so every run sends the same requests
# A schema-valid request must be accepted (2xx, or 401/403/404/409/429) except where the API judges what JSON
# Schema cannot describe: an uploaded file's bytes (unsupported 415, empty/damaged 422) and, for chat, that the
# last message is the user's text.
CONFIG = """
[[operations]]
include-path = "/v1/documents"
include-method = "POST"
checks.positive_data_acceptance.expected-statuses = ["2XX", 401, 403, 404, 409, 429, 415, 422]

[[operations]]
include-path = "/v1/chat/completions"
include-method = "POST"
checks.positive_data_acceptance.expected-statuses = ["2XX", 401, 403, 404, 409, 429, 422]
"""


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from policyqa.pipeline import Assistant

    root = tmp_path_factory.mktemp("contract")
    s = small_library(root, api_keys="staff-key", rate_limit_per_minute=0, index_poll_seconds=0)
    s = s.model_copy(update={"cache_dir": root / "embedding-cache"})  # nothing under the repo's index/ changes
    app = create_app(s, Assistant(s, progress=False), ui=False)
    return schemathesis.openapi.from_asgi("/openapi.json", app, config=SchemathesisConfig.from_str(CONFIG))


def _has_inputs(op) -> bool:  # type: ignore[no-untyped-def]
    return bool(len(op.body) or len(op.path_parameters) or len(op.query) or len(op.headers) or len(op.cookies))


# schemathesis.pytest.from_fixture fails on pytest 9 (it reads Node._nodeid), so operations are driven here
@pytest.mark.slow
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_keeps_its_contract(api_schema, mode: GenerationMode) -> None:  # type: ignore[no-untyped-def]
    operations = [result.ok() for result in api_schema.get_all_operations()]
    labels = {op.label for op in operations}
    assert {"POST /v1/documents", "DELETE /v1/documents/{doc_id}", "POST /v1/ask",
            "POST /v1/chat/completions", "GET /v1/documents/{doc_id}"} <= labels, labels
    failures: list[str] = []
    for op in operations:
        if mode is GenerationMode.NEGATIVE and not _has_inputs(op):
            continue  # nothing to make invalid
        runs = [("generated", op.as_strategy(generation_mode=mode))]
        if mode is GenerationMode.POSITIVE:  # the documented examples themselves must succeed
            runs += [("example", strategy) for strategy in api_schema.get_strategies_from_examples(op)]
        for kind, strategy in runs:
            try:
                _keeps_contract(strategy, must_succeed=kind == "example")
            except Unsatisfiable:
                failures.append(f"{op.label}: no {mode.value} request could be generated")
            except (Exception, BaseExceptionGroup) as exc:  # every operation is tried; failures reported together
                failures.append(f"{op.label} ({kind}):\n{exc}")
    assert not failures, "\n\n".join(failures)


def _keeps_contract(strategy, *, must_succeed: bool) -> None:  # type: ignore[no-untyped-def]
    @given(case=strategy)
    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    def check(case) -> None:  # type: ignore[no-untyped-def]
        response = case.call_and_validate(headers=STAFF)
        assert not must_succeed or response.status_code < 300, (case.path, case.body, response.text[:300])

    check()
