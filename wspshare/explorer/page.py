"""The explorer's page: one HTML document with its style and script, served as it is.

No build step and no third-party script: the page asks ``/api/session`` for every move and draws
the answer, so it holds no rule of the model.  Its address names the state shown: the model in the
query (``?model=handoff``) and the path of fingerprints from the initial state in the fragment
(``#/<fp0>/<fp1>/...``), so a copied link opens the same state on the same path.  Text from the
model is always inserted as text, never as markup.
"""

from __future__ import annotations

STYLE = """
:root { --ink: #1d232b; --dim: #69727d; --line: #d8dde3; --bad: #b3261e; --good: #1b6e3a;
        --soft: #f4f6f8; --accent: #2457a6; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, sans-serif; color: var(--ink); background: #fff; }
header { display: flex; flex-wrap: wrap; gap: .5em; align-items: center; padding: .6em 1em;
         border-bottom: 1px solid var(--line); background: var(--soft); }
header h1 { font-size: 1.1em; margin: 0 1em 0 0; }
header .model { font-family: ui-monospace, monospace; color: var(--dim); margin-right: auto; }
button { font: inherit; padding: .25em .7em; border: 1px solid var(--line); border-radius: 4px;
         background: #fff; cursor: pointer; }
button:hover:not(:disabled) { border-color: var(--accent); }
button:disabled { color: var(--dim); cursor: default; }
label.file { border: 1px solid var(--line); border-radius: 4px; padding: .25em .7em;
             background: #fff; cursor: pointer; }
label.file input { display: none; }
#message { padding: .5em 1em; display: none; }
#message.error { display: block; background: #fdecea; color: var(--bad); }
#message.note { display: block; background: #eef4fb; }
main { display: grid; grid-template-columns: minmax(16em, 22em) 1fr minmax(22em, 27em);
       gap: 1em; padding: 1em; }
section h2 { font-size: 1em; margin: .2em 0 .5em; border-bottom: 1px solid var(--line); }
#status { color: var(--dim); margin-bottom: .5em; }
#path { margin: 0; padding-left: 2.4em; font-family: ui-monospace, monospace; font-size: 12px; }
#path li { cursor: pointer; padding: .1em .3em; border-radius: 3px; }
#path li:hover { background: var(--soft); }
#path li.current { background: #dce8f8; font-weight: bold; }
#path li.future { color: var(--dim); }
#path li .refs { float: right; color: var(--dim); }
#actions .group { margin-bottom: .6em; }
#actions .group h3 { font-size: .85em; margin: .3em 0; color: var(--dim); font-weight: normal; }
#actions button { display: block; width: 100%; text-align: left; margin: .15em 0;
                  font-family: ui-monospace, monospace; font-size: 12px; }
#actions button.fault, #actions button.timeout { border-color: #efc2bd; }
.cards { display: flex; flex-wrap: wrap; gap: .8em; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: .5em .7em; min-width: 15em; }
.card.dead { background: #f7f7f7; color: var(--dim); }
.card h3 { margin: 0 0 .3em; font-size: 1em; }
table { border-collapse: collapse; font-size: 12px; margin: .2em 0 .6em; }
th, td { border-bottom: 1px solid var(--line); padding: .15em .5em; text-align: left;
         vertical-align: top; }
th { color: var(--dim); font-weight: normal; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.mono { font-family: ui-monospace, monospace; font-size: 12px; }
.msg { display: inline-block; border: 1px solid var(--line); border-radius: 10px;
       padding: 0 .5em; margin: 0 .2em .2em 0; background: var(--soft); }
.none { color: var(--dim); }
#properties tr.violated td { color: var(--bad); font-weight: bold; }
#properties tr.violated td.why { font-weight: normal; }
#properties tr.holds td.verdict, #properties tr.reached td.verdict { color: var(--good); }
#properties tr.pending td.verdict { color: var(--dim); }
#properties td.why { color: var(--dim); font-size: 11px; }
#properties td { white-space: nowrap; }
#properties td.why { white-space: normal; }
#properties-box { min-width: 0; }
#diagram-box { grid-column: 1 / -1; overflow-x: auto; }
#diagram { max-width: 100%; }
textarea { width: 100%; height: 8em; font-family: ui-monospace, monospace; font-size: 11px; }
"""

