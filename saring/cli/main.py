"""Entry point of the `saring` CLI; each area registers its commands from its own module."""

from __future__ import annotations

from saring.config import quiet_offline_environment

quiet_offline_environment()

import typer  # noqa: E402

from saring.cli import (  # noqa: E402
    accounts_cmds,
    classify_cmds,
    comms_cmds,
    demo_cmds,
    desk_cmds,
    flows_cmds,
    judge_cmds,
    kb_cmds,
    match_cmds,
    model_cmds,
    triage_cmds,
)
from saring.logs import configure_logging  # noqa: E402

app = typer.Typer(
    name="saring",
    help="Saring sebelum sharing: hoax detection for Indonesian regional governments.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


@app.callback()
def _main(verbose: bool = typer.Option(False, "--verbose", "-v", help="Debug logging")) -> None:
    configure_logging("DEBUG" if verbose else "INFO")


for module in (
    demo_cmds,
    kb_cmds,
    match_cmds,
    triage_cmds,
    judge_cmds,
    classify_cmds,
    model_cmds,
    flows_cmds,
    desk_cmds,
    comms_cmds,
    accounts_cmds,
):
    module.register(app)


if __name__ == "__main__":
    app()
