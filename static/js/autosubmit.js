/* A <select data-autosubmit> sends its form as soon as another option is picked (the language switch, the
   quarter picker). Kept out of the templates so the Content-Security-Policy allows no inline handler; without
   JavaScript the form's <noscript> button does the same. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select instanceof HTMLSelectElement && select.hasAttribute("data-autosubmit") && select.form) {
      select.form.submit();
    }
  });
})();