BODY = """
<header>
  <h1>wspshare explorer</h1>
  <span class="model" id="model"></span>
  <button id="restart" title="back to the initial state, forgetting the path">Restart</button>
  <button id="back" title="one step back">&larr; Back</button>
  <button id="forward" title="one step forward along the path">Forward &rarr;</button>
  <button id="copy" title="copy the path so far as the checker's path JSON">Copy path JSON</button>
  <label class="file" title="a file written by wspshare check --counterexample">
    Load counterexample&hellip; <input type="file" id="load" accept=".json,application/json">
  </label>
</header>
<div id="message"></div>
<main>
  <section>
    <h2>Path</h2>
    <div id="status"></div>
    <ol id="path" start="0"></ol>
    <h2>Enabled actions</h2>
    <div id="actions"></div>
  </section>
  <section>
    <h2>Processes</h2>
    <div id="processes" class="cards"></div>
    <h2>Sockets</h2>
    <div id="sockets"></div>
    <h2>Providers</h2>
    <div id="providers"></div>
    <h2>Pipes</h2>
    <div id="pipes"></div>
  </section>
  <section id="properties-box">
    <h2>Properties in this state</h2>
    <table id="properties"></table>
    <div id="budget" class="mono"></div>
    <details id="json-box"><summary>Path JSON</summary><textarea id="path-json" readonly>
</textarea></details>
  </section>
  <section id="diagram-box">
    <h2>Sequence diagram of the path so far</h2>
    <img id="diagram" alt="sequence diagram of the path so far">
  </section>
</main>
"""

