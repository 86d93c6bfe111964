// The embed page: pick a site, copy its one-line snippet and the CSP lines it needs, and check a
// page: is its address registered for the site, and does its Content-Security-Policy let the
// widget load and talk to Backup? No inline script (strict CSP); text is set with textContent.
(function () {
  "use strict";
  var GATEWAY = location.origin;
  var select = document.getElementById("site");
  var snippet = document.getElementById("snippet");
  var status = document.getElementById("copied");
  var sites = {};

  function byId(id) { return document.getElementById(id); }

  // ---- 1. the snippet
  function show() {
    snippet.value = '<script src="' + GATEWAY + '/static/widget.js" data-site="' +
      select.value + '" async></script>';
    status.textContent = "";
    preview(select.value);
  }

  // ---- the preview: greeting, colours and contacts from the registry (textContent only)
  function node(tag, className, text) {
    var made = document.createElement(tag);
    if (className) { made.className = className; }
    if (text) { made.textContent = text; }
    return made;
  }

  function contactItem(contact) {
    var item = node("li", "preview-contact");
    item.appendChild(node("h4", "", contact.name));
    if (contact.description) { item.appendChild(node("p", "", contact.description)); }
    if (contact.hours) { item.appendChild(node("p", "hint", "Open: " + contact.hours)); }
    var links = node("p", "preview-links");
    if (contact.phone && /^tel:\+?[0-9]{3,15}$/.test(contact.tel || "")) {
      var call = node("a", "", "");
      call.href = contact.tel;
      call.append(node("span", "visually-hidden", "Call " + contact.name + " on "), contact.phone);
      links.appendChild(call);
    }
    if (/^https:\/\/[^\s]+$/.test(contact.url || "")) {
      var web = node("a", "", "Website");
      web.href = contact.url;
      web.target = "_blank";
      web.rel = "noopener noreferrer";
      web.appendChild(node("span", "visually-hidden", " of " + contact.name + " (opens in a new tab)"));
      links.appendChild(web);
    }
    if (links.childNodes.length) { item.appendChild(links); }
    item.appendChild(node("p", "hint", "Shown after Backup's answer on: " + (contact.shown_after || []).join(", ")));
    return item;
  }

  function preview(siteId) {
    fetch("/api/sites/" + encodeURIComponent(siteId)).then(function (r) { return r.json(); }).then(function (site) {
      if (select.value !== siteId || !site.colours) { return; }
      var header = byId("preview-header");
      header.style.setProperty("background", site.colours.primary);
      header.style.setProperty("color", site.colours.on_primary);
      byId("preview-greeting").textContent = site.greeting;
      var list = byId("preview-contacts");
      list.style.setProperty("--preview-primary", site.colours.primary);
      list.textContent = "";
      (site.contacts || []).forEach(function (contact) { list.appendChild(contactItem(contact)); });
      list.hidden = !(site.contacts || []).length;
      byId("preview-none").hidden = !list.hidden;
    });
  }

  function copy(text, field, where) {
    var done = function () { where.textContent = "Copied."; };
    if (field) { field.select(); }
    if (navigator.clipboard) {
      navigator.clipboard.writeText(text).then(done, function () { document.execCommand("copy"); done(); });
    } else {
      document.execCommand("copy");
      done();
    }
  }

  fetch("/api/sites").then(function (r) { return r.json(); }).then(function (list) {
    list.forEach(function (site) {
      sites[site.id] = site.name;
      var option = document.createElement("option");
      option.value = site.id;
      option.textContent = site.name;
      select.appendChild(option);
    });
    show();
  });
  select.addEventListener("change", show);
  byId("copy").addEventListener("click", function () { copy(snippet.value, snippet, status); });

  // ---- 2. the CSP lines, exact for this gateway
  var LINES = "script-src " + GATEWAY + "\nconnect-src " + GATEWAY;
  byId("csp-lines").textContent = LINES;
  byId("csp-example").textContent = "with default-src 'self', add script-src 'self' " + GATEWAY +
    "; connect-src 'self' " + GATEWAY;
  byId("copy-csp").addEventListener("click", function () { copy(LINES, null, byId("copied-csp")); });

  // ---- 3. reading a policy as a browser does (CSP Level 3, the parts that decide a URL)
  var DEFAULT_PORT = { "http:": "80", "https:": "443" };

  function parsePolicy(text) {
    var directives = [];
    var seen = {};
    text.split(";").forEach(function (part) {
      var tokens = part.trim().split(/\s+/).filter(Boolean);
      if (!tokens.length) { return; }
      var name = tokens[0].toLowerCase();
      if (seen[name]) { return; }  // a repeated directive is ignored, as browsers do
      seen[name] = true;
      directives.push({ name: name, sources: tokens.slice(1) });
    });
    return directives;
  }

  function find(directives, name) {
    return directives.filter(function (d) { return d.name === name; })[0] || null;
  }

  function schemeMatches(sourceScheme, url) {
    return url.protocol === sourceScheme || (sourceScheme === "http:" && url.protocol === "https:");
  }

  function matches(source, url, page) {
    var s = source.toLowerCase();
    if (s === "*") { return url.protocol === "http:" || url.protocol === "https:" || url.protocol === page.protocol; }
    if (s === "'self'") {
      return url.host === page.host && (url.protocol === page.protocol ||
        (page.protocol === "http:" && url.protocol === "https:"));
    }
    if (s.charAt(0) === "'") { return false; }  // nonces, hashes, keywords: they never allow an address
    if (/^[a-z][a-z0-9+.-]*:$/.test(s)) { return schemeMatches(s, url); }
    var m = /^(?:([a-z][a-z0-9+.-]*):\/\/)?(\*|(?:\*\.)?[a-z0-9.-]+)(?::(\*|\d+))?(\/.*)?$/.exec(s);
    if (!m) { return false; }
    if (m[1]) {
      if (!schemeMatches(m[1] + ":", url)) { return false; }
    } else if (!schemeMatches(page.protocol, url)) {
      return false;
    }
    var host = m[2];
    var urlHost = url.hostname.toLowerCase();
    if (host.indexOf("*.") === 0) {
      if (urlHost.slice(-(host.length - 1)) !== host.slice(1)) { return false; }
    } else if (host !== "*" && host !== urlHost) {
      return false;
    }
    var urlPort = url.port || DEFAULT_PORT[url.protocol];
    var port = m[3] || DEFAULT_PORT[(m[1] ? m[1] + ":" : url.protocol)];
    if (port !== "*" && port !== urlPort && !(port === "80" && urlPort === "443")) { return false; }
    if (m[4]) {
      var path = decodeURIComponent(m[4]);
      if (path.slice(-1) === "/" ? url.pathname.indexOf(path) !== 0 : url.pathname !== path) { return false; }
    }
    return true;
  }

  function allows(sources, url, page) {
    return sources.some(function (source) { return matches(source, url, page); });
  }

  var NEEDS = [
    { doing: "loading", what: "where scripts load from", names: ["script-src-elem", "script-src"], add: "script-src",
      urls: ["/static/widget.js"] },
    { doing: "talking to Backup (and fetching its styles)", what: "what scripts connect to", names: ["connect-src"],
      add: "connect-src", urls: ["/api/chat", "/api/sites/x", "/static/widget.css"] }
  ];

  // One policy: what blocks Backup, in words, and the policy with Backup allowed.
  function checkPolicy(text, page, findings) {
    var directives = parsePolicy(text);
    var changed = false;
    NEEDS.forEach(function (need) {
      var governing = null;
      need.names.concat(["default-src"]).some(function (name) { governing = find(directives, name); return governing; });
      if (!governing) {
        findings.push({ ok: true, text: "Nothing in your policy limits " + need.what + ", so nothing stops the widget " +
          need.doing + "." });
        return;
      }
      var list = governing.name + " " + (governing.sources.join(" ") || "(empty)");
      var strict = need.add === "script-src" && governing.sources.some(function (s) { return s.toLowerCase() === "'strict-dynamic'"; });
      var blocked = need.urls.filter(function (path) { return !allows(governing.sources, new URL(GATEWAY + path), page); });
      if (strict) {
        findings.push({ ok: false, text: "Your policy's " + governing.name + " uses 'strict-dynamic', which ignores " +
          "addresses: the widget loads only if the snippet's script tag carries your page's nonce. Add nonce=\"…\" " +
          "(the same nonce your own scripts use) to the snippet." });
        return;
      }
      if (!blocked.length) {
        findings.push({ ok: true, text: "Your policy allows the widget " + need.doing + ": " + governing.name + " allows " +
          GATEWAY + "." });
        return;
      }
      var keep = governing.sources.filter(function (s) { return s.toLowerCase() !== "'none'"; });
      var line;
      if (governing.name === "default-src") {
        line = need.add + " " + keep.concat([GATEWAY]).join(" ");
        directives.push({ name: need.add, sources: keep.concat([GATEWAY]) });
        findings.push({ ok: false, text: "Your policy stops the widget " + need.doing + ": it has no " + need.add +
          ", so its " + list + " applies, and that does not allow " + GATEWAY + ". Add: " + line });
      } else {
        governing.sources = keep.concat([GATEWAY]);
        line = governing.name + " " + governing.sources.join(" ");
        findings.push({ ok: false, text: "Your policy stops the widget " + need.doing + ": " + list + " does not allow " +
          GATEWAY + ". Change it to: " + line });
      }
      changed = true;
    });
    var fixed = directives.map(function (d) { return [d.name].concat(d.sources).join(" "); }).join("; ");
    return changed ? fixed : null;
  }

  // ---- 3. check my page
  var form = byId("check-form");
  var results = byId("results");
  var list = byId("findings");

  function report(findings, fixedPolicy, pageUrl) {
    list.textContent = "";
    findings.forEach(function (f) {
      var item = document.createElement("li");
      item.className = f.ok ? "ok" : "problem";
      var word = document.createElement("strong");
      word.textContent = f.ok ? "Works: " : "Problem: ";
      item.append(word, document.createTextNode(f.text));
      list.appendChild(item);
    });
    byId("fixed").hidden = !fixedPolicy;
    byId("fixed-policy").textContent = fixedPolicy || "";
    var live = byId("live-check");
    live.textContent = "";
    if (pageUrl) {
      var url = new URL(pageUrl.href);
      url.hash = "backup-check";
      live.append("Then open your page with #backup-check at the end of its address, ");
      var link = document.createElement("a");
      link.href = url.href;
      link.rel = "noopener";
      link.target = "_blank";
      link.textContent = url.href;
      live.append(link, ": the widget shows a box there saying what works and what does not on the " +
        "real page, its security policy and network included. If no box appears, the page did not run the " +
        "widget: the snippet is missing, or the policy's script-src blocks it.");
    }
    results.hidden = false;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var address = byId("page").value.trim();
    var page;
    try { page = new URL(address); } catch (e) { page = null; }
    if (!page || (page.protocol !== "https:" && page.protocol !== "http:")) {
      report([{ ok: false, text: "\"" + address + "\" is not a web address. Give your page's full address, " +
        "starting with https://" }], null, null);
      byId("page").focus();
      return;
    }
    var site = select.value;
    var name = sites[site] || site;
    var findings = [];
    fetch("/api/sites/" + encodeURIComponent(site) + "/check?origin=" + encodeURIComponent(page.origin))
      .then(function (r) { return r.json(); })
      .then(function (answer) {
        if (answer.registered) {
          findings.push({ ok: true, text: page.origin + " is registered for " + name + "." });
        } else {
          findings.push({ ok: false, text: page.origin + " is not registered for " + name + ". Backup refuses " +
            "messages from it, and the widget there says it can't reach Backup. Ask the Backup team to add " +
            page.origin + " to this site's origins (sites.yml)." });
        }
      }, function () {
        findings.push({ ok: false, text: "Backup could not check the address just now. Try again in a moment." });
      })
      .then(function () {
        var policy = byId("policy").value.trim();
        var fixed = null;
        if (policy) {
          // A header may carry several policies, separated by commas: each must allow Backup.
          var changed = false;
          var fixes = policy.split(",").map(function (one) {
            var fix = checkPolicy(one, page, findings);
            changed = changed || Boolean(fix);
            return fix || one.trim();
          });
          fixed = changed ? fixes.join(", ") : null;
        } else {
          findings.push({ ok: true, text: "No policy given. If your page sends none, there is nothing to change; " +
            "if it does, paste it above." });
        }
        report(findings, fixed, page);
      });
  });
})();
