/* The quarterly sheet, as a person types into it. Four helpers, each on its own:
   1. what is typed is kept in this browser until the server has saved it, so a reload, an expired session or a
      logout loses nothing (only rows whose version is unchanged are restored);
   2. a rate typed as numerator and denominator shows its percentage as they are typed ("= 94.12%");
   3. a text with a limit (textarea[data-limit]) shows how much is typed of it, and in red how much is too much:
      nothing is cut, the server refuses more and names the field;
   4. a figure with more decimals than its indicator takes (input[data-places]), or in exponent notation, is
      flagged beside it while typed; the server refuses it too.
   The words come from the form's data-* attributes, translated by the server. */
(function () {
  "use strict";
  var form = document.getElementById("sheet-form");
  if (!form) { return; }
  var words = form.dataset;

  function say(text, values) {
    return (text || "").replace(/%\((\w+)\)s/g, function (all, name) { return values[name]; });
  }

  // A number as the server reads it (reports/workflow/parsing.py): full-width digits, thousands separators and a
  // trailing % allowed. Returns {digits, places} of a plain number, {exponent: true}, or null for anything else.
  var FULL = "０１２３４５６７８９．－＋ｅＥ", HALF = "0123456789.-+eE";
  function read(text) {
    var cleaned = "";
    for (var i = 0; i < text.length; i += 1) {
      var at = FULL.indexOf(text[i]);
      cleaned += at >= 0 ? HALF[at] : text[i];
    }
    cleaned = cleaned.trim().replace(/[,，]/g, "").replace(/%$/, "");
    if (!cleaned) { return null; }
    if (/^[+-]?(\d+(\.\d*)?|\.\d+)[eE][+-]?\d+$/.test(cleaned)) { return { exponent: true }; }
    var parts = /^\+?(\d*)(?:\.(\d*))?$/.exec(cleaned);
    if (!parts || !(parts[1] || parts[2])) { return null; }
    var decimals = (parts[2] || "").replace(/0+$/, "");
    return { whole: parts[1] || "0", decimals: decimals, places: decimals.length };
  }

  // 1. Kept in the browser until saved.
  function keep() {
    if (!window.localStorage) { return; }
    var key = form.dataset.storageKey;
    var banner = document.getElementById("restore-banner");

    function fields() {
      return Array.prototype.filter.call(form.elements, function (el) {
        return el.name && el.name.indexOf("-") > 0 && el.type !== "hidden" && el.type !== "submit" && el.type !== "file";
      });
    }
    function versionOf(name) {
      var input = form.elements[name.split("-")[0] + "-version"];
      return input ? input.value : "";
    }
    function value(el) { return el.type === "checkbox" ? (el.checked ? "1" : "") : el.value; }
    function write(el, text) { if (el.type === "checkbox") { el.checked = text === "1"; } else { el.value = text; } }

    if (form.dataset.saved === "1") { localStorage.removeItem(key); }

    var stored = null;
    try { stored = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { stored = null; }
    if (stored && stored.values) {
      var restored = 0;
      fields().forEach(function (el) {
        var entry = stored.values[el.name];
        if (entry && entry.version === versionOf(el.name) && entry.value !== value(el)) {
          write(el, entry.value);
          el.classList.add("restored");
          restored += 1;
        }
      });
      if (restored && banner) { banner.hidden = false; }
    }

    function save() {
      var values = {};
      fields().forEach(function (el) { values[el.name] = { value: value(el), version: versionOf(el.name) }; });
      localStorage.setItem(key, JSON.stringify({ savedAt: Date.now(), values: values }));
    }
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    if (banner) {
      document.getElementById("restore-discard").addEventListener("click", function () {
        localStorage.removeItem(key);
        window.location.reload();
      });
    }
  }

  // 2. The rate of a numerator and a denominator, to two decimals rounded half to even as the server stores it
  // (reports/workflow/validation.py ratio_value), worked out exactly on whole numbers.
  function scaled(number, places) {
    var decimals = number.decimals;
    while (decimals.length < places) { decimals += "0"; }
    return BigInt(number.whole + decimals);
  }
  function percent(numerator, denominator) {
    var places = Math.max(numerator.places, denominator.places);
    var n = scaled(numerator, places), d = scaled(denominator, places);
    if (d === 0n) { return null; }
    var q = (n * 10000n) / d, r = (n * 10000n) % d;
    if (2n * r > d || (2n * r === d && q % 2n === 1n)) { q += 1n; }
    var text = q.toString();
    while (text.length < 3) { text = "0" + text; }
    var whole = text.slice(0, -2), cents = text.slice(-2).replace(/0+$/, "");
    return cents ? whole + "." + cents : whole;
  }
  function rates() {
    Array.prototype.forEach.call(form.querySelectorAll("output[data-numerator]"), function (out) {
      var numerator = document.getElementById(out.dataset.numerator);
      var denominator = document.getElementById(out.dataset.denominator);
      if (!numerator || !denominator) { return; }
      function update() {
        var n = read(numerator.value), d = read(denominator.value);
        var ok = n && d && !n.exponent && !d.exponent;
        var value = ok ? percent(n, d) : null;
        out.textContent = value === null ? "" : "= " + value + "%";
      }
      numerator.addEventListener("input", update);
      denominator.addEventListener("input", update);
      update();
    });
  }

  // 3. How much of a text's limit is used.
  function counts() {
    Array.prototype.forEach.call(form.querySelectorAll("textarea[data-limit]"), function (area) {
      var limit = parseInt(area.dataset.limit, 10);
      var counter = document.createElement("span");
      counter.id = (area.id || area.name) + "-count";
      counter.className = "small muted counter";
      counter.setAttribute("aria-hidden", "true");  // read as the textarea's description, not as its name
      counter.dataset.testid = "count";
      area.insertAdjacentElement("afterend", counter);
      area.setAttribute("aria-describedby", counter.id);
      function update() {
        var typed = Array.from(area.value.trim()).length;  // as the server counts: characters, not UTF-16 units
        var over = typed > limit;
        counter.textContent = say(over ? words.overText : words.countText,
          { n: typed, limit: limit, over: typed - limit });
        counter.classList.toggle("error", over);
        counter.classList.toggle("muted", !over);
        if (over) { area.setAttribute("aria-invalid", "true"); } else { area.removeAttribute("aria-invalid"); }
      }
      area.addEventListener("input", update);
      update();
    });
  }

  // 4. Decimals and exponent notation, flagged while typed.
  function places() {
    Array.prototype.forEach.call(form.querySelectorAll("input[data-places]"), function (input) {
      var hint = input.parentNode.querySelector(".places");
      if (!hint) { return; }
      var allowed = parseInt(input.dataset.places, 10), plain = hint.textContent;
      function update() {
        var number = read(input.value), problem = "";
        if (number && number.exponent) {
          problem = words.exponentText;
        } else if (number && number.places > allowed) {
          problem = allowed === 0 ? words.integerText : say(words.placesText, { places: allowed });
        }
        hint.textContent = problem || plain;
        hint.classList.toggle("error", Boolean(problem));
        hint.classList.toggle("muted", !problem);
      }
      input.addEventListener("input", update);
      update();
    });
  }

  keep();
  rates();
  counts();
  places();
})();
