// Live response counts on the wave page: polls the wave's progress.json every 5 seconds and updates the
// per-group table (invited, responded, response rate) and the summary sentence. No inline script (strict CSP).
(function () {
  "use strict";

  var INTERVAL_MS = 5000;
  var table = document.querySelector("table[data-progress-url]");
  if (!table || !window.fetch) {
    return;
  }
  var url = table.getAttribute("data-progress-url");
  var summary = document.querySelector("[data-progress-summary]");
  var numbers = new Intl.NumberFormat(document.documentElement.lang || "en");
  var timer = null;
  var finished = table.getAttribute("data-progress-status") === "closed";

  function rate(value) {
    if (value === null || value === undefined) {
      return "\u2014";
    }
    return (Math.round(value * 1000) / 10).toString() + "%";
  }

  function setCell(row, field, text) {
    var cell = row.querySelector('[data-field="' + field + '"]');
    if (cell && cell.textContent !== text) {
      cell.textContent = text;
    }
  }

  function fill(row, data) {
    if (!row) {
      return;
    }
    setCell(row, "invited", numbers.format(data.invited));
    setCell(row, "responded", numbers.format(data.responded));
    setCell(row, "response_rate", rate(data.response_rate));
    setCell(row, "held", numbers.format(data.held));
  }

  function update(data) {
    data.groups.forEach(function (group) {
      fill(table.querySelector('tr[data-group-id="' + group.group_id + '"]'), group);
    });
    fill(table.querySelector('tr[data-group-id="total"]'), data.total);
    if (summary) {
      var text = numbers.format(data.total.responded) + " of " + numbers.format(data.total.invited) +
        " invited have answered (" + rate(data.total.response_rate) + ").";
      if (summary.textContent.trim() !== text) {
        summary.textContent = text;
      }
    }
    if (data.status === "closed") {
      finished = true;
      stop();
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 401 || response.status === 403 || response.status === 404) {
          finished = true;
          stop();
          return null;
        }
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (data) {
          update(data);
        }
      })
      .catch(function () {
        // A network blip: keep the last numbers and try again at the next tick.
      });
  }

  function start() {
    if (timer === null && !finished) {
      timer = window.setInterval(poll, INTERVAL_MS);
    }
  }

  function stop() {
    if (timer !== null) {
      window.clearInterval(timer);
      timer = null;
    }
  }

  if (finished) {
    return;
  }
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      stop();
    } else if (!finished) {
      poll();
      start();
    }
  });
  start();
})();
