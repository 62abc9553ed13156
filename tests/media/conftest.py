"""Fixtures of the media tests: DTLS certificates and the negotiation harness."""

from __future__ import annotations

import pytest

from palabre.media.dtls import Certificate

from .negotiation import Harness


@pytest.fixture(scope="module")
def server_cert() -> Certificate:
    return Certificate()


@pytest.fixture(scope="module")
def client_cert() -> Certificate:
    return Certificate()


@pytest.fixture
def harness(server_cert: Certificate) -> Harness:
    return Harness(server_cert)
