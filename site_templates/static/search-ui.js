/*
 * search-ui.js: the search box of museumxtd-search (no framework, no CDN). One
 * component serves our own exported site and the bundle that `export --into` adds to a
 * site another generator built.
 *
 * Put <div data-mxsearch></div> where the box goes (data-mxsearch="modal" for a button
 * that opens it in a dialog, also opened with / or Ctrl+K). The component:
 * - searches as you type, shows highlighted excerpts and the section where the words
 *   are, with a link to it;
 * - keeps ?q= (and ?tag=) in step with the first inline box, so results can be shared;
 * - is used with the keyboard: / or Ctrl+K, arrows, Enter, Escape;
 * - inherits the page's fonts and colours; search-ui.css has the themable properties.
 *
 * Contract (tests and host sites rely on it): the input is an input[type=search]; the
 * results are a[data-path] links inside the element with id "search-results" (the
 * first box on the page takes the ids), data-path being the note's path relative to the
 * notes folder; the list says which query it shows in data-query, and aria-busy is
 * "false" once it shows it.
 *
 * Settings come from window.MXSearchSettings (the bundle sets it) and the data-*
 * attributes of this <script> tag: data-index (the folder of the client index) and
 * data-root (the site root, where result URLs start), both relative to this script's
 * own URL; data-lang ("fr" or "en"); data-highlight (links carry ?hl= for the note
 * pages of our own site, which highlight the words).
 *
 * Every string from notes or from the URL is inserted as text, never as HTML.
 */
