"""The `kg` command: thin click commands over the library, one module per area."""

from __future__ import annotations

import sys

import click

from ..generations import BuildBusy
from ..records import RecordsInvalid
from ..remote import RemoteError


class KgGroup(click.Group):
    """Turns the library's errors into messages a person can act on: never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except RecordsInvalid as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            click.echo(f"kg: {len(exc.problems)} problem(s) in the records; nothing was changed. "
                       "Fix them and run the command again (`kg validate` lists them all).", err=True)  # fmt: skip
            sys.exit(1)
        except BuildBusy as exc:
            raise click.ClickException(f"{exc}. Wait for it to finish, or stop it.") from None
        except RemoteError as exc:
            raise click.ClickException(str(exc)) from None
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit, KeyboardInterrupt):
            raise
        except OSError as exc:
            raise click.ClickException(f"{exc.filename or ''}: {exc.strerror or exc}. Check the path and its permissions.") from None
        except Exception as exc:  # noqa: BLE001 - the last line of defence against a traceback
            raise click.ClickException(
                f"unexpected error: {type(exc).__name__}: {exc}. "
                "Please report it with the command you ran (set KG_DEBUG=1 to see the details)."
            ) from (exc if __import__("os").environ.get("KG_DEBUG") else None)


def _print_version(ctx, _param, value):
    if not value or ctx.resilient_parsing:
        return
    from importlib.metadata import version

    from .. import __version__

    click.echo(f"kg {__version__} (pyoxigraph {version('pyoxigraph')}, rdflib {version('rdflib')})")
    ctx.exit()


@click.group(cls=KgGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show kg's version, with pyoxigraph's and rdflib's, and exit.")
def main():
    """kg — a knowledge graph of the people, organizations, events and themes of the fight against
    transnational organized crime.

    \b
    Start with:
      kg init DIR          start a project folder (data/ with an example); then cd DIR
      kg validate          check the records in data/
      kg build             build the graph (every command does this when data/ changed)
      kg run               build, then write the metrics and the visualization
      kg export --format ttl -o graph.ttl
    """


# Command modules register themselves on `main` when imported.
from . import core  # noqa: E402,F401
from . import init  # noqa: E402,F401
from . import run  # noqa: E402,F401
from . import synth  # noqa: E402,F401
from . import extract  # noqa: E402,F401
from . import merge  # noqa: E402,F401
from . import query  # noqa: E402,F401
from . import viz  # noqa: E402,F401
from . import metrics  # noqa: E402,F401
from . import changes  # noqa: E402,F401
