"""Who may read the installation's usage statistics: its operators, the accounts named in
the `operators` setting (never a guest, whatever its name)."""

from __future__ import annotations

from ..accounts.principal import Principal
from ..errors import Forbidden


def is_operator(principal: Principal | None, operators: list[str]) -> bool:
    return principal is not None and not principal.guest and principal.name in operators


def check_operator(principal: Principal, operators: list[str]) -> None:
    if not is_operator(principal, operators):
        raise Forbidden("the usage statistics are for the installation's operators")
