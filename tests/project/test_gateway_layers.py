"""The gateway parses its own query strings and stays off the store: it talks to the actors only,
so no gateway module imports `orchestrator.store`."""

from __future__ import annotations

import pytest

from orchestrator.errors import ValidationError
from orchestrator.gateway.http import check_limit
from tests.project.test_domain_layers import imported_modules
from tests.support import ROOT

GATEWAY = ROOT / "orchestrator" / "gateway"


class TestLayers:
    """The gateway reaches the store only through the actors' messages."""

    def test_no_gateway_module_imports_the_store(self) -> None:
        offenders = [
            str(path.relative_to(ROOT))
            for path in sorted(GATEWAY.rglob("*.py"))
            if any(name.startswith("orchestrator.store") for name in imported_modules(path))
        ]
        assert offenders == []


class TestCheckLimit:
    """`limit` is an integer from 1 to the maximum, the default when absent."""

    def test_absent_is_the_default(self) -> None:
        assert check_limit(None) == 100
        assert check_limit(None, default=7) == 7

    def test_in_range_is_read(self) -> None:
        assert check_limit("1") == 1
        assert check_limit("1000") == 1000
        assert check_limit("10000", maximum=10000) == 10000

    @pytest.mark.parametrize("value", ["0", "1001", "-1", "ten", "", "1.5"])
    def test_out_of_range_or_not_a_number_is_a_field_error(self, value: str) -> None:
        with pytest.raises(ValidationError) as caught:
            check_limit(value)
        assert caught.value.details == {"fields": {"limit": "must be an integer from 1 to 1000"}}
