// Progressive enhancement only: every page works without this file.
// Visitors who are not signed in keep their formulas in this browser (portal.md §8): up to
// five, saved from a result page, imported from a file (choosing which to keep when the
// total would pass five), run, deleted and exported here. Messages come from the page
// (data-* attributes), in the page's language.
// A select marked data-autosubmit sends its form when changed (the result list's sort;
// the page's Content-Security-Policy allows no inline event handlers).
document.querySelectorAll("select[data-autosubmit]").forEach(function (s) {
  s.addEventListener("change", function () { s.form.submit(); });
});
(function () {
  "use strict";
  var KEY = "tokkyo.formulas";
  function load() { try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; } }
  function store(list) { localStorage.setItem(KEY, JSON.stringify(list)); }
  function without(list, names) { return list.filter(function (x) { return names.indexOf(x.name) < 0; }); }
  function say(after, text) {
    var p = document.getElementById("formula-message");
    if (!p) { p = document.createElement("p"); p.id = "formula-message"; p.className = "error"; p.setAttribute("role", "alert"); after.insertAdjacentElement("afterend", p); }
    p.textContent = text;
  }
  function el(tag, text) { var e = document.createElement(tag); if (text !== undefined) e.textContent = text; return e; }

  var save = document.getElementById("save-formula");
  if (save && document.querySelector("header a[href^='/login']")) {
    save.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var f = save.elements, list = without(load(), [f.name.value]);
      if (list.length >= Number(save.dataset.limit)) { say(save, save.dataset.full); return; }
      list.push({name: f.name.value, law: f.law.value, expression: f.expression.value, options: {n: f.n.value}});
      store(list);
      window.location = "/me/formulas";
    });
  }

  var table = document.getElementById("formulas");
  if (!table || table.dataset.server !== "no") return;
  var text = table.dataset, LIMIT = Number(text.limit);

  function render() {
    var body = table.querySelector("tbody"), list = load();
    if (!list.length) return;
    body.innerHTML = "";
    list.forEach(function (x) {
      var tr = el("tr");
      [x.name, x.law, x.expression].forEach(function (v) { tr.appendChild(el("td", v)); });
      var td = el("td"), run = el("a", text.run), remove = el("button", text.remove);
      run.href = "/q/" + encodeURIComponent(x.law) + "?e=" + encodeURIComponent(x.expression) + "&n=" + encodeURIComponent((x.options || {}).n || "");
      remove.type = "button";
      remove.className = "delete";
      remove.addEventListener("click", function () {
        store(without(load(), [x.name]));
        if (!load().length) { window.location.reload(); return; }
        render();
      });
      td.appendChild(run); td.appendChild(document.createTextNode(" ")); td.appendChild(remove);
      tr.appendChild(td);
      body.appendChild(tr);
    });
  }

  function choose(incoming) {
    // a chosen formula replaces a saved one of the same name; the rest must fit in five
    var form = el("form"), free = Math.max(0, LIMIT - load().length);
    form.id = "visitor-choose";
    form.appendChild(el("h2", text.chooseTitle));
    form.appendChild(el("p", text.choose.replace("{free}", String(free))));
    incoming.forEach(function (x, i) {
      var label = el("label"), box = el("input");
      box.type = "checkbox"; box.name = "keep"; box.value = String(i);
      label.appendChild(box); label.appendChild(document.createTextNode(" " + x.name + ": " + x.expression));
      var p = el("p"); p.appendChild(label); form.appendChild(p);
    });
    var button = el("button", text.importButton);
    form.appendChild(button);
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var chosen = incoming.filter(function (x, i) { return form.elements.keep[i] ? form.elements.keep[i].checked : form.elements.keep.checked; });
      var kept = without(load(), chosen.map(function (x) { return x.name; }));
      if (kept.length + chosen.length > LIMIT) { say(form, text.choose.replace("{free}", String(free))); return; }
      store(kept.concat(chosen));
      window.location = "/me/formulas";
    });
    table.insertAdjacentElement("afterend", form);
  }

  var imported = document.getElementById("imported");
  if (imported) {
    var incoming = JSON.parse(imported.textContent);
    var merged = without(load(), incoming.map(function (x) { return x.name; })).concat(incoming);
    if (merged.length > LIMIT) {
      var notice = document.querySelector("p.notice[role=status]");
      if (notice) notice.remove();            // nothing is imported until the choice
      choose(incoming);
    } else {
      store(merged);
    }
  }
  render();
  var exp = document.getElementById("export");
  if (exp) exp.addEventListener("click", function (ev) {
    ev.preventDefault();
    var blob = new Blob([JSON.stringify({format: "tokkyo-formulas", version: 1, formulas: load()}, null, 1)], {type: "application/json"});
    var a = document.createElement("a"); a.href = URL.createObjectURL(blob); a.download = "tokkyo-formulas.json"; a.click();
  });
})();
// Machine translation beside the original (real-time mode): while a part is still being
// translated, ask the page's translation address again and fill the translation in when
// it is done; a plain reload shows it too (the server keeps it in its cache).
(function () {
  "use strict";
  var banner = document.getElementById("mt");
  if (!banner || banner.dataset.pending !== "1") return;
  var tries = 0, MAX_TRIES = 60, PAUSE_MS = 1500;
  function fill(name, part) {
    if (part.stored) return;   // a stored translation is on the page as served
    var note = document.querySelector("[data-mt-note='" + name + "']");
    if (part.state === "done") {
      part.units.forEach(function (text, i) {
        var cell = document.querySelector("[data-mt='" + name + "-" + i + "']");
        if (!cell || text === null) return;
        cell.textContent = text;
        if (part.untranslated[i]) cell.setAttribute("data-partial", "1");
      });
      if (note) note.textContent = banner.dataset.done.replace("{engine}", part.engine).replace("{version}", part.version);
    } else if (part.state === "failed" && note) {
      note.textContent = banner.dataset.failed.replace("{reason}", part.notice);
    }
    if (note) note.setAttribute("data-state", part.state);
  }
  function ask() {
    tries += 1;
    fetch(banner.dataset.url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (answer) {
        Object.keys(answer.parts).forEach(function (name) { fill(name, answer.parts[name]); });
        banner.dataset.pending = answer.pending ? "1" : "0";
        if (answer.pending && tries < MAX_TRIES) setTimeout(ask, PAUSE_MS);
      })
      .catch(function () { if (tries < MAX_TRIES) setTimeout(ask, PAUSE_MS * 2); });
  }
  setTimeout(ask, PAUSE_MS);
})();
