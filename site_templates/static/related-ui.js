/* museumxtd-search: the related notes of the page, for a site another generator built.
 *
 * The bundle of `export --into` writes each page's related notes (computed at export,
 * as our own pages show them) into related.json in its index folder, keyed by the page's
 * path from the site's root. Every element <div data-mxsearch-related></div> of a page
 * becomes a heading and a list of links, each with its reasons; on a page without
 * related notes it stays empty. Settings are the search box's: window.MXSearchSettings
 * (index, root, lang), relative to this script's URL. Text is inserted as text.
 */
(function () {
  "use strict";
  if (window.MXSearchRelated) { return; }
  window.MXSearchRelated = true;
  var HEADINGS = { fr: "Notes proches", en: "Related notes" };
  var script = document.currentScript;
  var given = window.MXSearchSettings || {};
  var base = script && script.src ? script.src : location.href;
  var indexUrl = new URL(given.index || "index/", base).href;
  var rootUrl = new URL(given.root || "../", base);

  /* The page's key in related.json: its path from the site's root, "index.html" for a
   * folder's address. */
  function pageKeys() {
    var path = decodeURIComponent(location.pathname);
    var root = decodeURIComponent(rootUrl.pathname);
    var own = path.indexOf(root) === 0 ? path.slice(root.length) : path.replace(/^\//, "");
    if (own === "" || /\/$/.test(own)) { return [own + "index.html"]; }
    return [own, own + "/index.html", own + ".html"];
  }

  function link(item) {
    var url = new URL(item.url, rootUrl);
    if (url.protocol !== "file:" && /\/index\.html$/.test(url.pathname)) {
      url.pathname = url.pathname.slice(0, -"index.html".length);
    }
    return url.href;
  }

  function show(places, related) {
    var keys = pageKeys();
    var items = null;
    for (var i = 0; i < keys.length && !items; i++) { items = related[keys[i]] || null; }
    if (!items || !items.length) { return; }
    places.forEach(function (place) {
      var heading = document.createElement("h2");
      heading.className = "mxsearch-related-title";
      heading.textContent = HEADINGS[given.lang] || HEADINGS.fr;
      var list = document.createElement("ul");
      list.className = "mxsearch-related";
      items.forEach(function (item) {
        var entry = document.createElement("li");
        var anchor = document.createElement("a");
        anchor.href = link(item);
        anchor.textContent = item.title;
        var reasons = document.createElement("span");
        reasons.className = "mxsearch-related-reasons";
        reasons.textContent = " " + item.reasons.join(" · ");
        entry.appendChild(anchor);
        entry.appendChild(reasons);
        list.appendChild(entry);
      });
      place.appendChild(heading);
      place.appendChild(list);
    });
  }

  function start() {
    var places = Array.prototype.slice.call(document.querySelectorAll("[data-mxsearch-related]"))
      .filter(function (place) { return !place.children.length; });  /* not filled yet */
    if (!places.length) { return; }
    fetch(indexUrl + "related.json").then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    }).then(function (related) { show(places, related); }).catch(function () {});
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  /* Quartz shows the next page without loading it, then says "nav": its list too. */
  document.addEventListener("nav", start);
})();
