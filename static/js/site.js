// Behaviour every page shares, without inline handlers (the Content-Security-Policy allows
// only the portal's own script files).
(function () {
  document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // A double tap on a phone posts a form once: the second submit would abort the first
  // request mid-way. The guard lapses after a few seconds (a download leaves the page as it
  // was) and when the page is shown again from the back button.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.method.toLowerCase() !== "post") return;
    if (form.dataset.posting) {
      event.preventDefault();
      return;
    }
    form.dataset.posting = "1";
    setTimeout(function () { delete form.dataset.posting; }, 4000);
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-posting]").forEach(function (form) {
      delete form.dataset.posting;
    });
  });
})();
