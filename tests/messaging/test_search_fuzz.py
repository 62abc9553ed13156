"""Whatever a person types into the search box, the query is words, never the database's
query syntax: fuzzed against the real FTS5 table (SQLite) and tsquery (PostgreSQL)."""

from __future__ import annotations

import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from messaging.conftest import Team, post
from palabre.errors import Invalid
from palabre.messaging.search import search_messages

SYNTAX = st.sampled_from(
    ['"', "'", "*", "^", "(", ")", ":", "-", "+", "NEAR", "AND", "OR", "NOT", "&", "|", "!",
     "<->", "\\", ";", "--", "/*", "%", "_", "{", "}", "\x00", "réunion", "budget", " "]
)  # fmt: skip


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.one_of(SYNTAX, st.text(max_size=6)), max_size=12))
def test_fuzz_any_query_is_only_words(team: Team, parts: list[str]) -> None:
    if team.bob.get(f"/api/channels/{team.general}").json()["last_seq"] == 0:  # once
        post(team.bob, team.general, "La réunion du budget")
    query = "".join(parts)
    with team.ws.db.session() as session:
        try:
            hits = search_messages(session, team.ids["bob"], query, None, 20)
        except Invalid:
            return
    for hit in hits:
        assert hit.message.body == "La réunion du budget"


def test_a_query_of_both_words_finds_it(team: Team) -> None:
    post(team.bob, team.general, f"La réunion du budget {uuid.uuid4().hex}")
    with team.ws.db.session() as session:
        assert len(search_messages(session, team.ids["bob"], '"budget" (réunions*', None, 5))
