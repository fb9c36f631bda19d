/* Chats and texts handed to a person (docs/handoff.md).
 *
 * Polls the queue and the open conversation every 2 seconds (plain fetch, no
 * library). Every text goes into the page with textContent. Each POST carries
 * the session's CSRF token. The transcript is the conversation as stored: the
 * person's words already masked.
 */
(function () {
  "use strict";

  var csrf = null;
  var current = null; // the handoff id this page has open
  var suggestion = "";
  var POLL_MS = 2000;

  function $(id) { return document.getElementById(id); }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function say(text) { $("ho-status").textContent = text; }

  function post(path, body) {
    return fetch("/agent/" + path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body || {})
    }).then(function (r) {
      return r.json().then(function (data) {
        if (!r.ok) { throw new Error(data.error || ("HTTP " + r.status)); }
        return data;
      });
    });
  }
  function get(path) {
    return fetch("/agent/" + path, { credentials: "same-origin" }).then(function (r) {
      if (r.status === 401) { window.location.href = "/agent/"; throw new Error("signed out"); }
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    });
  }

  function waited(seconds) {
    if (seconds < 60) { return seconds + " s"; }
    return Math.floor(seconds / 60) + " min " + (seconds % 60) + " s";
  }
  function contextText(ctx) {
    return [ctx.department, ctx.route, ctx.region].filter(function (v) { return v; }).join(", ") || "not known yet";
  }
  function answeredText(ctx) {
    var answered = ctx.answered || {};
    var keys = Object.keys(answered);
    return keys.length ? keys.map(function (k) { return k + ": " + answered[k]; }).join("; ") : "nothing yet";
  }

  function showQueue(queue) {
    var body = $("ho-queue");
    body.textContent = "";
    $("ho-queue-empty").hidden = queue.length > 0;
    queue.forEach(function (h) {
      var row = el("tr");
      row.setAttribute("data-handoff", h.id);
      [h.channel === "sms" ? "Text (SMS)" : "Web chat", h.language, waited(h.waited_seconds),
       h.state === "taken" ? "With " + h.agent : "Waiting", contextText(h.context || {}),
       answeredText(h.context || {})].forEach(function (v) { row.appendChild(el("td", null, v)); });
      var actions = el("td");
      var button = el("button", "ho-take", h.state === "waiting" ? "Take" : "Open");
      button.type = "button";
      button.addEventListener("click", function () {
        if (h.state === "waiting") { take(h.id); } else { open(h.id); }
      });
      actions.appendChild(button);
      row.appendChild(actions);
      body.appendChild(row);
    });
  }

  function take(id) {
    post("handoffs/" + id + "/take").then(function () {
      say("You have this conversation. The assistant is silent until you end it.");
      open(id);
      refreshQueue();
    }).catch(function (e) { say("Could not take it: " + e.message + "."); refreshQueue(); });
  }

  var shownLines = -1;
  function showChat(h) {
    $("ho-chat").hidden = false;
    $("ho-chat-state").textContent = (h.channel === "sms" ? "Text (SMS)" : "Web chat") + ", " +
      (h.state === "taken" ? "with " + h.agent : h.state) + (h.paused ? ". The assistant is paused." : ".") +
      " Department, route, region: " + contextText(h.context || {}) + ".";
    if (h.transcript.length !== shownLines) {
      var list = $("ho-transcript");
      list.textContent = "";
      h.transcript.forEach(function (line) {
        var who = line.from === "person" ? "Person" : (line.from === "agent" ? "You (agent)" : "Assistant");
        var item = el("li", "ho-line ho-" + line.from);
        item.appendChild(el("strong", null, who + ": "));
        item.appendChild(document.createTextNode(line.text));
        list.appendChild(item);
      });
      shownLines = h.transcript.length;
    }
    var mine = h.state === "taken";
    $("ho-reply").hidden = !mine;
    $("ho-end").hidden = !mine;
  }

  function open(id) {
    if (current !== id) { shownLines = -1; }
    current = id;
    sessionStorage.setItem("agent-handoff", id);
    return get("handoffs/" + id).then(showChat).catch(function () { /* next poll */ });
  }

  function refreshQueue() {
    return get("handoffs").then(function (found) { showQueue(found.queue || []); }).catch(function () {});
  }

  $("ho-reply").addEventListener("submit", function (e) {
    e.preventDefault();
    var text = $("ho-input").value.trim();
    if (!text || !current) { return; }
    post("handoffs/" + current + "/reply", { message: text }).then(function (r) {
      $("ho-input").value = "";
      say(r.sent ? "Sent." : "Saved, but the text message could not be sent.");
      open(current);
    }).catch(function (err) { say("Not sent: " + err.message + "."); });
  });

  $("ho-suggest").addEventListener("click", function () {
    if (!current) { return; }
    var box = $("ho-suggestion");
    box.textContent = "";
    box.appendChild(el("p", "ac-empty", "Working it out…"));
    post("handoffs/" + current + "/suggest").then(function (r) {
      box.textContent = "";
      suggestion = r.replies.map(function (m) { return m.text; }).join("\n");
      if (!suggestion) { box.appendChild(el("p", "ac-empty", "No suggestion for this message.")); }
      else {
        box.appendChild(el("p", null, "For: " + r["for"]));
        suggestion.split("\n").forEach(function (line) { box.appendChild(el("p", "ho-suggested", line)); });
      }
      $("ho-use").hidden = !suggestion;
    }).catch(function () { box.textContent = ""; box.appendChild(el("p", "ac-empty", "No suggestion now.")); });
  });
  $("ho-use").addEventListener("click", function () {
    $("ho-input").value = suggestion.replace(/\n/g, " ").slice(0, 1000);
    $("ho-input").focus();
  });

  $("ho-end").addEventListener("click", function () {
    if (!current) { return; }
    post("handoffs/" + current + "/end").then(function () {
      say("Ended. The assistant answers this person again.");
      open(current);
      refreshQueue();
    }).catch(function (err) { say("Could not end it: " + err.message + "."); });
  });

  fetch("/agent/session", { credentials: "same-origin" }).then(function (r) {
    if (!r.ok) { window.location.href = "/agent/"; throw new Error("signed out"); }
    return r.json();
  }).then(function (s) {
    csrf = s.csrf;
    $("ho-user").textContent = "Signed in as " + s.user;
    var saved = sessionStorage.getItem("agent-handoff");
    if (saved) { open(saved); }
    refreshQueue();
    window.setInterval(function () {
      refreshQueue();
      if (current) { open(current); }
    }, POLL_MS);
  });
})();
