/*
 * museumxtd-search: the page side of the in-browser search (no framework, no CDN).
 *
 * - loads the prebuilt index with fetch, or with <script> twins when the site is
 *   opened from disk (file://), where browsers refuse fetch;
 * - the search page: results on every keystroke, ?q= deep links kept in step,
 *   tag filter, "did you mean", keyboard use (/ or Ctrl+K, arrows, Enter);
 * - note pages opened from a result highlight the query words (?hl=), with a button
 *   to clear the highlight.
 * Every string from notes or from the URL is inserted as text, never as HTML.
 */
(function () {
  "use strict";
  var root = document.body.getAttribute("data-root") || "";
  var base = root + "search/";
  var pending = {};

  window.MXSearchData = function (name, data) {
    if (pending[name]) { pending[name](data); delete pending[name]; }
  };

  function viaScript(name) {
    return new Promise(function (resolve, reject) {
      pending[name] = resolve;
      var script = document.createElement("script");
      script.src = base + name + ".js";
      script.onerror = function () { reject(new Error("cannot load " + name)); };
      document.head.appendChild(script);
    });
  }

  function load(name) {
    if (location.protocol === "file:") { return viaScript(name); }
    return fetch(base + name + ".json").then(function (response) {
      if (!response.ok) { throw new Error(name + ": HTTP " + response.status); }
      return response.json();
    }).catch(function () { return viaScript(name); });
  }

  var engine = null;
  function getEngine() {
    if (!engine) { engine = window.MXSearch.createEngine(load); }
    return engine;
  }

  /* Append `text` to `parent`, wrapping [start, end) ranges in <mark>. Offsets count
     code points, as the analyser's do (MXSearch.highlightParts cuts accordingly). */
  function appendHighlighted(parent, text, ranges) {
    window.MXSearch.highlightParts(text, ranges).forEach(function (part) {
      if (part.highlighted) {
        var mark = document.createElement("mark");
        mark.textContent = part.text;
        parent.appendChild(mark);
      } else {
        parent.appendChild(document.createTextNode(part.text));
      }
    });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  /* ---------------------------------------------------------------- search page */
  function setupSearchPage(input) {
    var list = document.getElementById("search-results");
    var status = document.getElementById("search-status");
    var tagSelect = document.getElementById("search-tag");
    var tagBox = document.getElementById("search-tags");
    var form = document.getElementById("search-form");
    var params = new URLSearchParams(location.search);
    var limit = 10;
    var sequence = 0;

    form.addEventListener("submit", function (event) { event.preventDefault(); });
    input.value = params.get("q") || "";

    getEngine().manifest().then(function (manifest) {
      (manifest.tags || []).forEach(function (tag) {
        var option = el("option", "", "#" + tag[0] + " (" + tag[2] + ")");
        option.value = tag[0];
        tagSelect.appendChild(option);
      });
      tagBox.hidden = !(manifest.tags || []).length;
      if (params.get("tag")) { tagSelect.value = params.get("tag"); }
      if (input.value || tagSelect.value) { run(); }
    }).catch(function (error) { status.textContent = "Index de recherche indisponible : " + error.message; });

    /* The address bar follows the query (?q=, ?tag=) so results can be shared and Back
       returns to them. history.replaceState costs several milliseconds in Chromium,
       more than a search itself, so it waits until typing pauses; leaving the page
       (following a result, Enter, closing) writes it at once. */
    var urlTimer = null;
    function writeUrl() {
      clearTimeout(urlTimer);
      urlTimer = null;
      var next = new URLSearchParams();
      if (input.value) { next.set("q", input.value); }
      if (tagSelect.value) { next.set("tag", tagSelect.value); }
      var search = next.toString();
      var wanted = location.pathname + (search ? "?" + search : "") + location.hash;
      if (wanted !== location.pathname + location.search + location.hash) {
        history.replaceState(null, "", wanted);
      }
    }
    function keepUrl() {
      clearTimeout(urlTimer);
      urlTimer = setTimeout(writeUrl, 300);
    }
    function flushUrl() { if (urlTimer !== null) { writeUrl(); } }
    list.addEventListener("click", flushUrl, true);
    window.addEventListener("pagehide", flushUrl);

    function render(response, query) {
      list.textContent = "";
      status.textContent = "";
      var count = response.total === 0 ? "Aucun résultat" :
        response.total + (response.total > 1 ? " résultats" : " résultat");
      var prefixOnly = response.suggestion &&
        response.suggestion.replace(/\*/g, "") === query.replace(/\*/g, "");
      if (response.suggestion && !prefixOnly) {
        status.appendChild(document.createTextNode(count + " pour « " + response.suggestion +
          " » (au lieu de « " + query + " »)"));
      } else {
        status.appendChild(document.createTextNode(count + (query ? " pour « " + query + " »" : "")));
      }
      (response.warnings || []).forEach(function (warning) {
        status.appendChild(document.createTextNode(" · " + warning));
      });
      response.results.forEach(function (hit) {
        var item = el("li");
        var link = el("a", "", hit.title);
        link.href = root + hit.url + (query ? "?hl=" + encodeURIComponent(response.suggestion || query) : "") +
          (hit.anchor ? "#" + hit.anchor : "");
        link.setAttribute("data-path", hit.path);
        item.appendChild(link);
        var meta = el("div", "meta", hit.path + (hit.section && hit.section !== hit.title ? " · § " + hit.section : "") +
          (hit.tags.length ? " · #" + hit.tags.join(" #") : ""));
        item.appendChild(meta);
        var excerpt = el("p", "excerpt");
        appendHighlighted(excerpt, hit.snippet, hit.highlights || []);
        item.appendChild(excerpt);
        list.appendChild(item);
      });
      if (response.total > response.results.length) {
        var more = el("button", "more", "Plus de résultats");
        more.type = "button";
        more.addEventListener("click", function () { limit += 10; run(); });
        var holder = el("li", "more-holder");
        holder.appendChild(more);
        list.appendChild(holder);
      }
      list.setAttribute("data-query", query);
      list.setAttribute("aria-busy", "false");
    }

    function run() {
      var query = input.value.trim();
      var tag = tagSelect.value;
      keepUrl();
      var mine = ++sequence;
      if (!query && !tag) {
        list.textContent = ""; status.textContent = ""; list.setAttribute("data-query", "");
        return;
      }
      list.setAttribute("aria-busy", "true");
      getEngine().search(query, { limit: limit, tags: tag ? [tag] : [] }).then(function (response) {
        if (mine === sequence) { render(response, query); }
      }).catch(function (error) {
        if (mine === sequence) { status.textContent = "Erreur de recherche : " + error.message; }
      });
    }

    input.addEventListener("input", function () { limit = 10; run(); });
    tagSelect.addEventListener("change", function () { limit = 10; run(); });

    /* Arrow keys move between the input and the result links; Enter follows a link. */
    function resultLinks() { return Array.prototype.slice.call(list.querySelectorAll("li > a[data-path]")); }
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        var links = resultLinks();
        if (links.length) { event.preventDefault(); links[0].focus(); }
      } else if (event.key === "Enter") {
        var first = resultLinks()[0];
        if (first) { event.preventDefault(); first.click(); }
      }
    });
    list.addEventListener("keydown", function (event) {
      var links = resultLinks();
      var index = links.indexOf(document.activeElement);
      if (index < 0) { return; }
      if (event.key === "ArrowDown" && index + 1 < links.length) { event.preventDefault(); links[index + 1].focus(); }
      if (event.key === "ArrowUp") { event.preventDefault(); (index === 0 ? input : links[index - 1]).focus(); }
    });
  }

  /* ------------------------------------------------------------------ note pages */
  function setupHighlight(article) {
    var query = new URLSearchParams(location.search).get("hl");
    if (!query) { return; }
    var bar = document.querySelector(".highlight-bar");
    var body = article.querySelector(".note-body");
    getEngine().manifest().then(function () {
      var wanted = {};
      ["fr", "en"].forEach(function (lang) {
        window.MXSearch.terms(query, lang).forEach(function (term) { wanted[term] = true; });
      });
      var walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
      var nodes = [];
      while (walker.nextNode()) { nodes.push(walker.currentNode); }
      var count = 0;
      nodes.forEach(function (node) {
        var text = window.MXSearch.normalize(node.nodeValue);
        var ranges = [];
        ["fr", "en"].forEach(function (lang) {
          window.MXSearch.tokens(text, lang).forEach(function (token) {
            if (wanted[token.term]) { ranges.push([token.start, token.end]); }
          });
        });
        if (!ranges.length) { return; }
        ranges.sort(function (a, b) { return a[0] - b[0]; });
        var fragment = document.createDocumentFragment();
        /* Offsets refer to the normalised text; keep the original when lengths agree. */
        var same = Array.from(node.nodeValue).length === Array.from(text).length;
        appendHighlighted(fragment, same ? node.nodeValue : text, ranges);
        count += ranges.length;
        node.parentNode.replaceChild(fragment, node);
      });
      if (!count) { return; }
      bar.hidden = false;
      bar.querySelector(".highlight-status").textContent = count + " occurrence(s) de « " + query + " »";
      bar.querySelector(".clear-highlight").addEventListener("click", function () {
        Array.prototype.slice.call(body.querySelectorAll("mark")).forEach(function (mark) {
          mark.replaceWith(document.createTextNode(mark.textContent));
        });
        body.normalize();
        bar.hidden = true;
        history.replaceState(null, "", location.pathname + location.hash);
      });
    }).catch(function () { /* highlighting is a nicety: the page stays readable */ });
  }

  /* ----------------------------------------------------- keyboard: / and Ctrl+K */
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" ||
      target.tagName === "SELECT" || target.isContentEditable);
    var wantsSearch = (event.key === "/" && !typing) ||
      ((event.ctrlKey || event.metaKey) && (event.key === "k" || event.key === "K"));
    if (!wantsSearch) { return; }
    var box = document.getElementById("search-input") || document.getElementById("header-q");
    if (box) { event.preventDefault(); box.focus(); box.select(); }
  });

  var searchInput = document.getElementById("search-input");
  if (searchInput) { setupSearchPage(searchInput); }
  var article = document.querySelector("article.note");
  if (article) { setupHighlight(article); }
})();
