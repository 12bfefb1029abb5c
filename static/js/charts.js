/* Draws every figure a page hands over with json_script: <div class="chart" data-figure="ID"> + <script id="ID">. */
(function () {
  "use strict";
  if (!window.Plotly) { return; }
  document.querySelectorAll(".chart[data-figure]").forEach(function (el) {
    var source = document.getElementById(el.dataset.figure);
    if (!source) { return; }
    var figure = JSON.parse(source.textContent);
    // showSendToCloud: false drops plotly's "Share chart" button, which opens Plotly Cloud in a new window and
    // posts the figure's data to it: the portal's figures never leave the government's servers.
    window.Plotly.newPlot(el, figure.data, figure.layout, {
      responsive: true, displaylogo: false, showSendToCloud: false, locale: "zh-CN"
    });
    el.dataset.drawn = "1";
  });
})();
