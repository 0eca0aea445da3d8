// Draws every [data-chart] element from the figure JSON the page carries, with plotly.js
// served by this app (no network), and wires the PNG/SVG download buttons.
(function () {
  "use strict";

  var CONFIG = {
    responsive: true,
    displaylogo: false,
    modeBarButtonsToRemove: ["select2d", "lasso2d"],
    toImageButtonOptions: { format: "png", scale: 2 }
  };

  function figureFor(element) {
    var source = document.getElementById(element.getAttribute("data-chart"));
    return JSON.parse(source.textContent);
  }

  function draw(element) {
    var figure = figureFor(element);
    var config = Object.assign({}, CONFIG, {
      // on a phone plotly shows its tool bar all the time, over the legend; the page's own
      // Download buttons stay, and zooming a chart with two fingers is not plotly's anyway
      displayModeBar: window.matchMedia("(max-width: 720px)").matches ? false : "hover",
      toImageButtonOptions: Object.assign({}, CONFIG.toImageButtonOptions, {
        filename: element.getAttribute("data-filename") || "chart"
      })
    });
    return window.Plotly.newPlot(element, figure.data, figure.layout, config).then(function () {
      element.setAttribute("data-drawn", "true");
      // read by benchmarks/browser.py: time from navigation to the first chart on screen
      if (window.performance && !performance.getEntriesByName("first-chart-drawn").length) {
        performance.mark("first-chart-drawn");
      }
    });
  }

  function nextFrame() {
    return new Promise(function (resolve) { window.requestAnimationFrame(resolve); });
  }

  function download(button) {
    var target = document.getElementById(button.getAttribute("data-target"));
    var format = button.getAttribute("data-download");
    window.Plotly.downloadImage(target, {
      format: format,
      filename: target.getAttribute("data-filename") || "chart",
      width: target.clientWidth || 900,
      height: target.clientHeight || 500
    });
  }

  function start() {
    if (!window.Plotly) {
      document.querySelectorAll("[data-chart]").forEach(function (element) {
        element.textContent = "The chart could not be drawn; the table below has its numbers.";
      });
      return;
    }
    // One chart after another, a frame apart: the first is on screen before the next is
    // laid out, instead of every chart appearing together once all are computed.
    var charts = Array.prototype.slice.call(document.querySelectorAll("[data-chart]"));
    charts.reduce(function (previous, element, index) {
      return previous.then(function () {
        return index === 0 ? draw(element) : nextFrame().then(function () {
          return draw(element);
        });
      });
    }, Promise.resolve());
    document.querySelectorAll("[data-download]").forEach(function (button) {
      button.addEventListener("click", function () { download(button); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
