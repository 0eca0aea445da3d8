// Every page: the main menu as a disclosure on small screens (the button opens and closes it),
// and tables wider than the screen made reachable by keyboard. Loaded in <head>, so the "js"
// class is on <html> before the first paint (the CSS collapses the menu only under that class:
// without JavaScript it simply stays open).
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // A table that scrolls sideways inside itself (style.css, on phones) takes the keyboard
  // focus, so arrow keys scroll it; one that fits does not add a stop to the tab order.
  function focusScrollingTables() {
    document.querySelectorAll("main table").forEach(function (table) {
      if (table.scrollWidth > table.clientWidth) {
        table.setAttribute("tabindex", "0");
      } else if (table.getAttribute("tabindex") === "0") {
        table.removeAttribute("tabindex");
      }
    });
  }

  function start() {
    focusScrollingTables();
    window.addEventListener("resize", focusScrollingTables);
    var button = document.querySelector(".menu-toggle");
    if (!button) {
      return;
    }
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") === "true";
      button.setAttribute("aria-expanded", open ? "false" : "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        button.setAttribute("aria-expanded", "false");
        button.focus();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
