// Small progressive enhancements; every page works without JavaScript.
(function () {
  "use strict";

  // Queue filters apply as soon as a menu changes.
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.querySelectorAll("select, input[type=checkbox]").forEach(function (el) {
      el.addEventListener("change", function () { form.submit(); });
    });
  });

  // Raw payload is fetched only when the officer opens it.
  document.querySelectorAll("details[data-raw-url]").forEach(function (details) {
    details.addEventListener("toggle", function () {
      if (!details.open || details.dataset.loaded) return;
      var pre = details.querySelector(".raw-body");
      fetch(details.dataset.rawUrl, { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
        .then(function (text) { pre.textContent = text; details.dataset.loaded = "1"; })
        .catch(function () { pre.textContent = "Payload mentah tidak dapat dimuat."; });
    });
  });

  // The PIC menu only lists PICs of the chosen SKPD.
  document.querySelectorAll("select[data-pic-filter]").forEach(function (skpd) {
    var pic = document.getElementById(skpd.dataset.picFilter);
    if (!pic) return;
    function sync() {
      Array.prototype.forEach.call(pic.options, function (opt) {
        if (!opt.dataset.skpd) return;
        var show = opt.dataset.skpd === skpd.value;
        opt.hidden = !show;
        if (!show && opt.selected) pic.value = "";
      });
    }
    skpd.addEventListener("change", sync);
    sync();
  });

  // Ask before destructive admin actions.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      if (!window.confirm(form.dataset.confirm)) ev.preventDefault();
    });
  });
})();
