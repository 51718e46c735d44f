"""Bounded, read-only SPARQL 1.1 queries over the graph's triples.

Each query runs in a worker process that holds its own in-memory pyoxigraph store of the
served Turtle. pyoxigraph cannot interrupt a query once it runs, so a query that outlives
its time budget is stopped by killing its worker, and a fresh worker takes its place; the
other workers (and the server) go on answering meanwhile. Results are written by pyoxigraph's
own serializers into a buffer that refuses to grow past the size cap.

Before a query reaches a worker it is parsed here (rdflib's SPARQL grammar) to refuse what a
read-only, offline endpoint must not run: updates, ``SERVICE`` (network access) and dataset
clauses (``FROM``, which on other engines may fetch a URL).
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Final

from .errors import RadixError
from .rdfstore import PREFIXES, serialize

#: Query forms and the result formats each can be written in, the first the default.
RESULT_FORMATS: Final[dict[str, tuple[str, ...]]] = {
    "SELECT": ("json", "xml", "csv", "tsv"),
    "ASK": ("json", "xml", "csv", "tsv"),
    "CONSTRUCT": ("turtle", "jsonld", "ntriples", "rdfxml"),
    "DESCRIBE": ("turtle", "jsonld", "ntriples", "rdfxml"),
}
MAX_QUERY_CHARS: Final = 20_000
#: Braces and parentheses open at once; the grammar is recursive, so deeper nesting is refused before parsing.
MAX_NESTING: Final = 40


class SparqlError(RadixError):
    """A query the endpoint will not run, or could not finish; the message says why."""


class SparqlSyntaxError(SparqlError):
    pass


class SparqlRefused(SparqlError):
    """A well-formed request this read-only, offline endpoint refuses (update, SERVICE)."""


class SparqlLimitExceeded(SparqlError):
    """A query stopped at a cap (time budget or result size); ``cap`` names it."""

    def __init__(self, message: str, cap: str) -> None:
        self.cap = cap
        super().__init__(message)


class SparqlBusy(SparqlError):
    """Every worker is busy; try again shortly."""


@dataclass(frozen=True)
class Limits:
    """The bounds every query runs within."""

    timeout_s: float = 5.0
    max_result_bytes: int = 10_000_000
    workers: int = 2
    #: how long a query waits for a free worker before the endpoint answers "busy"
    queue_wait_s: float = 2.0


@dataclass(frozen=True)
class Answer:
    body: bytes
    format: str  # a name from RESULT_FORMATS


def query_form(text: str) -> str:
    """The form of a read-only query (SELECT, ASK, CONSTRUCT, DESCRIBE), refusing what must not run.

    >>> query_form("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1")
    'SELECT'
    >>> query_form("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    Traceback (most recent call last):
    ...
    graph.sparql.SparqlRefused: this endpoint is read-only: SPARQL updates (INSERT, DELETE, LOAD, CLEAR, ...) are refused
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    if len(text) > MAX_QUERY_CHARS:
        raise SparqlLimitExceeded(
            f"the query is {len(text)} characters long; the cap is {MAX_QUERY_CHARS}", f"query length {MAX_QUERY_CHARS}"
        )
    if not text.strip():
        raise SparqlSyntaxError("the query is empty; send a SPARQL SELECT, ASK, CONSTRUCT or DESCRIBE query")
    if (depth := _nesting(text)) > MAX_NESTING:
        raise SparqlLimitExceeded(
            f"the query nests braces and parentheses {depth} deep; the cap is {MAX_NESTING}", f"nesting depth {MAX_NESTING}"
        )
    try:
        parsed = parseQuery(text)
    except RecursionError:  # pragma: no cover - the nesting cap keeps the parser well inside the stack
        raise SparqlLimitExceeded("the query is nested too deeply to parse", f"nesting depth {MAX_NESTING}") from None
    except ParseException as exc:
        try:
            parseUpdate(text)
        except ParseException:
            raise SparqlSyntaxError(f"not a valid SPARQL 1.1 query: {exc}") from None
        raise SparqlRefused("this endpoint is read-only: SPARQL updates (INSERT, DELETE, LOAD, CLEAR, ...) are refused") from None
    query = parsed[1]
    if "datasetClause" in query:
        raise SparqlRefused("FROM and FROM NAMED are not supported: the endpoint has one default graph; remove them")
    if any(getattr(node, "name", "") == "ServiceGraphPattern" for node in _walk(query)):
        raise SparqlRefused("SERVICE is refused: the endpoint never reaches the network; query the local graph only")
    form = str(query.name).removesuffix("Query").upper()
    if form not in RESULT_FORMATS:  # pragma: no cover - the grammar has no other forms
        raise SparqlSyntaxError(f"unsupported query form {form}")
    return form


def _nesting(text: str) -> int:
    """The deepest run of open braces and parentheses (over-counting those inside strings is harmless).

    >>> _nesting("SELECT * WHERE { ?s ?p ?o FILTER((?o > 1)) }")
    3
    """
    depth = deepest = 0
    for char in text:
        if char in "{(":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "})":
            depth = max(depth - 1, 0)
    return deepest


def _walk(node: Any) -> Iterator[Any]:
    from pyparsing import ParseResults  # not at import: pyparsing would cost every start-up 45 ms

    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list | tuple | ParseResults):
        for value in node:
            yield from _walk(value)


