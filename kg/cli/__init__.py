"""The `kg` command: thin click commands over the library, one module per area."""

from __future__ import annotations

import importlib
import sys

import click

# Which module defines each command: a command's module (and what it imports: networkx for the
# metrics, Starlette for serve, …) is imported only when that command runs, or when every command
# is listed (`kg --help`, ``main.commands``), so `kg query` starts quickly.
COMMAND_MODULES = {
    "build": "core", "validate": "core", "export": "core", "init": "init", "run": "run", "synth": "synth",
    "extract": "extract", "merge": "merge", "query": "query", "queries": "query", "serve": "query", "viz": "viz",
    "metrics": "metrics", "changes": "changes",
}  # fmt: skip


def _load_commands(names=None) -> None:
    for module in dict.fromkeys(COMMAND_MODULES[n] for n in (names or COMMAND_MODULES) if n in COMMAND_MODULES):
        importlib.import_module(f"{__name__}.{module}")


class _Commands(dict):
    """``main.commands``: reading it imports every command module first (registering is a plain write)."""

    def _all(self):
        _load_commands()
        return self

    def __getitem__(self, name):
        return dict.__getitem__(self._all(), name)

    def __iter__(self):
        return dict.__iter__(self._all())

    def __len__(self):
        return dict.__len__(self._all())

    def __contains__(self, name):
        return dict.__contains__(self._all(), name)

    def get(self, name, default=None):
        return dict.get(self._all(), name, default)

    def keys(self):
        return dict.keys(self._all())

    def values(self):
        return dict.values(self._all())

    def items(self):
        return dict.items(self._all())


def _raised(exc: Exception, module: str, name: str) -> bool:
    """Whether ``exc`` is ``module.name``; a module not imported (kg query does not import kg.records)
    cannot have raised its error."""
    found = sys.modules.get(module)
    return found is not None and isinstance(exc, getattr(found, name))


def _is_remote_error(exc: Exception) -> bool:
    return _raised(exc, "kg.remote", "RemoteError")


class KgGroup(click.Group):
    """Turns the library's errors into messages a person can act on: never a traceback."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.commands = _Commands(self.commands)

    def get_command(self, ctx, cmd_name):
        if not dict.__contains__(self.commands, cmd_name):
            _load_commands([cmd_name])
        return dict.get(self.commands, cmd_name)

    def list_commands(self, ctx):
        return sorted(self.commands)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit, KeyboardInterrupt):
            raise
        except OSError as exc:
            raise click.ClickException(f"{exc.filename or ''}: {exc.strerror or exc}. Check the path and its permissions.") from None
        except Exception as exc:  # noqa: BLE001 - the last line of defence against a traceback
            if _raised(exc, "kg.records", "RecordsInvalid"):
                for problem in exc.problems:
                    click.echo(str(problem), err=True)
                click.echo(f"kg: {len(exc.problems)} problem(s) in the records; nothing was changed. "
                           "Fix them and run the command again (`kg validate` lists them all).", err=True)  # fmt: skip
                sys.exit(1)
            if _raised(exc, "kg.generations", "BuildBusy"):
                raise click.ClickException(f"{exc}. Wait for it to finish, or stop it.") from None
            if _is_remote_error(exc):
                raise click.ClickException(str(exc)) from None
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


# Command modules register themselves on `main` when imported (see COMMAND_MODULES).
