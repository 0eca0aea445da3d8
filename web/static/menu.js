// The main menu as a disclosure on small screens: the button opens and closes it. Loaded in
// <head>, so the "js" class is on <html> before the first paint (the CSS collapses the menu
// only under that class: without JavaScript it simply stays open).
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function start() {
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