SCRIPT = r"""
"use strict";
let current = {model: null, path: [], at: 0};
let busy = false;
const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function table(headers, rows) {
  return el("table", {}, el("tr", {}, headers.map((h) => el("th", {}, h))), rows);
}

function say(text, kind) {
  const box = $("message");
  box.textContent = text || "";
  box.className = text ? kind : "";
}

async function request(url, body) {
  const options = body === undefined ? {} : {
    method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)};
  const response = await fetch(url, options);
  const data = await response.json();
  if (!response.ok) throw new Error(data.error || response.statusText);
  return data;
}

async function move(op, arg, where) {
  if (busy) return false;
  busy = true;
  try {
    const at = where ? where : current;
    show(await request("/api/session", {model: at.model, path: at.path, at: at.at, op, arg}));
    say("");
    return true;
  } catch (err) {
    say(err.message, "error");
    return false;
  } finally {
    busy = false;
  }
}

function query(model, fingerprints) {
  const parts = [];
  if (model) parts.push("model=" + encodeURIComponent(model));
  parts.push("path=" + fingerprints.join("."));
  return "?" + parts.join("&");
}

function addressOf(view) {
  const search = view.model ? "?model=" + encodeURIComponent(view.model) : "";
  return location.pathname + search + "#/" + view.link.join("/");
}

function show(view) {
  current = {model: view.model, path: view.path.map((p) => p.fingerprint), at: view.cursor};
  const address = addressOf(view);
  if (address !== location.pathname + location.search + location.hash) {
    history.pushState(null, "", address);
  }
  document.body.dataset.cursor = view.cursor;
  $("model").textContent = view.model || "(model given in Python)";
  drawPath(view);
  drawActions(view);
  drawState(view.state);
  drawProperties(view.properties);
  $("back").disabled = view.cursor === 0;
  $("forward").disabled = view.cursor >= view.path.length - 1;
  $("diagram").src = "/api/diagram.svg" + query(view.model, view.link);
}

function drawPath(view) {
  const n = view.actions.length;
  const end = view.state.final ? "final state" : n ? n + " actions enabled" : "deadlock";
  $("status").textContent = `step ${view.cursor} of ${view.path.length - 1}; ${end}`;
  $("path").replaceChildren(...view.path.map((p) => el("li", {
      "data-step": p.step, "data-fingerprint": p.fingerprint,
      class: p.step === view.cursor ? "current" : p.step > view.cursor ? "future" : "",
      onclick: () => move("jump", p.step)},
    el("span", {class: "refs", title: "reference counts after this step"}, p.refs), p.label)));
}

function drawActions(view) {
  const kinds = [["step", "thread steps"], ["deliver", "deliveries"],
                 ["timeout", "timeouts"], ["fault", "faults"]];
  const groups = kinds.map(([kind, title]) => {
    const mine = view.actions.filter((a) => a.kind === kind);
    if (!mine.length) return null;
    return el("div", {class: "group"}, el("h3", {}, title), mine.map((a) => el("button", {
      class: "action " + a.kind, "data-label": a.label, "data-index": a.index,
      title: "leads to state " + a.fingerprint, onclick: () => move("take", a.index)}, a.label)));
  }).filter(Boolean);
  $("actions").replaceChildren(...(groups.length ? groups
    : [el("div", {class: "none"}, "nothing is enabled")]));
}

function drawState(state) {
  $("processes").replaceChildren(...state.processes.map(drawProcess));
  $("sockets").replaceChildren(state.sockets.length ? table(
    ["socket", "catalog", "refs", "status", "options", "events", "sent", "inbox"],
    state.sockets.map((s) => el("tr", {"data-socket": s.index, class: s.closed ? "closed" : ""},
      el("td", {}, s.index), el("td", {}, s.catalog), el("td", {class: "num refs"}, s.refs),
      el("td", {class: "status"}, s.status),
      el("td", {class: "mono"}, s.options.map((o) => `${o.option}=${o.value}`).join(" ") || "-"),
      el("td", {class: "mono"}, s.events.map((e) =>
        `pid ${e.pid} s=${e.descriptor} ${e.mask}`).join("; ") || "-"),
      el("td", {class: "num"}, s.sent), el("td", {class: "num"}, s.inbox))))
    : el("div", {class: "none"}, "no socket yet"));
  $("providers").replaceChildren(...state.providers.map(drawProvider));
  $("pipes").replaceChildren(...state.pipes.map(drawPipe));
  const budget = Object.entries(state.budget).filter(([, n]) => n > 0);
  $("budget").textContent = "faults left: " +
    (budget.length ? budget.map(([k, n]) => `${k} ${n}`).join(", ") : "none") +
    (state.faulted ? "; a fault has happened" : "");
}

function drawProcess(p) {
  const handles = p.handles.length ? table(["value", "kind", "object", "catalog"],
    p.handles.map((h) => el("tr", {"data-handle": h.value}, el("td", {class: "num"}, h.value),
      el("td", {}, h.kind), el("td", {}, h.object), el("td", {}, h.catalog || "-"))))
    : el("div", {class: "none"}, "no handles");
  const threads = table(["thread", "at", "next"], p.threads.map((t) => el("tr", {},
    el("td", {}, "T" + t.thread), el("td", {class: "mono"}, t.pc),
    el("td", {class: "mono"}, t.next.map((a) => a.split(": ").slice(1).join(": "))
      .join(" | ") || "-"))));
  const regs = Object.entries(p.registers).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return el("div", {class: "card" + (p.alive ? "" : " dead"), "data-slot": p.slot},
    el("h3", {}, `P${p.slot} ${p.name}`, p.alive ? "" : " (exited)"),
    p.fail_next !== "NO_ERROR" ? el("div", {}, "next allocation fails: " + p.fail_next) : "",
    threads, handles, el("div", {class: "mono none"}, regs.join(" ")));
}

function drawProvider(p) {
  const shares = p.state && Array.isArray(p.state.shares) ? p.state.shares : null;
  const body = shares === null
    ? el("span", {class: "none"}, p.state === null || (Array.isArray(p.state) && !p.state.length)
      ? "keeps no state of its own" : JSON.stringify(p.state))
    : shares.length ? table(["token", "socket", "for pid", "holds a reference"], shares.map((s) =>
        el("tr", {}, el("td", {}, s.token), el("td", {}, s.sock), el("td", {}, s.target_pid),
          el("td", {}, s.holds_ref ? "yes" : "no"))))
      : el("span", {class: "none"}, "no share records");
  return el("div", {"data-provider": p.name}, el("b", {}, `${p.name} (${p.catalog}) `), body);
}

function drawPipe(pipe) {
  return el("div", {"data-channel": pipe.channel},
    el("b", {}, `ipc${pipe.channel}: ${pipe.ends[0]} \u2194 ${pipe.ends[1]}`),
    pipe.open.every(Boolean) ? "" : " (an end is closed)",
    table(["from", "to", "on the wire", "waiting to be read"], pipe.queues.map((q) =>
      el("tr", {"data-direction": q.direction}, el("td", {}, q.from), el("td", {}, q.to),
        el("td", {}, q.wire.length ? q.wire.map((m) => el("span", {class: "msg"}, m)) : "-"),
        el("td", {}, q.inbox.length ? q.inbox.map((m) => el("span", {class: "msg"}, m)) : "-")))));
}

function drawProperties(rows) {
  $("properties").replaceChildren(
    el("tr", {}, ["property", "rule", "kind", "verdict"].map((h) => el("th", {}, h))),
    ...rows.map((r) => {
      const cls = r.verdict === "violated" ? "violated" : r.verdict === "not yet" ? "pending"
        : r.verdict;
      const since = r.first_violation !== null && r.first_violation !== undefined
        ? `violated since step ${r.first_violation}: ` : "";
      return [el("tr", {"data-property": r.name, class: cls}, el("td", {}, r.name),
          el("td", {}, r.rule), el("td", {}, r.kind), el("td", {class: "verdict"}, r.verdict)),
        r.why ? el("tr", {class: cls}, el("td", {class: "why", colspan: 4}, since + r.why)) : []];
    }).flat());
}

function fromAddress() {
  const params = new URLSearchParams(location.search);
  const path = location.hash.replace(/^#\/?/, "").split("/").filter(Boolean);
  return {model: params.get("model"), path};
}

async function open() {
  const wanted = fromAddress();
  if (wanted.path.length) {
    const known = wanted.model === current.model &&
      wanted.path.every((fp, i) => current.path[i] === fp);
    const where = known ? {model: current.model, path: current.path, at: wanted.path.length - 1}
      : {model: wanted.model, path: wanted.path, at: null};
    if (await move("view", null, where)) return;
    const why = $("message").textContent;  // the link names no state: show the model's start
    await move("view", null, {model: wanted.model, path: [], at: null});
    say(why, "error");
    return;
  }
  const start = await request("/api/start");
  await move("view", null, {model: start.model, path: start.path, at: null});
}

async function copyPath() {
  const text = JSON.stringify(await request("/api/path.json" +
    query(current.model, current.path.slice(0, current.at + 1))), null, 1);
  $("path-json").value = text;
  $("json-box").open = true;
  try {
    await navigator.clipboard.writeText(text);
    say("the path so far is on the clipboard as the checker's path JSON", "note");
  } catch (err) {
    say("the clipboard is not available here: copy the path JSON from the box", "note");
  }
}

async function loadFile(file) {
  try {
    show(await request("/api/load", {text: await file.text()}));
    say(`loaded ${file.name}`, "note");
  } catch (err) {
    say(`${file.name}: ${err.message}`, "error");
  }
  $("load").value = "";
}

$("restart").onclick = () => move("restart");
$("back").onclick = () => move("back");
$("forward").onclick = () => move("forward");
$("copy").onclick = () => copyPath().catch((err) => say(err.message, "error"));
$("load").onchange = (event) => event.target.files.length && loadFile(event.target.files[0]);
window.addEventListener("popstate", () => open());
open().catch((err) => say(err.message, "error"));
"""

PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>wspshare explorer</title>
<style>{STYLE}</style>
</head>
<body>{BODY}<script>{SCRIPT}</script>
</body>
</html>
"""
