/* Keeps what a person types on the quarterly sheet in this browser until the server has saved it, so a
   reload, an expired session or a logout loses nothing. Restores only rows whose version is unchanged. */
(function () {
  "use strict";
  var form = document.getElementById("sheet-form");
  if (!form || !window.localStorage) { return; }
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
  function read(el) { return el.type === "checkbox" ? (el.checked ? "1" : "") : el.value; }
  function write(el, value) { if (el.type === "checkbox") { el.checked = value === "1"; } else { el.value = value; } }

  if (form.dataset.saved === "1") { localStorage.removeItem(key); }

  var stored = null;
  try { stored = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { stored = null; }
  if (stored && stored.values) {
    var restored = 0;
    fields().forEach(function (el) {
      var entry = stored.values[el.name];
      if (entry && entry.version === versionOf(el.name) && entry.value !== read(el)) {
        write(el, entry.value);
        el.classList.add("restored");
        restored += 1;
      }
    });
    if (restored && banner) { banner.hidden = false; }
  }

  function save() {
    var values = {};
    fields().forEach(function (el) { values[el.name] = { value: read(el), version: versionOf(el.name) }; });
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
})();
