// The officers' pages (templates/office/base.html): GOV.UK Frontend's components started
// from a file, not an inline script, under the CSP. A browser that runs this module is one
// GOV.UK Frontend supports, so the module marks the body as such (what GOV.UK's own pages
// do with an inline script) and starts every component (the error summary takes the focus).
import { initAll } from "../vendor/govuk-frontend/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