# ---------------------------------------------------------------- worker process


class _CappedBuffer:
    """A binary sink that stops the serializer once the result passes its cap."""

    def __init__(self, cap: int) -> None:
        self.data = bytearray()
        self.cap = cap

    def write(self, chunk: bytes) -> int:
        self.data += chunk
        if len(self.data) > self.cap:
            raise OverflowError
        return len(chunk)

    def flush(self) -> None:
        pass


def _execute(store: Any, text: str, form: str, fmt: str, cap: int) -> bytes:
    import pyoxigraph as ox

    result = store.query(text, prefixes=PREFIXES)
    sink = _CappedBuffer(cap)
    if form in ("SELECT", "ASK"):
        result.serialize(sink, getattr(ox.QueryResultsFormat, fmt.upper()))
        return bytes(sink.data)
    # Graph results: bounded N-Triples first, then the chosen syntax with the usual prefixes.
    result.serialize(sink, ox.RdfFormat.N_TRIPLES)
    triples = [q.triple if isinstance(q, ox.Quad) else q for q in ox.parse(bytes(sink.data), ox.RdfFormat.N_TRIPLES)]
    return serialize(triples, fmt)


def _worker_main(files: Sequence[str]) -> None:
    """Hold a store of ``files``; answer ``(query, form, format, cap)`` messages on stdin until it closes."""
    import pyoxigraph as ox

    inbox, outbox = Connection(os.dup(0), writable=False), Connection(os.dup(1), readable=False)
    sys.stdout = sys.stderr  # the protocol owns fd 1: a stray print must not corrupt it
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    store = ox.Store()
    for path in files:
        store.bulk_load(path=path, format=ox.RdfFormat.TURTLE)
    outbox.send(("ready", len(store)))
    while True:
        try:
            text, form, fmt, cap = inbox.recv()
        except EOFError:
            return
        try:
            outbox.send(("ok", _execute(store, text, form, fmt, cap)))
        except OverflowError:
            outbox.send(("too_large", cap))
        except SyntaxError as exc:
            outbox.send(("syntax", str(exc)))
        except Exception as exc:  # an evaluation error must not kill the worker; report it
            outbox.send(("error", f"{type(exc).__name__}: {exc}"))