(function () {
  "use strict";
  if (window.MXSearchUI) { return; }  // a layout and a snippet may both load it

  var LABELS = {
    fr: {
      label: "Rechercher dans les notes",
      placeholder: "ex. réseaux sociaux, l'évaluation, strat…",
      help: "Sans accents ni pluriels, c'est pareil. {/} ou {Ctrl}+{K} pour chercher, " +
        "{↑} {↓} puis {Entrée} pour ouvrir. Opérateurs : \"expression exacte\", OR " +
        "(entre mots et filtres : tag:a OR path:b), (groupes) : (a b) OR c, -(a OR b), " +
        "-exclure, title:, tag: (tag:projet trouve #projet/musée), path:, file:, " +
        "[propriété], [propriété:valeur], section:(mots d'une même section), préfixe*.",
      tagLegend: "Filtrer par tag",
      allTags: "Tous les tags",
      none: "Aucun résultat",
      one: " résultat",
      many: " résultats",
      forQuery: " pour « {q} »",
      insteadOf: " pour « {s} » (au lieu de « {q} »)",
      more: "Plus de résultats",
      unavailable: "Index de recherche indisponible : ",
      failed: "Erreur de recherche : ",
      open: "Rechercher",
      dialog: "Recherche",
      close: "Fermer",
      occurrences: "{n} occurrence(s) de « {q} »",
      sort: "Trier",
      byRelevance: "par pertinence",
      byDate: "par date",
      tagMode: "Tags choisis",
      allOf: "tous",
      anyOf: "l'un ou l'autre",
      facetTags: "Tags"
    },
    en: {
      label: "Search the notes",
      placeholder: "e.g. social media, evaluation, strat…",
      help: "Accents and plurals do not matter. {/} or {Ctrl}+{K} to search, " +
        "{↑} {↓} then {Enter} to open. Operators: \"exact phrase\", OR (between words " +
        "and filters: tag:a OR path:b), (groups): (a b) OR c, -(a OR b), -exclude, " +
        "title:, tag: (tag:project finds #project/museum), path:, file:, [property], " +
        "[property:value], section:(words of one section), prefix*.",
      tagLegend: "Filter by tag",
      allTags: "All tags",
      none: "No results",
      one: " result",
      many: " results",
      forQuery: " for “{q}”",
      insteadOf: " for “{s}” (instead of “{q}”)",
      more: "More results",
      unavailable: "Search index unavailable: ",
      failed: "Search error: ",
      open: "Search",
      dialog: "Search",
      close: "Close",
      occurrences: "{n} occurrence(s) of “{q}”",
      sort: "Sort",
      byRelevance: "by relevance",
      byDate: "by date",
      tagMode: "Chosen tags",
      allOf: "all of",
      anyOf: "any of",
      facetTags: "Tags"
    }
  };
  var PAGE_SIZE = 10;

  /* ------------------------------------------------------------------ settings */
  var script = document.currentScript;
  var settings = (function () {
    var given = window.MXSearchSettings || {};
    var data = script ? script.dataset : {};
    var base = script && script.src ? script.src : location.href;
    var lang = data.lang || given.lang || "fr";
    return {
      indexUrl: new URL(data.index || given.index || "index/", base).href,
      rootUrl: new URL(data.root || given.root || "../", base).href,
      lang: LABELS[lang] ? lang : "fr",
      highlight: data.highlight !== undefined || given.highlight === true
    };
  })();

  function text(name, values, lang) {
    var value = LABELS[lang || settings.lang][name];
    Object.keys(values || {}).forEach(function (key) {
      value = value.split("{" + key + "}").join(values[key]);
    });
    return value;
  }

  /* -------------------------------------------------------------- the index */
  var pending = {};
  window.MXSearchData = function (name, data) {
    var done = pending[name];
    if (done) { delete pending[name]; done(data); }
  };

  /* One file per shard, name.js = MXSearchData("name",<data>);. A page opened from
     disk loads it as a script (browsers refuse fetch on file://); over HTTP it is
     fetched and the data between the first comma and the last ")" parsed. Either way
     MXSearch unpacks it (large files are packed: deflate, then base 85 digits). */
  function viaScript(name) {
    return new Promise(function (resolve, reject) {
      pending[name] = resolve;
      var tag = document.createElement("script");
      tag.src = settings.indexUrl + name + ".js";
      tag.onerror = function () { reject(new Error("cannot load " + name)); };
      document.head.appendChild(tag);
    }).then(window.MXSearch.unpackData);
  }

  function load(name) {
    if (location.protocol === "file:") { return viaScript(name); }
    return fetch(settings.indexUrl + name + ".js").then(function (response) {
      if (!response.ok) { throw new Error(name + ": HTTP " + response.status); }
      return response.text();
    }).then(window.MXSearch.parseDataFile).catch(function () { return viaScript(name); });
  }

  var engine = null;
  function getEngine() {
    if (!engine) { engine = window.MXSearch.createEngine(load); }
    return engine;
  }

  /* ------------------------------------------------------------ DOM helpers */
  function el(tag, className, content) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (content !== undefined) { node.textContent = content; }
    return node;
  }

  /* A label where {x} marks a key: "{Ctrl}+{K}" gives <kbd>Ctrl</kbd>+<kbd>K</kbd>. */
  function withKeys(parent, label) {
    label.split(/\{([^}]*)\}/).forEach(function (part, index) {
      parent.appendChild(index % 2 ? el("kbd", "", part) : document.createTextNode(part));
    });
    return parent;
  }

  /* Append `content` to `parent`, wrapping [start, end) ranges in <mark>. Offsets count
     code points, as the analyser's do (MXSearch.highlightParts cuts accordingly). */
  function appendHighlighted(parent, content, ranges) {
    window.MXSearch.highlightParts(content, ranges).forEach(function (part) {
      parent.appendChild(part.highlighted ? el("mark", "", part.text)
        : document.createTextNode(part.text));
    });
  }

  /* The first box on the page gets the contract's ids; a second one gets "-2"… */
  function freeId(name) {
    var id = name;
    for (var number = 2; document.getElementById(id); number++) { id = name + "-" + number; }
    return id;
  }

  /* Where a result leads: the page (without "index.html" when served over HTTP: host
     sites link to their folders), the section's anchor, ?hl= on our own site. */
  function pageUrl(hit, query, anchor) {
    var url = new URL(hit.url, settings.rootUrl);
    if (url.protocol !== "file:" && /\/index\.html$/.test(url.pathname)) {
      url.pathname = url.pathname.slice(0, -"index.html".length);
    }
    if (settings.highlight && query) { url.search = "?hl=" + encodeURIComponent(query); }
    url.hash = anchor ? "#" + anchor : "";
    return url.href;
  }

  /* ----------------------------------------------------------- one search box */
  function SearchBox(host, options) {
    var lang = LABELS[options.lang] ? options.lang : settings.lang;
    var box = el("div", "mxsearch");
    var form = el("form", "mxsearch-form");
    form.id = freeId("search-form");
    form.setAttribute("role", "search");
    var input = el("input", "mxsearch-input");
    input.id = freeId("search-input");
    input.type = "search";
    input.name = "q";
    input.autocomplete = "off";
    input.spellcheck = false;
    input.placeholder = options.placeholder || text("placeholder", null, lang);
    var label = el("label", "mxsearch-label", options.label || text("label", null, lang));
    label.htmlFor = input.id;
    form.appendChild(label);
    form.appendChild(input);
    var status = el("p", "mxsearch-status");
    status.id = freeId("search-status");
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    var list = el("ol", "mxsearch-results");
    list.id = freeId("search-results");
    list.setAttribute("data-query", "");
    input.setAttribute("aria-controls", list.id);
    if (options.help) {
      var help = withKeys(el("p", "mxsearch-help"), text("help", null, lang));
      help.id = freeId("search-help");
      input.setAttribute("aria-describedby", help.id);
      form.appendChild(help);
    }
    var tagSelect = null;
    var tagBox = null;
    if (options.tags) {
      tagBox = el("fieldset", "mxsearch-tags");
      tagBox.id = freeId("search-tags");
      tagBox.hidden = true;
      tagBox.appendChild(el("legend", "", text("tagLegend", null, lang)));
      tagSelect = el("select");
      tagSelect.id = freeId("search-tag");
      tagSelect.setAttribute("aria-label", "Tag");
      var every = el("option", "", text("allTags", null, lang));
      every.value = "";
      tagSelect.appendChild(every);
      tagBox.appendChild(tagSelect);
      form.appendChild(tagBox);
    }
    /* Sorting, and facets: the tags (and the properties the garden declares) of the
       current results with their counts; picking values narrows the results. */
    var sortSelect = null;
    var modeSelect = null;
    var facetBox = null;
    if (options.tags) {
      var sortLabel = el("label", "mxsearch-sort", text("sort", null, lang) + " ");
      sortSelect = el("select");
      sortSelect.id = freeId("search-sort");
      [["relevance", "byRelevance"], ["date", "byDate"]].forEach(function (choice) {
        var option = el("option", "", text(choice[1], null, lang));
        option.value = choice[0];
        sortSelect.appendChild(option);
      });
      sortLabel.appendChild(sortSelect);
      form.appendChild(sortLabel);
      var modeLabel = el("label", "mxsearch-tag-mode", text("tagMode", null, lang) + " ");
      modeSelect = el("select");
      modeSelect.id = freeId("search-tag-mode");
      [["all", "allOf"], ["any", "anyOf"]].forEach(function (choice) {
        var option = el("option", "", text(choice[1], null, lang));
        option.value = choice[0];
        modeSelect.appendChild(option);
      });
      modeLabel.appendChild(modeSelect);
      form.appendChild(modeLabel);
      facetBox = el("div", "mxsearch-facets");
      facetBox.id = freeId("search-facets");
    }
    var picked = { tags: [], properties: [] };  /* [value] and [[facet, value]] */
    box.appendChild(form);
    if (facetBox) { box.appendChild(facetBox); }
    box.appendChild(status);
    box.appendChild(list);
    host.appendChild(box);

    var limit = PAGE_SIZE;
    var sequence = 0;
    var tagWanted = options.keepUrl ? new URLSearchParams(location.search).get("tag") : "";

    form.addEventListener("submit", function (event) { event.preventDefault(); });
    /* The index starts loading as soon as the visitor shows interest. */
    input.addEventListener("focus", function () { getEngine().manifest().catch(function () {}); });

    function currentTag() { return tagSelect ? tagSelect.value : ""; }

    /* The tags searched: the drop-down's, then those picked among the facets. */
    function currentTags() {
      var tags = currentTag() ? [currentTag()] : [];
      picked.tags.forEach(function (tag) { if (tags.indexOf(tag) < 0) { tags.push(tag); } });
      return tags;
    }

    /* The query searched: the typed one, then a [facet:"value"] per picked value. */
    function searchedQuery(query) {
      return [query].concat(picked.properties.map(function (pair) {
        return "[" + pair[0] + ":\"" + pair[1] + "\"]";
      })).filter(function (part) { return part; }).join(" ");
    }

    function isPicked(facet, value) {
      if (facet === "tags") { return picked.tags.indexOf(value) >= 0; }
      return picked.properties.some(function (pair) {
        return pair[0] === facet && pair[1] === value;
      });
    }

    function togglePicked(facet, value) {
      if (facet === "tags") {
        var at = picked.tags.indexOf(value);
        if (at >= 0) { picked.tags.splice(at, 1); } else { picked.tags.push(value); }
      } else if (isPicked(facet, value)) {
        picked.properties = picked.properties.filter(function (pair) {
          return !(pair[0] === facet && pair[1] === value);
        });
      } else {
        picked.properties.push([facet, value]);
      }
      limit = PAGE_SIZE;
      run();
    }

    /* Each facet with values: its name, then a toggle button per value with its count
       among all the results (data-facet, data-value, data-count for tests and styles). */
    function renderFacets(facets) {
      if (!facetBox) { return; }
      facetBox.textContent = "";
      Object.keys(facets || {}).forEach(function (name) {
        var values = facets[name];
        if (!values.length) { return; }
        var group = el("div", "mxsearch-facet");
        group.setAttribute("data-facet", name);
        group.appendChild(el("span", "mxsearch-facet-name",
          (name === "tags" ? text("facetTags", null, lang) : name) + " : "));
        values.forEach(function (entry) {
          var button = el("button", "mxsearch-facet-value",
            (name === "tags" ? "#" : "") + entry[0] + " (" + entry[1] + ")");
          button.type = "button";
          button.setAttribute("data-value", entry[0]);
          button.setAttribute("data-count", String(entry[1]));
          button.setAttribute("aria-pressed", isPicked(name, entry[0]) ? "true" : "false");
          button.addEventListener("click", function () { togglePicked(name, entry[0]); });
          group.appendChild(button);
        });
        facetBox.appendChild(group);
      });
    }

    function showTags() {
      return getEngine().manifest().then(function (manifest) {
        var tags = manifest.tags || [];
        tags.forEach(function (tag) {
          var option = el("option", "", "#" + tag[0] + " (" + tag[2] + ")");
          option.value = tag[0];
          tagSelect.appendChild(option);
        });
        tagBox.hidden = !tags.length;
        if (tagWanted) { tagSelect.value = tagWanted; }
      });
    }

    /* The address bar follows the query (?q=, ?tag=) so results can be shared and Back
       returns to them. history.replaceState costs several milliseconds in Chromium,
       more than a search itself, so it waits until typing pauses; leaving the page
       (following a result, Enter, closing) writes it at once. */
    var urlTimer = null;
    function writeUrl() {
      clearTimeout(urlTimer);
      urlTimer = null;
      var next = new URLSearchParams(location.search);
      next.delete("q");
      next.delete("tag");
      if (input.value) { next.set("q", input.value); }
      if (currentTag()) { next.set("tag", currentTag()); }
      var search = next.toString();
      var wanted = location.pathname + (search ? "?" + search : "") + location.hash;
      if (wanted !== location.pathname + location.search + location.hash) {
        history.replaceState(history.state, "", wanted);
      }
    }
    function keepUrl() {
      if (!options.keepUrl) { return; }
      clearTimeout(urlTimer);
      urlTimer = setTimeout(writeUrl, 300);
    }
    function flushUrl() { if (urlTimer !== null) { writeUrl(); } }
    list.addEventListener("click", flushUrl, true);
    window.addEventListener("pagehide", flushUrl);

    function render(response, query) {
      list.textContent = "";
      status.textContent = "";
      var count = response.total === 0 ? text("none", null, lang) :
        response.total + text(response.total > 1 ? "many" : "one", null, lang);
      var prefixOnly = response.suggestion &&
        response.suggestion.replace(/\*/g, "") === query.replace(/\*/g, "");
      var shown = response.suggestion && !prefixOnly ?
        text("insteadOf", { s: response.suggestion, q: query }, lang) :
        (query ? text("forQuery", { q: query }, lang) : "");
      status.appendChild(document.createTextNode(count + shown));
      (response.warnings || []).forEach(function (warning) {
        status.appendChild(document.createTextNode(" · " + warning));
      });
      var highlighted = response.suggestion || query;
      response.results.forEach(function (hit) {
        var item = el("li", "mxsearch-result");
        var link = el("a", "mxsearch-title", hit.title);
        link.href = pageUrl(hit, highlighted, hit.anchor);
        link.setAttribute("data-path", hit.path);
        item.appendChild(link);
        var meta = el("div", "mxsearch-meta");
        var folder = hit.path.lastIndexOf("/") > 0 ? hit.path.slice(0, hit.path.lastIndexOf("/")) : "";
        var parts = [];
        if (folder) { parts.push(document.createTextNode(folder)); }
        if (hit.section && hit.section !== hit.title) {
          var section = el(hit.anchor ? "a" : "span", "mxsearch-section", "§ " + hit.section);
          if (hit.anchor) { section.href = link.href; }
          parts.push(section);
        }
        if (hit.tags.length) { parts.push(document.createTextNode("#" + hit.tags.join(" #"))); }
        if (hit.date) {
          var date = el("time", "mxsearch-date", hit.date);
          date.setAttribute("datetime", hit.date);
          parts.push(date);
        }
        parts.forEach(function (part, index) {
          if (index) { meta.appendChild(document.createTextNode(" · ")); }
          meta.appendChild(part);
        });
        item.appendChild(meta);
        var excerpt = el("p", "mxsearch-excerpt");
        appendHighlighted(excerpt, hit.snippet, hit.highlights || []);
        item.appendChild(excerpt);
        /* The note's other sections holding the words, each a link to its heading. */
        var others = (hit.sections || []).slice(1);
        if (others.length) {
          var sub = el("ul", "mxsearch-subresults");
          others.forEach(function (part) {
            var entry = el("li", "mxsearch-subresult");
            var target = el("a", "mxsearch-subresult-link", "§ " + (part.section || hit.title));
            target.href = pageUrl(hit, highlighted, part.anchor);
            entry.appendChild(target);
            var partExcerpt = el("p", "mxsearch-excerpt");
            appendHighlighted(partExcerpt, part.snippet, part.highlights || []);
            entry.appendChild(partExcerpt);
            sub.appendChild(entry);
          });
          item.appendChild(sub);
        }
        list.appendChild(item);
      });
      if (response.total > response.results.length) {
        var more = el("button", "mxsearch-more", text("more", null, lang));
        more.type = "button";
        more.addEventListener("click", function () { limit += PAGE_SIZE; run(); });
        var holder = el("li", "mxsearch-more-holder");
        holder.appendChild(more);
        list.appendChild(holder);
      }
      if (response.facets) { renderFacets(response.facets); }
      list.setAttribute("data-query", query);
      list.setAttribute("aria-busy", "false");
    }

    function run() {
      var query = input.value.trim();
      var tags = currentTags();
      var searched = searchedQuery(query);
      keepUrl();
      var mine = ++sequence;
      if (!searched && !tags.length) {
        list.textContent = "";
        status.textContent = "";
        if (facetBox) { facetBox.textContent = ""; }
        list.setAttribute("data-query", "");
        list.setAttribute("aria-busy", "false");
        return;
      }
      list.setAttribute("aria-busy", "true");
      var searchOptions = { limit: limit, tags: tags };
      if (facetBox) {
        searchOptions.sort = sortSelect.value;
        searchOptions.anyTag = modeSelect.value === "any";
        searchOptions.facets = "loaded";
        facetBox.setAttribute("aria-busy", "true");
      }
      /* Counting facets over every result needs the facets file, which the results do
         not: until it is here, the results show first and a second search counts the
         facets; once it is, one search does both. */
      getEngine().search(searched, searchOptions).then(function (response) {
        if (mine !== sequence) { return null; }
        render(response, query);
        if (!facetBox) { return null; }
        if (response.facets) {
          facetBox.setAttribute("aria-busy", "false");
          return null;
        }
        searchOptions.facets = true;
        return getEngine().search(searched, searchOptions).then(function (counted) {
          if (mine !== sequence) { return; }
          renderFacets(counted.facets);
          facetBox.setAttribute("aria-busy", "false");
        });
      }).catch(function (error) {
        if (mine === sequence) {
          status.textContent = text("failed", null, lang) + error.message;
          list.setAttribute("aria-busy", "false");
          if (facetBox) { facetBox.setAttribute("aria-busy", "false"); }
        }
      });
    }

    input.addEventListener("input", function () { limit = PAGE_SIZE; run(); });
    [tagSelect, sortSelect, modeSelect].forEach(function (select) {
      if (select) { select.addEventListener("change", function () { limit = PAGE_SIZE; run(); }); }
    });

    /* Arrow keys move between the input and the result links; Enter follows a link. */
    function resultLinks() {
      return Array.prototype.slice.call(list.querySelectorAll("li > a[data-path]"));
    }
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
      if (event.key === "ArrowDown" && index + 1 < links.length) {
        event.preventDefault();
        links[index + 1].focus();
      }
      if (event.key === "ArrowUp") {
        event.preventDefault();
        (index === 0 ? input : links[index - 1]).focus();
      }
    });

    /* A deep link (?q=, ?tag=) runs at once; the tag list needs the manifest first. */
    if (options.keepUrl) { input.value = new URLSearchParams(location.search).get("q") || ""; }
    var ready = tagSelect ? showTags() : Promise.resolve();
    ready.then(function () { if (input.value || currentTag()) { run(); } })
      .catch(function (error) { status.textContent = text("unavailable", null, lang) + error.message; });

    return { input: input, list: list, focus: function () { input.focus(); input.select(); } };
  }

  /* ------------------------------------------------------------ modal mode */
  /* The dialog sits at the end of <body>, so it inherits the page's font and colour;
     its background is the page's own unless --mxsearch-background says otherwise. */
  function pageBackground() {
    var nodes = [document.body, document.documentElement];
    for (var i = 0; i < nodes.length; i++) {
      var colour = getComputedStyle(nodes[i]).backgroundColor;
      if (colour && colour !== "transparent" && colour !== "rgba(0, 0, 0, 0)") { return colour; }
    }
    return "Canvas";
  }

  function ModalSearch(host, options) {
    var lang = LABELS[options.lang] ? options.lang : settings.lang;
    var button = el("button", "mxsearch-open");
    button.type = "button";
    button.setAttribute("aria-haspopup", "dialog");
    button.appendChild(el("span", "mxsearch-open-label", text("open", null, lang)));
    button.appendChild(document.createTextNode(" "));
    var mac = /Mac|iPhone|iPad/.test(navigator.platform || "");
    withKeys(button, mac ? "{⌘ K}" : "{Ctrl K}");
    host.appendChild(button);

    var dialog = el("dialog", "mxsearch-dialog");
    dialog.setAttribute("aria-label", text("dialog", null, lang));
    var close = el("button", "mxsearch-close", text("close", null, lang));
    close.type = "button";
    dialog.appendChild(close);
    document.body.appendChild(dialog);
    var search = SearchBox(dialog, options);

    function open() {
      dialog.style.setProperty("--mxsearch-page-background", pageBackground());
      if (!dialog.open) { dialog.showModal(); }
      search.focus();
    }
    button.addEventListener("click", open);
    close.addEventListener("click", function () { dialog.close(); });
    /* A click on the backdrop (the dialog itself, outside its content) closes it. */
    dialog.addEventListener("click", function (event) { if (event.target === dialog) { dialog.close(); } });
    return { open: open, dialog: dialog };
  }

  /* --------------------------------------------------- mounting, the keyboard */
  var inline = [];
  var modals = [];

  function optionsOf(host) {
    var data = host.dataset;
    return {
      lang: data.lang,
      label: data.label,
      placeholder: data.placeholder,
      help: data.help !== undefined,
      tags: data.tags !== undefined
    };
  }

  function mount(host) {
    if (host.getAttribute("data-mxsearch-ready")) { return; }
    host.setAttribute("data-mxsearch-ready", "true");
    /* A page swapped in place (Quartz's navigation) took the old boxes away. */
    inline = inline.filter(function (box) { return box.input.isConnected; });
    modals = modals.filter(function (box) { return box.dialog.isConnected; });
    var options = optionsOf(host);
    if ((host.getAttribute("data-mxsearch") || "").trim() === "modal") {
      modals.push(ModalSearch(host, options));
    } else {
      options.keepUrl = inline.length === 0;  // one box owns the address bar
      inline.push(SearchBox(host, options));
    }
  }

  function mountAll() {
    var hosts = Array.prototype.slice.call(document.querySelectorAll("[data-mxsearch]"));
    /* Inline boxes first: the search page's own box takes the contract's ids. */
    hosts.filter(function (h) { return h.getAttribute("data-mxsearch") !== "modal"; }).forEach(mount);
    hosts.filter(function (h) { return h.getAttribute("data-mxsearch") === "modal"; }).forEach(mount);
  }

  /* / or Ctrl+K (Cmd+K): the page's search box, else the dialog, else the page's own
     search field (a header form). */
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" ||
      target.tagName === "SELECT" || target.isContentEditable);
    var wanted = (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) ||
      ((event.ctrlKey || event.metaKey) && (event.key === "k" || event.key === "K"));
    if (!wanted) { return; }
    if (inline.length) {
      event.preventDefault();
      inline[0].focus();
    } else if (modals.length) {
      event.preventDefault();
      modals[0].open();
    } else {
      var field = document.querySelector("form[role=search] input[type=search]");
      if (field) { event.preventDefault(); field.focus(); field.select(); }
    }
  });

  /* ------------------------------------------- our note pages: ?hl= highlighting */
  function setupHighlight(article) {
    var query = new URLSearchParams(location.search).get("hl");
    var bar = document.querySelector(".highlight-bar");
    var body = article.querySelector(".note-body");
    if (!query || !bar || !body) { return; }
    /* The manifest brings the analysis rules the engine's terms() and tokens() use. */
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
        var normalized = window.MXSearch.normalize(node.nodeValue);
        var ranges = [];
        ["fr", "en"].forEach(function (lang) {
          window.MXSearch.tokens(normalized, lang).forEach(function (token) {
            if (wanted[token.term]) { ranges.push([token.start, token.end]); }
          });
        });
        if (!ranges.length) { return; }
        ranges.sort(function (a, b) { return a[0] - b[0]; });
        var fragment = document.createDocumentFragment();
        /* Offsets refer to the normalised text; keep the original when lengths agree. */
        var same = Array.from(node.nodeValue).length === Array.from(normalized).length;
        appendHighlighted(fragment, same ? node.nodeValue : normalized, ranges);
        count += ranges.length;
        node.parentNode.replaceChild(fragment, node);
      });
      if (!count) { return; }
      bar.hidden = false;
      bar.querySelector(".highlight-status").textContent = text("occurrences", { n: count, q: query });
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

  function start() {
    mountAll();
    var article = document.querySelector("article.note");
    if (article) { setupHighlight(article); }
  }

  window.MXSearchUI = {
    settings: settings,
    mount: mount,
    open: function () { if (modals.length) { modals[0].open(); } }
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  document.addEventListener("nav", mountAll);  /* Quartz: a page shown without loading */
})();
