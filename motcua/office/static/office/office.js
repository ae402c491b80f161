// The officers' pages (templates/office/base.html): GOV.UK Frontend's components started
// from a file, not an inline script, under the CSP. A browser that runs this module is one
// GOV.UK Frontend supports, so the module marks the body as such (what GOV.UK's own pages
// do with an inline script) and starts every component (the error summary takes the focus).
import { initAll } from "../vendor/govuk-frontend/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// A transition's form is sent once: after the first submit its buttons are disabled (after
// the browser has read the pressed button's value). A nicety only: the server refuses a
// second post of the same version anyway (office/processing.py, lock_version).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.classList.contains("office-once")) {
    return;
  }
  if (form.dataset.sent === "1") {
    event.preventDefault();
    return;
  }
  form.dataset.sent = "1";
  window.setTimeout(() => {
    for (const button of form.querySelectorAll("button[type=submit]")) {
      button.disabled = true;
      button.setAttribute("aria-disabled", "true");
    }
  }, 0);
});
