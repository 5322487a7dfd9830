"""Options shared by every command that reads the graph."""

from __future__ import annotations

import functools

import click

from .. import project, vocab


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
            return project.open_store(data_dir, build_dir, base, level=level_override or level, store=store,
                                      progress=lambda message: click.echo(f"… {message}", err=True))  # fmt: skip

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
