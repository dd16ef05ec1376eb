// Progressive enhancement only: every page works without this file.
// Visitors who are not signed in keep their formulas in this browser (portal.md §8).
(function () {
  "use strict";
  var KEY = "tokkyo.formulas";
  function load() { try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; } }
  function store(list) { localStorage.setItem(KEY, JSON.stringify(list.slice(0, 5))); }
  var table = document.getElementById("formulas");
  var anonymous = table && table.dataset.server === "no";
  var save = document.getElementById("save-formula");
  if (save && document.querySelector("header a[href^='/login']")) {
    save.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var f = save.elements, list = load().filter(function (x) { return x.name !== f.name.value; });
      if (list.length >= 5) { alert("5"); return; }
      list.push({name: f.name.value, law: f.law.value, expression: f.expression.value, options: {n: f.n.value}});
      store(list);
      window.location = "/me/formulas";
    });
  }
  var imported = document.getElementById("imported");
  if (anonymous && imported) {
    var merged = load();
    JSON.parse(imported.textContent).forEach(function (x) {
      merged = merged.filter(function (y) { return y.name !== x.name; });
      merged.push(x);
    });
    store(merged);
  }
  if (anonymous) {
    var body = table.querySelector("tbody"), list = load();
    if (list.length) { body.innerHTML = ""; }
    list.forEach(function (x) {
      var tr = document.createElement("tr");
      var run = "/q/" + encodeURIComponent(x.law) + "?e=" + encodeURIComponent(x.expression) + "&n=" + encodeURIComponent((x.options || {}).n || "");
      [x.name, x.law, x.expression].forEach(function (v) { var td = document.createElement("td"); td.textContent = v; tr.appendChild(td); });
      var td = document.createElement("td"), a = document.createElement("a"); a.href = run; a.textContent = "▶"; td.appendChild(a); tr.appendChild(td);
      body.appendChild(tr);
    });
    var exp = document.getElementById("export");
    if (exp) exp.addEventListener("click", function (ev) {
      ev.preventDefault();
      var blob = new Blob([JSON.stringify({format: "tokkyo-formulas", version: 1, formulas: load()}, null, 1)], {type: "application/json"});
      var a = document.createElement("a"); a.href = URL.createObjectURL(blob); a.download = "tokkyo-formulas.json"; a.click();
    });
  }
})();
