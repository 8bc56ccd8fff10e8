// Tiny demo script: proves JavaScript runs and shows when the page was (re)loaded.
document.getElementById('status').textContent =
  'JavaScript ran at ' + new Date().toLocaleTimeString() + '.';
