/* Agent console: the assistant's next move as a guided script for a phone call.
 *
 * Every text is put in the page with textContent (never innerHTML). Each POST
 * carries the session's CSRF token. A call id is its own conversation.
 * The current call id is kept in sessionStorage: after a reload the console asks
 * the server for the call (GET /agent/call/<id>) and replays its turns. Numbers
 * to transfer to come from the server (GET /agent/directory, from content).
 * The caller's language: "English" / "Español" send that word into the call like
 * the caller's own words (the conversation step switches), so what to say and ask,
 * the checklist and the answers come in the caller's language; the console's own
 * labels stay in English. Each message says its language (lang on what is shown).
 */
(function () {
  "use strict";

  var csrf = null;
  var callId = sessionStorage.getItem("agent-call");
  var busy = false;
  var LANGUAGE_NAMES = { en: "English", es: "Spanish" };  // for the agent, in English
  var CHOICE_WORDS = { en: "English", es: "Español" };     // what the buttons send: content/languages.yml reads it
  var callLanguage = "en";
  var callerTurns = 0;  // the caller's turns so far, language choices aside

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

  // The caller's language as the latest message says it.
  function showLanguage(language) {
    if (!LANGUAGE_NAMES[language]) { return; }
    callLanguage = language;
    $("ac-call-language").textContent = LANGUAGE_NAMES[language];
    Array.prototype.forEach.call(document.querySelectorAll(".ac-lang"), function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-language") === language));
    });
    $("ac-script-link").href = "/agent/script" + (language === "en" ? "" : "?language=" + language);
    $("ac-script-language").textContent = LANGUAGE_NAMES[language];
  }
  function inLanguage(node, language) {
    if (LANGUAGE_NAMES[language]) { node.lang = language; }
    return node;
  }
  function isChoice(text) {
    return Object.keys(CHOICE_WORDS).some(function (k) { return CHOICE_WORDS[k] === text; });
  }

  // language: the words' own, when known (a Spanish answer, a Spanish button's title)
  function history(who, text, language) {
    var item = el("li", "ac-said-by-" + who);
    item.appendChild(el("strong", null, who === "caller" ? "Caller: " : "Script: "));
    item.appendChild(LANGUAGE_NAMES[language] ? inLanguage(el("span", null, text), language) : document.createTextNode(text));
    $("ac-history").appendChild(item);
  }

  function showCard(card, language) {
    var dept = $("ac-department");
    clear(dept);
    dept.appendChild(card.department_name ? inLanguage(el("p", "ac-dept-name", card.department_name), language)
      : el("p", "ac-dept-name", "Information only"));
    if (card.title) { dept.appendChild(inLanguage(el("p", "ac-dept-title", card.title), language)); }
    var check = $("ac-checklist");
    clear(check);
    if (card.include && card.include.length) {
      var ul = el("ul", "ac-checks");
      card.include.forEach(function (item, i) {
        var li = el("li");
        var box = el("input");
        box.type = "checkbox";
        box.id = "ac-check-" + i;
        var lab = inLanguage(el("label", null, item), language);
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
    contacts.appendChild(inLanguage(contactList(card.contacts || []), language));
    if (card.department) { showTransfer(findTransfer(card.department, card.region)); }
  }

  // -- contacts, copy buttons and transfer ------------------------------------
  function contactItem(c) {
    var li = el("li", "ac-contact");
    li.appendChild(document.createTextNode(c.label + ": "));
    if (c.kind === "phone") { li.appendChild(link(telHref(c.value), c.value)); }
    else if (c.kind === "email") { li.appendChild(link("mailto:" + c.value, c.value)); }
    else { li.appendChild(document.createTextNode(c.value)); }
    if (c.hours) { li.appendChild(document.createTextNode(" (" + c.hours + ")")); }
    var copy = el("button", "ac-copy", "Copy");
    copy.type = "button";
    copy.setAttribute("aria-label", "Copy " + c.label + " " + c.value);
    copy.addEventListener("click", function () { copyText(c.value, c.label); });
    li.appendChild(document.createTextNode(" "));
    li.appendChild(copy);
    return li;
  }
  function contactList(items) {
    var list = el("ul", "ac-contact-list");
    items.forEach(function (c) { list.appendChild(contactItem(c)); });
    return list;
  }

  function copied(value, label, ok) {
    var note = $("ac-copied");
    note.textContent = "";
    window.setTimeout(function () {  // a fresh text, so screen readers announce it again
      note.textContent = ok ? "Copied " + label + ": " + value : "Could not copy. Select it and copy it by hand: " + value;
    }, 30);
  }
  function copyByHand(value) {
    // Fallback without the Clipboard API (older browsers, pages not on https)
    var buffer = $("ac-copy-buffer");
    buffer.value = value;
    buffer.removeAttribute("hidden");
    buffer.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    buffer.setAttribute("hidden", "");
    return ok;
  }
  function copyText(value, label) {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(value).then(function () { copied(value, label, true); },
        function () { copied(value, label, copyByHand(value)); });
    } else {
      copied(value, label, copyByHand(value));
    }
  }

  var departments = [];  // GET /agent/directory: each department's numbers by region, from the content files
  function findTransfer(department, region) {
    var same = departments.filter(function (d) { return d.department === department; });
    return same.filter(function (d) { return d.region === region; })[0] || same[0] || null;
  }
  function transferBlock(entry) {
    var box = el("div", "ac-transfer-entry");
    box.appendChild(el("p", "ac-transfer-name", entry.name + " (" + entry.region_name + ")"));
    if (entry.main_number) { box.appendChild(el("p", "ac-note", "No line of its own: use the main number.")); }
    box.appendChild(contactList(entry.numbers));
    return box;
  }
  function showTransfer(entry) {
    var box = $("ac-transfer");
    clear(box, entry ? null : "No department yet. Pick one below.");
    if (entry) { box.appendChild(transferBlock(entry)); }
  }
  function fillDirectory(list) {
    departments = list;
    var select = $("ac-transfer-dept");
    list.forEach(function (d, i) {
      var option = el("option", null, d.name + " (" + d.region_name + ")");
      option.value = String(i);
      select.appendChild(option);
    });
  }
  $("ac-transfer-dept").addEventListener("change", function () {
    var box = $("ac-transfer-other"), entry = departments[Number(this.value)];
    clear(box);
    if (this.value !== "" && entry) { box.appendChild(transferBlock(entry)); }
  });

  function showTurn(messages) {
    var say = $("ac-say-text"), ask = $("ac-ask");
    // The answer to a language choice only says so: the question asked before stays.
    var languageOnly = messages.length > 0 && messages.every(function (m) { return m.part === "language"; });
    var latest = null;
    messages.forEach(function (m) { latest = LANGUAGE_NAMES[m.language] ? m.language : latest; });
    if (latest) { showLanguage(latest); }
    clear(say);
    if (!languageOnly) { clear(ask, "No question. Read the Say part."); }
    var asked = false;
    messages.forEach(function (m) {
      // Each message is one reply part, whole: its text, buttons and card together.
      if (m.custom && m.custom.type === "department_card") { showCard(m.custom, m.language); }
      if (m.custom && m.custom.type === "letter") {
        if (typeof m.text === "string" && m.text) { say.appendChild(inLanguage(richText(m.text), m.language)); }
        var block = el("section", "ac-readout");
        var heading = el("h3", null, "Read out: ");
        heading.appendChild(m.custom.title ? inLanguage(el("span", null, m.custom.title), m.language) : document.createTextNode("letter"));
        block.appendChild(heading);
        block.appendChild(inLanguage(el("pre", "ac-letter", m.custom.text || ""), m.language));
        say.appendChild(block);
        return;
      }
      if (m.buttons && m.buttons.length) {
        if (!asked) { clear(ask); asked = true; }
        ask.appendChild(inLanguage(richText(m.text || ""), m.language));
        var group = el("div", "ac-answers");
        group.setAttribute("role", "group");
        group.setAttribute("aria-label", "The caller's answer");
        m.buttons.forEach(function (b) {
          var button = inLanguage(el("button", "ac-answer", b.title), m.language);
          button.type = "button";
          button.addEventListener("click", function () { sendMessage(b.payload, b.title, m.language); });
          group.appendChild(button);
        });
        ask.appendChild(group);
        history("script", m.text || "", m.language);
        return;
      }
      if (typeof m.text === "string") {
        if (!say.childNodes.length) { history("script", m.text.split("\n")[0], m.language); }
        say.appendChild(inLanguage(richText(m.text), m.language));
      }
    });
    if (asked && !messages.some(function (m) { return m.custom && m.custom.type === "department_card"; })) {
      clear($("ac-department"), "Not known yet.");
      clear($("ac-checklist"), "Nothing yet.");
      clear($("ac-contacts"), "Nothing yet.");
      showTransfer(null);
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

  // One turn; the promise says whether the assistant answered.
  function sendMessage(text, shown, language) {
    if (busy || !callId || !text || !text.trim()) { return Promise.resolve(false); }
    busy = true;
    if (shown !== null) {
      history("caller", shown || text, shown ? language : null);
      if (!isChoice(text)) { callerTurns += 1; }
    }
    $("ac-status").textContent = "Working…";
    return post("message", { call_id: callId, message: text }).then(function (messages) {
      showTurn(messages);
      $("ac-status").textContent = "Updated.";
      return true;
    }).catch(function () {
      $("ac-status").textContent = "The assistant did not answer. Try again.";
      return false;
    }).then(function (answered) { busy = false; return answered; });
  }

  // The caller's language, chosen by the agent: the word goes into the call; at the
  // start of a call the opening question is asked again, now in that language.
  function chooseLanguage(language) {
    if (busy || !callId || language === callLanguage) { return; }
    sendMessage(CHOICE_WORDS[language]).then(function (answered) {
      if (answered && callerTurns === 0) { sendMessage("/greet", null); }
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll(".ac-lang"), function (b) {
    b.addEventListener("click", function () { chooseLanguage(b.getAttribute("data-language")); });
  });

  function newId() {
    var bytes = new Uint8Array(6);
    crypto.getRandomValues(bytes);
    return "call-" + Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function resetCall(id) {
    callId = id;
    sessionStorage.setItem("agent-call", callId);
    $("ac-current-call").textContent = callId;
    clear($("ac-history"));
    clear($("ac-department"), "Not known yet.");
    clear($("ac-checklist"), "Nothing yet.");
    clear($("ac-contacts"), "Nothing yet.");
    clear($("ac-say-text"));
    clear($("ac-ask"));
    showTransfer(null);
    showNotes({ outcome: "", notes: "", agent: null, updated: null });
    showLanguage("en");
    callerTurns = 0;
    busy = false;
  }

  function startCall(id) {
    resetCall(id);
    sendMessage("/greet", null);
    $("ac-input").focus();
  }

  // After a reload: the call as the server keeps it (the tracker), replayed turn by turn.
  function restoreCall(state) {
    resetCall(state.call_id);
    state.turns.forEach(function (turn) {
      if (turn.caller) {
        history("caller", turn.caller);
        if (!isChoice(turn.caller)) { callerTurns += 1; }
      }
      if (turn.messages.length) { showTurn(turn.messages); }
    });
    showLanguage(state.language || "en");
    if (state.transfer) { showTransfer(state.transfer); }
    showNotes(state.notes);
    $("ac-status").textContent = "Call restored.";
  }

  function openCall(id) {
    fetch("/agent/call/" + encodeURIComponent(id), { credentials: "same-origin" }).then(function (r) {
      if (r.status === 401) { window.location.reload(); throw new Error("signed out"); }
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    }).then(function (state) {
      if (state.known && state.turns.length) { restoreCall(state); } else { startCall(id); }
    }).catch(function () { startCall(id); });
  }

  // -- notes and outcome ---------------------------------------------------
  function when(seconds) {
    return new Date(seconds * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }
  function showNotes(saved) {
    $("ac-outcome").value = saved.outcome || "";
    $("ac-notes").value = saved.notes || "";
    $("ac-notes-status").textContent = saved.updated ? "Saved by " + saved.agent + " at " + when(saved.updated) + "." : "";
  }
  $("ac-notes-form").addEventListener("submit", function (e) {
    e.preventDefault();
    if (!callId) { return; }
    $("ac-notes-status").textContent = "Saving…";
    post("call/" + encodeURIComponent(callId) + "/notes", { outcome: $("ac-outcome").value, notes: $("ac-notes").value })
      .then(showNotes)
      .catch(function () { $("ac-notes-status").textContent = "The notes were not saved. Try again."; });
  });

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
    if (s.role === "supervisor") {  // the dashboard (docs/analytics.md); the server checks the role again
      var link = document.createElement("a");
      link.href = "/agent/dashboard";
      link.className = "db-link";
      link.textContent = "Dashboard";
      $("ac-user").insertAdjacentElement("afterend", link);
    }
    return fetch("/agent/directory", { credentials: "same-origin" }).then(function (r) {
      return r.ok ? r.json() : { departments: [] };
    }).catch(function () { return { departments: [] }; });
  }).then(function (found) {
    fillDirectory(found.departments || []);
    if (callId) { openCall(callId); } else { startCall(newId()); }
  });
})();
