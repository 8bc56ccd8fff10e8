// Built by build.sh (copied from src/ to dist/).
document.getElementById('status').textContent =
  'Built page loaded at ' + new Date().toLocaleTimeString() + '.';
