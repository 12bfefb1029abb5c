/* Draws every figure a page hands over with json_script: <div class="chart" data-figure="ID"> + <script id="ID">. */
(function () {
  "use strict";
  if (!window.Plotly) { return; }
  document.querySelectorAll(".chart[data-figure]").forEach(function (el) {
    var source = document.getElementById(el.dataset.figure);
    if (!source) { return; }
    var figure = JSON.parse(source.textContent);
    window.Plotly.newPlot(el, figure.data, figure.layout, { responsive: true, displaylogo: false, locale: "zh-CN" });
    el.dataset.drawn = "1";
  });
})();
