/* The trainer page's behaviour: step-by-step mode, language switch, and the "try it" panel.
 *
 * Safety: every piece of text comes from the embedded JSON and is put into the page with
 * textContent, never as markup, so a procedure or matter title cannot inject anything.
 *
 * Arithmetic: thresholds are checked exactly as deliberation.thresholds.Threshold does, on
 * integers (BigInt): count*den >= num*total for "以上" (>=), count*den > num*total for "超过" (>).
 */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("trainer-data").textContent);
  var state = { lang: DATA.defaultLang, step: 0, values: {} };

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    }
    if (text !== undefined && text !== null) {
      // An id written as code (`like-this`) becomes a <code> element: every part is still
      // set as textContent, never parsed as markup.
      var parts = String(text).split("`");
      if (parts.length % 2 === 0) parts = [String(text)];  // an unpaired backtick: plain text
      parts.forEach(function (part, i) {
        if (i % 2 === 1) {
          var c = document.createElement("code");
          c.textContent = part;
          node.appendChild(c);
        } else if (part) {
          node.appendChild(document.createTextNode(part));
        }
      });
    }
    return node;
  }
  function T() { return DATA.text[state.lang]; }
  function ui(key) { return T().ui[key]; }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, k) {
      return Object.prototype.hasOwnProperty.call(values, k) ? String(values[k]) : m;
    });
  }

  // -- exact threshold arithmetic (mirrors Threshold.holds and Threshold.needed) -------------
  function holds(t, count, total) {
    var lhs = BigInt(count) * BigInt(t.den);
    var rhs = BigInt(t.num) * BigInt(total);
    return t.compare === ">=" ? lhs >= rhs : lhs > rhs;
  }
  function needed(t, total) {
    var product = BigInt(t.num) * BigInt(total);
    var den = BigInt(t.den);
    var floor = product / den; // BigInt division truncates; operands are never negative
    if (t.compare === ">=") return product % den === 0n ? floor : floor + 1n;
    return floor + 1n;
  }
  function fact(values, name) {
    if (name === "votes_cast") return values.yes + values.no + values.abstain;
    return values[name];
  }
  // One rule: the first alternative that holds, else the first (as rules.check_quorum picks).
  function checkRule(rule, values) {
    var results = rule.thresholds.map(function (t) {
      var count = fact(values, t.count), total = fact(values, t.total);
      return { t: t, count: count, total: total, ok: holds(t, count, total) };
    });
    var best = results.filter(function (r) { return r.ok; })[0] || results[0];
    return { ok: best.ok, count: best.count, total: best.total, needed: needed(best.t, best.total) };
  }
  window.__trainerCheck = function (stepIndex, values) {
    // For tests: the outcome of each numeric rule of a step on given numbers.
    var calc = DATA.calc[stepIndex];
    var full = {};
    calc.fields.concat(["yes", "no", "abstain"]).forEach(function (f) { full[f] = 0; });
    Object.keys(values).forEach(function (k) { full[k] = values[k]; });
    Object.keys(calc.alias).forEach(function (k) { full[k] = full[calc.alias[k]]; });
    var out = {};
    calc.rules.forEach(function (r) {
      var res = checkRule(r, full);
      out[r.number] = { ok: res.ok, needed: Number(res.needed) };
    });
    return out;
  };

  // -- rendering -----------------------------------------------------------------------------
  function setLang(lang) {
    if (!DATA.text[lang]) return;
    state.lang = lang;
    document.body.setAttribute("data-lang", lang);
    document.documentElement.setAttribute("lang", lang);
    document.title = T().title;
    Array.prototype.forEach.call(document.querySelectorAll(".langs button"), function (b) {
      b.setAttribute("aria-pressed", b.getAttribute("data-lang") === lang ? "true" : "false");
    });
    render();
  }

  function highlight(stageId) {
    Array.prototype.forEach.call(document.querySelectorAll("svg g.step"), function (g) {
      if (g.getAttribute("data-stage") === stageId) g.classList.add("current");
      else g.classList.remove("current");
    });
  }

  function list(items, cls) {
    var ul = el("ul", cls ? { "class": cls } : null);
    items.forEach(function (x) { ul.appendChild(el("li", null, x)); });
    return ul;
  }

  function renderStep() {
    var s = T().steps[state.step];
    var calc = DATA.calc[state.step];
    var card = document.getElementById("step-card");
    card.textContent = "";
    card.setAttribute("data-stage", calc.id);
    card.appendChild(el("div", { "class": "progress", id: "progress" },
      fill(ui("step"), { n: state.step + 1, total: DATA.calc.length })));
    card.appendChild(el("h3", { id: "step-title" }, s.number + ". " + s.name));
    if (s.description) card.appendChild(el("p", null, s.description));
    var dl = el("dl", { "class": "facts" });
    function row(label, node) { dl.appendChild(el("dt", null, label)); var dd = el("dd"); dd.appendChild(node); dl.appendChild(dd); }
    row(ui("actor"), el("span", { "class": "actor" }, s.actor));
    row(ui("action"), el("span", null, s.action + (s.extra ? " · " + s.extra : "")));
    var rules = el("ul", { "class": "rules" });
    s.rules.forEach(function (r) {
      var li = el("li", { "data-rule": r.number });
      li.appendChild(el("span", { "class": "rule-no" }, r.number));
      li.appendChild(el("span", null, r.detail));
      r.basis.forEach(function (b) { li.appendChild(el("span", { "class": "basis" }, b)); });
      r.settings.forEach(function (b) { li.appendChild(el("span", { "class": "setting" }, b)); });
      rules.appendChild(li);
    });
    row(ui("rules"), rules);
    row(ui("records"), list(s.records));
    row(ui("basis"), list(s.basis));
    row(ui("routes"), list(s.routes));
    card.appendChild(dl);
    document.getElementById("back").disabled = state.step === 0;
    document.getElementById("next").disabled = state.step === DATA.calc.length - 1;
    highlight(calc.id);
  }

  function readValues(calc) {
    var values = { yes: 0, no: 0, abstain: 0 }, bad = false;
    calc.fields.forEach(function (f) {
      var input = document.getElementById("in-" + f);
      var text = input.value.trim();
      var ok = /^\d{1,9}$/.test(text);
      input.setAttribute("aria-invalid", ok ? "false" : "true");
      if (!ok) bad = true;
      values[f] = ok ? parseInt(text, 10) : 0;
    });
    Object.keys(calc.alias).forEach(function (k) { values[k] = values[calc.alias[k]]; });
    return bad ? null : values;
  }

  function update() {
    var calc = DATA.calc[state.step];
    var out = document.getElementById("try-results");
    out.textContent = "";
    if (!calc.rules.length) return;
    calc.fields.forEach(function (f) {
      var input = document.getElementById("in-" + f);
      state.values[f] = input.value;
    });
    var values = readValues(calc);
    var texts = T().steps[state.step].rules;
    var all = true;
    calc.rules.forEach(function (r) {
      var label = texts.filter(function (x) { return x.number === r.number; })[0];
      var box = el("div", { "class": "result", "data-rule": r.number });
      if (values === null) {
        box.setAttribute("data-ok", "");
        box.textContent = r.number + " " + label.summary + ": " + ui("invalid");
        all = false;
      } else {
        var res = checkRule(r, values);
        box.setAttribute("data-ok", res.ok ? "true" : "false");
        box.setAttribute("data-needed", String(res.needed));
        box.textContent = r.number + " " + label.summary + " — " + res.count + "/" + res.total +
          ", " + ui("needed") + " " + String(res.needed) + " → " + (res.ok ? ui("holds") : ui("fails"));
        if (!res.ok) all = false;
      }
      out.appendChild(box);
    });
    var overall = el("div", { "class": "result overall", id: "try-overall", "data-ok": values === null ? "" : String(all) },
      ui("outcome") + ": " + (values === null ? ui("invalid") : all ? ui("holds") : ui("fails")));
    out.appendChild(overall);
  }

  function renderTry() {
    var calc = DATA.calc[state.step];
    var box = document.getElementById("try-inputs");
    box.textContent = "";
    document.getElementById("try-help").textContent = calc.rules.length ? ui("try-help") : ui("try-none");
    calc.fields.forEach(function (f) {
      var id = "in-" + f;
      box.appendChild(el("label", { "for": id }, ui(f)));
      var value = state.values[f] !== undefined ? state.values[f] :
        (calc.sample[f] !== undefined ? String(calc.sample[f]) : "0");
      var input = el("input", { id: id, name: f, type: "text", inputmode: "numeric", value: value, "data-field": f });
      input.addEventListener("input", update);
      box.appendChild(input);
    });
    update();
  }

  function render() {
    renderStep();
    renderTry();
  }

  function go(delta) {
    var n = state.step + delta;
    if (n < 0 || n >= DATA.calc.length) return;
    state.step = n;
    state.values = {};
    render();
  }

  document.getElementById("back").addEventListener("click", function () { go(-1); });
  document.getElementById("next").addEventListener("click", function () { go(1); });
  document.getElementById("print").addEventListener("click", function () { window.print(); });
  Array.prototype.forEach.call(document.querySelectorAll(".langs button"), function (b) {
    b.addEventListener("click", function () { setLang(b.getAttribute("data-lang")); });
  });
  document.addEventListener("keydown", function (e) {
    if (e.target && e.target.tagName === "INPUT") return;
    if (e.key === "ArrowRight") go(1);
    if (e.key === "ArrowLeft") go(-1);
  });
  document.body.classList.add("js");
  setLang(state.lang);
})();
