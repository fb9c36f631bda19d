/* Agent console: the assistant's next move as a guided script for a phone call.
 *
 * Every text is put in the page with textContent (never innerHTML). Each POST
 * carries the session's CSRF token. A call id is its own conversation.
 */
(function () {
  "use strict";

  var csrf = null;
  var callId = sessionStorage.getItem("agent-call");
  var busy = false;

  function $(id) { return document.getElementById(id); }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function clear(node, emptyText) {
    node.textContent = "";
    if (emptyText) { node.appendChild(el("p", "ac-empty", emptyText)); }
  }
  function telHref(number) { return "tel:+1" + number.replace(/\D/g, ""); }
  function link(href, text) { var a = el("a", null, text); a.href = href; return a; }

  var LINK = /([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})|(\b\d{3}-\d{3}-\d{4}\b)/g;
  function linkify(parent, text) {
    var last = 0, m;
    LINK.lastIndex = 0;
    while ((m = LINK.exec(text)) !== null) {
      if (m.index > last) { parent.appendChild(document.createTextNode(text.slice(last, m.index))); }
      parent.appendChild(m[1] ? link("mailto:" + m[1], m[1]) : link(telHref(m[2]), m[2]));
      last = LINK.lastIndex;
    }
    if (last < text.length) { parent.appendChild(document.createTextNode(text.slice(last))); }
    return parent;
  }
  function richText(text) {
    var box = el("div", "ac-text"), list = null, kind = null;
    String(text).split("\n").forEach(function (line) {
      var numbered = /^\d+\.\s+(.*)$/.exec(line), bullet = /^-\s+(.*)$/.exec(line);
      var k = numbered ? "ol" : bullet ? "ul" : null;
      if (k) {
        if (kind !== k) { list = el(k); box.appendChild(list); kind = k; }
        list.appendChild(linkify(el("li"), (numbered || bullet)[1]));
      } else {
        list = null; kind = null;
        if (line.trim()) { box.appendChild(linkify(el("p"), line)); }
      }
    });
    return box;
  }

  function history(who, text) {
    var item = el("li", "ac-said-by-" + who);
    item.appendChild(el("strong", null, who === "caller" ? "Caller: " : "Script: "));
    item.appendChild(document.createTextNode(text));
    $("ac-history").appendChild(item);
  }

  function showCard(card) {
    var dept = $("ac-department");
    clear(dept);
    dept.appendChild(el("p", "ac-dept-name", card.department_name || "Information only"));
    if (card.title) { dept.appendChild(el("p", "ac-dept-title", card.title)); }
    var check = $("ac-checklist");
    clear(check);
    if (card.include && card.include.length) {
      var ul = el("ul", "ac-checks");
      card.include.forEach(function (item, i) {
        var li = el("li");
        var box = el("input");
        box.type = "checkbox";
        box.id = "ac-check-" + i;
        var lab = el("label", null, item);
        lab.htmlFor = box.id;
        li.appendChild(box);
        li.appendChild(lab);
        ul.appendChild(li);
      });
      check.appendChild(ul);
    } else {
      check.appendChild(el("p", "ac-empty", "Nothing to collect for this one."));
    }
    var contacts = $("ac-contacts");
    clear(contacts);
    var list = el("ul", "ac-contact-list");
    (card.contacts || []).forEach(function (c) {
      var li = el("li");
      li.appendChild(document.createTextNode(c.label + ": "));
      if (c.kind === "phone") { li.appendChild(link(telHref(c.value), c.value)); }
      else if (c.kind === "email") { li.appendChild(link("mailto:" + c.value, c.value)); }
      else { li.appendChild(document.createTextNode(c.value)); }
      if (c.hours) { li.appendChild(document.createTextNode(" (" + c.hours + ")")); }
      list.appendChild(li);
    });
    contacts.appendChild(list);
  }

  function showTurn(messages) {
    var say = $("ac-say-text"), ask = $("ac-ask");
    clear(say);
    clear(ask, "No question. Read the Say part.");
    var asked = false;
    messages.forEach(function (m) {
      // Each message is one reply part, whole: its text, buttons and card together.
      if (m.custom && m.custom.type === "department_card") { showCard(m.custom); }
      if (m.custom && m.custom.type === "letter") {
        if (typeof m.text === "string" && m.text) { say.appendChild(richText(m.text)); }
        var block = el("section", "ac-readout");
        block.appendChild(el("h3", null, "Read out: " + (m.custom.title || "letter")));
        block.appendChild(el("pre", "ac-letter", m.custom.text || ""));
        say.appendChild(block);
        return;
      }
      if (m.buttons && m.buttons.length) {
        if (!asked) { clear(ask); asked = true; }
        ask.appendChild(richText(m.text || ""));
        var group = el("div", "ac-answers");
        group.setAttribute("role", "group");
        group.setAttribute("aria-label", "The caller's answer");
        m.buttons.forEach(function (b) {
          var button = el("button", "ac-answer", b.title);
          button.type = "button";
          button.addEventListener("click", function () { sendMessage(b.payload, b.title); });
          group.appendChild(button);
        });
        ask.appendChild(group);
        history("script", m.text || "");
        return;
      }
      if (typeof m.text === "string") {
        if (!say.childNodes.length) { history("script", m.text.split("\n")[0]); }
        say.appendChild(richText(m.text));
      }
    });
    if (asked && !messages.some(function (m) { return m.custom && m.custom.type === "department_card"; })) {
      clear($("ac-department"), "Not known yet.");
      clear($("ac-checklist"), "Nothing yet.");
      clear($("ac-contacts"), "Nothing yet.");
    }
    if (!say.childNodes.length) { say.appendChild(el("p", "ac-empty", "Nothing to read out.")); }
  }

  function post(path, body) {
    return fetch("/agent/" + path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body || {})
    }).then(function (r) {
      if (r.status === 401) { window.location.reload(); throw new Error("signed out"); }
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    });
  }

  function sendMessage(text, shown) {
    if (busy || !callId || !text || !text.trim()) { return; }
    busy = true;
    if (shown !== null) { history("caller", shown || text); }
    $("ac-status").textContent = "Working…";
    post("message", { call_id: callId, message: text }).then(function (messages) {
      showTurn(messages);
      $("ac-status").textContent = "Updated.";
    }).catch(function () {
      $("ac-status").textContent = "The assistant did not answer. Try again.";
    }).then(function () { busy = false; });
  }

  function newId() {
    var bytes = new Uint8Array(6);
    crypto.getRandomValues(bytes);
    return "call-" + Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function startCall(id) {
    callId = id;
    sessionStorage.setItem("agent-call", callId);
    $("ac-current-call").textContent = callId;
    clear($("ac-history"));
    clear($("ac-department"), "Not known yet.");
    clear($("ac-checklist"), "Nothing yet.");
    clear($("ac-contacts"), "Nothing yet.");
    clear($("ac-say-text"));
    clear($("ac-ask"));
    busy = false;
    sendMessage("/greet", null);
    $("ac-input").focus();
  }

  $("ac-new-call").addEventListener("submit", function (e) {
    e.preventDefault();
    var typed = $("ac-call-id").value.trim();
    if (typed && !/^[A-Za-z0-9_-]{4,64}$/.test(typed)) {
      $("ac-status").textContent = "A call id is 4 to 64 letters, digits, - or _.";
      return;
    }
    $("ac-call-id").value = "";
    startCall(typed || newId());
  });
  $("ac-say").addEventListener("submit", function (e) {
    e.preventDefault();
    var text = $("ac-input").value;
    $("ac-input").value = "";
    sendMessage(text);
  });
  $("ac-logout").addEventListener("click", function () {
    post("logout").then(function () { sessionStorage.removeItem("agent-call"); window.location.reload(); });
  });

  fetch("/agent/session", { credentials: "same-origin" }).then(function (r) {
    if (!r.ok) { window.location.reload(); throw new Error("signed out"); }
    return r.json();
  }).then(function (s) {
    csrf = s.csrf;
    $("ac-user").textContent = "Signed in as " + s.user;
    startCall(callId || newId());
  });
})();