def _exit_with_parent(parent: int) -> None:
    """End this worker if the server dies, even in the middle of a query (which releases the GIL)."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]
    inbox: Connection  # the worker's answers
    outbox: Connection  # our queries
    triples: int = 0

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()
        self.inbox.close()
        self.outbox.close()


class SparqlEndpoint:
    """A pool of query workers over the served Turtle files, started on the first query."""

    def __init__(self, files: Sequence[Path], limits: Limits | None = None) -> None:
        self.files = [str(f) for f in files]
        self.limits = limits or Limits()
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._started = False
        self._generation = 0  # bumped by close(): a worker started for an older pool is not kept
        self.stopped = 0  # queries stopped at the time budget, for tests and logs

    # -- workers

    def _spawn(self) -> _Worker:
        # A fresh interpreter, not a fork: the server's threads and sockets stay out of the worker.
        process = subprocess.Popen(
            [sys.executable, "-m", "graph.sparql", *self.files], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        assert process.stdin is not None and process.stdout is not None
        worker = _Worker(
            process,
            Connection(os.dup(process.stdout.fileno()), writable=False),
            Connection(os.dup(process.stdin.fileno()), readable=False),
        )
        process.stdin.close()
        process.stdout.close()
        if not worker.inbox.poll(120):
            worker.kill()
            raise SparqlError("a SPARQL worker did not start within 120 s")
        _, worker.triples = worker.inbox.recv()
        return worker

    def _replace(self, generation: int) -> None:
        worker = self._spawn()
        if generation == self._generation:
            self._idle.put(worker)
        else:
            worker.kill()

    def _ensure_started(self) -> None:
        with self._lock:
            if self._started:
                return
            self._started = True
        for _ in range(self.limits.workers):
            self._idle.put(self._spawn())

    def triple_count(self) -> int:
        """How many triples a worker holds (starts the workers)."""
        self._ensure_started()
        worker = self._idle.get()
        self._idle.put(worker)
        return worker.triples

    def close(self) -> None:
        """Stop the idle workers (a busy one ends when its query does); the next query starts a new pool."""
        with self._lock:
            self._started = False
            self._generation += 1
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                return
            worker.outbox.close()  # end of input: the worker returns
            try:
                worker.process.wait(1)
            except subprocess.TimeoutExpired:
                worker.kill()

    # -- queries

    def run(self, text: str, fmt: str | None = None, form: str | None = None) -> Answer:
        """Run a read-only query within the limits; ``fmt`` defaults to the form's first format.

        ``form`` is the result of :func:`query_form` when the caller has already checked the query.
        """
        form = form or query_form(text)
        fmt = fmt or RESULT_FORMATS[form][0]
        if fmt not in RESULT_FORMATS[form]:
            raise SparqlSyntaxError(f"{form} queries can be answered as {', '.join(RESULT_FORMATS[form])}, not {fmt}")
        self._ensure_started()
        try:
            worker = self._idle.get(timeout=self.limits.queue_wait_s)
        except queue.Empty:
            raise SparqlBusy(f"all {self.limits.workers} SPARQL workers are busy; retry in a moment") from None
        generation = self._generation
        worker.outbox.send((text, form, fmt, self.limits.max_result_bytes))
        started = time.monotonic()
        if not worker.inbox.poll(self.limits.timeout_s):
            worker.kill()  # actually stopped, not only abandoned
            self.stopped += 1
            threading.Thread(target=self._replace, args=(self._generation,), daemon=True).start()
            raise SparqlLimitExceeded(
                f"the query was stopped after {time.monotonic() - started:.1f} s: the time budget is "
                f"{self.limits.timeout_s:g} s; add a LIMIT, bind a subject or predicate, or split the query",
                f"time budget {self.limits.timeout_s:g} s",
            )
        status, payload = worker.inbox.recv()
        if generation == self._generation:
            self._idle.put(worker)
        else:  # the pool was closed while this query ran
            worker.outbox.close()
        if status == "ok":
            return Answer(payload, fmt)
        if status == "too_large":
            raise SparqlLimitExceeded(
                f"the result is larger than the {payload:,} byte cap; add a LIMIT or select fewer variables",
                f"result size {payload} bytes",
            )
        if status == "syntax":
            raise SparqlSyntaxError(f"not a valid SPARQL 1.1 query: {payload}")
        raise SparqlError(f"the query could not be evaluated: {payload}")


if __name__ == "__main__":
    _worker_main(sys.argv[1:])
