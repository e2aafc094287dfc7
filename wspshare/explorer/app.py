"""The explorer's web application: the page, and a small JSON interface the page calls.

The server keeps no per-user state.  Each request carries the path it is about (its fingerprints,
which the page also keeps in its address) and the cursor; the server rebuilds the ``Session``
from them, applies the move, and answers with everything the page shows.  So a link works in any
tab and after a restart of the server, and the rules of moving are the session's alone.

Routes: ``GET /`` the page; ``POST /api/session`` a move (``view``, ``take``, ``back``,
``forward``, ``jump``, ``restart``) on a path; ``POST /api/load`` a counterexample file's text;
``GET /api/diagram.svg`` and ``GET /api/path.json`` the path so far as a sequence diagram and as
the checker's path JSON.  Bad requests are answered with ``{"error": sentence}``.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, request

from wspshare.cli_errors import UsageError
from wspshare.commands.counterexample import path_json
from wspshare.explorer.counterexample import open_counterexample
from wspshare.explorer.diagram import Diagrams
from wspshare.explorer.models import Models
from wspshare.explorer.page import PAGE
from wspshare.explorer.session import Session, UnknownFingerprint
from wspshare.explorer.view import view
from wspshare.models.errors import ModelError
from wspshare.models.scenario import Action, HandoffModel, HandoffState

MOVES = ("view", "take", "back", "forward", "jump", "restart")
HandoffSession = Session[HandoffState, Action]


class BadRequest(Exception):
    """A request the explorer cannot answer; ``status`` 404 for a link naming no state."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def create_app(models: Models, start: tuple[str, list[str]] | None = None) -> Flask:
    """The application over ``models``; ``start`` (a model's name and fingerprints) is where the
    page opens when its address names no path, e.g. a counterexample given on the command line."""
    app = Flask("wspshare.explorer")
    diagrams = Diagrams()

    def session_for(
        name: str | None, path: Any, at: Any = None
    ) -> tuple[HandoffModel, HandoffSession]:
        model, successors = models.named(name)
        session = Session(model, successors)
        if path:
            if not isinstance(path, list) or not all(isinstance(p, str) for p in path):
                raise BadRequest("'path' must be a list of fingerprints")
            if at is not None and not isinstance(at, int):
                raise BadRequest("'at' must be a step number")
            try:
                session.follow(path, at)
            except UnknownFingerprint as err:
                raise BadRequest(str(err), 404) from None
        return model, session

    def answer(name: str | None, model: HandoffModel, session: HandoffSession) -> Response:
        model_name = name or models.home_name
        data = view(model, session)
        return jsonify({**data, "model": model_name, "link": session.fingerprints(True)})

    def fingerprints_arg() -> list[str]:
        return [p for p in request.args.get("path", "").split(".") if p]

    @app.errorhandler(BadRequest)
    def bad_request(err: BadRequest) -> tuple[Response, int]:
        return jsonify({"error": str(err)}), err.status

    @app.errorhandler(UsageError)
    @app.errorhandler(ModelError)
    def bad_input(err: Exception) -> tuple[Response, int]:
        return jsonify({"error": str(err)}), 400

    @app.get("/")
    def page() -> Response:
        return Response(PAGE, mimetype="text/html")

    @app.get("/api/start")
    def where_to_start() -> Response:
        name, path = start or (models.home_name, [])
        return jsonify({"model": name, "path": path})

    @app.post("/api/session")
    def move() -> Response:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise BadRequest("expected a JSON object")
        name, op, arg = body.get("model"), body.get("op", "view"), body.get("arg")
        if op not in MOVES:
            raise BadRequest(f"no move named {op!r}; moves: {', '.join(MOVES)}")
        model, session = session_for(name, body.get("path"), body.get("at"))
        try:
            if op == "take":
                session.take(_number(arg))
            elif op == "jump":
                session.jump(_number(arg))
            elif op == "back":
                session.back()
            elif op == "forward":
                session.forward()
            elif op == "restart":
                session.restart()
        except IndexError as err:
            raise BadRequest(str(err)) from None
        return answer(name, model, session)

    @app.post("/api/load")
    def load() -> Response:
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("text"), str):
            raise BadRequest('expected {"text": the counterexample file\'s contents}')
        name, session = open_counterexample(models, body["text"])
        model, _ = models.named(name)
        return answer(name, model, session)

    @app.get("/api/diagram.svg")
    def diagram() -> Response:
        name = request.args.get("model")
        model, session = session_for(name, fingerprints_arg())
        key = (name or models.home_name, *session.fingerprints())
        image = diagrams.svg(model, session.path(), key)
        return Response(image, mimetype="image/svg+xml")

    @app.get("/api/path.json")
    def path_file() -> Response:
        name = request.args.get("model") or models.home_name
        model, session = session_for(name, fingerprints_arg())
        config, _, switches = name.partition(" ")
        meta = {"config": config, "switches": switches} if config else {}
        data = path_json(model, session.path(), meta)
        return jsonify(data)

    return app


def _number(arg: Any) -> int:
    if not isinstance(arg, int) or isinstance(arg, bool):
        raise BadRequest("this move needs a whole number 'arg'")
    return arg
