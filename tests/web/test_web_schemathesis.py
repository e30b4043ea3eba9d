"""Property-based tests of the JSON API from its own OpenAPI description (schemathesis): whatever a
program sends (values that fit the description and values that do not), the answer is never a 500."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.web.conftest import PASSWORD, WebWorld

#: Examples per operation and mode: bounded so that the whole test stays near a minute on two cores.
EXAMPLES = 20
#: The operations exercised: every read and write but signing out (it would end the test's token).
METHODS = {"GET", "POST", "PATCH"}


def test_no_input_makes_the_api_fail_with_a_server_error(web: WebWorld) -> None:
    """Every GET, POST and PATCH of /api/v1/openapi.json, with a coordinator's bearer token and generated
    paths, queries and bodies (fitting the description or not): no answer is a 5xx."""
    import schemathesis
    from fastapi.testclient import TestClient
    from schemathesis.checks import not_a_server_error
    from schemathesis.generation.modes import GenerationMode

    with TestClient(web.app) as client:
        token = client.post("/api/v1/session", json={"name": "coord", "password": PASSWORD}).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", web.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    exercised = [op for op in operations if op.method.upper() in METHODS]
    assert len(exercised) >= 12, [op.label for op in operations]
    failures: list[str] = []
    for operation in exercised:
        # the description's own examples (a real record, the sample city) reach past "no such record"
        strategy = st.one_of(operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
                             operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
                             *schema.get_strategies_from_examples(operation))

        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate, Phase.shrink],
                  suppress_health_check=list(HealthCheck))
        @given(case=strategy)
        def never_a_server_error(case: Any) -> None:
            response = case.call(headers=headers)
            assert response.status_code < 500, (case.method, case.formatted_path, case.query, case.body,
                                                 response.text[:300])
            case.validate_response(response, checks=[not_a_server_error], headers=headers)

        try:
            never_a_server_error()
        except Exception as exc:  # noqa: BLE001 - every operation is tried, then all failures are told
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
