"""What the commands share: the graph options, ``-o`` (where to write, the same on every command),
the file-or-standard-output helper and the progress callback. Written once, here."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from .. import vocab


def progress(message: str) -> None:
    """What a long command is doing, on standard error (``… message``)."""
    click.echo(f"… {message}", err=True)


def output_option(help: str = "File to write (default: standard output).", dir_okay: bool = False, **kwargs):  # noqa: A002
    """``-o FILE`` (``--output``, also spelled ``--out``): where a command writes its answer."""
    return click.option("-o", "--output", "--out", "output", type=click.Path(dir_okay=dir_okay, path_type=Path),
                        help=help, **kwargs)  # fmt: skip


def out_dir_option(name: str = "out_dir", help: str = "The folder to write.", **kwargs):  # noqa: A002
    """``-o DIR`` (``--out``, also spelled ``--output``): the folder a command writes into."""
    kwargs.setdefault("type", click.Path(file_okay=False, path_type=Path))
    return click.option("-o", "--out", "--output", name, help=help, **kwargs)


def write_output(data: bytes, output: Path | None) -> None:
    """``data`` to the file ``output`` (written whole, then renamed into place), or to standard output."""
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        from ..export import write_atomic

        write_atomic(output, data)


def graph_options(func):
    """--data, --build-dir, --base, --store and --level, and a ``open_graph()`` helper for the command."""

    @click.option("--data", "data_dir", type=click.Path(file_okay=False), envvar="KG_DATA", default="data",
                  show_default=True, help="The records folder.")
    @click.option("--build-dir", type=click.Path(file_okay=False), envvar="KG_BUILD_DIR", default="build",
                  show_default=True, help="Where the built store and outputs go.")
    @click.option("--base", envvar="KG_BASE", default=vocab.DEFAULT_BASE, show_default=True,
                  help="Base namespace of the graph's IRIs.")
    @click.option("--store", envvar="KG_STORE", default="oxigraph", show_default=True,
                  help="oxigraph (on disk), memory (rdflib), oxigraph-memory, or a SPARQL endpoint URL.")
    @click.option("--level", type=click.Choice(vocab.LEVELS), default="public", show_default=True,
                  help="Highest sensitivity level to include.")
    @functools.wraps(func)
    def wrapper(data_dir, build_dir, base, store, level, **kwargs):
        def open_graph(level_override=None):
            from .. import generations

            return generations.open_store(data_dir, build_dir, base, level=level_override or level, store=store,
                                      progress=progress)  # fmt: skip

        ctx = GraphContext(data_dir, build_dir, base, store, level, open_graph)
        return func(ctx, **kwargs)

    return wrapper


class GraphContext:
    def __init__(self, data_dir, build_dir, base, store, level, open_graph):
        self.data_dir = data_dir
        self.build_dir = build_dir
        self.base = base
        self.store = store
        self.level = level
        self.open_graph = open_graph
