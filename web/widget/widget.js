/* Records and forms chat widget.
 *
 * Embed: <div id="records-chat"></div> <script src="/chat/widget.js" defer></script>
 *
 * Safety: every text from the user or the assistant is put in the page with
 * textContent or as text nodes; this file never assigns innerHTML. Links are
 * built as elements and only for https:, tel: and mailto: addresses.
 * Privacy: the conversation is kept in sessionStorage (this browser tab only),
 * never in localStorage; what a person types into a letter's blanks is never
 * stored or sent anywhere.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var base = new URL(".", script.src).href; // the folder widget.js came from, e.g. /chat/
  var endpoint = base + "webhook";
  var STORE = "records-chat";
  var container = document.getElementById(script.getAttribute("data-container") || "records-chat");
  if (!container) { return; }

  if (!document.querySelector('link[data-records-chat]')) {
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = base + "widget.css";
    css.setAttribute("data-records-chat", "");
    document.head.appendChild(css);
  }

  // ---- small DOM helpers (text only) -------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function newSender() {
    if (window.crypto && crypto.randomUUID) { return "web-" + crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return "web-" + Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // ---- state (sessionStorage only) ---------------------------------------
  function load() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(STORE) || "null");
      if (saved && typeof saved.sender === "string" && Array.isArray(saved.messages)) { return saved; }
    } catch (e) { /* start fresh */ }
    return { sender: newSender(), messages: [] };
  }
  var state = load();
  function save() {
    try { sessionStorage.setItem(STORE, JSON.stringify(state)); } catch (e) { /* private mode: keep in memory */ }
  }

  // ---- layout -------------------------------------------------------------
  var root = el("section", "rc");
  root.setAttribute("aria-labelledby", "rc-title");
  var head = el("div", "rc-head");
  var title = el("h2", "rc-title", "Records and forms help");
  title.id = "rc-title";
  var restart = el("button", "rc-restart", "Start over");
  restart.type = "button";
  head.appendChild(title);
  head.appendChild(restart);

  var log = el("ol", "rc-log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  log.setAttribute("aria-relevant", "additions");
  log.setAttribute("aria-label", "Conversation");
  log.tabIndex = 0;

  var typing = el("p", "rc-typing", "The assistant is typing…");
  typing.setAttribute("role", "status");
  typing.hidden = true;

  var form = el("form", "rc-form");
  var label = el("label", "rc-label", "Your message");
  label.htmlFor = "rc-input";
  var input = el("input", "rc-input");
  input.id = "rc-input";
  input.type = "text";
  input.autocomplete = "off";
  input.maxLength = 1000;
  input.setAttribute("aria-describedby", "rc-hint");
  var hint = el("p", "rc-hint", "Please don't type your date of birth, record number or SSN here.");
  hint.id = "rc-hint";
  var send = el("button", "rc-send", "Send");
  send.type = "submit";
  var row = el("div", "rc-row");
  row.appendChild(input);
  row.appendChild(send);
  form.appendChild(label);
  form.appendChild(row);
  form.appendChild(hint);

  root.appendChild(head);
  root.appendChild(log);
  root.appendChild(typing);
  root.appendChild(form);
  container.appendChild(root);

  // ---- rendering ------------------------------------------------------------
  var LINK = /(https:\/\/[^\s<>"]*[^\s<>".,;:!?)])|([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})|(\b(?:[a-z0-9-]+\.)+(?:org|com|gov|net)\b)|(\b\d{3}-\d{3}-\d{4}\b)/g;

  function telHref(number) { return "tel:+1" + number.replace(/\D/g, ""); }

  function link(href, text, external) {
    var a = el("a", "rc-link", text);
    a.href = href;
    if (external) { a.target = "_blank"; a.rel = "noopener noreferrer"; }
    return a;
  }

  // Text with links for web addresses, email addresses and phone numbers.
  function linkify(parent, text) {
    var last = 0, match;
    LINK.lastIndex = 0;
    while ((match = LINK.exec(text)) !== null) {
      if (match.index > last) { parent.appendChild(document.createTextNode(text.slice(last, match.index))); }
      if (match[1]) { parent.appendChild(link(match[1], match[1], true)); }
      else if (match[2]) { parent.appendChild(link("mailto:" + match[2], match[2], false)); }
      else if (match[3]) { parent.appendChild(link("https://" + match[3], match[3], true)); }
      else { parent.appendChild(link(telHref(match[4]), match[4], false)); }
      last = LINK.lastIndex;
    }
    if (last < text.length) { parent.appendChild(document.createTextNode(text.slice(last))); }
    return parent;
  }

  // Lines "1. ..." become a numbered list, "- ..." a bulleted list, others paragraphs.
  function richText(text) {
    var box = el("div", "rc-text");
    var list = null, kind = null;
    String(text).split("\n").forEach(function (line) {
      var numbered = /^\d+\.\s+(.*)$/.exec(line);
      var bullet = /^-\s+(.*)$/.exec(line);
      var itemKind = numbered ? "ol" : bullet ? "ul" : null;
      if (itemKind) {
        if (kind !== itemKind) { list = el(itemKind); box.appendChild(list); kind = itemKind; }
        list.appendChild(linkify(el("li"), (numbered || bullet)[1]));
      } else {
        list = null; kind = null;
        if (line.trim()) { box.appendChild(linkify(el("p"), line)); }
      }
    });
    return box;
  }

  function contactItem(contact) {
    var item = el("li");
    item.appendChild(document.createTextNode(contact.label + ": "));
    if (contact.kind === "phone") { item.appendChild(link(telHref(contact.value), contact.value, false)); }
    else if (contact.kind === "email") { item.appendChild(link("mailto:" + contact.value, contact.value, false)); }
    else if (contact.kind === "web" && /^https:\/\//.test(contact.value)) { item.appendChild(link(contact.value, contact.value, true)); }
    else { item.appendChild(document.createTextNode(contact.value)); }
    if (contact.hours) { item.appendChild(el("span", "rc-hours", " (" + contact.hours + ")")); }
    return item;
  }

  function departmentCard(card) {
    var box = el("section", "rc-card");
    var name = card.department_name || card.title;
    box.setAttribute("aria-label", "Department: " + name);
    box.appendChild(el("h3", "rc-card-name", name));
    if (card.department_name && card.title) { box.appendChild(el("p", "rc-card-title", card.title)); }
    if (Array.isArray(card.contacts) && card.contacts.length) {
      box.appendChild(el("h4", null, "How to reach them"));
      var list = el("ul", "rc-contacts");
      card.contacts.forEach(function (c) { list.appendChild(contactItem(c)); });
      box.appendChild(list);
    }
    return box;
  }

  var letterCount = 0;
  // A letter with blanks the person fills in here. Values stay in the page:
  // never saved, never sent.
  function letter(payload) {
    letterCount += 1;
    var box = el("section", "rc-letter");
    box.setAttribute("aria-label", payload.title || "Letter");
    box.appendChild(el("h3", null, payload.title || "Letter"));
    var fields = el("div", "rc-letter-fields");
    var values = {};
    var preview = el("div", "rc-letter-text");
    preview.setAttribute("aria-label", "Your letter");
    var parts = Array.isArray(payload.parts) ? payload.parts : [String(payload.text || "")];

    function textOf(blankText) {
      return parts.map(function (part) {
        if (typeof part === "string") { return part; }
        var v = values[part.blank];
        return v ? v : blankText(part);
      }).join("");
    }
    function refresh() {
      preview.textContent = textOf(function (p) { return "[" + p.label + "]"; });
    }
    var seen = {};
    parts.forEach(function (part) {
      if (typeof part === "string" || seen[part.blank]) { return; }
      seen[part.blank] = true;
      var id = "rc-letter-" + letterCount + "-" + String(part.blank).replace(/[^A-Za-z0-9_-]/g, "");
      var lab = el("label", "rc-label", part.label);
      lab.htmlFor = id;
      var field = el("input", "rc-input");
      field.id = id;
      field.type = "text";
      field.autocomplete = "off";
      field.setAttribute("data-blank", part.blank);
      field.addEventListener("input", function () { values[part.blank] = field.value; refresh(); });
      fields.appendChild(lab);
      fields.appendChild(field);
    });
    refresh();
    box.appendChild(el("p", "rc-hint", "Fill in the blanks. What you type stays on this screen: it is not sent or saved."));
    box.appendChild(fields);
    box.appendChild(preview);

    var actions = el("div", "rc-row");
    var print = el("button", "rc-action", "Print");
    print.type = "button";
    print.addEventListener("click", function () {
      document.documentElement.classList.add("rc-print-letter");
      box.classList.add("rc-printing");
      var done = function () {
        document.documentElement.classList.remove("rc-print-letter");
        box.classList.remove("rc-printing");
        window.removeEventListener("afterprint", done);
      };
      window.addEventListener("afterprint", done);
      window.print();
    });
    var download = el("button", "rc-action", "Download .txt");
    download.type = "button";
    download.addEventListener("click", function () {
      var blob = new Blob([textOf(function (p) { return "[" + p.label + "]"; }) + "\n"], { type: "text/plain;charset=utf-8" });
      var a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = "records-request-letter.txt";
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
    });
    actions.appendChild(print);
    actions.appendChild(download);
    box.appendChild(actions);
    return box;
  }

  function timeLabel(iso) {
    var t = el("time", "rc-time", new Date(iso).toLocaleTimeString([], { hour: "numeric", minute: "2-digit" }));
    t.dateTime = iso;
    return t;
  }

  function render(message, live) {
    var item = el("li", "rc-msg " + (message.from === "user" ? "rc-user" : "rc-bot"));
    item.appendChild(el("span", "rc-sr", message.from === "user" ? "You said:" : "Assistant said:"));
    if (typeof message.text === "string") {
      item.appendChild(message.from === "user" ? el("p", "rc-text", message.text) : richText(message.text));
    }
    if (message.custom && message.custom.type === "department_card") { item.appendChild(departmentCard(message.custom)); }
    else if (message.custom && message.custom.type === "letter") { item.appendChild(letter(message.custom)); }
    if (Array.isArray(message.buttons) && message.buttons.length) {
      var group = el("div", "rc-buttons");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", "Choices");
      message.buttons.forEach(function (b) {
        var button = el("button", "rc-choice", b.title);
        button.type = "button";
        button.disabled = !live;
        button.addEventListener("click", function () { submit(b.payload, b.title); });
        group.appendChild(button);
      });
      item.appendChild(group);
    }
    item.appendChild(timeLabel(message.time));
    log.appendChild(item);
    return item;
  }

  function renderAll() {
    log.textContent = "";
    var lastUser = -1;
    state.messages.forEach(function (m, i) { if (m.from === "user") { lastUser = i; } });
    state.messages.forEach(function (m, i) { render(m, i > lastUser); });
  }

  function add(message) {
    message.time = message.time || new Date().toISOString();
    state.messages.push(message);
    save();
    return render(message, true);
  }

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  // ---- talking to the assistant ---------------------------------------------
  var busy = false;
  function submit(text, shown) {
    if (busy || !text || !text.trim()) { return; }
    busy = true;
    Array.prototype.forEach.call(log.querySelectorAll(".rc-choice"), function (b) { b.disabled = true; });
    if (shown !== null) { add({ from: "user", text: shown || text }); }
    typing.hidden = false;
    send.disabled = true;
    scrollDown();
    fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: state.sender, message: text }),
      credentials: "same-origin"
    }).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    }).then(function (messages) {
      messages.forEach(function (m) {
        add({ from: "bot", text: m.text, buttons: m.buttons, custom: m.custom });
      });
    }).catch(function () {
      add({ from: "bot", text: "Sorry, the chat is not working right now. Please try again in a moment." });
    }).then(function () {
      busy = false;
      typing.hidden = true;
      send.disabled = false;
      scrollDown();
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    input.value = "";
    submit(text);
    input.focus();
  });

  restart.addEventListener("click", function () {
    state = { sender: newSender(), messages: [] };
    save();
    renderAll();
    submit("/greet", null);
    input.focus();
  });

  renderAll();
  scrollDown();
  if (!state.messages.length) { submit("/greet", null); }
})();
