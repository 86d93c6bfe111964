/*
 * The insight dashboard's only script. /insights and /insights.csv need
 * "Authorization: Bearer <token>", which a browser's address bar cannot send: this asks for the
 * token on the sign-in page, keeps it in this page's memory only (never storage or cookies), and
 * fetches the dashboard, each filter change and the CSV with the header.
 */
(function () {
  "use strict";
  var token = null;

  function authorised(url) {
    var headers = token ? { Authorization: "Bearer " + token } : {};
    return fetch(url, { headers: headers, credentials: "omit", cache: "no-store" });
  }

  function show(html, url) {
    var next = new DOMParser().parseFromString(html, "text/html");
    document.title = next.title;
    document.body.replaceWith(document.adoptNode(next.body));
    if (url) { history.replaceState(null, "", url); }
    var heading = document.querySelector("h2, h1");
    if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
  }

  function open(url) {
    return authorised(url).then(function (response) {
      return response.text().then(function (html) { return { ok: response.ok, html: html }; });
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.id === "sign-in") {
      event.preventDefault();
      token = form.elements.token.value.trim();
      var error = document.getElementById("sign-in-error");
      open(location.pathname + location.search).then(function (result) {
        if (result.ok) { show(result.html); } else { token = null; error.textContent = "That token was not accepted. Check it and try again."; }
      }, function () { error.textContent = "Backup could not be reached. Try again."; });
    } else if (form.id === "filters") {
      event.preventDefault();
      var query = new URLSearchParams(new FormData(form));
      if (!query.get("site")) { query.delete("site"); }
      var url = "/insights?" + query.toString();
      open(url).then(function (result) { show(result.html, result.ok ? url : null); });
    }
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a#csv");
    if (!link) { return; }
    event.preventDefault();
    authorised(link.href).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      var name = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
      return response.blob().then(function (blob) {
        var save = document.createElement("a");
        save.href = URL.createObjectURL(blob);
        save.download = name ? name[1] : "backup-insight.csv";
        document.body.appendChild(save);
        save.click();
        save.remove();
        setTimeout(function () { URL.revokeObjectURL(save.href); }, 1000);
      });
    }).catch(function () { link.textContent = "Download CSV (failed: try again)"; });
  });
})();
