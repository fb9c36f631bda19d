/* Records and forms chat widget.
 *
 * Embed: <div id="records-chat"></div> <script src="/chat/widget.js" defer></script>
 * The chat opens from a button in the bottom right corner; with
 * <div id="records-chat" data-mode="inline"> it is shown in the page instead.
 *
 * Safety: every text from the user or the assistant is put in the page with
 * textContent or as text nodes; this file never assigns innerHTML. Links are
 * built as elements and only for https:, tel: and mailto: addresses.
 * Privacy: the conversation is kept in sessionStorage (this browser tab only),
 * never in localStorage, and what the person typed is kept there masked (SSN,
 * card, record number, date of birth); what a person types into a letter's
 * blanks is never stored or sent anywhere.
 * Facts (organization, phone, hours, 911 / 988) come from GET config, which the
 * server reads from the content files: none is written here.
 * Talking to a person (docs/handoff.md): while a handoff is open the widget polls
 * POST handoff/status every few seconds (plain fetch: no library, no socket) for
 * the agent's messages and the handoff's state; "Leave the line" ends it.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var base = new URL(".", script.src).href; // the folder widget.js came from, e.g. /chat/
  var endpoint = base + "webhook";
  var STORE = "records-chat";
  var POLL_MS = 2500; // how often an open handoff asks for the agent's messages
  var FOLD_AFTER = 3; // steps shown before "Show all steps"
  var container = document.getElementById(script.getAttribute("data-container") || "records-chat");
  if (!container) { return; }
  var inline = container.getAttribute("data-mode") === "inline";

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

  function button(className, text) {
    var b = el("button", className, text);
    b.type = "button";
    return b;
  }

  function newSender() {
    if (window.crypto && crypto.randomUUID) { return "web-" + crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return "web-" + Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // ---- identifiers --------------------------------------------------------
  // The same kinds and labels as the server's privacy/masking.py (which masks
  // again before anything is stored): a date of birth, SSN or record number
  // after its cue word, any 13 to 19 digit card number, any 123-45-6789 number.
  // No lookbehind: older Safari would refuse the whole script.
  var MONTHS = "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|" +
    "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?";
  var DATE = "(?:\\d{1,4}\\s*[/.\\-]\\s*\\d{1,2}\\s*[/.\\-]\\s*\\d{2,4}" +
    "|(?:" + MONTHS + ")\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?(?:,?\\s*\\d{2,4})?" +
    "|\\d{1,2}(?:st|nd|rd|th)?\\s+(?:of\\s+)?(?:" + MONTHS + ")\\.?(?:,?\\s*\\d{2,4})?" +
    "|(?:" + MONTHS + ")\\.?,?\\s+\\d{4}|\\d{1,2}\\s*/\\s*\\d{1,2}|(?:19|20)\\d{2})";
  var IDENTIFIERS = [
    { label: "[date of birth]", words: "a date of birth", pattern: new RegExp(
      "\\b(born|birth\\s*date|date\\s+of\\s+birth|d\\.?\\s?o\\.?\\s?b\\.?|birthday|bday|b-day)" +
      "([\\s:,#\\-]*(?:(?:is|was|on|the|in|my|:)[\\s:,]+){0,3})" + DATE, "gi") },
    { label: "[ssn]", words: "a Social Security number", pattern: new RegExp(
      "\\b(ssn|s\\.s\\.n\\.?|social\\s+security(?:\\s+(?:number|no\\.?|#))?)" +
      "([\\s:#\\-]*(?:(?:is|number|no\\.?|=|:)[\\s:#]*){0,2})\\d(?:[ .\\-]?\\d){3,10}", "gi") },
    { label: "[record number]", words: "a record number", pattern: new RegExp(
      "\\b(mrn|m\\.r\\.n\\.?|medical\\s+record(?:\\s+number|\\s+no\\.?|\\s+#)?|record\\s+(?:number|no\\.?|#)|" +
      "chart\\s+(?:number|no\\.?|#)|patient\\s+(?:id|number|no\\.?|#)|member\\s+(?:id|number|no\\.?|#)|" +
      "account\\s+(?:number|no\\.?|#))([\\s:#\\-]*(?:(?:is|=|:)[\\s:#]*)?)" +
      "(?=[A-Za-z0-9\\-]*\\d)[A-Za-z0-9][A-Za-z0-9\\-]{3,29}", "gi") },
    { label: "[card number]", words: "a card number", pattern: /(^|[^0-9])()\d(?:[ .\-]?\d){12,18}(?![0-9])/g },
    { label: "[ssn]", words: "a Social Security number", pattern: /(^|[^0-9])()(?:\d{3}[ .\-]\d{2}[ .\-]\d{4}|\d{9})(?![0-9])/g }
  ];

  // The text with identifiers replaced by their labels (the cue words kept, so
  // the message still reads), and which kinds were found.
  function maskIdentifiers(text) {
    var found = [];
    IDENTIFIERS.forEach(function (kind) {
      text = String(text).replace(kind.pattern, function (match, cue, gap) {
        if (found.indexOf(kind.words) < 0) { found.push(kind.words); }
        return cue + gap + kind.label;
      });
    });
    return { text: text, found: found };
  }

  // ---- state (sessionStorage only) ---------------------------------------
  function load() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(STORE) || "null");
      if (saved && typeof saved.sender === "string" && Array.isArray(saved.messages)) { return saved; }
    } catch (e) { /* start fresh */ }
    return { sender: newSender(), messages: [], open: false };
  }
  var state = load();
  function save() {
    try { sessionStorage.setItem(STORE, JSON.stringify(state)); } catch (e) { /* private mode: keep in memory */ }
  }

  // ---- layout -------------------------------------------------------------
  var root = el("section", "rc " + (inline ? "rc-inline" : "rc-panel"));
  root.id = "rc-panel";
  root.setAttribute("aria-labelledby", "rc-title");
  var head = el("div", "rc-head");
  var heading = el("div", "rc-heading");
  var title = el("h2", "rc-title", "Records and forms help");
  title.id = "rc-title";
  var org = el("p", "rc-org");
  heading.appendChild(title);
  heading.appendChild(org);
  var tools = el("div", "rc-tools");
  var restart = button("rc-restart", "Start over");
  tools.appendChild(restart);
  var close = null;
  if (!inline) {
    close = button("rc-close", "Close");
    close.setAttribute("aria-label", "Close chat");
    tools.appendChild(close);
  }
  head.appendChild(heading);
  head.appendChild(tools);

  // Filled from the server's content (GET config); empty until it answers.
  var notice = el("p", "rc-notice");
  notice.hidden = true;
  var hoursLine = el("p", "rc-hours-line");
  hoursLine.hidden = true;

  // The conversation: a scrollable log (a div, so the list keeps its list
  // semantics) around an <ol>. The log itself is not live: it would read the
  // person's own messages back and the whole list again after "Start over".
  // New answers are read once from the announcer below instead.
  var log = el("div", "rc-log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "off");
  log.setAttribute("aria-label", "Conversation");
  log.tabIndex = 0; // scrollable by keyboard
  var list = el("ol", "rc-list");
  log.appendChild(list);

  var announcer = el("div", "rc-sr rc-announce");
  announcer.setAttribute("aria-live", "polite");

  var typing = el("p", "rc-typing", "The assistant is typing…");
  typing.setAttribute("role", "status");
  typing.hidden = true;

  // When the assistant cannot be reached: what happened, Retry, and the phone.
  var problem = el("div", "rc-problem");
  problem.setAttribute("role", "alert");
  problem.hidden = true;
  var problemText = el("div", "rc-problem-text");
  var retry = button("rc-action rc-retry", "Retry");
  problem.appendChild(problemText);
  problem.appendChild(retry);

  // Before sending something that looks like an identifier.
  var warning = el("div", "rc-warning");
  warning.setAttribute("role", "alert");
  warning.hidden = true;
  var warningText = el("p", "rc-warning-text");
  warningText.id = "rc-warning-text";
  var warningRow = el("div", "rc-row");
  var editIt = button("rc-action rc-edit", "Edit message");
  var sendAnyway = button("rc-action rc-send-anyway", "Send anyway");
  warningRow.appendChild(editIt);
  warningRow.appendChild(sendAnyway);
  warning.appendChild(warningText);
  warning.appendChild(warningRow);

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
  // Asking for a person with a button (the same as saying it: docs/handoff.md).
  var askPerson = button("rc-action rc-person", "Talk to a person");
  form.appendChild(askPerson);

  // While a handoff to a person is open: where it stands, and a way out.
  var handoffBar = el("div", "rc-handoff");
  handoffBar.hidden = true;
  var handoffText = el("p", "rc-handoff-text");
  var leaveHandoff = button("rc-action rc-leave", "Leave the line");
  handoffBar.appendChild(handoffText);
  handoffBar.appendChild(leaveHandoff);

  [head, notice, hoursLine, log, typing, announcer, handoffBar, problem, warning, form].forEach(function (n) { root.appendChild(n); });

  // A speech bubble drawn as SVG elements (no file, no font needed); decorative.
  function chatIcon() {
    var NS = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("class", "rc-launcher-icon");
    var path = document.createElementNS(NS, "path");
    path.setAttribute("d", "M4 4h16a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2h-9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z");
    path.setAttribute("fill", "currentColor");
    svg.appendChild(path);
    return svg;
  }

  var launcher = null;
  if (!inline) {
    launcher = button("rc-launcher", null);
    launcher.appendChild(chatIcon());
    launcher.appendChild(el("span", null, "Records and forms help"));
    launcher.setAttribute("aria-controls", root.id);
    container.appendChild(launcher);
  }
  container.appendChild(root);

  // ---- facts from the content files ----------------------------------------
  var config = null;
  function showConfig(c) {
    config = c;
    org.textContent = c.organization;
    notice.textContent = "Not for emergencies: call " + c.emergency + ". In a crisis, call or text " + c.crisis + ".";
    notice.hidden = false;
    hoursLine.textContent = "";
    hoursLine.appendChild(document.createTextNode(c.phone_label + ": "));
    hoursLine.appendChild(link(telHref(c.phone), c.phone, false));
    hoursLine.appendChild(document.createTextNode(", " + c.hours));
    hoursLine.hidden = false;
  }
  fetch(base + "config", { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
    .then(showConfig)
    .catch(function () { /* the lines stay hidden; the chat still works */ });

  // ---- rendering ------------------------------------------------------------
  var LINK = /(https:\/\/[^\s<>"]*[^\s<>".,;:!?)])|([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})|(\b(?:[a-z0-9-]+\.)+(?:org|com|gov|net)\b)|(\b\d{3}-\d{3}-\d{4}\b)/g;

  function telHref(number) { return "tel:+1" + number.replace(/\D/g, ""); }

  function link(href, text, external) {
    var a = el("a", "rc-link", text);
    a.href = href;
    if (external) {
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      a.appendChild(el("span", "rc-sr", " (opens in a new tab)")); // a new tab is a surprise otherwise
    }
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
    var items = null, kind = null;
    String(text).split("\n").forEach(function (line) {
      var numbered = /^\d+\.\s+(.*)$/.exec(line);
      var bullet = /^-\s+(.*)$/.exec(line);
      var itemKind = numbered ? "ol" : bullet ? "ul" : null;
      if (itemKind) {
        if (kind !== itemKind) { items = el(itemKind); box.appendChild(items); kind = itemKind; }
        items.appendChild(linkify(el("li"), (numbered || bullet)[1]));
      } else {
        items = null; kind = null;
        if (line.trim()) { box.appendChild(linkify(el("p"), line)); }
      }
    });
    return box;
  }

  var foldCount = 0;
  // Long steps: the first few, then a "Show all steps" button (a disclosure:
  // aria-expanded says whether the rest is shown). What to include, time and
  // cost stay visible below.
  function foldSteps(box) {
    var steps = box.querySelector("ol");
    if (!steps || steps.children.length <= FOLD_AFTER) { return; }
    foldCount += 1;
    steps.id = "rc-steps-" + foldCount;
    var rest = Array.prototype.slice.call(steps.children, FOLD_AFTER);
    var toggle = button("rc-action rc-more", "Show all steps (" + steps.children.length + ")");
    toggle.setAttribute("aria-expanded", "false");
    toggle.setAttribute("aria-controls", steps.id);
    rest.forEach(function (li) { li.hidden = true; });
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      rest.forEach(function (li) { li.hidden = !open; });
      toggle.setAttribute("aria-expanded", String(open));
      toggle.textContent = open ? "Show fewer steps" : "Show all steps (" + steps.children.length + ")";
    });
    steps.parentNode.insertBefore(toggle, steps.nextSibling);
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
      var contacts = el("ul", "rc-contacts");
      card.contacts.forEach(function (c) { contacts.appendChild(contactItem(c)); });
      box.appendChild(contacts);
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
    // A heading names the preview: aria-label is not allowed on a plain div.
    var previewTitle = el("h4", "rc-letter-preview", "Your letter");
    var preview = el("div", "rc-letter-text");
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
    box.appendChild(previewTitle);
    box.appendChild(preview);

    var actions = el("div", "rc-row");
    var print = button("rc-action", "Print");
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
    var download = button("rc-action", "Download .txt");
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
    var item = el("li", "rc-msg " + (message.from === "user" ? "rc-user" : (message.from === "agent" ? "rc-bot rc-agent" : "rc-bot")));
    if (message.part) { item.setAttribute("data-part", message.part); }
    item.appendChild(el("span", "rc-sr", message.from === "user" ? "You said:" : (message.from === "agent" ? "A person said:" : "Assistant said:")));
    if (message.from === "agent") { item.appendChild(el("span", "rc-who", "Person from our team")); item.lastChild.setAttribute("aria-hidden", "true"); }
    if (typeof message.text === "string") {
      if (message.from === "user") { item.appendChild(el("p", "rc-text", message.text)); }
      else {
        var box = richText(message.text);
        if (message.part === "steps") { foldSteps(box); }
        item.appendChild(box);
      }
    }
    if (message.custom && message.custom.type === "department_card") { item.appendChild(departmentCard(message.custom)); }
    else if (message.custom && message.custom.type === "letter") { item.appendChild(letter(message.custom)); }
    if (Array.isArray(message.buttons) && message.buttons.length) {
      var group = el("div", "rc-buttons");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", "Choices");
      message.buttons.forEach(function (b) {
        var choice = button("rc-choice", b.title);
        choice.disabled = !live;
        // Enter and Space click a button too; focus goes back to the input.
        choice.addEventListener("click", function () { submit(b.payload, b.title); input.focus(); });
        group.appendChild(choice);
      });
      item.appendChild(group);
    }
    item.appendChild(timeLabel(message.time));
    list.appendChild(item);
    return item;
  }

  function renderAll() {
    list.textContent = "";
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
  // An answer is read from its first line: scroll it to the top of the log
  // (scrolling to the end would show the last step first).
  function scrollToLine(item) {
    log.scrollTop += item.getBoundingClientRect().top - log.getBoundingClientRect().top - 8;
  }

  // Each new answer is read out once, as plain text.
  function announce(items) {
    var words = items.map(function (item) { return item.textContent.replace(/\s+/g, " ").trim(); }).join(" ");
    announcer.textContent = "";
    setTimeout(function () { announcer.textContent = words; }, 50); // a change, even for the same words
  }

  // ---- focus order: the input, then the latest message's choices, then Send ---
  function latestChoices() {
    return Array.prototype.filter.call(list.querySelectorAll(".rc-choice"), function (b) { return !b.disabled; });
  }
  root.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !inline) { setOpen(false); return; }
    if (event.key !== "Tab") { return; }
    var ring = [input].concat(latestChoices(), [send]);
    var at = ring.indexOf(document.activeElement);
    var next = at < 0 ? -1 : at + (event.shiftKey ? -1 : 1);
    if (at >= 0 && next >= 0 && next < ring.length) {
      event.preventDefault();
      ring[next].focus();
    }
  });

  // ---- talking to the assistant ---------------------------------------------
  var busy = false;
  var queue = []; // typed while a reply was pending: sent in order after it
  var failed = null;

  function showProblem(item) {
    failed = item;
    problemText.textContent = "";
    var words = config ? config.unavailable : "Sorry, the chat could not be reached.";
    problemText.appendChild(linkify(el("p"), words));
    problem.hidden = false;
  }

  function submit(text, shown) {
    if (!text || !text.trim()) { return; }
    var item = { text: text, shown: shown === undefined ? text : shown, typed: shown === undefined };
    if (item.shown !== null) {
      item.entry = { from: "user", text: maskIdentifiers(item.shown).text };
      add(item.entry);
    }
    if (busy) { queue.push(item); scrollDown(); return; }
    post(item);
  }

  function post(item) {
    busy = true;
    problem.hidden = true;
    failed = null;
    Array.prototype.forEach.call(list.querySelectorAll(".rc-choice"), function (b) { b.disabled = true; });
    typing.hidden = false;
    scrollDown();
    fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: state.sender, message: item.text }),
      credentials: "same-origin"
    }).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    }).then(function (messages) {
      var items = messages.map(function (m) {
        return add({ from: "bot", text: m.text, buttons: m.buttons, custom: m.custom, part: m.part });
      });
      busy = false;
      typing.hidden = true;
      if (items.length) { scrollToLine(items[0]); announce(items); }
      messages.forEach(function (m) {
        if (m.custom && m.custom.type === "handoff") { startHandoff(m.custom); }
      });
      if (queue.length) { post(queue.shift()); }
    }).catch(function () {
      busy = false;
      typing.hidden = true;
      // Nothing is lost: what was typed goes back into the input (with anything
      // queued after it); Retry sends it, or a choice, again.
      var waiting = [item].concat(queue);
      queue = [];
      waiting.forEach(function (w) {
        var at = w.entry ? state.messages.indexOf(w.entry) : -1;
        if (at >= 0) { state.messages.splice(at, 1); }
      });
      save();
      renderAll();
      var typed = waiting.filter(function (w) { return w.typed; }).map(function (w) { return w.text; });
      if (typed.length) { input.value = typed.join(" "); }
      showProblem(typed.length ? { typed: true } : item);
      scrollDown();
    });
  }

  retry.addEventListener("click", function () {
    var again = failed;
    problem.hidden = true;
    if (again && !again.typed) { submit(again.text, again.shown); }
    else { sendTyped(input.value, true); }
    input.focus();
  });

  var pendingWarning = null;
  function sendTyped(text, confirmed) {
    if (!text || !text.trim()) { return; }
    var found = maskIdentifiers(text).found;
    if (found.length && !confirmed) {
      pendingWarning = text;
      warningText.textContent = "This looks like " + found.join(" and ") + ". You don't need to share it here.";
      warning.hidden = false;
      editIt.focus(); // the safe choice first: Enter again does not send it
      return;
    }
    warning.hidden = true;
    pendingWarning = null;
    input.value = "";
    submit(text);
    input.focus();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    sendTyped(input.value, false);
  });
  editIt.addEventListener("click", function () { warning.hidden = true; pendingWarning = null; input.focus(); });
  sendAnyway.addEventListener("click", function () { sendTyped(pendingWarning || input.value, true); });

  restart.addEventListener("click", function () {
    if (state.handoff) { leave(); }
    state = { sender: newSender(), messages: [], open: state.open };
    stopPolling();
    queue = [];
    problem.hidden = true;
    warning.hidden = true;
    save();
    renderAll();
    submit("/greet", null);
    input.focus();
  });

  // ---- launcher --------------------------------------------------------------
  function setOpen(open) {
    state.open = open;
    save();
    root.hidden = !open;
    container.classList.toggle("rc-open", open);
    if (launcher) { launcher.setAttribute("aria-expanded", String(open)); }
    if (open) {
      if (!state.messages.length && !busy) { submit("/greet", null); }
      scrollDown();
      input.focus();
    } else if (launcher) {
      launcher.focus();
    }
  }

  // ---- talking to a person (handoff) ------------------------------------------
  // Polling rather than server-sent events: a request every few seconds only while
  // a handoff is open, which any replica answers from the shared database, through
  // any proxy, with no connection held open per visitor.
  var poller = null;
  function showHandoff(text, leaveLabel) {
    handoffText.textContent = text || "";
    if (leaveLabel) { leaveHandoff.textContent = leaveLabel; }
    handoffBar.hidden = false;
    askPerson.hidden = true;
  }
  function stopPolling() {
    if (poller) { clearInterval(poller); poller = null; }
    handoffBar.hidden = true;
    askPerson.hidden = false;
  }
  function startHandoff(custom) {
    state.handoff = state.handoff && state.handoff.state !== "ended" ? state.handoff : { state: custom.state, after: 0 };
    save();
    showHandoff("", custom.leave);
    if (!poller) { poller = setInterval(poll, POLL_MS); }
    poll();
  }
  function handoffUpdate(status) {
    if (!state.handoff) { return; }
    var items = (status.messages || []).map(function (m) {
      state.handoff.after = Math.max(state.handoff.after || 0, m.id);
      return add({ from: "agent", text: m.text });
    });
    if (status.state !== state.handoff.state && status.state === "taken") {
      items.unshift(add({ from: "bot", text: status.text, part: "handoff" }));
    }
    state.handoff.state = status.state;
    if (status.state === "ended" || status.state === "none") {
      if (status.text) { items.push(add({ from: "bot", text: status.text, part: "handoff" })); }
      state.handoff = null;
      stopPolling();
    } else {
      showHandoff(status.text, status.leave);
    }
    save();
    if (items.length) { scrollToLine(items[0]); announce(items); }
  }
  function handoffCall(path, after) {
    return fetch(base + "handoff/" + path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: state.sender, after: after || 0 }),
      credentials: "same-origin"
    }).then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); });
  }
  var polling = false;
  function poll() {
    if (polling || !state.handoff) { return; }
    polling = true;
    handoffCall("status", state.handoff.after).then(handoffUpdate)
      .catch(function () { /* the next poll tries again */ })
      .then(function () { polling = false; });
  }
  function leave() {
    return handoffCall("leave", 0).then(handoffUpdate).catch(function () {});
  }
  leaveHandoff.addEventListener("click", function () { leave(); input.focus(); });
  askPerson.addEventListener("click", function () { submit("/ask_for_human", "Talk to a person"); input.focus(); });

  renderAll();
  if (state.handoff) { startHandoff({ state: state.handoff.state }); }
  if (inline) {
    scrollDown();
    if (!state.messages.length) { submit("/greet", null); }
  } else {
    launcher.addEventListener("click", function () { setOpen(root.hidden); });
    close.addEventListener("click", function () { setOpen(false); });
    root.hidden = !state.open;
    container.classList.toggle("rc-open", !!state.open);
    launcher.setAttribute("aria-expanded", String(!!state.open));
    if (state.open) { scrollDown(); }
  }
})();
