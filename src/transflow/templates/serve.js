// transflow serve: edit sentences in place, resolve conflicts, approve, add glossary terms.
// Every change is a POST with the page's CSRF token; the server refuses stale versions.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("tf-data").textContent);
  var csrf = document.getElementById("tf-bar").dataset.csrf;
  var base = "/" + encodeURIComponent(data.slug) + "/";
  var status = document.getElementById("tf-status");
  var knownDraft = data.draft;
  var saving = 0, saves = 0, editing = null, conflict = null;
  var byNumber = {};

  function index(state) {
    byNumber = {};
    state.sentences.forEach(function (s) { byNumber[s.number] = s; });
  }
  index(data);

  function say(text) { status.textContent = text; }
  function el(id) { return document.getElementById(id); }
  function row(n) { return el("s" + n); }
  function en(n) { var r = row(n); return r ? r.querySelector(".en") : null; }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().then(function (j) { return { status: r.status, body: j }; },
                           function () { return { status: r.status, body: {} }; });
    });
  }

  function decorate() {
    document.querySelectorAll(".row[id^='s'] .en").forEach(function (box) {
      var n = Number(box.parentNode.id.slice(1));
      box.classList.add("editable");
      box.tabIndex = 0;
      box.setAttribute("role", "button");
      box.setAttribute("aria-label", "Edit the English of sentence " + n);
      box.dataset.number = String(n);
    });
  }
  decorate();

  document.addEventListener("click", function (e) {
    var box = e.target.closest && e.target.closest(".en.editable");
    if (box && e.target.closest("a")) { e.preventDefault(); }  // a link in the English: edit, don't leave
    if (box && !box.querySelector("textarea")) { open(Number(box.dataset.number)); }
  });
  document.addEventListener("keydown", function (e) {
    var box = e.target;
    if (e.key === "Enter" && box.classList && box.classList.contains("editable")) {
      e.preventDefault();
      open(Number(box.dataset.number));
    }
  });

  function grow(area) { area.style.height = "auto"; area.style.height = (area.scrollHeight + 4) + "px"; }
  window.addEventListener("resize", function () { if (editing) { grow(editing.area); } });

  function open(n, text) {
    var s = byNumber[n], box = en(n);
    if (!s || !box) { return; }
    if (editing) {
      if (editing.n === n) { return; }
      close();
    }
    var area = document.createElement("textarea");
    area.className = "tf-edit";
    area.rows = 1;
    area.value = text === undefined ? s.english : text;
    area.setAttribute("aria-label", "English of sentence " + n);
    editing = { n: n, area: area, html: box.innerHTML, version: s.version };
    box.innerHTML = "";
    box.appendChild(area);
    grow(area);
    area.addEventListener("input", function () { grow(area); });
    area.addEventListener("keydown", onKey);
    area.focus();
    area.setSelectionRange(area.value.length, area.value.length);
  }

  function close() {
    if (!editing) { return null; }
    var n = editing.n, box = en(n);
    if (box) { box.innerHTML = editing.html; }
    editing = null;
    return n;
  }

  function onKey(e) {
    if (e.key === "Escape") {
      e.preventDefault();
      var n = close();
      say("Edit of sentence " + n + " cancelled.");
      if (en(n)) { en(n).focus(); }
    } else if (e.key === "Enter" && !e.shiftKey) {  // Enter and Ctrl+Enter save and move on
      e.preventDefault();
      commit(1);
    } else if (e.key === "Tab") {
      e.preventDefault();
      commit(e.shiftKey ? -1 : 1);
    }
  }

  function neighbour(n, step) {
    for (var m = n + step; byNumber[m]; m += step) {
      var r = row(m);
      if (r && !r.classList.contains("tf-hidden")) { return m; }
    }
    return null;
  }

  function clean(text) { return text.split(/\s+/).filter(Boolean).join(" "); }

  function commit(step) {
    var n = editing.n, text = editing.area.value, version = editing.version;
    var next = neighbour(n, step);
    if (clean(text) === byNumber[n].english) {
      close();
      if (next) { open(next); } else { en(n).focus(); }
      return;
    }
    editing.area.readOnly = true;
    save(n, text, version).then(function (ok) {
      if (ok && next && !editing && !conflict) { open(next); }
    });
  }

  function save(n, text, version) {
    say("Saving sentence " + n + "…");
    saving += 1;
    return post(base + "sentences/" + n, { english: text, version: version }).then(function (r) {
      saving -= 1;
      saves += 1;
      if (r.status === 200) {
        byNumber[n].english = r.body.english;
        byNumber[n].version = r.body.version;
        knownDraft = r.body.draft;
        if (editing && editing.n === n) { editing = null; }
        return refresh().then(function () {
          var r2 = row(n);
          if (r2) { r2.classList.add("tf-saved"); }
          say("Saved sentence " + n + (r.body.file_edits ? " (after taking in an edit of draft.en.md)" : "") + ".");
          return true;
        });
      }
      if (r.status === 409) {
        showConflict(n, text, r.body);
        return false;
      }
      if (editing && editing.n === n) { editing.area.readOnly = false; editing.area.focus(); }
      say("Not saved: " + (r.body.error || ("HTTP " + r.status)));
      return false;
    }, function () {
      saving -= 1;
      if (editing && editing.n === n) { editing.area.readOnly = false; }
      say("Not saved: the server cannot be reached. Your text is still in the box.");
      return false;
    });
  }

  function showConflict(n, mine, theirs) {
    if (editing && editing.n === n) { close(); }
    conflict = { n: n, mine: mine, version: theirs.version };
    byNumber[n].english = theirs.english;
    byNumber[n].version = theirs.version;
    el("tf-conflict-n").textContent = String(n);
    el("tf-theirs").textContent = theirs.english;
    el("tf-yours").textContent = mine;
    say("Sentence " + n + " was changed meanwhile: choose which English to keep.");
    refresh().then(function () { el("tf-conflict").showModal(); });
  }

  el("tf-keep-theirs").addEventListener("click", function () {
    var n = conflict.n;
    conflict = null;
    el("tf-conflict").close();
    say("Kept the English saved meanwhile in sentence " + n + ".");
    if (en(n)) { en(n).focus(); }
  });
  el("tf-use-mine").addEventListener("click", function () {
    var c = conflict;
    conflict = null;
    el("tf-conflict").close();
    save(c.n, c.mine, c.version);
  });
  el("tf-edit-mine").addEventListener("click", function () {
    var c = conflict;
    conflict = null;
    el("tf-conflict").close();
    open(c.n, c.mine);
  });
  el("tf-conflict").addEventListener("cancel", function () { conflict = null; });

  // Fresh rows, summary and state from the server: one template renders both pages.
  function refresh() {
    return Promise.all([
      fetch(base + "review.html", { credentials: "same-origin" }).then(function (r) { return r.text(); }),
      fetch(base + "state.json", { credentials: "same-origin" }).then(function (r) { return r.json(); })
    ]).then(function (got) {
      // Only the markup is wanted: the fresh page's styles and scripts carry another nonce.
      var markup = got[0].replace(/<(style|script)\b[\s\S]*?<\/\1>/g, "");
      var doc = new DOMParser().parseFromString(markup, "text/html");
      doc.querySelectorAll(".row[id^='s']").forEach(function (fresh) {
        var old = el(fresh.id);
        if (old && !(editing && "s" + editing.n === fresh.id)) { old.replaceWith(document.importNode(fresh, true)); }
      });
      // The version an approval names is that of the rows shown: the row being edited is not
      // replaced, so while one is open the page keeps the version it had.
      var seen = shownVersion(), wasEditing = Boolean(editing);
      // The header too: after an approval it must not still say "approve it again".
      [".summary", ".meta", "#attention"].forEach(function (sel) {
        var a = document.querySelector(sel), b = doc.querySelector(sel);
        if (a && b) { a.replaceWith(document.importNode(b, true)); }
      });
      var version = document.querySelector(".meta .version");
      if (wasEditing && version) { version.dataset.version = seen; version.textContent = "version " + seen; }
      data = got[1];
      var versions = {};
      Object.keys(byNumber).forEach(function (k) { versions[k] = byNumber[k].version; });
      index(data);
      // A sentence keeps the version this page last saw: a change made elsewhere must conflict.
      Object.keys(versions).forEach(function (k) { if (byNumber[k]) { byNumber[k].version = versions[k]; } });
      decorate();
      approval();
      filter();
    });
  }

  // ---- draft.en.md changed elsewhere --------------------------------------------------------
  function poll() {
    if (saving) { return; }
    var before = saves;
    fetch(base + "state.json", { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (s) {
      if (saving || saves !== before) { return; }
      if (s.draft !== knownDraft) { el("tf-file-changed").classList.remove("tf-hidden"); }
    }, function () {});
  }
  setInterval(poll, 1500);
  el("tf-reload").addEventListener("click", function () { window.location.reload(); });

  // ---- approving -------------------------------------------------------------------------
  function approval() {
    var blocked = data.blocked;
    el("tf-approve").disabled = Boolean(blocked);
    el("tf-approve").title = blocked ? "Cannot approve: " + blocked : "Approve this article as it stands";
    el("tf-blocked").textContent = blocked ? "Cannot approve: " + blocked + "." : "";
    el("tf-approve-anyway").classList.toggle("tf-hidden", !blocked);
  }
  approval();
  // The article's version as this page shows it (rendered with the rows): an approval names it,
  // and the server refuses (409) where anything changed since, e.g. another editor's save.
  function shownVersion() {
    var v = document.querySelector(".meta .version");
    return v ? v.dataset.version : "";
  }
  function approve(force) {
    say("Approving…");
    post(base + "approve", { force: force, version: shownVersion() }).then(function (r) {
      if (r.status === 200) {
        say(r.body.forced ? "Approved anyway." : "Approved.");
        refresh();
      } else if (r.status === 409 && /changed since version/.test(r.body.error || "")) {
        say("Not approved: the article changed since this page showed it. Reload to see what changed, then approve again.");
        el("tf-file-changed").classList.remove("tf-hidden");
      } else {
        say("Not approved: " + (r.body.error || ("HTTP " + r.status)));
      }
    });
  }
  // What an approval passes over, as `transflow approve` lists it: read before saying yes.
  function approvalList() {
    var lines = (data.blockers || []).map(function (b) { return "Must fix: " + b; });
    var warnings = data.warnings || [];
    lines = lines.concat(warnings.slice(0, 20).map(function (w) { return "• " + w; }));
    if (warnings.length > 20) { lines.push("… and " + (warnings.length - 20) + " more warnings on this page"); }
    return lines.join("\n");
  }
  el("tf-approve").addEventListener("click", function () {
    var list = approvalList();
    if (!list || window.confirm("Approve with these warnings open?\n\n" + list)) { approve(false); }
  });
  el("tf-approve-anyway").addEventListener("click", function () {
    if (window.confirm("Approve anyway?\n\n" + approvalList())) { approve(true); }
  });

  // ---- filters ---------------------------------------------------------------------------
  function filter() {
    var on = Array.prototype.filter.call(document.querySelectorAll(".tf-filter"), function (c) { return c.checked; })
      .map(function (c) { return c.value; });
    document.querySelectorAll(".row[id^='s']").forEach(function (r) {
      var s = byNumber[Number(r.id.slice(1))] || {};
      var show = !on.length || on.some(function (f) {
        return f === "warnings" ? s.warnings > 0 : f === "missing" ? s.missing > 0 : f === "edited" ? s.edited : s.changed;
      });
      r.classList.toggle("tf-hidden", !show);
    });
    document.querySelectorAll("section.paragraph").forEach(function (p) {
      p.classList.toggle("tf-hidden", !p.querySelector(".row:not(.tf-hidden)"));
    });
  }
  document.querySelectorAll(".tf-filter").forEach(function (c) { c.addEventListener("change", filter); });

  // ---- add to glossary from a German selection ---------------------------------------------
  var chosen = "";
  document.addEventListener("selectionchange", function () {
    var sel = window.getSelection();
    var text = sel ? clean(sel.toString()) : "";
    var node = sel && sel.anchorNode ? (sel.anchorNode.nodeType === 1 ? sel.anchorNode : sel.anchorNode.parentNode) : null;
    var inGerman = node && node.closest && node.closest(".de");
    if (text && inGerman && text.length <= 80) {
      chosen = text;
      el("tf-add-term").textContent = "Add “" + text + "” to glossary";
      el("tf-add-term").classList.remove("tf-hidden");
    } else if (!document.activeElement || document.activeElement.id !== "tf-add-term") {
      el("tf-add-term").classList.add("tf-hidden");
    }
  });
  el("tf-add-term").addEventListener("click", function () {
    el("tf-g-de").value = chosen;
    el("tf-g-en").value = "";
    el("tf-g-note").value = "";
    el("tf-glossary").showModal();
    el("tf-g-en").focus();
  });
  el("tf-g-cancel").addEventListener("click", function () { el("tf-glossary").close(); });
  el("tf-glossary-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var term = { de: el("tf-g-de").value, en: el("tf-g-en").value, note: el("tf-g-note").value };
    post("/glossary", term).then(function (r) {
      if (r.status === 200) {
        el("tf-glossary").close();
        el("tf-add-term").classList.add("tf-hidden");
        say("Added “" + r.body.added + "” to glossary.yml: run transflow translate to use it in the drafts.");
      } else {
        say("Not added: " + (r.body.error || ("HTTP " + r.status)));
      }
    });
  });
}());
