// Long choice lists (a responsible person among 300 members, a unit among 500) become
// searchable: type part of a name instead of scrolling. Short lists stay plain selects.
// A multiple choice (an inspection's participants, the units a group covers) shows the
// chosen ones as tags, each with a button that takes it off again. A select with
// data-search (a unit among a county's) holds only a few options: the rest are fetched, a page
// of matches at a time, from that address as the user types.
"use strict";
(function () {
  var LONG = 15;
  var noMatch = document.body.dataset.noMatch || "";
  document.querySelectorAll("select").forEach(function (select) {
    var search = select.dataset.search;
    if ((!search && select.options.length <= LONG) || select.tomselect) {
      return;
    }
    var remote = search
      ? {
          valueField: "value",
          labelField: "text",
          searchField: ["text"],
          preload: "focus",
          load: function (query, callback) {
            fetch(search + "&q=" + encodeURIComponent(query), {
              credentials: "same-origin",
              headers: { Accept: "application/json" },
            })
              .then(function (response) {
                return response.json();
              })
              .then(function (page) {
                callback(page.results);
              })
              .catch(function () {
                callback();
              });
          },
        }
      : {};
    new TomSelect(select, Object.assign(remote, {
      maxOptions: null, // every match, not the first 50
      refreshThrottle: 0, // filter at each keystroke: a few hundred options filter at once
      allowEmptyOption: true,
      plugins: select.multiple ? { remove_button: { title: document.body.dataset.removeChoice || "" } } : [],
      render: {
        no_results: function () {
          var div = document.createElement("div");
          div.className = "no-results";
          div.textContent = noMatch;
          return div;
        },
      },
    }));
    // The select stays in the page for the form's sake, clipped to nothing: assistive
    // technology reads the combobox shown in its place, which carries the label.
    select.setAttribute("aria-hidden", "true");
  });
})();
