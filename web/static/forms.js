// Forms on every page: the focus moves to the first field in error, and a probability typed
// as a number gets a slider beside it and a hint when it looks like a fraction ("0.3").
// Loaded from base.html (the CSP allows no inline script). The server gives the same
// "Did you mean 30 %?" message (forecasts/questions/forecasting.py); nothing is reinterpreted here.
(function () {
  "use strict";

  function focusFirstError() {
    var field = document.querySelector("main [aria-invalid='true']");
    if (field) {
      field.focus();
      return;
    }
    var message = document.querySelector("main .flash-error, main p.error");
    if (message) {
      message.setAttribute("tabindex", "-1");
      message.focus();
    }
  }

  // "30", "30.5", "30 %", "30,5" → the number; anything else → NaN.
  function parsePercent(text) {
    var cleaned = text.trim().replace(/%$/, "").trim().replace(",", ".");
    if (!/^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/.test(cleaned)) {
      return NaN;
    }
    return parseFloat(cleaned);
  }

  function formatPercent(value) {
    return String(Math.round(value * 1000) / 10);
  }

  function showFractionHint(input, hint) {
    var value = parsePercent(input.value);
    while (hint.firstChild) {
      hint.removeChild(hint.firstChild);
    }
    if (!(value > 0 && value < 1) || value * 100 < 1 || value * 100 > 99) {
      hint.hidden = true;
      return;
    }
    var meant = formatPercent(value);
    hint.appendChild(document.createTextNode("Did you mean " + meant + " %? "));
    var use = document.createElement("button");
    use.type = "button";
    use.className = "link";
    use.textContent = "Use " + meant + " %";
    use.addEventListener("click", function () {
      input.value = meant;
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.focus();
    });
    hint.appendChild(use);
    hint.hidden = false;
  }

  function wireProbability(input) {
    var slider = document.querySelector("[data-slider-for='" + input.id + "']");
    var hint = document.querySelector("[data-fraction-for='" + input.id + "']");
    if (slider) {
      var start = parsePercent(input.value);
      slider.value = start >= 1 && start <= 99 ? String(Math.round(start)) : "50";
      slider.hidden = false;
      slider.addEventListener("input", function () {
        input.value = slider.value;
        if (hint) {
          showFractionHint(input, hint);
        }
      });
    }
    input.addEventListener("input", function () {
      var value = parsePercent(input.value);
      if (slider && value >= 1 && value <= 99) {
        slider.value = String(Math.round(value));
      }
      if (hint) {
        showFractionHint(input, hint);
      }
    });
    if (hint) {
      showFractionHint(input, hint);
    }
  }

  function start() {
    var inputs = document.querySelectorAll("input[id]");
    for (var i = 0; i < inputs.length; i += 1) {
      if (document.querySelector("[data-slider-for='" + inputs[i].id + "'], " +
                                 "[data-fraction-for='" + inputs[i].id + "']")) {
        wireProbability(inputs[i]);
      }
    }
    focusFirstError();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
