// The site's pages (templates/base.html): a file, not inline handlers, under the CSP.
// Choosing a language sends the form at once.
document.addEventListener("DOMContentLoaded", () => {
  for (const select of document.querySelectorAll('select[name="language"]')) {
    select.addEventListener("change", () => select.form.submit());
  }
});
