// The search box of the entity pages: on an index page (one whose list items carry data-names),
// show only the entities whose name or alias contains what is typed. Works from file:// too.
(function () {
  "use strict";
  var input = document.querySelector("form.search input[name=q]");
  var items = document.querySelectorAll("li[data-names]");
  var count = document.getElementById("count");
  if (!input || !items.length) { return; }
  function filter() {
    var text = input.value.trim().toLowerCase();
    var shown = 0;
    items.forEach(function (li) {
      var match = !text || li.getAttribute("data-names").indexOf(text) !== -1;
      li.classList.toggle("hidden", !match);
      if (match) { shown += 1; }
    });
    if (count) { count.textContent = shown + " found"; }
  }
  var given = new URLSearchParams(window.location.search).get("q");
  if (given !== null) { input.value = given; }
  input.addEventListener("input", filter);
  filter();
})();
