/* Ledger import: upload progress for large files, then "正在分析…" while the server checks them.
 *
 * Without this script the forms post normally and everything still works; with it the upload
 * goes through XMLHttpRequest so the page can show how much has been sent. The server answers
 * such an upload with {"redirect": url} (the preview page), or with the form page again when
 * the form has errors, whose <main> then replaces ours.
 */
(function () {
  "use strict";

  function busy(form) {
    var button = form.querySelector("button[type=submit][data-busy-text]");
    if (button) {
      button.disabled = true;
      button.textContent = button.getAttribute("data-busy-text");
    }
  }

  function idle(form, text) {
    var button = form.querySelector("button[type=submit][data-busy-text]");
    if (button) {
      button.disabled = false;
      if (text) button.textContent = text;
    }
  }

  function percent(loaded, total) {
    return total ? Math.round((loaded / total) * 100) : 0;
  }

  function bindUpload(form) {
    var box = document.getElementById("import-progress");
    if (!box || !window.FormData || !window.XMLHttpRequest) return;
    var bar = box.querySelector("progress");
    var text = box.querySelector("[data-progress-text]");
    var button = form.querySelector("button[type=submit]");
    var label = button ? button.textContent : "";
    // the words come from the template, translated like the rest of the page
    var words = {
      uploading: box.getAttribute("data-uploading"),
      analysing: box.getAttribute("data-analysing"),
      failed: box.getAttribute("data-failed"),
      offline: box.getAttribute("data-offline")
    };

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.getAttribute("action") || window.location.href);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      box.hidden = false;
      bar.value = 0;
      text.textContent = words.uploading;
      busy(form);

      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) return;
        var p = percent(e.loaded, e.total);
        bar.value = p;
        text.textContent = words.uploading + " " + p + "%";
      });
      xhr.upload.addEventListener("load", function () {
        bar.removeAttribute("value"); // an indeterminate bar while the server reads the file
        text.textContent = words.analysing;
      });
      xhr.addEventListener("load", function () {
        var type = xhr.getResponseHeader("Content-Type") || "";
        if (xhr.status === 200 && type.indexOf("application/json") === 0) {
          window.location.assign(JSON.parse(xhr.responseText).redirect);
          return;
        }
        if (type.indexOf("text/html") === 0 && xhr.status < 500) {
          // the form with its errors (or the sign-in page): show it in place of ours
          var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
          var main = doc.querySelector("main");
          if (main) {
            document.querySelector("main").replaceWith(main);
            var again = document.querySelector("form[data-import-upload]");
            if (again) bindUpload(again);
            bindBusyForms();
            return;
          }
        }
        failed(words.failed.replace("%(status)s", xhr.status));
      });
      xhr.addEventListener("error", function () {
        failed(words.offline);
      });
      xhr.send(new FormData(form));

      function failed(message) {
        box.hidden = false;
        bar.value = 0;
        text.textContent = message;
        idle(form, label);
      }
    });
  }

  function bindBusyForms() {
    // confirming an import may take a while: one click, and say what is happening
    var forms = document.querySelectorAll("form[data-busy-form]");
    Array.prototype.forEach.call(forms, function (form) {
      form.addEventListener("submit", function () {
        busy(form);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var upload = document.querySelector("form[data-import-upload]");
    if (upload) bindUpload(upload);
    bindBusyForms();
  });
})();
