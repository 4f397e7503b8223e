"""The preview pages find the DE provider on the node, also behind the requester."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from fastapi import HTTPException

from gateway.provider.application import ProviderApplication
from gateway.web.preview import _provider


def _request(application: object) -> Any:
    return SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(
        node=SimpleNamespace(application=application))))


def test_the_provider_is_found_directly_and_behind_the_requester() -> None:
    provider = ProviderApplication.__new__(ProviderApplication)  # identity only
    assert _provider(_request(provider)) is provider
    assert _provider(_request(SimpleNamespace(fallback=provider))) is provider


@pytest.mark.parametrize("application", [None, SimpleNamespace(fallback=None), object()])
def test_a_node_without_provider_answers_404(application: object) -> None:
    with pytest.raises(HTTPException) as caught:
        _provider(_request(application))
    assert caught.value.status_code == 404
