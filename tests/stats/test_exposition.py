"""/metrics's text: what prometheus-client's own parser reads back."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from palabre.stats.exposition import FAMILIES, render
from palabre.stats.sample import Sample


def _parse(text: str) -> dict[str, dict[tuple[tuple[str, str], ...], float]]:
    found: dict[str, dict[tuple[tuple[str, str], ...], float]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return found


def test_a_sample_renders_and_parses_back() -> None:
    sample = Sample(
        counters={
            "joins": 3,
            "join_refusals:room_full": 2,
            "join_refusals:invalid": 1,
            "packets_received:audio": 500,
            "packets_forwarded:video": 1200,
        },
        gauges={"rooms": 1, "participants": 3, "bitrate_received:video": 250_000.5},
    )
    found = _parse(render(sample).decode())
    assert found["palabre_joins_total"] == {(): 3}
    assert found["palabre_join_refusals_total"] == {
        (("reason", "invalid"),): 1,
        (("reason", "room_full"),): 2,
    }
    assert found["palabre_rtp_packets_received_total"] == {(("kind", "audio"),): 500}
    assert found["palabre_rtp_packets_forwarded_total"] == {(("kind", "video"),): 1200}
    assert found["palabre_rooms"] == {(): 1}
    assert found["palabre_participants"] == {(): 3}
    assert found["palabre_bitrate_received_bps"] == {(("kind", "video"),): 250_000.5}
    # Counters without a label are there at zero from the start (rate() needs a first point).
    assert found["palabre_meetings_ended_total"] == {(): 0}
    # This process's CPU and memory come with them.
    assert "process_cpu_seconds_total" in found


def test_every_family_has_a_palabre_name_and_help() -> None:
    names = [family.name for family in FAMILIES.values()]
    assert len(names) == len(set(names))
    for family in FAMILIES.values():
        assert family.name.startswith("palabre_") and family.help
        assert not family.name.endswith("_total")  # prometheus-client adds it to counters


def test_a_key_that_names_no_family_is_not_published() -> None:
    text = render(Sample(counters={"Ada Lovelace": 1, "joins:127.0.0.1": 4}), process=False)
    assert "Ada" not in text.decode() and "127.0.0.1" not in text.decode()
