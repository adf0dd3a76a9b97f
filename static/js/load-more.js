// "Show more groups": fetch the next page of /dashboard/groups and append its rows to the table in place
// (before the table's total row), then point the link at the page after, or remove it at the end.
// Without JavaScript the link simply opens that page. No inline script (strict CSP).
(function () {
  "use strict";

  if (!window.fetch || !window.DOMParser) {
    return;
  }

  function append(link, page) {
    var table = document.getElementById(link.getAttribute("data-target"));
    var body = table && table.tBodies[0];
    var rows = page.querySelectorAll("#group-rows tbody tr");
    if (!body) {
      return;
    }
    var total = body.querySelector("tr.total-row");
    for (var i = 0; i < rows.length; i += 1) {
      body.insertBefore(document.importNode(rows[i], true), total);
    }
    var next = page.querySelector("a[data-load-more]");
    if (next) {
      link.setAttribute("href", next.getAttribute("href"));
      link.textContent = next.textContent;
    } else {
      link.parentNode.removeChild(link);
    }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-load-more]") : null;
    if (!link || link.getAttribute("aria-busy") === "true") {
      return;
    }
    event.preventDefault();
    link.setAttribute("aria-busy", "true");
    fetch(link.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.text();
      })
      .then(function (html) {
        append(link, new DOMParser().parseFromString(html, "text/html"));
      })
      .catch(function () {
        window.location.href = link.href; // the plain page says what went wrong
      })
      .finally(function () {
        link.removeAttribute("aria-busy");
      });
  });
})();
