"""The ticketing command line: first accounts, seeding, the SLA job."""

from __future__ import annotations

from datetime import date


def test_the_first_admin_and_a_token_come_from_the_command_line(db, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from ticketing.api.auth import principal_from_token
    from ticketing.cli import main

    monkeypatch.setenv("HELPDESK_PASSWORD", "mat-khau-quan-tri-1022")
    assert main(["create-user", "--username", "quan_tri", "--role", "admin", "--database-url", db.url]) == 0
    assert main(["create-user", "--username", "quan_tri", "--role", "admin", "--database-url", db.url]) == 2
    assert "already taken" in capsys.readouterr().err
    assert main(["create-token", "--username", "quan_tri", "--name", "hub", "--database-url", db.url]) == 0
    token = capsys.readouterr().out.strip()
    with db.session(readonly=True) as s:
        principal, _ = principal_from_token(s, token, "token")
    assert (principal.username, principal.role) == ("quan_tri", "admin")


def test_holidays_lists_the_days_the_sla_clocks_skip(capsys) -> None:  # type: ignore[no-untyped-def]
    from ticketing.cli import main

    assert main(["holidays", "2026"]) == 0
    days = {line.split()[0] for line in capsys.readouterr().out.splitlines()}
    assert {date(2026, 4, 30).isoformat(), date(2026, 9, 2).isoformat()} <= days


def test_the_escalation_job_runs_on_an_empty_database(db, capsys) -> None:  # type: ignore[no-untyped-def]
    from ticketing.cli import main

    assert main(["escalate", "--database-url", db.url]) == 0
    assert "escalations raised: 0" in capsys.readouterr().out
