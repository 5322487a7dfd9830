"""kg query, kg queries, kg serve."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import sparql, vocab
from . import main
from .options import graph_options, output_option, progress, write_output

FORMATS = sorted(set(sparql.SELECT_FORMATS) | set(sparql.GRAPH_FORMATS))


def _query_text(query: str | None, file: Path | None, name: str | None) -> tuple[str, sparql.NamedQuery | None]:
    given = [x for x in (query, file, name) if x]
    if len(given) != 1:
        raise click.UsageError("give exactly one of: a QUERY text, --file FILE.rq, or --name NAME (see `kg queries`)")
    if name:
        named = sparql.named_query(name)
        return named.text, named
    if file:
        if not file.is_file():
            raise click.ClickException(f"{file}: no such query file. Give the path of a .rq file.")
        return file.read_text(encoding="utf-8"), None
    if query == "-":
        return sys.stdin.read(), None
    if sparql.SLUG.match(query.strip()) and (sparql.QUERIES_DIR / f"{query.strip()}.rq").is_file():
        raise click.UsageError(f"{query.strip()!r} is the name of a query, not its text: did you mean "
                               f"--name {query.strip()}? (`kg queries` lists them)")  # fmt: skip
    return query, None


@main.command("query")
@graph_options
@click.argument("query", required=False)
@click.option("-f", "--file", type=click.Path(dir_okay=False, path_type=Path), help="Read the query from a .rq file.")
@click.option("-n", "--name", help="Run a named query from kg/queries (list them with `kg queries`).")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a query variable (repeatable): an id (org=cgr), an IRI, a number or text.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="table (default), csv, tsv, json, md or xml for SELECT/ASK; ttl (default), nt, jsonld or xml for "
                   "CONSTRUCT/DESCRIBE.")  # fmt: skip
@click.option("--width", default=sparql.TABLE_WIDTH, show_default=True, type=click.IntRange(0), metavar="N",
              help="Characters a table cell shows before it is cut with … (0: never cut); the table says how "
                   "many were.")  # fmt: skip
@output_option()
def query_cmd(ctx, query, file, name, params, fmt, width, output):
    """Run a SPARQL 1.1 query over the graph (built first when data/ changed).

    The query comes inline (QUERY, or - for standard input), from a file (--file) or by name
    (--name). Rows come sorted when the query has no ORDER BY. An ASK query prints true or false and
    exits with status 0 (true) or 1 (false).

    \b
    Prefixes that need no PREFIX line:
      {fixed}
      and for the data's own IRIs, under its base ({base_example}):
      {data}

    \b
    Examples:
      kg query --name people-of-organization --param org=cfhr
      kg query 'SELECT ?name WHERE {{ organization:cfhr schema:name ?name }}'
      kg query 'SELECT ?name WHERE {{ ?p a schema:Person ; schema:name ?name }}' --format csv
      kg query --file my.rq --param theme=human-trafficking --format json -o answer.json
      kg query --name provenance --param about=john-collins --width 0
    """
    try:
        text, named = _query_text(query, file, name)
        assignments = sparql.parse_assignments(params)
        with ctx.open_graph() as store:
            bindings = sparql.parameter_values(named, assignments, store.base, store=store)  # no rdflib
            answer = sparql.run(store, text, bindings)
            base = store.base
    except sparql.QueryError as exc:
        raise click.ClickException(str(exc)) from None
    if answer.kind == "CONSTRUCT":
        fmt = fmt or "ttl"
        if fmt not in sparql.GRAPH_FORMATS:
            raise click.ClickException(f"--format {fmt} is for rows; a CONSTRUCT/DESCRIBE gives a graph: use ttl, nt, jsonld or xml")
    else:
        fmt = fmt or "table"
        if fmt not in sparql.SELECT_FORMATS:
            raise click.ClickException(f"--format {fmt} is for graphs; this query gives rows: use table, csv, tsv, json, md or xml")
    data = answer.render(fmt, base, width)
    write_output(data, output)
    if output:
        click.echo(f"Wrote {len(answer.rows) if answer.kind == 'SELECT' else len(data)} "
                   f"{'rows' if answer.kind == 'SELECT' else 'bytes'} to {output}", err=True)  # fmt: skip
    if answer.kind == "ASK" and not answer.boolean:
        sys.exit(1)


query_cmd.help = query_cmd.help.format(
    fixed=", ".join(f"{p}:" for p in vocab.NAMESPACES), base_example=vocab.DEFAULT_BASE,
    data=", ".join(f"{p}: ({path}…)" for p, path in vocab.DATA_PREFIXES.items()))  # fmt: skip


@main.command("queries")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "md"]), default="text", show_default=True)
def queries_cmd(fmt):
    """List the named queries, with what each answers, its parameters and an example.

    \b
    Example:
      kg queries
      kg query --name partners-of-organization --param org=cfhr
    """
    import json

    queries = sparql.named_queries()
    if fmt == "json":
        click.echo(json.dumps([{"name": q.name, "title": q.title, "description": q.description,
                                "params": [p.__dict__ for p in q.params], "examples": q.examples} for q in queries],
                              indent=1, ensure_ascii=False))  # fmt: skip
        return
    for q in queries:
        if fmt == "md":
            click.echo(f"- **`{q.name}`** — {q.title}. {q.description}")
            for p in q.params:
                click.echo(f"  - `{p.name}` (default `{p.default or 'unset'}`): {p.meaning}")
            for example in q.examples:
                click.echo(f"  - `{example}`")
            continue
        click.echo(f"{q.name}\n  {q.title or '(no title)'}")
        if q.description:
            click.echo(f"  {q.description}")
        for p in q.params:
            click.echo(f"  --param {p.name}={p.default or '(unset: any)'}  {p.meaning}")
        for example in q.examples:
            click.echo(f"  e.g. {example}")
        click.echo("")
    click.echo(f"{len(queries)} named queries in {sparql.QUERIES_DIR}", err=True)
    click.echo("An answer that took over 0.5 s is kept with the build it came from (build/store/gen-*/answers/)"
               " and read back when asked again; KG_KEEP_ANSWERS=0 turns that off.", err=True)  # fmt: skip


@main.command("serve")
@graph_options
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback unless told otherwise).")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(0, 65535), help="TCP port.")
@click.option("--timeout", default=10.0, show_default=True, type=click.FloatRange(0.1, 3600),
              help="Seconds a query may run before it is stopped (its worker process is killed and replaced).")
@click.option("--max-rows", default=10_000, show_default=True, type=click.IntRange(1),
              help="Most rows (or triples) a response carries; more are cut off and the response says so.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Query worker processes kept free for new queries; a query running past 0.3 s moves to a "
                   "lane of up to 3 times this number (at low CPU priority), the rest wait.")  # fmt: skip
@click.option("--queue-timeout", default=30.0, show_default=True, type=click.FloatRange(0.1, 3600),
              help="Seconds a request may wait for a free worker before it is answered 503.")
@click.option("--worker-memory", default="1GiB", show_default=True, metavar="SIZE",
              help="Memory each query worker may use (e.g. 512MiB, 2GiB; 0 for no limit). A query that needs "
                   "more is stopped with a 503 and its worker replaced.")  # fmt: skip
@click.option("--per-client", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Queries one client address may have running at once (and as many known to run long); "
                   "more wait their turn.")  # fmt: skip
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME[:PORT]",
              help="Another name clients reach the server by, e.g. behind a proxy (repeatable). A request whose "
                   "Host header names anything but this, the --host address or loopback is refused (400): "
                   "a web page cannot rebind a name of its own to this server (DNS rebinding).")  # fmt: skip
def serve_cmd(ctx, host, port, timeout, max_rows, workers, queue_timeout, worker_memory, per_client, allow_hosts):
    """Serve the graph read-only over the SPARQL 1.1 Protocol at /sparql, with a query page at /.

    The graph is built on start when data/ changed; while serving, each request reads the live
    build (build/store/CURRENT), so a `kg build` run elsewhere is picked up without a restart.
    Updates, LOAD and SERVICE are refused. Stop with Ctrl-C.

    \b
    Examples:
      kg serve
      kg serve --port 8000 --timeout 30 --max-rows 50000
      kg serve --host 0.0.0.0 --allow-host kg.example.org --allow-host 192.0.2.7
      kg serve --workers 4 --worker-memory 2GiB --per-client 1
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE { ?s ?p ?o } LIMIT 5' http://127.0.0.1:7878/sparql
    """
    from .. import generations, serve
    from ..serve.guards import host_name
    from ..serve.settings import parse_size

    if ctx.store != "oxigraph":
        raise click.ClickException(f"kg serve serves the on-disk store; --store {ctx.store} is not supported here "
                                   "(point clients at that endpoint directly, or drop --store)")  # fmt: skip
    try:
        allow_hosts = tuple(host_name(name) for name in allow_hosts)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--allow-host") from None
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"kg serve: listening on {host}: anyone who can reach this address can read the {ctx.level} graph "
                   "(clients must name it, loopback, or a name given with --allow-host)", err=True)  # fmt: skip
    try:
        memory = parse_size(worker_memory)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--worker-memory") from None
    if memory and memory < 256 * 2**20:
        raise click.BadParameter(f"{worker_memory} is too little for a worker (it needs about 110 MiB to start): "
                                 "give at least 256MiB, or 0 for no limit", param_hint="--worker-memory")  # fmt: skip
    generations.build(ctx.data_dir, ctx.build_dir, ctx.base, level=ctx.level, progress=progress)
    settings = serve.Settings(build_dir=Path(ctx.build_dir), base=ctx.base, level=ctx.level, timeout=timeout,
                              max_rows=max_rows, workers=workers, queue_timeout=queue_timeout,
                              allowed_hosts=allow_hosts, worker_memory=memory, per_client=per_client)  # fmt: skip
    try:
        serve.run(settings, host=host, port=port, announce=lambda message: click.echo(message))
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}. "
                                   "Choose another --port (or stop what uses it).") from None
