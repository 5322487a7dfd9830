// The query page: sends the query to /sparql and shows the answer. Every value is inserted with
// textContent, never as HTML, so nothing in the data can run as markup or script.
"use strict";

const queryBox = document.getElementById("query");
const statusLine = document.getElementById("status");
const errorBox = document.getElementById("error");
const results = document.getElementById("results");

function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function showError(message) {
  errorBox.hidden = false;
  errorBox.textContent = message;
}

function renderRows(answer) {
  if ("boolean" in answer) {
    results.appendChild(element("p", "Answer: " + answer.boolean));
    return 0;
  }
  const vars = answer.head.vars;
  const table = element("table");
  const head = table.createTHead().insertRow();
  for (const v of vars) head.appendChild(element("th", v));
  const body = table.createTBody();
  for (const binding of answer.results.bindings) {
    const row = body.insertRow();
    for (const v of vars) {
      const term = binding[v];
      const cell = row.insertCell();
      if (term) {
        cell.textContent = term.type === "bnode" ? "_:" + term.value : term.value;
        if (term.type === "uri") cell.className = "uri";
      }
    }
  }
  results.appendChild(table);
  return answer.results.bindings.length;
}

async function runQuery() {
  clear(results);
  errorBox.hidden = true;
  statusLine.textContent = "running…";
  const started = performance.now();
  try {
    const response = await fetch("/sparql", {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/sparql-results+json, text/turtle;q=0.9",
      },
      body: new URLSearchParams({ query: queryBox.value }),
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const text = await response.text();
    if (!response.ok) {
      statusLine.textContent = "";
      showError(response.status + ": " + text);
      return;
    }
    const type = response.headers.get("Content-Type") || "";
    const truncated = response.headers.get("X-KG-Truncated") === "true";
    let count;
    if (type.includes("json")) {
      count = renderRows(JSON.parse(text));
    } else {
      results.appendChild(element("pre", text, "graph"));
      count = (text.match(/\n/g) || []).length;
    }
    statusLine.textContent = count + (type.includes("json") ? " rows" : " lines") + " in " + seconds + " s" +
      (truncated ? " (cut off at the server's row limit " + response.headers.get("X-KG-Row-Limit") + ")" : "");
  } catch (err) {
    statusLine.textContent = "";
    showError("could not reach the server: " + err);
  }
}

async function loadNamed() {
  const list = document.getElementById("named");
  try {
    const response = await fetch("/queries.json");
    for (const q of await response.json()) {
      const item = element("li");
      const button = element("button", q.title || q.name);
      button.type = "button";
      button.title = q.name;
      button.addEventListener("click", () => {
        queryBox.value = q.query;
        runQuery();
      });
      item.appendChild(button);
      item.appendChild(element("p", q.description));
      list.appendChild(item);
    }
  } catch (err) {
    list.appendChild(element("li", "could not load the named queries: " + err));
  }
}

document.getElementById("run").addEventListener("click", runQuery);
queryBox.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) runQuery();
});
loadNamed();
