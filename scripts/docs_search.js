// The documentation site's search, for a site opened from disk (file://) as well as served.
//
// MkDocs' own search/main.js starts a Web Worker that fetches search_index.json: a page opened
// from a file may do neither, so its results stay at "Searching..." for ever. scripts/
// mkdocs_hooks.py writes this file over search/main.js and the index as a script,
// search/search_index.js, that a <script> tag loads from disk or from a server alike.
(function () {
  "use strict";

  function queryFromLocation() {
    var pairs = window.location.search.substring(1).split("&");
    for (var i = 0; i < pairs.length; i++) {
      var pair = pairs[i].split("=");
      if (pair[0] === "q" && pair.length > 1) {
        return decodeURIComponent(pair[1].replace(/\+/g, "%20"));
      }
    }
    return "";
  }

  function joinUrl(base, path) {
    if (path.charAt(0) === "/") return path;
    return base.charAt(base.length - 1) === "/" ? base + path : base + "/" + path;
  }

  function escapeHtml(value) {
    return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;")
      .replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function count(haystack, needle) {
    var found = 0;
    for (var at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) {
      found++;
    }
    return found;
  }

  function snippet(text, word) {
    var at = Math.max(0, text.toLowerCase().indexOf(word) - 80);
    var cut = text.substring(at, at + 240);
    return (at > 0 ? "… " : "") + cut + (at + 240 < text.length ? " …" : "");
  }

  // Every word of the query must be in a section; the title counts more than the body.
  function search(docs, query) {
    var words = query.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 0; });
    if (!words.length) return [];
    var hits = [];
    docs.forEach(function (doc) {
      var title = doc.title.toLowerCase();
      var text = doc.text.toLowerCase();
      var score = 0;
      for (var i = 0; i < words.length; i++) {
        var inTitle = count(title, words[i]);
        var inText = count(text, words[i]);
        if (!inTitle && !inText) return;
        score += 10 * inTitle + inText;
      }
      hits.push({doc: doc, score: score});
    });
    hits.sort(function (a, b) { return b.score - a.score; });
    return hits.slice(0, 50).map(function (hit) {
      return {location: hit.doc.location, title: hit.doc.title,
              summary: snippet(hit.doc.text, words[0])};
    });
  }

  function show(results, box) {
    box.innerHTML = "";
    if (!results.length) {
      var none = box.getAttribute("data-no-results-text") || "No results found";
      box.insertAdjacentHTML("beforeend", "<p>" + escapeHtml(none) + "</p>");
      return;
    }
    results.forEach(function (r) {
      box.insertAdjacentHTML("beforeend",
        '<article><h3><a href="' + escapeHtml(joinUrl(base_url, r.location)) + '">' +
        escapeHtml(r.title) + "</a></h3><p>" + escapeHtml(r.summary) + "</p></article>");
    });
  }

  function start() {
    var input = document.getElementById("mkdocs-search-query");
    var box = document.getElementById("mkdocs-search-results");
    if (!input || !box) return;  // not the search page: nothing to do
    var index = window.webagentSearchIndex;
    if (!index) {
      box.textContent = "The search index (search/search_index.js) did not load.";
      return;
    }
    var run = function () { show(search(index.docs, input.value), box); };
    input.addEventListener("keyup", run);
    input.value = queryFromLocation();
    run();
  }

  var script = document.createElement("script");
  script.src = joinUrl(base_url, "search/search_index.js");
  script.onload = start;
  script.onerror = start;
  document.head.appendChild(script);
})();
