// Live progress of background jobs (a wave's e-mail, an initiative's reports): polls the section's
// data-jobs-url every 3 seconds while a job is unfinished and updates the cells it has (status, sent, pending,
// failed, message). A section marked data-reload-when-done reloads once a job finishes, so its download link
// appears. No inline script (strict CSP).
(function () {
  "use strict";

  var INTERVAL_MS = 3000;
  var section = document.querySelector("[data-jobs-url]");
  if (!section || !window.fetch) {
    return;
  }
  var url = section.getAttribute("data-jobs-url");
  var numbers = new Intl.NumberFormat(document.documentElement.lang || "en");
  var FINISHED = { done: true, failed: true };

  function setCell(row, field, text) {
    var cell = row.querySelector('[data-field="' + field + '"]');
    if (cell && cell.textContent !== text) {
      cell.textContent = text;
    }
  }

  function unfinished() {
    var cells = section.querySelectorAll('[data-field="status"]');
    for (var i = 0; i < cells.length; i += 1) {
      if (!FINISHED[cells[i].textContent.trim()]) {
        return true;
      }
    }
    return false;
  }

  var reloadWhenDone = section.hasAttribute("data-reload-when-done");

  function update(data) {
    data.jobs.forEach(function (job) {
      var row = section.querySelector('tr[data-job-id="' + job.id + '"]');
      if (!row) {
        return;
      }
      var cell = row.querySelector('[data-field="status"]');
      if (reloadWhenDone && FINISHED[job.status] && cell && !FINISHED[cell.textContent.trim()]) {
        window.location.reload();
        return;
      }
      setCell(row, "status", job.status);
      setCell(row, "sent", numbers.format(job.counts.sent));
      setCell(row, "pending", numbers.format(job.counts.pending));
      setCell(row, "failed", numbers.format(job.counts.failed));
      setCell(row, "message", job.message);
    });
  }

  function poll() {
    if (!unfinished()) {
      return;
    }
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (data) {
          update(data);
        }
        window.setTimeout(poll, INTERVAL_MS);
      })
      .catch(function () {
        window.setTimeout(poll, INTERVAL_MS * 3);
      });
  }

  window.setTimeout(poll, INTERVAL_MS);
})();
