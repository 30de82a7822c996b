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
  // Forms that need a confirmation: <form data-confirm="Question?">. Without script the
  // server answers a confirm page; with it, the browser's dialog is that step, and the form
  // carries the confirmation the server asks for.
  var form = event.target;
  var question = form.getAttribute && form.getAttribute("data-confirm");
  if (!question) { return; }
  if (!window.confirm(question)) {
    event.preventDefault();
    return;
  }
  if (!form.querySelector("input[name=confirm]")) {
    var field = document.createElement("input");
    field.type = "hidden";
    field.name = "confirm";
    field.value = "yes";
    form.appendChild(field);
  }
});

document.addEventListener("submit", function (event) {
  // Size limits: <textarea data-max-bytes="N" aria-describedby="MESSAGE_ID">. A button marked
  // data-dry-run reads the sample: a sample that is too large is stopped here with a message.
  // Other buttons of the form do not read it, so they leave a sample that is too large out.
  var form = event.target;
  if (!form.querySelectorAll || event.defaultPrevented) { return; }
  var fields = form.querySelectorAll("textarea[data-max-bytes]");
  for (var i = 0; i < fields.length; i++) {
    var field = fields[i];
    var max = parseInt(field.getAttribute("data-max-bytes"), 10);
    var size = new Blob([field.value]).size;
    var message = document.getElementById(field.getAttribute("aria-describedby"));
    field.disabled = false;
    if (message) { message.hidden = true; }
    if (size <= max) { continue; }
    var submitter = event.submitter;
    if (submitter && submitter.hasAttribute("data-dry-run")) {
      event.preventDefault();
      if (message) {
        message.textContent = "This sample is " + Math.ceil(size / 1024) + " KiB; a lead body may be at most " +
          Math.floor(max / 1024) + " KiB (larger ones are refused with 413). Shorten it to run the dry run.";
        message.hidden = false;
      }
      field.focus();
    } else {
      field.disabled = true;
    }
  }
});

window.addEventListener("pageshow", function () {
  // A page restored by the Back button keeps the sample that a save left out.
  var fields = document.querySelectorAll("textarea[data-max-bytes]");
  for (var i = 0; i < fields.length; i++) { fields[i].disabled = false; }
});
