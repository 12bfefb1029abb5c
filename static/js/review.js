/* 审核: the 全选 box in each table's header ticks every item of that table (each plan has its own tables), the number ticked is shown beside the
   buttons, and approving or returning several items at once asks first, naming how many. Without JavaScript the
   全选 boxes stay hidden and the server asks on a confirmation page instead; the dialog's yes sends confirmed=1 so
   the server does not ask again. Kept out of the template: the Content-Security-Policy allows no inline script. */
(function () {
  "use strict";
  var form = document.getElementById("review-form");
  if (!form) { return; }
  var confirmFrom = parseInt(form.dataset.confirmFrom || "2", 10);
  var counter = form.querySelector("[data-selected-count]");
  var selectAll = form.querySelectorAll("[data-select-all]");

  function items(all) {
    // The items of the 全选 box's own table: with several plans each plan has its tables.
    var scope = all.closest("table") || form;
    return scope.querySelectorAll('input[type="checkbox"][name="' + all.dataset.selectAll + '"]');
  }

  function tickedCount() {
    return form.querySelectorAll(
      'input[type="checkbox"][name="figure"]:checked, input[type="checkbox"][name="task_report"]:checked'
    ).length;
  }

  function say(template, n) {
    return (template || "").replace("%(n)s", String(n));
  }

  function refresh() {
    Array.prototype.forEach.call(selectAll, function (all) {
      var boxes = items(all);
      var ticked = Array.prototype.filter.call(boxes, function (box) { return box.checked; }).length;
      all.checked = boxes.length > 0 && ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
    });
    var n = tickedCount();
    if (counter) {
      counter.textContent = say(form.dataset.selected, n);
      counter.hidden = n === 0;
    }
  }

  Array.prototype.forEach.call(selectAll, function (all) {
    var boxes = items(all);
    var label = all.closest("label");
    if (label && boxes.length) { label.hidden = false; }
    all.addEventListener("change", function () {
      Array.prototype.forEach.call(boxes, function (box) { box.checked = all.checked; });
      refresh();
    });
  });

  form.addEventListener("change", function (event) {
    if (!event.target.hasAttribute("data-select-all")) { refresh(); }
  });

  form.addEventListener("submit", function (event) {
    var action = event.submitter ? event.submitter.value : "";
    var n = tickedCount();
    if ((action !== "approve" && action !== "return") || n < confirmFrom) { return; }
    var question = action === "approve" ? form.dataset.confirmApprove : form.dataset.confirmReturn;
    if (!window.confirm(say(question, n))) {
      event.preventDefault();
      return;
    }
    var confirmed = form.querySelector('input[name="confirmed"]');
    if (!confirmed) {
      confirmed = document.createElement("input");
      confirmed.type = "hidden";
      confirmed.name = "confirmed";
      form.appendChild(confirmed);
    }
    confirmed.value = "1";
  });

  refresh();
})();
