/* Draw every chart on the page from its JSON (see templates/partials/chart.html).
   No inline script: the figures live in <script type="application/json" class="chart-data" data-target="ID">. */
(function () {
  "use strict";

  var CONFIG = { responsive: true, displaylogo: false, modeBarButtonsToRemove: ["select2d", "lasso2d"] };

  function draw(source) {
    var target = document.getElementById(source.getAttribute("data-target"));
    if (!target || target.getAttribute("data-drawn") === "true") {
      return;
    }
    var figure;
    try {
      figure = JSON.parse(source.textContent);
    } catch (error) {
      console.error("adkar: chart data for #" + target.id + " is not valid JSON", error);
      return;
    }
    var config = Object.assign({}, CONFIG, figure.config || {});
    if (figure.layout && figure.layout.height) {
      // Responsive plots fill their container's height: give it the figure's (CSSOM, allowed by the CSP).
      target.style.minHeight = figure.layout.height + "px";
    }
    window.Plotly.newPlot(target, figure.data || [], figure.layout || {}, config).then(function () {
      target.setAttribute("data-drawn", "true");
    });
  }

  function drawAll() {
    if (!window.Plotly) {
      console.error("adkar: plotly.js did not load; charts are not drawn");
      return;
    }
    var sources = document.querySelectorAll('script[type="application/json"].chart-data[data-target]');
    Array.prototype.forEach.call(sources, draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
