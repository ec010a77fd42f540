// Where a page has an error summary or a confirmation banner, focus moves to it as the page
// opens (as GOV.UK Frontend does), so a screen reader reads it first and the view shows it.
// A fragment in the address that names something on the page decides instead. Every page works
// the same without this script.
document.addEventListener('DOMContentLoaded', function () {
  var id = decodeURIComponent(window.location.hash.slice(1));
  if (id && document.getElementById(id)) return;
  var target = document.querySelector('.sw-error-summary') ||
    document.querySelector('.sw-notification-banner[role="alert"]');
  if (!target) return;
  if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
  target.focus();
});
