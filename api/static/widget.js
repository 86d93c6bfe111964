/*
 * Backup chat widget. One tag, no build step, no third-party requests:
 *   <script src="https://GATEWAY/static/widget.js" data-site="SITE-ID" async></script>
 * Everything lives in a Shadow DOM, every message is set with textContent, and the transcript
 * is kept in sessionStorage only (this tab, this site), never in cookies or localStorage.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.__backupWidget) { return; }
  window.__backupWidget = true;

  var BASE = new URL(script.src).origin;
  var SITE = script.getAttribute("data-site") || "";
  var STORE = "backup-widget:" + SITE;
  var CRISIS = { number: "0300 131 2789", tel: "tel:+443001312789", emergency_tel: "tel:999" };
  var OFFLINE = "Sorry, I can't reach Backup right now. If you need to talk to someone, the " +
    "police mental health crisis line is open 24/7 on 0300 131 2789. If you're in immediate " +
    "danger, call 999.";
  var ESCAPE_TWICE_MS = 1000;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function load() {
    try { return JSON.parse(sessionStorage.getItem(STORE)) || {}; } catch (e) { return {}; }
  }

  var state = load();
  state.items = state.items || [];
  function save() {
    try { sessionStorage.setItem(STORE, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }

  // ---- the DOM, inside a shadow root so the host page's CSS cannot reach it
  var host = el("div", { id: "backup-widget" });
  var root = host.attachShadow({ mode: "open" });
  root.appendChild(el("link", { rel: "stylesheet", href: BASE + "/static/widget.css" }));

  var launcher = el("button", { type: "button", "class": "launcher", "aria-expanded": "false",
    "aria-controls": "panel" }, "Need to talk?");
  var panel = el("section", { id: "panel", "class": "panel", role: "dialog",
    "aria-labelledby": "title", hidden: "" });

  var header = el("header", { "class": "header" });
  var title = el("h2", { id: "title" }, "Backup");
  var crisis = el("p", { "class": "crisis" }, "Crisis line, 24/7: ");
  var crisisLink = el("a", { href: CRISIS.tel }, CRISIS.number);
  crisis.appendChild(crisisLink);
  var controls = el("div", { "class": "controls" });
  var exitButton = el("button", { type: "button", "class": "exit" }, "Quick exit");
  var clearButton = el("button", { type: "button", "class": "clear" }, "Clear conversation");
  var closeButton = el("button", { type: "button", "class": "close", "aria-label": "Close chat" }, "\u00d7");
  controls.append(exitButton, clearButton, closeButton);
  header.append(title, crisis, controls);

  var pinned = el("div", { "class": "pinned", role: "region", "aria-label": "Call the crisis line", hidden: "" });
  var log = el("div", { "class": "log", role: "log", "aria-live": "polite", "aria-label": "Conversation",
    tabindex: "0" });
  var typing = el("p", { "class": "typing", hidden: "" }, "Backup is typing\u2026");
  var quick = el("div", { "class": "quick", role: "group", "aria-label": "Suggested replies" });
  var form = el("form", { "class": "compose" });
  var label = el("label", { "for": "input" }, "Your message");
  var input = el("textarea", { id: "input", rows: "2", maxlength: "1000", autocomplete: "off" });
  var send = el("button", { type: "submit", "class": "send" }, "Send");
  form.append(label, input, send);
  var note = el("p", { "class": "note" },
    "Anonymous: no name needed. Press Esc twice to leave this page quickly.");
  panel.append(header, pinned, log, typing, quick, form, note);
  root.append(launcher, panel);

  // ---- rendering: textContent only, never HTML
  function sayLine(who, text) {
    var line = el("div", { "class": "message " + who });
    line.appendChild(el("span", { "class": "visually-hidden" }, who === "user" ? "You said: " : "Backup said: "));
    line.appendChild(document.createTextNode(text));
    log.appendChild(line);
  }

  function callLink(payload, big) {
    var link = el("a", { href: payload.tel || CRISIS.tel, "class": big ? "call big" : "call" },
      "Call " + (payload.number || CRISIS.number));
    return link;
  }

  function showPinned(payload) {
    pinned.textContent = "";
    pinned.appendChild(el("p", { "class": "pinned-title" }, payload.service || "Police mental health crisis line"));
    pinned.appendChild(callLink(payload, true));
    var emergency = el("p", { "class": "emergency" });
    emergency.appendChild(document.createTextNode((payload.emergency || "If you are in immediate danger, call 999.") + " "));
    emergency.appendChild(el("a", { href: payload.emergency_tel || CRISIS.emergency_tel }, "Call 999"));
    pinned.appendChild(emergency);
    if (payload.on_the_call) {
      var details = el("details", { "class": "on-the-call" });
      details.append(el("summary", {}, "What happens on the call"), el("p", {}, payload.on_the_call));
      pinned.appendChild(details);
    }
    pinned.hidden = false;
  }

  function showQuickReplies(buttons) {
    quick.textContent = "";
    (buttons || []).forEach(function (b) {
      var button = el("button", { type: "button" }, b.title);
      button.addEventListener("click", function () { post(b.payload, b.title); });
      quick.appendChild(button);
    });
  }

  function render(item) {
    if (item.who === "user") { sayLine("user", item.text); return; }
    if (item.type === "handoff") { state.pinned = item; showPinned(item); return; }
    if (item.type === "call") {
      var line = el("div", { "class": "message bot" });
      line.appendChild(callLink(item, false));
      log.appendChild(line);
      return;
    }
    sayLine("bot", item.text || "");
  }

  function redraw() {
    log.textContent = "";
    pinned.hidden = true;
    state.items.forEach(render);
    var last = state.items[state.items.length - 1];
    showQuickReplies(last && last.buttons ? last.buttons : []);
    if (state.pinned) { showPinned(state.pinned); }
    log.scrollTop = log.scrollHeight;
  }

  function add(item) {
    state.items.push(item);
    render(item);
    save();
    log.scrollTop = log.scrollHeight;
  }

  // ---- talking to the gateway
  function post(message, shown) {
    var text = String(message).trim();
    if (!text) { return; }
    add({ who: "user", text: shown || text });
    showQuickReplies([]);
    typing.hidden = false;
    send.disabled = true;
    fetch(BASE + "/api/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "omit",
      body: JSON.stringify({ site: SITE, session: state.session || null, message: text })
    }).then(function (response) {
      return response.json().catch(function () { return {}; });
    }).then(function (body) {
      if (body.session) { state.session = body.session; }
      var messages = body.messages && body.messages.length ? body.messages : [{ type: "text", text: OFFLINE }];
      messages.forEach(function (m) {
        var item = { who: "bot", type: m.type, text: m.text, buttons: m.buttons };
        if (m.type === "handoff" || m.type === "call") { Object.assign(item, m, { who: "bot" }); }
        add(item);
      });
      var withButtons = messages.filter(function (m) { return m.buttons; }).pop();
      showQuickReplies(withButtons ? withButtons.buttons : []);
    }).catch(function () {
      add({ who: "bot", type: "text", text: OFFLINE });
      add({ who: "bot", type: "call", number: CRISIS.number, tel: CRISIS.tel });
    }).then(function () {
      typing.hidden = true;
      send.disabled = false;
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    input.value = "";
    post(text);
    input.focus();
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });

  // ---- open, close, clear, quick exit
  function open() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    launcher.hidden = true;
    state.open = true;
    save();
    if (!state.items.length && state.greeting) { add({ who: "bot", type: "text", text: state.greeting }); }
    input.focus();
  }

  function close() {
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    state.open = false;
    save();
    launcher.focus();
  }

  function forget() {
    if (state.session) {
      fetch(BASE + "/api/chat/" + encodeURIComponent(state.session),
        { method: "DELETE", credentials: "omit", keepalive: true }).catch(function () {});
    }
    try { sessionStorage.removeItem(STORE); } catch (e) { /* nothing kept */ }
    state = { items: [], greeting: state.greeting };
    log.textContent = "";
    quick.textContent = "";
    pinned.hidden = true;
  }

  function quickExit() {
    forget();
    window.location.replace(BASE + "/neutral");
  }

  launcher.addEventListener("click", open);
  closeButton.addEventListener("click", close);
  clearButton.addEventListener("click", function () { forget(); save(); open(); });
  exitButton.addEventListener("click", quickExit);

  var lastEscape = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var now = Date.now();
    if (now - lastEscape < ESCAPE_TWICE_MS) { quickExit(); return; }
    lastEscape = now;
    if (!panel.hidden) { close(); }
  });

  // ---- theme and greeting from the site registry
  function theme(site) {
    var colours = site.colours || {};
    host.style.setProperty("--backup-primary", colours.primary || "#1d3557");
    host.style.setProperty("--backup-on-primary", colours.on_primary || "#ffffff");
    host.style.setProperty("--backup-accent", colours.accent || "#b00020");
    title.textContent = "Backup";
    state.greeting = site.greeting;
    if (site.crisis && site.crisis.number) { CRISIS.number = site.crisis.number; }
  }

  fetch(BASE + "/api/sites/" + encodeURIComponent(SITE), { credentials: "omit" })
    .then(function (r) { return r.ok ? r.json() : {}; })
    .then(theme)
    .catch(function () { /* the defaults and the crisis number still work */ })
    .then(function () {
      document.body.appendChild(host);
      redraw();
      if (state.open) { open(); }
    });
})();
