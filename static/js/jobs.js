// A job page polls its status partial. When the session has ended, the poll is redirected to the
// log-in page: reload the whole page instead of swapping the log-in form into the status box.
document.addEventListener("htmx:beforeSwap", function (event) {
  var xhr = event.detail.xhr;
  if (xhr && xhr.responseURL && new URL(xhr.responseURL).pathname.indexOf("/accounts/login/") === 0) {
    event.detail.shouldSwap = false;
    window.location.reload();
  }
});
