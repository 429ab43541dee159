// The live page of an exam session (question_banks/workbench/live.html): every 10 seconds, read the
// counts and each candidate's state from the page's JSON endpoint and show them. A static
// file because the site's CSP allows no inline script; a failed read keeps the last figures.
(function () {
  "use strict";
  var root = document.getElementById("live");
  if (!root || !window.fetch) { return; }
  // The states' words, in the page's language, from the page itself.
  var labels = {
    not_started: root.dataset.labelNot_started,
    writing: root.dataset.labelWriting,
    finished: root.dataset.labelFinished
  };

  function show(data) {
    Object.keys(data.counts).forEach(function (key) {
      var node = root.querySelector('[data-count="' + key + '"]');
      if (node) { node.textContent = data.counts[key]; }
    });
    Object.keys(data.states).forEach(function (id) {
      var tag = document.querySelector('#live-list tr[data-candidate="' + id + '"] [data-state]');
      var state = data.states[id];
      if (tag && tag.dataset.state !== state) {
        tag.dataset.state = state;
        tag.className = "tag wb-" + state;
        if (labels[state]) { tag.textContent = labels[state]; }
      }
    });
    var at = document.getElementById("live-at");
    if (at) { at.textContent = data.at; }
  }

  function refresh() {
    fetch(root.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { show(data); } })
      .catch(function () { /* offline for a moment: the next round tries again */ });
  }
  window.setInterval(refresh, Number(root.dataset.interval || 10000));
})();
