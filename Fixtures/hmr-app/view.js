// How the state looks. main.js accepts updates of this file and draws again with the new
// version: edit the text below and the count stays.
import { state } from './store.js';

export function render(root) {
  root.querySelector('#count').textContent = `Clicked ${state.count} times`;
}
