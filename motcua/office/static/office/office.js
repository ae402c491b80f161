// The officers' pages (templates/office/base.html): GOV.UK Frontend's components started
// from a file, not an inline script, under the CSP.
import { initAll, isSupported } from "../vendor/govuk-frontend/govuk-frontend.min.js";

if (isSupported()) {
  document.body.classList.add("govuk-frontend-supported");
  initAll();
}
