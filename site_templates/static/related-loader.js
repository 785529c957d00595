/* museumxtd-search: fetch the related notes' script (its name is the bundle setting
 * "related", a file beside this script) on the pages that hold a
 * <div data-mxsearch-related></div> only: a search page, or any page without related
 * notes, does not download it. Joined at the end of the bundle's script. */
(function () {
  "use strict";
  var script = document.currentScript;
  var name = (window.MXSearchSettings || {}).related;
  if (!script || !script.src || !name) { return; }

  function load() {
    if (!document.querySelector("[data-mxsearch-related]")) { return; }
    var related = document.createElement("script");
    related.src = new URL(name, script.src).href;
    document.head.appendChild(related);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", load);
  } else {
    load();
  }
})();
