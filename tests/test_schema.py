"""schemathesis against the app's own OpenAPI schema: no input gives a server error."""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")

from motnlp.web import create_app  # noqa: E402

from .storefixtures import annotated_calls  # noqa: E402


def _app(tmp_path_factory):
    app = create_app(f"sqlite:///{tmp_path_factory.mktemp('schema') / 's.db'}")
    app.state.store.ingest(annotated_calls())
    return app, app.state.store.add_user("carol", "coach")


@pytest.fixture(scope="module")
def app_and_token(tmp_path_factory):
    return _app(tmp_path_factory)


def _check_operation(op, token: str, failures: list[str]) -> None:
    from hypothesis import HealthCheck, given, settings

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(case=op.as_strategy())
    def run(case) -> None:
        for headers in ({"Authorization": f"Bearer {token}"}, {}):
            response = case.call(headers=headers)
            try:
                case.validate_response(response, checks=[schemathesis.checks.not_a_server_error])
            except AssertionError as exc:
                failures.append(f"{op.label}: {exc}")
                raise

    run()


def test_no_server_errors(app_and_token) -> None:
    app, token = app_and_token
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    operations = [operation.ok() for operation in schema.get_all_operations()]
    assert len(operations) >= 6
    for op in operations:
        _check_operation(op, token, failures)
    assert not failures
