// The embed page: pick a site, copy its one-line snippet. No inline script (strict CSP).
(function () {
  "use strict";
  var select = document.getElementById("site");
  var snippet = document.getElementById("snippet");
  var status = document.getElementById("copied");

  function show() {
    snippet.value = '<script src="' + location.origin + '/static/widget.js" data-site="' +
      select.value + '" async></script>';
    status.textContent = "";
  }

  fetch("/api/sites").then(function (r) { return r.json(); }).then(function (sites) {
    sites.forEach(function (site) {
      var option = document.createElement("option");
      option.value = site.id;
      option.textContent = site.name;
      select.appendChild(option);
    });
    show();
  });
  select.addEventListener("change", show);
  document.getElementById("copy").addEventListener("click", function () {
    snippet.select();
    var done = function () { status.textContent = "Copied."; };
    if (navigator.clipboard) {
      navigator.clipboard.writeText(snippet.value).then(done, function () { document.execCommand("copy"); done(); });
    } else {
      document.execCommand("copy");
      done();
    }
  });
})();
