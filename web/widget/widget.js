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
 * Language (docs/web-and-agent.md): the widget's own words are in LABELS, English
 * and Spanish. The button in the header ("Español" / "English") sends that word
 * as a message (the conversation step confirms and switches) and switches the
 * labels at once; after that the labels follow the "language" of the latest
 * answer, so a person who simply writes in Spanish gets Spanish labels with the
 * first answer. The language is kept in sessionStorage with the conversation,
 * and set as the lang attribute of the widget (and of each answer) for screen readers.
 */
(function () {
  "use strict";

  // ---- the widget's own words -----------------------------------------------
  // Plain JSON between the two marker comments (tests/channels/test_widget_labels.py
  // reads it): every key in both languages, with the same {placeholders}. Spanish
  // is written plainly, in the "usted" form. Facts (phone, hours, 911 / 988) are
  // never here: they come from GET config in the widget's language.
  var LABELS = /* labels-begin */ {
    "en": {
      "language_name": "English",
      "switch_hint": "Use this chat in English",
      "title": "Records and forms help",
      "restart": "Start over",
      "close": "Close",
      "close_chat": "Close chat",
      "emergency_notice": "Not for emergencies: call {emergency}. In a crisis, call or text {crisis}.",
      "conversation": "Conversation",
      "typing": "The assistant is typing…",
      "unavailable": "Sorry, the chat could not be reached.",
      "retry": "Retry",
      "identifier_warning": "This looks like {found}. You don't need to share it here.",
      "and": "and",
      "date_of_birth": "a date of birth",
      "ssn": "a Social Security number",
      "record_number": "a record number",
      "card_number": "a card number",
      "edit_message": "Edit message",
      "send_anyway": "Send anyway",
      "your_message": "Your message",
      "hint": "Please don't type your date of birth, record number or SSN here.",
      "send": "Send",
      "talk_to_person": "Talk to a person",
      "leave_line": "Leave the line",
      "new_tab": "(opens in a new tab)",
      "show_all_steps": "Show all steps ({count})",
      "show_fewer_steps": "Show fewer steps",
      "department": "Department: {name}",
      "how_to_reach": "How to reach them",
      "letter": "Letter",
      "your_letter": "Your letter",
      "letter_hint": "Fill in the blanks. What you type stays on this screen: it is not sent or saved.",
      "print": "Print",
      "download": "Download .txt",
      "letter_file": "records-request-letter.txt",
      "you_said": "You said:",
      "assistant_said": "Assistant said:",
      "person_said": "A person said:",
      "person_from_team": "Person from our team",
      "choices": "Choices"
    },
    "es": {
      "language_name": "Español",
      "switch_hint": "Usar este chat en español",
      "title": "Ayuda con expedientes y formularios",
      "restart": "Empezar de nuevo",
      "close": "Cerrar",
      "close_chat": "Cerrar el chat",
      "emergency_notice": "No es para emergencias: llame al {emergency}. En una crisis, llame o mande un mensaje de texto al {crisis}.",
      "conversation": "Conversación",
      "typing": "El asistente está escribiendo…",
      "unavailable": "Lo sentimos, no pudimos conectarnos con el chat.",
      "retry": "Volver a intentar",
      "identifier_warning": "Esto parece {found}. No necesita darlo aquí.",
      "and": "y",
      "date_of_birth": "una fecha de nacimiento",
      "ssn": "un número de Seguro Social",
      "record_number": "un número de expediente",
      "card_number": "un número de tarjeta",
      "edit_message": "Cambiar el mensaje",
      "send_anyway": "Enviar de todos modos",
      "your_message": "Su mensaje",
      "hint": "Por favor, no escriba aquí su fecha de nacimiento, número de expediente ni número de Seguro Social.",
      "send": "Enviar",
      "talk_to_person": "Hablar con una persona",
      "leave_line": "Salir de la fila",
      "new_tab": "(se abre en otra pestaña)",
      "show_all_steps": "Ver todos los pasos ({count})",
      "show_fewer_steps": "Ver menos pasos",
      "department": "Departamento: {name}",
      "how_to_reach": "Cómo comunicarse",
      "letter": "Carta",
      "your_letter": "Su carta",
      "letter_hint": "Llene los espacios en blanco. Lo que escriba se queda en esta pantalla: no se envía ni se guarda.",
      "print": "Imprimir",
      "download": "Descargar .txt",
      "letter_file": "carta-pedir-expediente.txt",
      "you_said": "Usted dijo:",
      "assistant_said": "El asistente dijo:",
      "person_said": "Una persona dijo:",
      "person_from_team": "Persona de nuestro equipo",
      "choices": "Opciones"
    }
  } /* labels-end */;
  var LANGUAGES = ["en", "es"];

  function known(language) { return LANGUAGES.indexOf(language) >= 0 ? language : null; }
  function other(language) { return language === "es" ? "en" : "es"; }
  // A label in a language (the widget's own when none is given), {name} filled in.
  function t(key, values, language) {
    var table = LABELS[known(language) || widgetLanguage()];
    var text = table[key] !== undefined ? table[key] : LABELS.en[key];
    return String(text).replace(/\{(\w+)\}/g, function (whole, name) {
      return values && values[name] !== undefined ? String(values[name]) : whole;
    });
  }

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
  // after its cue word (English or Spanish), any 13 to 19 digit card number,
  // any 123-45-6789 number. The labels stay in English in both languages, as the
  // server stores them. No lookbehind: older Safari would refuse the whole script.
  var MONTHS = "(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|" +
    "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|" +
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre)" +
    "(?![a-z\\u00e1\\u00e9\\u00ed\\u00f3\\u00fa])";
  var DATE = "(?:\\d{1,4}\\s*[/.\\-]\\s*\\d{1,2}\\s*[/.\\-]\\s*\\d{2,4}" +
    "|(?:" + MONTHS + ")\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?(?:,?\\s*(?:de\\s+)?\\d{2,4})?" +
    "|\\d{1,2}(?:st|nd|rd|th)?\\s+(?:of\\s+|de\\s+)?(?:" + MONTHS + ")\\.?(?:,?\\s*(?:de\\s+|del\\s+)?\\d{2,4})?" +
    "|(?:" + MONTHS + ")\\.?,?\\s+\\d{4}|\\d{1,2}\\s*/\\s*\\d{1,2}|(?:19|20)\\d{2})";
  var IDENTIFIERS = [
    { label: "[date of birth]", words: "date_of_birth", pattern: new RegExp(
      "\\b(born|birth\\s*date|date\\s+of\\s+birth|d\\.?\\s?o\\.?\\s?b\\.?|birthday|bday|b-day|" +
      "nac[i\\u00ed](?:da|do)?|fecha\\s+de\\s+nacimiento|nacimiento|cumplea[\\u00f1n]os)" +
      "([\\s:,#\\-]*(?:(?:is|was|on|the|in|el|en|es|fue|de|mi|my|:)[\\s:,]+){0,3})" + DATE, "gi") },
    { label: "[ssn]", words: "ssn", pattern: new RegExp(
      "\\b(ssn|s\\.s\\.n\\.?|social\\s+security(?:\\s+(?:number|no\\.?|#))?|seguro\\s+social)" +
      "([\\s:#\\-]*(?:(?:is|es|number|no\\.?|=|:)[\\s:#]*){0,2})\\d(?:[ .\\-]?\\d){3,10}", "gi") },
    { label: "[record number]", words: "record_number", pattern: new RegExp(
      "\\b(mrn|m\\.r\\.n\\.?|medical\\s+record(?:\\s+number|\\s+no\\.?|\\s+#)?|record\\s+(?:number|no\\.?|#)|" +
      "chart\\s+(?:number|no\\.?|#)|patient\\s+(?:id|number|no\\.?|#)|member\\s+(?:id|number|no\\.?|#)|" +
      "account\\s+(?:number|no\\.?|#)|" +
      "n[u\\u00fa]mero\\s+de\\s+(?:expediente|historia|paciente|registro|cuenta|miembro)|expediente)" +
      "([\\s:#\\-]*(?:(?:is|es|=|:)[\\s:#]*)?)" +
      "(?=[A-Za-z0-9\\-]*\\d)[A-Za-z0-9][A-Za-z0-9\\-]{3,29}", "gi") },
    { label: "[card number]", words: "card_number", pattern: /(^|[^0-9])()\d(?:[ .\-]?\d){12,18}(?![0-9])/g },
    { label: "[ssn]", words: "ssn", pattern: /(^|[^0-9])()(?:\d{3}[ .\-]\d{2}[ .\-]\d{4}|\d{9})(?![0-9])/g }
  ];

  // The text with identifiers replaced by their labels (the cue words kept, so
  // the message still reads), and which kinds were found (label keys).
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
    return { sender: newSender(), messages: [], open: false, language: "en" };
  }
  var state = load();
  function save() {
    try { sessionStorage.setItem(STORE, JSON.stringify(state)); } catch (e) { /* private mode: keep in memory */ }
  }
  // The widget's language: the person's choice, else the latest answer's.
  function widgetLanguage() { return known(state.language) || "en"; }

  // ---- layout -------------------------------------------------------------
  var root = el("section", "rc " + (inline ? "rc-inline" : "rc-panel"));
  root.id = "rc-panel";
  root.setAttribute("aria-labelledby", "rc-title");
  var head = el("div", "rc-head");
  var heading = el("div", "rc-heading");
  var title = el("h2", "rc-title");
  title.id = "rc-title";
  var org = el("p", "rc-org");
  heading.appendChild(title);
  heading.appendChild(org);
  var tools = el("div", "rc-tools");
  // The other language, named in that language ("Español" / "English").
  var switchLanguage = button("rc-language");
  var restart = button("rc-restart");
  tools.appendChild(switchLanguage);
  tools.appendChild(restart);
  var close = null;
  if (!inline) {
    close = button("rc-close");
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
  log.tabIndex = 0; // scrollable by keyboard
  var list = el("ol", "rc-list");
  log.appendChild(list);

  var announcer = el("div", "rc-sr rc-announce");
  announcer.setAttribute("aria-live", "polite");

  var typing = el("p", "rc-typing");
  typing.setAttribute("role", "status");
  typing.hidden = true;

  // When the assistant cannot be reached: what happened, Retry, and the phone.
  var problem = el("div", "rc-problem");
  problem.setAttribute("role", "alert");
  problem.hidden = true;
  var problemText = el("div", "rc-problem-text");
  var retry = button("rc-action rc-retry");
  problem.appendChild(problemText);
  problem.appendChild(retry);

  // Before sending something that looks like an identifier.
  var warning = el("div", "rc-warning");
  warning.setAttribute("role", "alert");
  warning.hidden = true;
  var warningText = el("p", "rc-warning-text");
  warningText.id = "rc-warning-text";
  var warningRow = el("div", "rc-row");
  var editIt = button("rc-action rc-edit");
  var sendAnyway = button("rc-action rc-send-anyway");
  warningRow.appendChild(editIt);
  warningRow.appendChild(sendAnyway);
  warning.appendChild(warningText);
  warning.appendChild(warningRow);

  var form = el("form", "rc-form");
  var label = el("label", "rc-label");
  label.htmlFor = "rc-input";
  var input = el("input", "rc-input");
  input.id = "rc-input";
  input.type = "text";
  input.autocomplete = "off";
  input.maxLength = 1000;
  input.setAttribute("aria-describedby", "rc-hint");
  var hint = el("p", "rc-hint");
  hint.id = "rc-hint";
  var send = el("button", "rc-send");
  send.type = "submit";
  var row = el("div", "rc-row");
  row.appendChild(input);
  row.appendChild(send);
  form.appendChild(label);
  form.appendChild(row);
  form.appendChild(hint);
  // Asking for a person with a button (the same as saying it: docs/handoff.md).
  var askPerson = button("rc-action rc-person");
  form.appendChild(askPerson);

  // While a handoff to a person is open: where it stands, and a way out.
  var handoffBar = el("div", "rc-handoff");
  handoffBar.hidden = true;
  var handoffText = el("p", "rc-handoff-text");
  var leaveHandoff = button("rc-action rc-leave");
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
    var launcherText = el("span", "rc-launcher-text");
    launcher.appendChild(launcherText);
    launcher.setAttribute("aria-controls", root.id);
    container.appendChild(launcher);
  }
  container.appendChild(root);

  // ---- facts from the content files, in the widget's language ----------------
  var configs = {}; // language -> GET config?language=...
  function showConfig(c) {
    org.textContent = c.organization;
    notice.textContent = t("emergency_notice", { emergency: c.emergency, crisis: c.crisis });
    notice.hidden = false;
    hoursLine.textContent = "";
    hoursLine.appendChild(document.createTextNode(c.phone_label + ": "));
    hoursLine.appendChild(link(telHref(c.phone), c.phone, false));
    hoursLine.appendChild(document.createTextNode(", " + c.hours));
    hoursLine.hidden = false;
    if (!problem.hidden) { showProblemText(); }
  }
  function loadConfig(language) {
    if (configs[language]) { showConfig(configs[language]); return; }
    fetch(base + "config?language=" + language, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
      .then(function (c) {
        configs[language] = c;
        if (language === widgetLanguage()) { showConfig(c); }
      })
      .catch(function () { /* the lines stay as they are (hidden at first); the chat still works */ });
  }

  // ---- the widget's language ----------------------------------------------------
  // Every label of the widget itself, in its language; the answers keep their own.
  var warningFound = null; // the kinds of identifier the open warning names
  function showWarning() {
    var words = warningFound.map(function (key) { return t(key); });
    warningText.textContent = t("identifier_warning", { found: words.join(" " + t("and") + " ") });
  }
  function applyLabels() {
    var language = widgetLanguage(), next = other(language);
    root.lang = language;
    title.textContent = t("title");
    switchLanguage.textContent = t("language_name", null, next);
    switchLanguage.lang = next; // read out in its own language
    switchLanguage.title = t("switch_hint", null, next);
    restart.textContent = t("restart");
    if (close) {
      close.textContent = t("close");
      close.setAttribute("aria-label", t("close_chat"));
    }
    if (launcher) {
      launcher.lang = language;
      launcherText.textContent = t("title");
    }
    log.setAttribute("aria-label", t("conversation"));
    typing.textContent = t("typing");
    retry.textContent = t("retry");
    editIt.textContent = t("edit_message");
    sendAnyway.textContent = t("send_anyway");
    label.textContent = t("your_message");
    hint.textContent = t("hint");
    send.textContent = t("send");
    askPerson.textContent = t("talk_to_person");
    leaveHandoff.textContent = t("leave_line");
    if (warningFound) { showWarning(); }
    if (!problem.hidden) { showProblemText(); }
    loadConfig(language);
  }
  function setLanguage(language) {
    if (!known(language) || language === widgetLanguage()) { return; }
    state.language = language;
    save();
    applyLabels();
  }
  applyLabels();

  // ---- rendering ------------------------------------------------------------
  var LINK = /(https:\/\/[^\s<>"]*[^\s<>".,;:!?)])|([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})|(\b(?:[a-z0-9-]+\.)+(?:org|com|gov|net)\b)|(\b\d{3}-\d{3}-\d{4}\b)/g;

  function telHref(number) { return "tel:+1" + number.replace(/\D/g, ""); }

  // Words the widget adds inside an answer (a new tab, "Show all steps", the card's
  // and letter's labels) are in the answer's own language (``language``).
  function link(href, text, external, language) {
    var a = el("a", "rc-link", text);
    a.href = href;
    if (external) {
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      a.appendChild(el("span", "rc-sr", " " + t("new_tab", null, language))); // a new tab is a surprise otherwise
    }
    return a;
  }

  // Text with links for web addresses, email addresses and phone numbers.
  function linkify(parent, text, language) {
    var last = 0, match;
    LINK.lastIndex = 0;
    while ((match = LINK.exec(text)) !== null) {
      if (match.index > last) { parent.appendChild(document.createTextNode(text.slice(last, match.index))); }
      if (match[1]) { parent.appendChild(link(match[1], match[1], true, language)); }
      else if (match[2]) { parent.appendChild(link("mailto:" + match[2], match[2], false)); }
      else if (match[3]) { parent.appendChild(link("https://" + match[3], match[3], true, language)); }
      else { parent.appendChild(link(telHref(match[4]), match[4], false)); }
      last = LINK.lastIndex;
    }
    if (last < text.length) { parent.appendChild(document.createTextNode(text.slice(last))); }
    return parent;
  }

  // Lines "1. ..." become a numbered list, "- ..." a bulleted list, others paragraphs.
  function richText(text, language) {
    var box = el("div", "rc-text");
    var items = null, kind = null;
    String(text).split("\n").forEach(function (line) {
      var numbered = /^\d+\.\s+(.*)$/.exec(line);
      var bullet = /^-\s+(.*)$/.exec(line);
      var itemKind = numbered ? "ol" : bullet ? "ul" : null;
      if (itemKind) {
        if (kind !== itemKind) { items = el(itemKind); box.appendChild(items); kind = itemKind; }
        items.appendChild(linkify(el("li"), (numbered || bullet)[1], language));
      } else {
        items = null; kind = null;
        if (line.trim()) { box.appendChild(linkify(el("p"), line, language)); }
      }
    });
    return box;
  }

  var foldCount = 0;
  // Long steps: the first few, then a "Show all steps" button (a disclosure:
  // aria-expanded says whether the rest is shown). What to include, time and
  // cost stay visible below.
  function foldSteps(box, language) {
    var steps = box.querySelector("ol");
    if (!steps || steps.children.length <= FOLD_AFTER) { return; }
    foldCount += 1;
    steps.id = "rc-steps-" + foldCount;
    var rest = Array.prototype.slice.call(steps.children, FOLD_AFTER);
    var more = t("show_all_steps", { count: steps.children.length }, language);
    var toggle = button("rc-action rc-more", more);
    toggle.setAttribute("aria-expanded", "false");
    toggle.setAttribute("aria-controls", steps.id);
    rest.forEach(function (li) { li.hidden = true; });
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      rest.forEach(function (li) { li.hidden = !open; });
      toggle.setAttribute("aria-expanded", String(open));
      toggle.textContent = open ? t("show_fewer_steps", null, language) : more;
    });
    steps.parentNode.insertBefore(toggle, steps.nextSibling);
  }

  function contactItem(contact, language) {
    var item = el("li");
    item.appendChild(document.createTextNode(contact.label + ": "));
    if (contact.kind === "phone") { item.appendChild(link(telHref(contact.value), contact.value, false)); }
    else if (contact.kind === "email") { item.appendChild(link("mailto:" + contact.value, contact.value, false)); }
    else if (contact.kind === "web" && /^https:\/\//.test(contact.value)) { item.appendChild(link(contact.value, contact.value, true, language)); }
    else { item.appendChild(document.createTextNode(contact.value)); }
    if (contact.hours) { item.appendChild(el("span", "rc-hours", " (" + contact.hours + ")")); }
    return item;
  }

  function departmentCard(card, language) {
    var box = el("section", "rc-card");
    var name = card.department_name || card.title;
    box.setAttribute("aria-label", t("department", { name: name }, language));
    box.appendChild(el("h3", "rc-card-name", name));
    if (card.department_name && card.title) { box.appendChild(el("p", "rc-card-title", card.title)); }
    if (Array.isArray(card.contacts) && card.contacts.length) {
      box.appendChild(el("h4", null, t("how_to_reach", null, language)));
      var contacts = el("ul", "rc-contacts");
      card.contacts.forEach(function (c) { contacts.appendChild(contactItem(c, language)); });
      box.appendChild(contacts);
    }
    return box;
  }

  var letterCount = 0;
  // A letter with blanks the person fills in here. Values stay in the page:
  // never saved, never sent.
  function letter(payload, language) {
    letterCount += 1;
    var box = el("section", "rc-letter");
    box.setAttribute("aria-label", payload.title || t("letter", null, language));
    box.appendChild(el("h3", null, payload.title || t("letter", null, language)));
    var fields = el("div", "rc-letter-fields");
    var values = {};
    // A heading names the preview: aria-label is not allowed on a plain div.
    var previewTitle = el("h4", "rc-letter-preview", t("your_letter", null, language));
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
    box.appendChild(el("p", "rc-hint", t("letter_hint", null, language)));
    box.appendChild(fields);
    box.appendChild(previewTitle);
    box.appendChild(preview);

    var actions = el("div", "rc-row");
    var print = button("rc-action", t("print", null, language));
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
    var download = button("rc-action", t("download", null, language));
    download.addEventListener("click", function () {
      var blob = new Blob([textOf(function (p) { return "[" + p.label + "]"; }) + "\n"], { type: "text/plain;charset=utf-8" });
      var a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = t("letter_file", null, language);
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

  // An answer is shown in its own language (lang on the item: an English answer
  // stays English after the person switches); the person's own words and an
  // agent's carry only the label the widget adds, in the widget's language then.
  function render(message, live) {
    var item = el("li", "rc-msg " + (message.from === "user" ? "rc-user" : (message.from === "agent" ? "rc-bot rc-agent" : "rc-bot")));
    var language = known(message.language) || widgetLanguage();
    if (message.part) { item.setAttribute("data-part", message.part); }
    if (message.from === "bot" && known(message.language)) { item.lang = message.language; }
    var said = el("span", "rc-sr", t(message.from === "user" ? "you_said" : (message.from === "agent" ? "person_said" : "assistant_said"), null, language));
    said.lang = language;
    item.appendChild(said);
    if (message.from === "agent") {
      var who = el("span", "rc-who", t("person_from_team", null, language));
      who.lang = language;
      who.setAttribute("aria-hidden", "true");
      item.appendChild(who);
    }
    if (typeof message.text === "string") {
      if (message.from === "user") { item.appendChild(el("p", "rc-text", message.text)); }
      else {
        var box = richText(message.text, language);
        if (message.part === "steps") { foldSteps(box, language); }
        item.appendChild(box);
      }
    }
    if (message.custom && message.custom.type === "department_card") { item.appendChild(departmentCard(message.custom, language)); }
    else if (message.custom && message.custom.type === "letter") { item.appendChild(letter(message.custom, language)); }
    if (Array.isArray(message.buttons) && message.buttons.length) {
      var group = el("div", "rc-buttons");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", t("choices", null, language));
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

  function showProblemText() {
    problemText.textContent = "";
    var facts = configs[widgetLanguage()];
    problemText.appendChild(linkify(el("p"), facts ? facts.unavailable : t("unavailable")));
  }
  function showProblem(item) {
    failed = item;
    showProblemText();
    problem.hidden = false;
  }

  // ``choice``: the language this message chooses (the header's button).
  function submit(text, shown, choice) {
    if (!text || !text.trim()) { return; }
    var item = { text: text, shown: shown === undefined ? text : shown, typed: shown === undefined, choice: choice || null };
    if (item.shown !== null) {
      item.entry = { from: "user", text: maskIdentifiers(item.shown).text, language: widgetLanguage() };
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
      // The widget follows the language of the latest answer, unless the person
      // has just chosen one that is still waiting to be sent.
      var answered = null;
      messages.forEach(function (m) { answered = known(m.language) || answered; });
      if (answered && !queue.some(function (q) { return q.choice; })) { setLanguage(answered); }
      var items = messages.map(function (m) {
        return add({ from: "bot", text: m.text, buttons: m.buttons, custom: m.custom, part: m.part, language: known(m.language) || undefined });
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
      warningFound = found;
      showWarning();
      warning.hidden = false;
      editIt.focus(); // the safe choice first: Enter again does not send it
      return;
    }
    warning.hidden = true;
    pendingWarning = null;
    warningFound = null;
    input.value = "";
    submit(text);
    input.focus();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    sendTyped(input.value, false);
  });
  editIt.addEventListener("click", function () { warning.hidden = true; pendingWarning = null; warningFound = null; input.focus(); });
  sendAnyway.addEventListener("click", function () { sendTyped(pendingWarning || input.value, true); });

  // The header's language button: the word itself goes to the assistant as the
  // person's choice (it confirms, and answers in that language from then on);
  // the widget's labels switch at once.
  function chooseLanguage(language) {
    setLanguage(language);
    submit(t("language_name", null, language), undefined, language);
  }
  switchLanguage.addEventListener("click", function () { chooseLanguage(other(widgetLanguage())); });

  restart.addEventListener("click", function () {
    if (state.handoff) { leave(); }
    var language = widgetLanguage();
    state = { sender: newSender(), messages: [], open: state.open, language: language };
    stopPolling();
    queue = [];
    problem.hidden = true;
    warning.hidden = true;
    warningFound = null;
    save();
    renderAll();
    // A new conversation starts in English: in Spanish it is chosen again first.
    if (language !== "en") { submit(t("language_name", null, language), null, language); }
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
      return add({ from: "agent", text: m.text, language: widgetLanguage() });
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
  askPerson.addEventListener("click", function () { submit("/ask_for_human", t("talk_to_person")); input.focus(); });

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
