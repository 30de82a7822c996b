// leadrelay's only script (the Content-Security-Policy forbids inline script).
// Progressive enhancement: every page works without it.
"use strict";

document.addEventListener("click", function (event) {
  // Copy buttons: <button data-copy-target="ID">.
  var copy = event.target.closest("[data-copy-target]");
  if (copy) {
    var source = document.getElementById(copy.getAttribute("data-copy-target"));
    if (source) {
      var text = source.value !== undefined ? source.value : source.textContent;
      var done = function () {
        var label = copy.textContent;
        copy.textContent = "Copied";
        setTimeout(function () { copy.textContent = label; }, 1500);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done);
      } else {
        if (source.select) { source.select(); }
        document.execCommand("copy");
        done();
      }
    }
  }
});

document.addEventListener("submit", function (event) {
  // Forms that need a confirmation: <form data-confirm="Question?">.
  var form = event.target;
  var question = form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
