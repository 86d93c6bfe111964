/*
 * Backup chat widget. One tag, no build step, no third-party requests:
 *   <script src="https://GATEWAY/static/widget.js" data-site="SITE-ID" async></script>
 * Everything lives in a Shadow DOM, every message is set with textContent, and the transcript
 * is kept in sessionStorage only (this tab, this site), never in cookies or localStorage.
 *
 * A page's Content-Security-Policy needs Backup's address in script-src and connect-src only:
 * the styles come through connect-src and are adopted as a constructed stylesheet, which
 * style-src does not govern. Web admins: add #backup-check to a page's address to see what
 * works there and what does not, in words (the /embed page explains).
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.__backupWidget) { return; }
  window.__backupWidget = true;

  var BASE = new URL(script.src).origin;
  var SITE = script.getAttribute("data-site") || "";
  var STORE = "backup-widget:" + SITE;
  // Filled in by the gateway from bot/crisis_line.py (gateway/static_files.py): here, not fetched,
  // so the number shows even when the API does not answer.
  var CRISIS = { number: "__CRISIS_NUMBER__", tel: "__CRISIS_TEL__", emergency_tel: "tel:999" };
  var OFFLINE = "Sorry, I can't reach Backup right now. If you need to talk to someone, the " +
    "police mental health crisis line is open 24/7 on " + CRISIS.number + ". If you're in " +
    "immediate danger, call 999.";
  var ESCAPE_TWICE_MS = 1000;
  var START_TIMEOUT_MS = 5000;
  // What the assistant's own greeting offers (domain.yml, utter_greet), shown before the first message.
  var STARTERS = [
    { title: "What is the crisis line?", payload: "/crisis_line_about" },
    { title: "Is it confidential?", payload: "/confidentiality" },
    { title: "I'm struggling", payload: "/feeling_low" }
  ];
  // The widget has already greeted: a first message that only greets back is answered here, so
  // the person is not greeted twice. Anything more goes to Backup.
  var GREETING_ONLY = /^\s*(hi|hiya|hello|hey|hey there|hi there|hello there|good (morning|afternoon|evening)|morning|afternoon|evening)( backup)?\s*[!.,]*\s*$/i;
  var GREETED_BACK = "Hello. What's on your mind? Type it in your own words, or choose one of these.";
  var CHECKING = /(^|[#?&])backup-check($|[=&])/.test(location.hash) ||
    /(^|[#?&])backup-check($|[=&])/.test(location.search);

  // CSP violations this page reports against Backup's own addresses, for the web admin's check.
  var blocked = {};
  document.addEventListener("securitypolicyviolation", function (event) {
    if (String(event.blockedURI).indexOf(BASE) === 0) {
      blocked[event.effectiveDirective || event.violatedDirective] = true;
    }
  }, true);

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
  function fresh(from) {
    from.items = from.items || [];
    from.pending = from.pending || [];  // messages typed but not yet answered, oldest first
    from.unread = from.unread || 0;
    return from;
  }
  state = fresh(state);
  function save() {
    try { sessionStorage.setItem(STORE, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }

  // ---- the DOM, inside a shadow root so the host page's CSS cannot reach it
  var host = el("div", { id: "backup-widget", lang: "en-GB", dir: "ltr" });
  var root = host.attachShadow({ mode: "open" });

  var launcher = el("button", { type: "button", "class": "launcher", "aria-expanded": "false",
    "aria-controls": "panel", lang: "en-GB" });
  var launcherLabel = el("span", {}, "Need to talk?");
  var badge = el("span", { "class": "badge", hidden: "" });
  var badgeCount = el("span", { "aria-hidden": "true" });
  var badgeText = el("span", { "class": "visually-hidden" });
  badge.append(badgeCount, badgeText);
  launcher.append(launcherLabel, badge);

  var panel = el("section", { id: "panel", "class": "panel", role: "dialog", "aria-labelledby": "title",
    lang: "en-GB", hidden: "" });
  var top = el("div", { "class": "top" });
  var header = el("header", { "class": "header" });
  var bar = el("div", { "class": "bar" });
  var title = el("h2", { id: "title", tabindex: "-1" }, "Backup");
  var exitButton = el("button", { type: "button", "class": "exit" }, "Quick exit");
  var closeButton = el("button", { type: "button", "class": "close", "aria-label": "Close chat" }, "\u00d7");
  bar.append(title, exitButton, closeButton);
  var crisis = el("p", { "class": "crisis" }, "Crisis line, 24/7: ");
  var crisisLink = el("a", { href: CRISIS.tel }, CRISIS.number);
  crisis.appendChild(crisisLink);
  header.append(bar, crisis);
  // The handoff's call card: a live region, so its arrival is announced wherever focus is.
  var pinned = el("section", { "class": "pinned", role: "region", "aria-label": "Call the crisis line",
    "aria-live": "assertive", hidden: "" });
  top.append(header, pinned);

  var middle = el("div", { "class": "middle" });
  var log = el("div", { "class": "log", role: "log", "aria-live": "polite", "aria-label": "Conversation",
    tabindex: "0" });
  var typing = el("p", { "class": "typing", role: "status" });
  var quick = el("div", { "class": "quick", role: "group", "aria-label": "Suggested replies" });
  middle.append(log, typing, quick);

  var bottom = el("div", { "class": "bottom" });
  var form = el("form", { "class": "compose" });
  // After a handoff on a short screen the call card scrolls away with the header: this copy of its
  // call button stays beside the message box (CSS shows it only then).
  var shortCall = el("a", { href: CRISIS.tel, "class": "call short-call" }, "Call " + CRISIS.number);
  var label = el("label", { "for": "input" }, "Your message");
  var input = el("textarea", { id: "input", rows: "2", maxlength: "1000", autocomplete: "off" });
  var send = el("button", { type: "submit", "class": "send", "aria-disabled": "true" }, "Send");
  form.append(shortCall, label, input, send);

  var footer = el("div", { "class": "footer" });
  var note = el("p", { "class": "note" },
    "Anonymous: no name needed. Press Esc twice to leave this page quickly.");
  var clearButton = el("button", { type: "button", "class": "clear" }, "Clear conversation");
  footer.append(note, clearButton);
  var confirmBox = el("div", { "class": "confirm", role: "group", "aria-labelledby": "confirm-question", hidden: "" });
  var confirmQuestion = el("p", { id: "confirm-question" },
    "Clear this conversation? It is deleted from this browser and from Backup, and cannot be brought back.");
  var confirmYes = el("button", { type: "button", "class": "confirm-yes" }, "Yes, clear it");
  var confirmNo = el("button", { type: "button", "class": "confirm-no" }, "Cancel");
  confirmBox.append(confirmQuestion, confirmYes, confirmNo);

  bottom.append(form, footer, confirmBox);
  panel.append(top, middle, bottom);
  var announcer = el("p", { "class": "visually-hidden", role: "status" });
  root.append(launcher, panel, announcer);

  // ---- styles: fetched and adopted (CSP's style-src does not apply), else a plain <link>
  function loadStyles() {
    function link() {
      return new Promise(function (resolve) {
        var sheet = el("link", { rel: "stylesheet", href: BASE + "/static/widget.css" });
        sheet.addEventListener("load", function () { resolve("link"); });
        sheet.addEventListener("error", function () { resolve("blocked"); });
        root.insertBefore(sheet, root.firstChild);
      });
    }
    if (!("adoptedStyleSheets" in Document.prototype) || typeof CSSStyleSheet !== "function") { return link(); }
    return fetch(BASE + "/static/widget.css", { credentials: "omit" }).then(function (response) {
      if (!response.ok) { throw new Error("styles " + response.status); }
      return response.text();
    }).then(function (css) {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      root.adoptedStyleSheets = [sheet];
      return "adopted";
    }).catch(link);
  }

  // ---- rendering: textContent only, never HTML
  function sayLine(who, text) {
    var line = el("div", { "class": "message " + who });
    line.appendChild(el("span", { "class": "visually-hidden" }, who === "user" ? "You said: " : "Backup said: "));
    line.appendChild(document.createTextNode(text));
    log.appendChild(line);
  }

  function callLink(payload, big) {
    return el("a", { href: payload.tel || CRISIS.tel, "class": big ? "call big" : "call" },
      "Call " + (payload.number || CRISIS.number));
  }

  var shownPinned = "";
  function showPinned(payload) {
    var key = JSON.stringify(["service", "number", "tel", "emergency", "emergency_tel", "on_the_call"].map(function (k) {
      return payload[k] || "";
    }));
    if (key === shownPinned && !pinned.hidden) { return false; }  // the same card: nothing to announce again
    shownPinned = key;
    pinned.textContent = "";
    pinned.appendChild(el("p", { "class": "pinned-title" }, payload.service || "Police mental health crisis line"));
    pinned.appendChild(callLink(payload, true));
    pinned.appendChild(el("p", { "class": "emergency" }, payload.emergency || "If you are in immediate danger, call 999."));
    var links = el("div", { "class": "pinned-links" });
    links.appendChild(el("a", { href: payload.emergency_tel || CRISIS.emergency_tel }, "Call 999"));
    if (payload.on_the_call) {
      var details = el("details", { "class": "on-the-call" });
      details.append(el("summary", {}, "What happens on the call"), el("p", {}, payload.on_the_call));
      links.appendChild(details);
    }
    pinned.appendChild(links);
    shortCall.href = payload.tel || CRISIS.tel;
    shortCall.textContent = "Call " + (payload.number || CRISIS.number);
    pinned.hidden = false;
    panel.classList.add("has-card");
    return true;
  }

  function hidePinned() {
    pinned.hidden = true;
    pinned.textContent = "";
    shownPinned = "";
    panel.classList.remove("has-card");
  }

  function currentButtons() {
    // The suggestions of the newest reply, until the person says something after it.
    for (var i = state.items.length - 1; i >= 0; i--) {
      var item = state.items[i];
      if (item.who === "user") { return []; }
      if (item.buttons && item.buttons.length) { return item.buttons; }
    }
    return [];
  }

  function showQuickReplies() {
    var hadFocus = quick.contains(root.activeElement);
    quick.textContent = "";
    currentButtons().forEach(function (b) {
      var button = el("button", { type: "button" }, b.title);
      button.addEventListener("click", function (event) {
        // The button is about to go: focus moves on first, never to the page's <body>. A touch
        // stays out of the textarea so a phone's keyboard does not cover the reply.
        if (event.pointerType === "touch") { log.focus({ preventScroll: true }); } else { input.focus({ preventScroll: true }); }
        post(b.payload, b.title);
      });
      quick.appendChild(button);
    });
    if (hadFocus && !quick.contains(root.activeElement)) { input.focus({ preventScroll: true }); }
  }

  // ---- the site's local contacts, after a topic's national answer: a labelled group of cards.
  // Only a tel: link of digits and an https link are ever made; everything else is text.
  var cardCount = 0;
  function contactCard(contact) {
    var card = el("li", { "class": "contact" });
    card.appendChild(el("h3", { "class": "contact-name" }, contact.name));
    if (contact.description) { card.appendChild(el("p", {}, contact.description)); }
    if (contact.hours) { card.appendChild(el("p", { "class": "contact-hours" }, "Open: " + contact.hours)); }
    var links = el("p", { "class": "contact-links" });
    if (contact.phone && /^tel:\+?[0-9]{3,15}$/.test(contact.tel || "")) {
      var call = el("a", { href: contact.tel, "class": "contact-call" });
      call.append(el("span", { "class": "visually-hidden" }, "Call " + contact.name + " on "), contact.phone);
      links.appendChild(call);
    }
    if (/^https:\/\/[^\s]+$/.test(contact.url || "")) {
      var web = el("a", { href: contact.url, target: "_blank", rel: "noopener noreferrer", "class": "contact-web" }, "Website");
      web.appendChild(el("span", { "class": "visually-hidden" }, " of " + contact.name + " (opens in a new tab)"));
      links.appendChild(web);
    }
    if (links.childNodes.length) { card.appendChild(links); }
    return card;
  }

  function renderContacts(item) {
    var id = "contacts-" + (++cardCount);
    var group = el("div", { "class": "message bot contacts", role: "group", "aria-labelledby": id });
    group.appendChild(el("p", { "class": "contacts-heading", id: id }, item.heading || "Local support"));
    var list = el("ul", { "class": "contact-list" });
    (item.contacts || []).forEach(function (contact) {
      if (contact && typeof contact.name === "string") { list.appendChild(contactCard(contact)); }
    });
    group.appendChild(list);
    log.appendChild(group);
  }

  function render(item) {
    if (item.who === "user") { sayLine("user", item.text); return; }
    if (item.type === "contacts") { renderContacts(item); return; }
    if (item.type === "handoff") { showPinned(item); return; }
    if (item.type === "call") {
      var line = el("div", { "class": "message bot" });
      line.appendChild(callLink(item, false));
      log.appendChild(line);
      return;
    }
    if (item.type === "text") { sayLine("bot", item.text || ""); }
  }

  function redraw() {
    log.textContent = "";
    hidePinned();
    state.items.forEach(render);
    showQuickReplies();
    setTyping(state.pending.length > 0);
  }

  // ---- keeping the newest message in view. The panel is the one scroller; the header and call
  // card stick to its top when there is room (CSS decides), the message box to its bottom.
  var stuckToEnd = true;
  function insets() {
    var topInset = getComputedStyle(top).position === "sticky" ? top.offsetHeight : 0;
    var stuck = getComputedStyle(bottom).display === "contents" ? form : bottom;
    var box = panel.getBoundingClientRect();
    var start = box.top + panel.clientTop;
    return { top: start + topInset, bottom: start + panel.clientHeight - stuck.offsetHeight };
  }

  function newestTurn() {
    // The newest reply from its first message, or the person's own newest message.
    var lines = log.children;
    for (var i = lines.length - 1; i >= 0; i--) {
      if (lines[i].classList.contains("user")) { return lines[i + 1] || lines[i]; }
    }
    return lines[0] || null;
  }

  function hiddenEnd() {
    // How far the end of the conversation (suggestions included) is below the message box.
    return middle.getBoundingClientRect().bottom - insets().bottom;
  }

  function reveal() {
    if (panel.hidden) { return; }
    panel.scrollTop += hiddenEnd();
    var first = newestTurn();
    if (first) {
      // A reply taller than the view is shown from its start, not its end.
      var gap = first.getBoundingClientRect().top - insets().top;
      if (gap < 0) { panel.scrollTop += gap - 8; }
    }
    stuckToEnd = true;
  }

  panel.addEventListener("scroll", function () { stuckToEnd = hiddenEnd() <= 4; }, { passive: true });
  window.addEventListener("resize", function () { if (stuckToEnd) { reveal(); } });

  // ---- what the person sees of the conversation's progress
  function setTyping(on) {
    var text = on ? "Backup is typing\u2026" : "";
    if (typing.textContent !== text) { typing.textContent = text; }
  }

  function announce(text) {
    announcer.textContent = "";
    setTimeout(function () { announcer.textContent = text; }, 50);
  }

  function updateBadge() {
    badge.hidden = !state.unread;
    badgeCount.textContent = state.unread ? String(state.unread) : "";
    badgeText.textContent = !state.unread ? "" : state.unread === 1 ? " (1 new reply)" : " (" + state.unread + " new replies)";
  }

  function add(item) {
    state.items.push(item);
    render(item);
    if (item.who === "bot" && panel.hidden) { state.unread += 1; }
    save();
  }

  function addReplies(messages) {
    var wasClosed = panel.hidden;
    var firstCard = pinned.hidden;
    messages.forEach(add);
    showQuickReplies();
    updateBadge();
    if (wasClosed && state.unread) { announce("New reply from Backup. Open the chat to read it."); }
    var handoff = messages.some(function (m) { return m.type === "handoff"; });
    reveal();
    if (handoff && firstCard && !panel.hidden && root.activeElement === input && !input.value.trim()) {
      // The first call card: the person is one key press from the line (and nothing they were
      // typing is lost, because the box is empty). On a short screen, the copy that stays in view.
      var call = getComputedStyle(shortCall).display === "none" ? pinned.querySelector(".call") : shortCall;
      call.focus({ preventScroll: true });
    }
  }

  // ---- talking to the gateway: one conversation, one message at a time, in order
  var epoch = 0;      // a cleared conversation's late replies are dropped
  var sending = false;

  function replyItems(body) {
    if (!body.messages || !body.messages.length) { return offlineItems(); }
    return body.messages.filter(function (m) {
      return m && (m.type === "text" || m.type === "handoff" || m.type === "call" ||
        (m.type === "contacts" && Array.isArray(m.contacts)));  // others: ignored
    }).map(function (m) {
      return Object.assign({}, m, { who: "bot" });
    });
  }

  function offlineItems() {
    var last = state.items[state.items.length - 1];
    var before = state.items[state.items.length - 2];
    if (last && last.type === "call" && before && before.text === OFFLINE) {
      return [];  // said already, just now
    }
    return [{ who: "bot", type: "text", text: OFFLINE },
      { who: "bot", type: "call", number: CRISIS.number, tel: CRISIS.tel }];
  }

  function pump() {
    if (sending) { return; }
    if (!state.pending.length) { setTyping(false); return; }
    sending = true;
    setTyping(true);
    var mine = epoch;
    var text = state.pending[0];
    fetch(BASE + "/api/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "omit",
      body: JSON.stringify({ site: SITE, session: state.session || null, message: text })
    }).then(function (response) {
      return response.json().catch(function () { return {}; });
    }).then(function (body) {
      if (mine !== epoch) {
        if (body.session) { forgetOnServer(body.session); }  // answered after it was cleared
        return;
      }
      if (body.session) { state.session = body.session; }
      state.pending.shift();
      setTyping(state.pending.length > 0);
      addReplies(replyItems(body));
    }, function () {
      if (mine !== epoch) { return; }
      state.pending.shift();
      setTyping(state.pending.length > 0);
      addReplies(offlineItems());
      diagnoseOnce();
    }).catch(function () { /* a reply that failed to show must not stop the queue */ }).then(function () {
      if (mine !== epoch) { return; }
      sending = false;
      save();
      pump();
    });
  }

  function post(message, shown) {
    var text = String(message).trim();
    if (!text) { return; }
    var firstWords = !state.items.some(function (item) { return item.who === "user"; });
    var greeted = state.items.length && state.items[0].greeting;
    add({ who: "user", text: shown || text });
    if (firstWords && greeted && !state.pending.length && GREETING_ONLY.test(text)) {
      addReplies([{ who: "bot", type: "text", text: GREETED_BACK, buttons: STARTERS }]);
      return;
    }
    state.pending.push(text);
    save();
    showQuickReplies();
    setTyping(true);
    reveal();
    pump();
  }

  function updateSend() {
    send.setAttribute("aria-disabled", input.value.trim() ? "false" : "true");
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!input.value.trim()) { input.focus(); return; }
    var text = input.value;
    input.value = "";
    updateSend();
    post(text);
    input.focus({ preventScroll: true });
  });
  input.addEventListener("input", updateSend);
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); form.requestSubmit(); }
  });

  // ---- open, close, clear, quick exit
  function open(byPerson) {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    launcher.hidden = true;
    state.open = true;
    state.unread = 0;
    updateBadge();
    if (!state.items.length && state.greeting) {
      add({ who: "bot", type: "text", text: state.greeting, buttons: STARTERS, greeting: true });
      showQuickReplies();
    }
    save();
    reveal();
    if (byPerson) {
      // On a touch screen the keyboard would cover half the panel: focus the title instead.
      if (window.matchMedia && window.matchMedia("(pointer: coarse)").matches) { title.focus(); } else { input.focus({ preventScroll: true }); }
    }
  }

  function close() {
    var hadFocus = document.activeElement === host;
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    state.open = false;
    save();
    if (hadFocus) { launcher.focus(); }
  }

  // Service owners' insight: a counter-only beacon (the site and what happened; no session, no
  // text). sendBeacon queues it and returns at once, so a call or an exit never waits for it.
  function beacon(event) {
    try {
      if (navigator.sendBeacon) {
        navigator.sendBeacon(BASE + "/api/insight/" + event + "?site=" + encodeURIComponent(SITE));
      }
    } catch (e) { /* a lost count, never a lost call */ }
  }

  // The site is named only when the person asked to clear, so the clear is counted (a quick
  // exit deletes the conversation too, and is counted as a quick exit).
  function forgetOnServer(session, cleared) {
    fetch(BASE + "/api/chat/" + encodeURIComponent(session) + (cleared ? "?site=" + encodeURIComponent(SITE) : ""),
      { method: "DELETE", credentials: "omit", keepalive: true }).catch(function () {});
  }

  function forget(cleared) {
    epoch += 1;
    sending = false;
    if (state.session) { forgetOnServer(state.session, cleared); }
    try { sessionStorage.removeItem(STORE); } catch (e) { /* nothing kept */ }
    state = fresh({ greeting: state.greeting, open: state.open });
    log.textContent = "";
    quick.textContent = "";
    hidePinned();
    setTyping(false);
    updateBadge();
  }

  function quickExit() {
    beacon("quick_exit");
    forget(false);
    window.location.replace(BASE + "/neutral");
  }

  function askToClear() {
    confirmBox.hidden = false;
    footer.hidden = true;
    confirmNo.focus();
    confirmBox.scrollIntoView({ block: "nearest" });
  }

  function stopAsking(focusClear) {
    confirmBox.hidden = true;
    footer.hidden = false;
    if (focusClear) { clearButton.focus(); }
  }

  launcher.addEventListener("click", function () { open(true); });
  // Any call link in the widget (the crisis line, 999, a local contact): counted, never held up.
  root.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href^='tel:']");
    if (link) { beacon("call_tap"); }
  });
  closeButton.addEventListener("click", close);
  exitButton.addEventListener("click", quickExit);
  clearButton.addEventListener("click", askToClear);
  confirmNo.addEventListener("click", function () { stopAsking(true); });
  confirmYes.addEventListener("click", function () {
    forget(true);
    stopAsking(false);
    open(false);
    announce("Conversation cleared.");
    input.focus({ preventScroll: true });
  });

  // Escape twice leaves at once, but only while the widget is open or has focus: elsewhere on the
  // page, Escape belongs to the page (closing its own dialogs must not lose it).
  var lastEscape = 0;
  window.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || event.isComposing) { return; }
    var focused = document.activeElement === host;
    if (panel.hidden && !focused) { lastEscape = 0; return; }
    var now = Date.now();
    if (now - lastEscape < ESCAPE_TWICE_MS) { quickExit(); return; }
    lastEscape = now;
    if (!confirmBox.hidden && focused) { stopAsking(true); return; }
    if (!panel.hidden && focused) { close(); }
  }, true);

  // ---- for web admins: what stops Backup on this page, in words (never anything anyone typed)
  var diagnosed = null;
  var siteResult = "unknown";   // "ok", "unknown-site", "unreachable"
  var styleResult = "pending";

  function later(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  function diagnose() {
    var findings = [];
    function problem(text) { findings.push({ ok: false, text: text }); }
    function works(text) { findings.push({ ok: true, text: text }); }
    var embed = BASE + "/embed";
    works("Backup's script runs on this page (from " + BASE + "), so script-src allows it.");
    return later(100).then(function () {
      if (blocked["connect-src"]) {
        problem("This page's Content-Security-Policy stops the widget talking to Backup (connect-src), so every " +
          "reply would be \"can't reach Backup\". Add " + BASE + " to connect-src: " + embed + " gives the exact line.");
        return null;
      }
      return fetch(BASE + "/api/sites/" + encodeURIComponent(SITE) + "/check?origin=" +
        encodeURIComponent(location.origin), { credentials: "omit" }).then(function (response) {
        return response.json().then(function (body) { body.status = response.status; return body; });
      }).catch(function () {
        return later(100).then(function () {
          if (blocked["connect-src"]) {
            problem("This page's Content-Security-Policy stops the widget talking to Backup (connect-src). Add " +
              BASE + " to connect-src: " + embed + " gives the exact line.");
          } else {
            problem("Backup's server at " + BASE + " did not answer from this page. Check the address in the " +
              "snippet, and that this network can reach it.");
          }
          return null;
        });
      });
    }).then(function (check) {
      if (check && check.status === 404) {
        problem("Backup has no site called \"" + SITE + "\". Check data-site in the snippet (" + embed + " makes it).");
      } else if (check && !check.registered) {
        problem("This page's address, " + location.origin + ", is not registered for " + (check.name || SITE) +
          ", so Backup refuses its messages and the widget says it can't reach Backup. Ask the Backup team to add " +
          location.origin + " to this site's origins.");
      } else if (check) {
        works("This page's address, " + location.origin + ", is registered for " + check.name + ".");
      }
      if (styleResult === "blocked") {
        problem("The widget's styles could not load here, so it shows unstyled. Adding " + BASE +
          " to connect-src fixes this too.");
      } else if (styleResult === "adopted" || styleResult === "link") {
        works("The widget's styles loaded.");
      }
      if (!findings.some(function (f) { return !f.ok; })) {
        works("Everything Backup needs works on this page.");
      }
      return findings;
    });
  }

  function diagnoseOnce() {
    if (!diagnosed) {
      diagnosed = diagnose();
      diagnosed.then(function (findings) {
        findings.forEach(function (f) {
          if (!f.ok && window.console) { console.warn("Backup widget: " + f.text); }
        });
      });
    }
    return diagnosed;
  }

  function showCheck(findings) {
    var box = el("section", { "class": "check", role: "region", "aria-labelledby": "check-title", lang: "en-GB" });
    box.appendChild(el("h2", { id: "check-title" }, "Backup page check"));
    var problems = findings.filter(function (f) { return !f.ok; }).length;
    box.appendChild(el("p", { "class": "check-summary" }, problems
      ? problems + (problems === 1 ? " problem" : " problems") + " found on this page."
      : "No problems found on this page."));
    var list = el("ul", {});
    findings.forEach(function (f) {
      var item = el("li", { "class": f.ok ? "ok" : "problem" });
      item.append(el("strong", {}, f.ok ? "Works: " : "Problem: "), document.createTextNode(f.text));
      list.appendChild(item);
    });
    box.appendChild(list);
    var done = el("button", { type: "button" }, "Close the check");
    done.addEventListener("click", function () { box.remove(); });
    box.appendChild(done);
    root.appendChild(box);
  }

  // ---- theme and greeting from the site registry
  function theme(site) {
    var colours = site.colours || {};
    host.style.setProperty("--backup-primary", colours.primary || "#1d3557");
    host.style.setProperty("--backup-on-primary", colours.on_primary || "#ffffff");
    host.style.setProperty("--backup-accent", colours.accent || "#b00020");
    state.greeting = site.greeting;
    if (site.crisis && site.crisis.number) { CRISIS.number = site.crisis.number; }
  }

  var siteReady = fetch(BASE + "/api/sites/" + encodeURIComponent(SITE), { credentials: "omit" })
    .then(function (response) {
      if (response.status === 404) { siteResult = "unknown-site"; diagnoseOnce(); }
      return response.ok ? response.json() : {};
    })
    .then(function (site) { if (site.id) { siteResult = "ok"; } theme(site); })
    .catch(function () { siteResult = "unreachable"; diagnoseOnce(); });  // the defaults and the number still work
  // In the page at once (a stylesheet loads only there) but not shown until it is styled.
  host.style.setProperty("display", "none", "important");
  var attached = new Promise(function (resolve) {
    function attach() { document.body.appendChild(host); resolve(); }
    if (document.body) { attach(); } else { document.addEventListener("DOMContentLoaded", attach); }
  });
  var stylesReady = attached.then(loadStyles).then(function (how) { styleResult = how; });

  Promise.race([Promise.all([siteReady, stylesReady]), later(START_TIMEOUT_MS)]).then(function () {
    host.style.removeProperty("display");
    updateSend();
    updateBadge();
    redraw();
    if (state.open) { open(false); }
    pump();  // messages typed before a reload or a page change are sent now, in order
    if (CHECKING) { diagnoseOnce().then(showCheck); }
  });
})();
