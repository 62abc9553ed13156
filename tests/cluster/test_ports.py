"""Settings of --media-workers: the option, its bounds, and each worker's media ports."""

from __future__ import annotations

import pytest

from palabre.cluster.workers import media_ports
from palabre.config import ConfigError, load_settings


def test_media_workers_option() -> None:
    assert load_settings({}, environ={}).media_workers == 1
    assert load_settings({"media_workers": 4}, environ={}).media_workers == 4
    assert load_settings({}, environ={"PALABRE_MEDIA_WORKERS": "2"}).media_workers == 2
    for bad in (0, -1, 1000):
        with pytest.raises(ConfigError, match="media_workers"):
            load_settings({"media_workers": bad}, environ={})
    with pytest.raises(ConfigError, match="media_port"):
        load_settings({"media_workers": 3, "media_port": 65534}, environ={})


def test_each_worker_takes_the_next_media_ports() -> None:
    settings = load_settings({"media_workers": 3, "media_port": 10000}, environ={})
    assert [media_ports(settings, i) for i in range(3)] == [
        (10000, 10000),
        (10001, 10001),
        (10002, 10002),
    ]
    free = load_settings({"media_port": 0, "media_tcp_port": 0}, environ={})
    assert media_ports(free, 1) == (0, 0)
    no_tcp = load_settings({"media_port": 10000, "media_tcp_port": -1}, environ={})
    assert media_ports(no_tcp, 1) == (10001, None)
