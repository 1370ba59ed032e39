// Behaviour every page shares, without inline handlers (the Content-Security-Policy allows
// only the portal's own script files).
(function () {
  document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
